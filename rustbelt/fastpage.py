"""Cached pages answered in front of Django: the exact bytes and headers the whole stack sent.

The page cache (rustbelt/cache.py) answers before sessions and authentication, but a hit still goes
through Django's request and response objects, URL resolution and the outer middleware (security
headers, gzip), which cost several times what the lookup does. This WSGI layer wraps the application:

* When the page cache middleware answers a GET with a page it stored (or stores the page it just
  rendered), it marks the request (environ[MARK] = the generation's token). This layer then keeps the
  final response, as the client received it: status, headers and body after every middleware, gzip
  included, under a key made of the raw request values a response can depend on, with the
  generation's token beside it.
* A later request identical in all those values (scheme and forwarded scheme, host and forwarded host,
  path, query string, whether it accepts gzip) in the same generation is answered with those bytes,
  without Django. Anything else goes to Django, which decides as before.

So a hit repeats what the full stack answered to the same request in the same content generation; the
guarantees stay those of the page cache: never for a visitor with a session or messages cookie, never
for HEAD or conditional requests (Django answers those, with 304s), and any cache or database error
simply sends the request to Django (Redis failing open). A request with no kept page costs one cache
lookup before Django. One difference: the generation a kept page is checked against is read from the
database at most once per PAGE_CACHE_RECHECK_SECONDS per worker (publishing/generation.RecentToken),
so a save through another worker or server reaches these pages within that second, not at once.
"""

import hashlib
import re

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import DatabaseError

from publishing.generation import recent_token
from publishing.models import ContentGeneration

# Set by PublicPageCacheMiddleware on the WSGI environ (request.META) to the generation's token when
# the page it answers is the one kept for every visitor.
MARK = "rustbelt.cached_page_generation"
# The request values a kept page's response can depend on, besides the generation and gzip.
KEY_VALUES = (
    "wsgi.url_scheme", "HTTP_X_FORWARDED_PROTO", "HTTP_HOST", "HTTP_X_FORWARDED_HOST", "HTTP_X_FORWARDED_PORT",
    "SERVER_NAME", "SERVER_PORT", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING",
)
# As django.middleware.gzip.GZipMiddleware decides whether to compress.
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
# Requests with these headers are Django's to answer (conditional GETs).
CONDITIONAL = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE")


def response_key(environ):
    # Without the generation: an entry holds the token it was kept for, and a request that finds no
    # entry goes to Django without reading the generation (no query, no connection).
    gzip = bool(ACCEPTS_GZIP.search(environ.get("HTTP_ACCEPT_ENCODING", "")))
    request = "\n".join(str(environ.get(name, "")) for name in KEY_VALUES)
    return f"wsgi-page:{int(gzip)}:{hashlib.sha256(request.encode('latin-1', 'replace')).hexdigest()}"


def may_answer(environ):
    """A GET, unconditional, by a visitor without a session or messages cookie (rustbelt/cache.py)."""
    if environ.get("REQUEST_METHOD") != "GET" or settings.PAGE_CACHE_SECONDS <= 0:
        return False
    if any(name in environ for name in CONDITIONAL):
        return False
    cookies = environ.get("HTTP_COOKIE", "")
    # A cookie whose name merely contains one of these sends the visitor to Django: safe either way.
    return settings.SESSION_COOKIE_NAME not in cookies and CookieStorage.cookie_name not in cookies


class CachedPageApplication:
    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        if not may_answer(environ):
            return self.application(environ, start_response)
        kept = self.kept_response(environ)
        if kept is not None:
            status, headers, body = kept
            start_response(status, list(headers))
            return [body]
        return self.answer_and_keep(environ, start_response)

    def kept_response(self, environ):
        kept = cache.get(response_key(environ))
        if kept is None:
            return None
        token, *response = kept
        try:
            current = recent_token.get(lambda: self.read_generation(environ))
        except DatabaseError:
            return None  # Django answers, and reports the database as it always does.
        # Kept for an older generation: content has changed since, Django answers (and keeps anew).
        return response if token == current else None

    def read_generation(self, environ):
        # A kept page never enters Django's request cycle, so a hit that reads the database sends the
        # cycle's signals itself: connections past CONN_MAX_AGE are closed at the start and end.
        request_started.send(sender=self.__class__, environ=environ)
        try:
            return ContentGeneration.objects.current().token
        finally:
            request_finished.send(sender=self.__class__)

    def answer_and_keep(self, environ, start_response):
        answered = {}

        def remember(status, headers, exc_info=None):
            answered["status"], answered["headers"] = status, headers
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        response = self.application(environ, remember)
        token = environ.get(MARK)
        if (
            token is None
            or getattr(response, "streaming", True)
            or not answered.get("status", "").startswith("200")
            or any(name.lower() == "set-cookie" for name, _value in answered["headers"])
        ):
            return response
        body = response.content
        cache.set(
            response_key(environ), (token, answered["status"], tuple(answered["headers"]), body),
            settings.PAGE_CACHE_SECONDS,
        )
        return response
