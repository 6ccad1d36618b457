import logging
import uuid

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


def database_ok():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        logger.exception("Health check: database unavailable")
        return False


def cache_ok():
    # A round trip through the configured cache (Redis in production) proves it answers. Each probe
    # has its own key: with one fixed key, concurrent probes overwrote each other's value.
    probe = getattr(cache, "probe", None)
    try:
        if probe is not None:
            return probe()
        key, value = f"healthz-probe:{uuid.uuid4().hex}", uuid.uuid4().hex
        cache.set(key, value, 10)
        answered = cache.get(key)
        cache.delete(key)
        return answered == value
    except Exception:  # Redis client errors don't share a base class with Django's.
        logger.exception("Health check: cache unavailable")
        return False


@never_cache
@require_safe
def healthz(request):
    """For load balancers: 200 when the database answers ("degraded" if only the cache fails), 503 otherwise.

    The site serves every page from the database when the cache is down, so a cache failure must not
    take every server out of the load balancer.
    """
    checks = {"database": database_ok(), "cache": cache_ok()}
    if not checks["database"]:
        status = "error"
    elif not checks["cache"]:
        status = "degraded"
    else:
        status = "ok"
    return JsonResponse(
        {"status": status, "checks": {name: "ok" if ok else "error" for name, ok in checks.items()}},
        status=503 if status == "error" else 200,
    )
