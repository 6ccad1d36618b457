"""What caches may keep: the Cache-Control, Last-Modified and ETag of every page, and one new content
generation per researcher's write.

Django renders every request; nginx in front (deploy/nginx.conf) is the page cache. It keeps what
Django marks `public` for PUBLIC_PAGE_MAX_AGE seconds, so a save shows through nginx within that
time. Only anonymous visitors' pages that set no cookie, hold no CSRF token and do not follow the
visitor's language are public; anything else is `private` (`no-store` when signed in).

Only public pages are compressed (here, not by nginx, which cannot see what a page holds): a secret
compressed beside visitor input leaks through the compressed size (BREACH).
"""

from django.conf import settings
from django.http import HttpResponse
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag
from django.utils.http import http_date, parse_http_date_safe

from publishing.generation import current_generation, generation_per_request, one_invalidation

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def is_signed_in(request):
    # request.user is set further in (AuthenticationMiddleware), on this same request object.
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


def is_public(request, response):
    """The same answer for every visitor asking for this URL (the cache key): safe in a shared cache."""
    varies_on = {header.strip().lower() for header in response.get("Vary", "").split(",")}
    return (
        response.status_code == 200
        and not response.has_header("Cache-Control")  # a view that decided keeps its own
        and not response.cookies
        # A form's CSRF token is this visitor's (and must never be compressed beside their input: BREACH).
        and not request.META.get("CSRF_COOKIE_USED")
        # A page that follows the visitor's language (the Data page) follows their cookie too, which
        # Django leaves out of Vary. Vary: Cookie (sessions) is kept by nginx, a variant per cookie.
        and "accept-language" not in varies_on
        and not is_signed_in(request)
    )


class CacheHeadersMiddleware:
    """Cache-Control for shared caches, and conditional GET and HEAD (ETag from the body, Last-Modified
    from the content generation).

    It stands outside the session, CSRF and authentication middleware (settings.MIDDLEWARE), so it
    sees the cookies and Vary they add.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.gzip = GZipMiddleware(get_response)

    def __call__(self, request):
        with generation_per_request():
            if request.method not in SAFE_METHODS:
                # An admin save writes the record, its history and its links, each with its own signal:
                # one new generation covers them all.
                with one_invalidation(only_if_saved=True):
                    return self.get_response(request)
            response = self.get_response(request)
            if request.method not in ("GET", "HEAD"):
                return response
            if response.status_code >= 500:
                # Nobody's to keep. Asking who the visitor is would read their session again, and a
                # database that hangs would make the request wait a second connect timeout.
                if not response.has_header("Cache-Control"):
                    patch_cache_control(response, private=True, no_store=True)
                return response
            if is_public(request, response):
                patch_cache_control(response, public=True, max_age=settings.PUBLIC_PAGE_MAX_AGE)
                response["Last-Modified"] = http_date(current_generation().changed_at)
                response = self.gzip.process_response(request, response)
            elif is_signed_in(request):
                # Drafts and the admin are someone's own: neither a shared cache nor the browser keeps them.
                patch_cache_control(response, private=True, no_store=True)
            elif not response.has_header("Cache-Control"):
                patch_cache_control(response, private=True, no_cache=True)
            return conditional(request, response)


def conditional(request, response):
    """Django's ConditionalGetMiddleware for HEAD as well as GET, and HEAD without a body.

    Django answers HEAD by running the GET view; its own middleware then skips the ETag, and the
    WSGI server is handed the body it must not send.
    """
    no_store = "no-store" in response.get("Cache-Control", "")
    if not response.streaming and not response.has_header("ETag") and not no_store:
        set_response_etag(response)
    etag = response.get("ETag")
    last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
    if etag or last_modified:
        response = get_conditional_response(request, etag=etag, last_modified=last_modified, response=response)
    if request.method == "HEAD" and not response.streaming:
        response = without_body(response)
    return response


def without_body(response):
    if not response.content:
        return response
    head = HttpResponse(status=response.status_code, content_type=response.get("Content-Type"))
    for header, value in response.items():
        head[header] = value
    head.cookies = response.cookies
    head["Content-Length"] = str(len(response.content))
    return head
