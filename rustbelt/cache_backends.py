"""Redis as a cache that fails open: when Redis is down or slow the site serves from the database.

Every public page, the aggregates and the health check go through Django's cache API, so catching
Redis's errors here keeps the site up without touching the callers. After a failure the cache is
skipped for `RETRY_SECONDS`, so a Redis that never answers costs one timeout, not one per lookup.
"""

import logging
import threading
import time
import uuid

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


class FailOpenRedisCache(RedisCache):
    RETRY_SECONDS = 10

    def __init__(self, server, params):
        super().__init__(server, params)
        self._down_until = 0.0
        self._lock = threading.Lock()

    def _guarded(self, method, fallback, *args, **kwargs):
        if time.monotonic() < self._down_until:
            return fallback
        try:
            return method(*args, **kwargs)
        except (RedisError, OSError) as error:
            self._failed(error)
            return fallback

    def _failed(self, error):
        with self._lock:
            already_down = time.monotonic() < self._down_until
            self._down_until = time.monotonic() + self.RETRY_SECONDS
        if not already_down:
            logger.error("Cache unavailable, serving from the database for %s s: %r", self.RETRY_SECONDS, error)

    def get(self, key, default=None, version=None):
        return self._guarded(super().get, default, key, default, version)

    def get_many(self, keys, version=None):
        return self._guarded(super().get_many, {}, keys, version)

    def has_key(self, key, version=None):
        return self._guarded(super().has_key, False, key, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(super().add, False, key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(super().set, None, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(super().set_many, list(data), data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(super().touch, False, key, timeout, version)

    def delete(self, key, version=None):
        return self._guarded(super().delete, False, key, version)

    def delete_many(self, keys, version=None):
        return self._guarded(super().delete_many, None, keys, version)

    def clear(self):
        return self._guarded(super().clear, None)

    def probe(self):
        """For /healthz: a round trip with a key of its own (concurrent probes never disagree); raises."""
        key, value = f"healthz-probe:{uuid.uuid4().hex}", uuid.uuid4().hex
        try:
            super().set(key, value, 10)
            answered = super().get(key)
            super().delete(key)
        except (RedisError, OSError) as error:
            self._failed(error)
            raise
        return answered == value
