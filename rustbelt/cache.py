"""Whole-page cache for anonymous visitors, emptied whenever a researcher saves content.

Each cached page's key holds the content generation (rustbelt/publishing/generation.py), so a save
makes every stored page unreachable at once; the generation's start time is the pages' Last-Modified.
"""

import hashlib

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response
from django.utils import translation
from django.utils.http import http_date

from rustbelt.publishing.generation import current_generation, invalidate

# URL names (or whole namespaces) served from the cache to anonymous visitors.
CACHED_URL_NAMES = {"home", "search"}
CACHED_NAMESPACES = {"articles", "parks"}


def is_cacheable_request(request):
    """A GET of a public page by a visitor who is not signed in.

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


def page_key(request, generation):
    # The full path includes the query string, so every filter combination is its own page.
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"page:{generation['token']}:{request.method}:{digest}"


def is_signed_in(request):
    # request.user is set further in (AuthenticationMiddleware), on this same request object.
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


class PublicPageCacheMiddleware:
    """Serve anonymous GETs of public pages from the cache, with Last-Modified and 304s.

    It stands before the session, authentication, CSRF and message middleware (settings.MIDDLEWARE),
    so a cached page costs a cache lookup and nothing else; the page it stores has already been
    through every middleware inside it, so it carries their headers (CSP, ETag, ...).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_cacheable_request(request):
            response = self.get_response(request)
            if request.method not in ("GET", "HEAD", "OPTIONS") and is_signed_in(request):
                # Admin actions, imports and restores may write with update() or bulk_create(),
                # which send no signals: any signed-in write through the site starts a new generation.
                invalidate()
            return response
        generation = current_generation()
        last_modified = generation["changed_at"]
        not_modified = get_conditional_response(request, last_modified=last_modified)
        if not_modified is not None:
            return not_modified
        key = page_key(request, generation)
        response = cache.get(key)
        if response is None:
            response = self.get_response(request)
            if response.status_code == 200 and not response.has_header("Last-Modified"):
                response["Last-Modified"] = http_date(last_modified)
            if self.should_store(request, response):
                cache.set(key, response, settings.PAGE_CACHE_SECONDS)
            return response
        # The stored page's own ETag and Last-Modified answer a revalidation with a 304.
        return get_conditional_response(
            request, etag=response.get("ETag"), last_modified=last_modified, response=response
        )

    @staticmethod
    def should_store(request, response):
        # Streams (CSV exports) can't be replayed; a response setting cookies is someone's own; a
        # response that varies on more than the cookie (language, encoding) would need those in the key.
        varies_on = {header.strip().lower() for header in response.get("Vary", "").split(",") if header.strip()}
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not is_signed_in(request)
            and varies_on <= {"cookie"}
            and settings.PAGE_CACHE_SECONDS > 0
        )
