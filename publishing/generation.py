"""The content generation: one token that changes whenever published content may have changed.

Every cached page's and aggregate's key contains the current generation; saving, deleting or
re-linking any record of the content apps (settings.CONTENT_APPS) starts a new generation, so no
stale entry is ever looked up again (old entries simply expire). The generation's start time is
the pages' Last-Modified.

The generation is one row in the database, not a cache entry: a save made through any worker,
server or command is seen by every other at its next request, every process sends the same
Last-Modified for the same content, and a save never needs the cache server (which may be down).
"""

import time
from contextlib import contextmanager
from contextvars import ContextVar

from django.apps import apps
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import get_language

from publishing.models import ContentGeneration

# The generation of the request being answered, read from the database at most once per request.
request_generation = ContextVar("request_generation", default=None)


class RequestGeneration:
    value = None


# Set while a bulk write (an import) runs: one new generation at its end instead of one per signal.
invalidation_suspended = ContextVar("invalidation_suspended", default=False)


def current_generation():
    per_request = request_generation.get()
    if per_request is None:
        return ContentGeneration.objects.current()
    if per_request.value is None:
        per_request.value = ContentGeneration.objects.current()
    return per_request.value


@contextmanager
def generation_per_request():
    """Within, current_generation() reads the database once (the page cache and each aggregate share it)."""
    token = request_generation.set(RequestGeneration())
    try:
        yield
    finally:
        request_generation.reset(token)


class RecentToken:
    """The generation's token as this process last read it, trusted for a short while.

    For pages kept in front of Django (rustbelt/fastpage.py): under load, reading the generation
    for every hit costs more than the hit itself, so a worker trusts the token it read for
    settings.PAGE_CACHE_RECHECK_SECONDS. A save through this process is seen at once (the token is
    forgotten when it commits); a save through another worker or server within that time (one second
    by default, against nginx's five-second micro-cache in front).
    """

    def __init__(self):
        self.token, self.read_at = None, float("-inf")

    def get(self, read):
        """The token, from `read()` when the one known is older than the recheck interval."""
        if self.token is None or time.monotonic() - self.read_at >= settings.PAGE_CACHE_RECHECK_SECONDS:
            read_at = time.monotonic()
            self.token, self.read_at = read(), read_at
        return self.token

    def forget(self):
        self.token = None


recent_token = RecentToken()


def invalidate(**kwargs):
    # One UPDATE in the saving transaction: the new generation becomes visible to everyone exactly
    # when the content does (and is rolled back with it).
    ContentGeneration.objects.advance()
    per_request = request_generation.get()
    if per_request is not None:
        per_request.value = None  # this request's later reads see the new generation
    # Now, and once committed (a read in between would still see the old token).
    recent_token.forget()
    transaction.on_commit(recent_token.forget)


def invalidate_on_content_change(sender, **kwargs):
    # Migrations' historical models send signals too, possibly before the generation table exists.
    if invalidation_suspended.get() or sender._meta.apps is not apps:
        return
    if sender._meta.app_label in settings.CONTENT_APPS:
        invalidate()


@contextmanager
def one_invalidation(changes_kept=True):
    """Saves inside start a single new generation at the end (none if `changes_kept` is false: a dry run)."""
    token = invalidation_suspended.set(True)
    try:
        yield
    finally:
        invalidation_suspended.reset(token)
    if changes_kept:
        invalidate()


def connect_invalidation():
    # Cache invalidation is what signals are for: any content app's save must reach the cache.
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(invalidate_on_content_change, dispatch_uid=f"rustbelt-cache-{signal}")


def cached_for_generation(name, compute):
    """`compute()`, kept until content changes: for aggregates over the whole catalogue.

    Its key holds the content generation, so a researcher's save makes the next call compute
    afresh, like a cached page.
    """
    if settings.AGGREGATE_CACHE_SECONDS <= 0:
        return compute()
    return cache.get_or_set(generation_key(name), compute, settings.AGGREGATE_CACHE_SECONDS)


def generation_key(name):
    """The cache key of the aggregate `name` in the current content generation and language."""
    # Aggregates hold labels and links in the page's language, so each language has its own copy.
    return f"aggregate:{current_generation().token}:{get_language()}:{name}"


def reset_for_test(test=None):
    """Forget every cached page and aggregate (called before each test)."""
    recent_token.forget()
    for backend in caches.all(initialized_only=True):
        if isinstance(backend, LocMemCache):
            backend.clear()
    # A shared Redis is not flushed (other programs use it): a new generation hides old pages. Each
    # test's transaction rolls it back, so the new token is random rather than the next in a series.
    if test is None or "default" in getattr(test, "databases", ()):
        invalidate()
