"""Whole-page cache for anonymous visitors, emptied whenever a researcher saves content.

Each cached page's key holds the content generation (rustbelt/publishing/generation.py), so a save
makes every stored page unreachable at once; the generation's start time is the pages' Last-Modified.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from rustbelt.publishing.generation import current_generation, invalidate

# URL names (or whole namespaces) served from the cache to anonymous visitors.
CACHED_URL_NAMES = {"home", "search"}
CACHED_NAMESPACES = {"articles", "parks"}


def is_cacheable_request(request):
    if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
        return False
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return match.url_name in CACHED_URL_NAMES or bool(set(match.namespaces) & CACHED_NAMESPACES)


def page_key(request, generation):
    # The full path includes the query string, so every filter combination is its own page.
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"page:{generation['token']}:{request.method}:{digest}"


class PublicPageCacheMiddleware:
    """Serve anonymous GETs of public pages from the cache, with Last-Modified and 304s."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_cacheable_request(request):
            response = self.get_response(request)
            if request.method not in ("GET", "HEAD", "OPTIONS") and request.user.is_authenticated:
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
            if self.should_store(response):
                cache.set(key, response, settings.PAGE_CACHE_SECONDS)
        if response.status_code == 200 and not response.has_header("Last-Modified"):
            response["Last-Modified"] = http_date(last_modified)
        return response

    @staticmethod
    def should_store(response):
        # Streams (CSV exports) can't be replayed; a response setting cookies is someone's own.
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and settings.PAGE_CACHE_SECONDS > 0
        )
