"""
ASGI config for rustbelt project.

It exposes the ASGI callable as a module-level variable named ``application``.

For more information on this file, see
https://docs.djangoproject.com/en/5.2/howto/deployment/asgi/
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'rustbelt.settings')

application = get_asgi_application()

# runserver and gunicorn both load this module: neither starts without a secret key in production.
from rustbelt.startup import require_secret_key  # noqa: E402  (needs the settings configured above)

require_secret_key()
