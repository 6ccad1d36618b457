"""API errors as RFC 9457 problem details (`application/problem+json`)."""

from http import HTTPStatus

from django.conf import settings
from django.http import JsonResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.views import exception_handler

from publishing.bilingual import requested_language

PROBLEM_CONTENT_TYPE = "application/problem+json"


class InvalidFilters(APIException):
    """Parameters the catalogue's filters did not understand; the messages are the list page's."""

    status_code = status.HTTP_400_BAD_REQUEST
    # The list page's words (templates/parks/park_list.html).
    default_detail = _("Some filters were not understood, so no parks are shown. Correct or remove them.")
    default_code = "invalid_filters"

    def __init__(self, filterset):
        super().__init__()
        self.errors = [
            {"parameter": name, "label": label, "message": message}
            for name, (label, message) in zip(filterset_error_names(filterset), filterset.error_messages)
        ]


def filterset_error_names(filterset):
    # error_messages is flattened in the same order: one name per message.
    return [name for name, messages in filterset.errors.items() for _message in messages]


class BadParameter(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "bad_parameter"


class UnknownLanguage(BadParameter):
    default_detail = _("Unknown language in ?lang=. Use one of: en, zh-hans.")
    default_code = "unknown_language"


def problem(status_code, detail, request=None, **extra):
    body = {
        "type": "about:blank",
        "title": HTTPStatus(status_code).phrase,
        "status": status_code,
        "detail": str(detail),
    }
    if request is not None:
        body["instance"] = request.get_full_path()
    body.update(extra)
    return body


def problem_exception_handler(exc, context):
    """DRF's handler (status, Retry-After, Allow headers), with the body rewritten as a problem."""
    response = exception_handler(exc, context)
    if response is None:
        return None
    extra = {"errors": exc.errors} if isinstance(exc, InvalidFilters) else {}
    detail = exc.detail if isinstance(exc, APIException) else response.data
    if isinstance(detail, (list, dict)):
        extra.setdefault("errors", detail)
        detail = getattr(exc, "default_detail", HTTPStatus(response.status_code).description)
    response.data = problem(response.status_code, detail, context["request"], **extra)
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


def not_found(request, *args, **kwargs):
    """Any /api/ URL that names no endpoint: a problem, not the site's HTML 404 page."""
    # In the language ?lang= names, English otherwise (as the endpoints: views.OpenDataMixin).
    translation.activate(requested_language(request) or settings.LANGUAGE_CODE)
    body = problem(404, _("There is no API endpoint at this address."), request)
    return JsonResponse(body, status=404, content_type=PROBLEM_CONTENT_TYPE)
