"""The content generation: one token that changes whenever published content may have changed.

Every cached aggregate's key contains the current generation; saving, deleting or re-linking any
record of the content apps (settings.CONTENT_APPS) starts a new generation, so no stale entry is
ever looked up again (old entries simply expire). The generation's start time is the pages'
Last-Modified (rustbelt/cache.py).

The generation is one row in the database, not a cache entry: a save made through any worker,
server or command is seen by every other at its next request, every process sends the same
Last-Modified for the same content, and a save never needs the cache server (which may be down).
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.apps import apps
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import get_language
from simple_history.models import HistoricalChanges

from publishing.models import ContentGeneration

# The generation of the request being answered, read from the database at most once per request.
request_generation = ContextVar("request_generation", default=None)


class RequestGeneration:
    value = None


# Set while a bulk write (an import) or a researcher's write through the site runs: one new generation
# at its end instead of one per signal.
invalidation_suspended = ContextVar("invalidation_suspended", default=None)


def current_generation():
    per_request = request_generation.get()
    if per_request is None:
        return ContentGeneration.objects.current()
    if per_request.value is None:
        per_request.value = ContentGeneration.objects.current()
    return per_request.value


@contextmanager
def generation_per_request():
    """Within, current_generation() reads the database once (the page's Last-Modified and each aggregate share it)."""
    token = request_generation.set(RequestGeneration())
    try:
        yield
    finally:
        request_generation.reset(token)


def invalidate(**kwargs):
    # One UPDATE in the saving transaction: the new generation becomes visible to everyone exactly
    # when the content does (and is rolled back with it).
    ContentGeneration.objects.advance()
    per_request = request_generation.get()
    if per_request is not None:
        per_request.value = None  # this request's later reads see the new generation


def invalidate_on_content_change(sender, **kwargs):
    # Migrations' historical models send signals too, possibly before the generation table exists.
    # A history record is written with the record it describes, whose own signal counts.
    if sender._meta.apps is not apps or issubclass(sender, HistoricalChanges):
        return
    if sender._meta.app_label not in settings.CONTENT_APPS:
        return
    suspended = invalidation_suspended.get()
    if suspended is None:
        invalidate()
    else:
        suspended.saved = True


class Suspended:
    saved = False


@contextmanager
def one_invalidation(changes_kept=True, only_if_saved=False):
    """Saves inside start a single new generation at the end.

    None if `changes_kept` is false (a dry run), nor, with `only_if_saved`, if no content record sent
    a signal (bulk writes send none: imports and restores start one whatever they wrote).
    """
    suspended = Suspended()
    token = invalidation_suspended.set(suspended)
    try:
        yield
    finally:
        invalidation_suspended.reset(token)
    if changes_kept and (suspended.saved or not only_if_saved):
        invalidate()


def connect_invalidation():
    # Cache invalidation is what signals are for: any content app's save must reach the cache.
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(invalidate_on_content_change, dispatch_uid=f"rustbelt-cache-{signal}")


def cached_for_generation(name, compute):
    """`compute()`, kept until content changes: for aggregates over the whole catalogue.

    Its key holds the content generation, so a researcher's save makes the next call compute
    afresh.
    """
    if settings.AGGREGATE_CACHE_SECONDS <= 0:
        return compute()
    return cache.get_or_set(generation_key(name), compute, settings.AGGREGATE_CACHE_SECONDS)


def generation_key(name):
    """The cache key of the aggregate `name` in the current content generation and language."""
    # Aggregates hold labels and links in the page's language, so each language has its own copy.
    return f"aggregate:{current_generation().token}:{get_language()}:{name}"


def reset_for_test(test=None):
    """Forget every cached aggregate (called before each test)."""
    for backend in caches.all(initialized_only=True):
        if isinstance(backend, LocMemCache):
            backend.clear()
    # A shared Redis is not flushed (other programs use it): a new generation hides old aggregates. Each
    # test's transaction rolls it back, so the new token is random rather than the next in a series.
    if test is None or "default" in getattr(test, "databases", ()):
        invalidate()
