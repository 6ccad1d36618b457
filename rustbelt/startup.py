"""What the WSGI and ASGI entry points both do before serving (one copy for both)."""

import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def configure_server():
    """Point Django at our settings and refuse to serve outside development without DJANGO_SECRET_KEY."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rustbelt.settings")
    try:
        settings.SECRET_KEY  # Django raises when it is empty
    except ImproperlyConfigured as error:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it, or set DJANGO_DEBUG=1 for local development."
        ) from error
