"""One request budget per client address for the whole API (docs/open-data.md)."""

import logging

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle

from publishing.clients import client_ip

logger = logging.getLogger(__name__)


class ClientAddressThrottle(AnonRateThrottle):
    """`settings.API_THROTTLE_RATE` requests per client address; 429 with Retry-After beyond it."""

    scope = "api"

    def get_rate(self):
        # Read at request time (not at import, as DRF's THROTTLE_RATES is), so the setting can change.
        return settings.API_THROTTLE_RATE

    def get_ident(self, request):
        """The client's address, found as django-axes finds it (publishing.clients.client_ip).

        Behind the proxy (DJANGO_BEHIND_PROXY=1) every request comes from the proxy: count the address the
        proxy appended to X-Forwarded-For (the last entry; earlier ones are whatever the client sent).
        Without the proxy, REMOTE_ADDR only, so a made-up X-Forwarded-For header changes nothing.
        """
        if settings.BEHIND_PROXY:
            return client_ip(request)
        return request.META.get("REMOTE_ADDR", "")

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception:  # Redis client errors don't share a base class with Django's.
            # A cache outage must not take the API down: serve unthrottled, and say so in the log.
            logger.exception("API throttle: cache unavailable, request not counted")
            return True
