"""Whole-page cache for anonymous visitors, emptied whenever a researcher saves content, and the
conditional GET/HEAD handling every page gets.

Each cached page's key holds the content generation (rustbelt/publishing/generation.py, kept in the
database), so a save makes every stored page unreachable at once, on every worker and server; the
generation's start time is the pages' Last-Modified.
"""

import functools
import hashlib

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpResponse, QueryDict
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag
from django.utils.http import http_date, parse_http_date_safe

from rustbelt import fastpage
from publishing.generation import current_generation, generation_per_request, invalidate

# URL names (or whole namespaces) served from the cache to anonymous visitors.
CACHED_URL_NAMES = {"home", "search"}
CACHED_NAMESPACES = {"articles", "parks"}


@functools.cache
def known_parameters():
    """Query parameters some cached page reads; any other (utm_*, cache busters) is dropped."""
    from parks.filters import ParkFilter
    from rustbelt.search import SearchForm

    return (
        frozenset(ParkFilter.base_filters) | frozenset(SearchForm.base_fields)
        | frozenset(settings.PAGE_CACHE_EXTRA_PARAMETERS)
    )


def is_cacheable_request(request):
    """A GET or HEAD of a public page by a visitor who is not signed in.

    Decided from the request alone, before any session is loaded: a visitor without a session
    cookie is anonymous. Someone with a session (signed in, or anonymous after signing out) takes
    the ordinary path and is never served from nor stored in the cache.
    """
    if request.method not in ("GET", "HEAD"):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or CookieStorage.cookie_name in request.COOKIES:
        # A session, or messages waiting to be shown: this visitor's page is their own.
        return False
    # LocaleMiddleware has not run yet: resolve the language-prefixed URL in the language it names.
    language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    try:
        with translation.override(language):
            match = resolve(request.path_info)
    except Resolver404:
        return False
    return match.url_name in CACHED_URL_NAMES or bool(set(match.namespaces) & CACHED_NAMESPACES)


def drop_unknown_parameters(request):
    """Keep only the parameters pages read, sorted: the page, and its key, then depend on nothing else."""
    known = QueryDict(mutable=True)
    for name in sorted(set(request.GET) & known_parameters()):
        known.setlist(name, request.GET.getlist(name))
    request.META["QUERY_STRING"] = known.urlencode()  # get_full_path() too (language links, switcher)
    request.GET = QueryDict(request.META["QUERY_STRING"])  # immutable, as Django's own


def page_key(request, generation):
    # Scheme and host too: absolute links on a page (og:url, citations) must never reach another host.
    # HEAD shares GET's entry, so both send the same validators; the language is the path's prefix.
    url = f"{request.scheme}://{request.get_host()}{request.path}?{request.GET.urlencode()}"
    return f"page:{generation.token}:{hashlib.sha256(url.encode()).hexdigest()}"


def is_signed_in(request):
    # request.user is set further in (AuthenticationMiddleware), on this same request object.
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


class PublicPageCacheMiddleware:
    """Serve anonymous GETs and HEADs of public pages from the cache, with Last-Modified and 304s.

    It stands before the session, authentication, CSRF and message middleware (settings.MIDDLEWARE),
    so a cached page costs a cache lookup and nothing else; the page it stores has already been
    through every middleware inside it, so it carries their headers (CSP, ETag, ...).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with generation_per_request():
            return self.answer(request)

    def answer(self, request):
        if not is_cacheable_request(request):
            response = self.get_response(request)
            if is_signed_in(request):
                # Signed-in pages (drafts, admin) are someone's own: no shared cache may keep them.
                patch_cache_control(response, private=True, no_store=True)
                if request.method not in ("GET", "HEAD", "OPTIONS"):
                    # Admin actions, imports and restores may write with update() or bulk_create(),
                    # which send no signals: any signed-in write through the site starts a new generation.
                    invalidate()
            return response
        if settings.PAGE_CACHE_SECONDS <= 0:
            return self.get_response(request)
        drop_unknown_parameters(request)
        return self.cached_response(request, current_generation())

    def cached_response(self, request, generation):
        not_modified = get_conditional_response(request, last_modified=generation.changed_at)
        if not_modified is not None:
            return not_modified
        key = page_key(request, generation)
        response = cache.get(key)
        if response is None:
            response = self.get_response(request)
            if response.status_code == 200 and not response.has_header("Last-Modified"):
                response["Last-Modified"] = http_date(generation.changed_at)
            if self.should_store(request, response):
                cache.set(key, response, settings.PAGE_CACHE_SECONDS)
                request.META[fastpage.MARK] = generation.token
            return response
        if request.method == "GET":
            # The WSGI layer in front (rustbelt/fastpage.py) may keep this answer as the client gets it.
            request.META[fastpage.MARK] = generation.token
        # The stored page's own ETag and Last-Modified answer a revalidation with a 304.
        response = get_conditional_response(
            request, etag=response.get("ETag"), last_modified=generation.changed_at, response=response
        )
        return without_body(response) if request.method == "HEAD" else response

    @staticmethod
    def should_store(request, response):
        # Only a GET's page (a HEAD's has no body); streams (CSV exports) can't be replayed; a response
        # setting cookies is someone's own; one that varies on more than the cookie would need it in the key.
        varies_on = {header.strip().lower() for header in response.get("Vary", "").split(",") if header.strip()}
        return (
            request.method == "GET"
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not is_signed_in(request)
            and varies_on <= {"cookie"}
        )


class ConditionalGetMiddleware:
    """Django's ConditionalGetMiddleware for HEAD as well as GET, and HEAD without a body.

    Django answers HEAD by running the GET view; its own middleware then skips the ETag, and the
    WSGI server is handed the body it must not send.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            return response
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
