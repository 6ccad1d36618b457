from csp.middleware import CSPMiddleware
from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from opendata.problems import PROBLEM_CONTENT_TYPE, problem

# django-import-export and simple-history ship admin templates with inline styles and handlers; we extend
# their templates rather than fork them (a fork drifts on upgrade), so the admin allows inline.
ADMIN_RELAXATION = {"script-src": ["'unsafe-inline'"], "style-src": ["'unsafe-inline'"]}


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """The strict policy from settings on the public site; inline allowed in the admin only."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith(reverse("admin:index")) and parts.update is None:
            parts.update = ADMIN_RELAXATION
        return parts


class CanonicalOriginMiddleware:
    """Absolute URLs from settings.SITE_URL, whatever Host the request carried.

    Django checks ALLOWED_HOSTS without the port, so `Host: parks.example.org:6666` passes and would
    end up in og:url and citations. `build_absolute_uri()` reads the scheme and host from this cached
    attribute, so setting it here covers every absolute URL the site builds.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SITE_URL:
            request._current_scheme_host = settings.SITE_URL
        return self.get_response(request)


class NulParameterMiddleware:
    """A NUL character in a query parameter is a 400, on every page, download, API endpoint and admin list.

    No parameter of this site may hold one, and PostgreSQL refuses one in a query, so a NUL reaching a
    lookup (a slug, an admin list filter) would be a database error, a 500.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in text for key, values in request.GET.lists() for text in [key, *values]):
            detail = _("A parameter of this address holds a NUL character; remove it.")
            if request.path_info.startswith("/api/"):
                return JsonResponse(problem(400, detail, request), status=400, content_type=PROBLEM_CONTENT_TYPE)
            return HttpResponse(detail, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
