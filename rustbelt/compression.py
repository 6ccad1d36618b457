"""Gzip for responses that carry no secret: anonymous pages compress, signed-in ones do not (BREACH)."""

from django.conf import settings
from django.middleware.gzip import GZipMiddleware


class AnonymousGZipMiddleware(GZipMiddleware):
    """Django's GZipMiddleware, skipped when the page could reflect a secret next to visitor input.

    BREACH recovers a secret (CSRF token, session data) from the compressed size of pages that
    also echo something an attacker controls. So a response is left uncompressed when it holds a
    CSRF token, when the request carries a session cookie (a signed-in researcher) or when the
    response sets a cookie.
    """

    def process_response(self, request, response):
        if (
            request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            or settings.SESSION_COOKIE_NAME in request.COOKIES
            or response.cookies
        ):
            return response
        return super().process_response(request, response)
