"""Whole-page cache for anonymous visitors, and aggregates over the catalogue, emptied whenever a
researcher saves content.

Every cached page's and aggregate's key contains the current content *generation*; saving, deleting
or re-linking any article or catalogue record starts a new generation, so no stale entry is ever
looked up again (old entries simply expire). The generation's start time is the pages' Last-Modified.
"""

import functools
import hashlib
import logging
from contextvars import ContextVar

from django.apps import apps
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse, QueryDict
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag
from django.utils.http import http_date, parse_http_date_safe

from rustbelt.workflow.models import ContentGeneration

logger = logging.getLogger(__name__)

# Apps whose records appear on public pages; their models (and history rows) invalidate.
CONTENT_APPS = {"articles", "parks"}
# URL names (or whole namespaces) served from the cache to anonymous visitors.
CACHED_URL_NAMES = {"home", "search"}
CACHED_NAMESPACES = {"articles", "parks"}
# The generation read once by the page cache, reused by the aggregates of the same request.
request_generation = ContextVar("request_generation", default=None)


def current_generation():
    return request_generation.get() or ContentGeneration.objects.current()


def invalidate(**kwargs):
    # One UPDATE in the saving transaction: the new generation becomes visible to every worker and
    # server exactly when the content does, and no cache server is needed (or can fail) on a save.
    ContentGeneration.objects.advance()


def invalidate_on_content_change(sender, **kwargs):
    # Migrations' historical models send signals too, possibly before the generation table exists.
    if sender._meta.app_label in CONTENT_APPS and sender._meta.apps is apps:
        invalidate()


def connect_invalidation():
    # Cache invalidation is what signals are for: any app's save must reach the cache.
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(invalidate_on_content_change, dispatch_uid=f"rustbelt-cache-{signal}")


def cached_for_generation(name, compute):
    """`compute()`, kept until content changes: for aggregates over the whole catalogue.

    Its key holds the content generation, so a researcher's save makes the next call compute
    afresh, like a cached page.
    """
    if settings.AGGREGATE_CACHE_SECONDS <= 0:
        return compute()
    key = f"aggregate:{current_generation().token}:{name}"
    return cache.get_or_set(key, compute, settings.AGGREGATE_CACHE_SECONDS)


def reset_for_test(test=None):
    """Forget every cached page (called before each test)."""
    for backend in caches.all(initialized_only=True):
        if isinstance(backend, LocMemCache):
            backend.clear()
    # A shared Redis is not flushed (other programs use it): a new generation hides old pages. Each
    # test's transaction rolls it back, so the new token is random rather than the next in a series.
    if test is None or "default" in getattr(test, "databases", ()):
        invalidate()


@functools.cache
def known_parameters():
    """Query parameters some cached page reads; any other (utm_*, cache busters) is dropped."""
    from parks.filters import ParkFilter
    from rustbelt.search import SearchForm

    return frozenset(ParkFilter.base_filters) | frozenset(SearchForm.base_fields) | set(settings.PAGE_CACHE_EXTRA_PARAMETERS)


def is_cacheable_request(request):
    if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
        return False
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return match.url_name in CACHED_URL_NAMES or bool(set(match.namespaces) & CACHED_NAMESPACES)


def drop_unknown_parameters(request):
    """Keep only the parameters pages read, sorted: the page, and its key, then depend on nothing else."""
    known = QueryDict(mutable=True)
    for name in sorted(set(request.GET) & known_parameters()):
        known.setlist(name, request.GET.getlist(name))
    known._mutable = False
    request.GET = known


def page_key(request, generation):
    # Scheme and host too: absolute links on a page (og:url, citations) must never reach another host.
    # HEAD shares GET's entry, so both send the same validators.
    url = f"{request.scheme}://{request.get_host()}{request.path}?{request.GET.urlencode()}"
    return f"page:{generation.token}:{hashlib.sha256(url.encode()).hexdigest()}"


class PublicPageCacheMiddleware:
    """Serve anonymous GETs and HEADs of public pages from the cache, with Last-Modified and 304s."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_cacheable_request(request):
            response = self.get_response(request)
            if request.user.is_authenticated:
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
        generation = ContentGeneration.objects.current()
        token = request_generation.set(generation)
        try:
            return self.cached_response(request, generation)
        finally:
            request_generation.reset(token)

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
            if self.should_store(response):
                cache.set(key, response, settings.PAGE_CACHE_SECONDS)
        return response

    @staticmethod
    def should_store(response):
        # Streams (CSV exports) can't be replayed; a response setting cookies is someone's own.
        return response.status_code == 200 and not response.streaming and not response.cookies


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
        if not response.streaming and not response.has_header("ETag") and "no-store" not in response.get("Cache-Control", ""):
            set_response_etag(response)
        etag = response.get("ETag")
        last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
        if etag or last_modified:
            response = get_conditional_response(request, etag=etag, last_modified=last_modified, response=response)
        if request.method == "HEAD" and not response.streaming:
            response = without_body(response)
        return response


def without_body(response):
    head = HttpResponse(status=response.status_code, content_type=response.get("Content-Type"))
    for header, value in response.items():
        head[header] = value
    head.cookies = response.cookies
    head["Content-Length"] = str(len(response.content))
    return head
