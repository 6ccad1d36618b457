"""The content generation: one token that changes whenever published content may have changed.

Every cached page's and aggregate's key contains the current generation; saving, deleting or
re-linking any record of the content apps (settings.CONTENT_APPS) starts a new generation, so no
stale entry is ever looked up again (old entries simply expire). The generation's start time is
the pages' Last-Modified.
"""

import math
import time
import uuid

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import get_language

GENERATION_KEY = "content-generation"


def current_generation():
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        generation = new_generation()
    return generation


def new_generation(previous=None):
    # Whole seconds, strictly increasing: Last-Modified has one-second resolution, so two saves
    # within a second must still give different dates.
    changed_at = math.ceil(time.time())
    if previous is not None:
        changed_at = max(changed_at, previous["changed_at"] + 1)
    generation = {"token": uuid.uuid4().hex, "changed_at": changed_at}
    cache.set(GENERATION_KEY, generation, timeout=None)
    return generation


def invalidate(**kwargs):
    new_generation(cache.get(GENERATION_KEY))


def invalidate_on_content_change(sender, **kwargs):
    if sender._meta.app_label in settings.CONTENT_APPS:
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
    # Aggregates hold labels and links in the page's language, so each language has its own copy.
    key = f"aggregate:{current_generation()['token']}:{get_language()}:{name}"
    return cache.get_or_set(key, compute, settings.AGGREGATE_CACHE_SECONDS)


def reset_for_test():
    """Forget every cached page and aggregate (called before each test)."""
    for backend in caches.all(initialized_only=True):
        if isinstance(backend, LocMemCache):
            backend.clear()
    # A shared Redis is not flushed (other programs use it); a new generation hides old pages.
    invalidate()
