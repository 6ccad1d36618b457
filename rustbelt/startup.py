from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def require_secret_key():
    """Refuse to serve outside development without DJANGO_SECRET_KEY (called by wsgi.py and asgi.py)."""
    try:
        settings.SECRET_KEY  # Django raises when it is empty
    except ImproperlyConfigured as error:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it, or set DJANGO_DEBUG=1 for local development."
        ) from error
