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
    # A round trip through the configured cache (Redis in production) proves it answers.
    key, value = "healthz-probe", uuid.uuid4().hex
    try:
        cache.set(key, value, 10)
        return cache.get(key) == value
    except Exception:  # Redis client errors don't share a base class with Django's.
        logger.exception("Health check: cache unavailable")
        return False


@never_cache
@require_safe
def healthz(request):
    """For load balancers: 200 when the database and cache answer, 503 otherwise."""
    checks = {"database": database_ok(), "cache": cache_ok()}
    healthy = all(checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": {name: "ok" if ok else "error" for name, ok in checks.items()}},
        status=200 if healthy else 503,
    )
