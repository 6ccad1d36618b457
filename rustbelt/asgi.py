"""The ASGI application, for ASGI servers (https://docs.djangoproject.com/en/5.2/howto/deployment/asgi/)."""

from django.core.asgi import get_asgi_application

from rustbelt.startup import configure_server

configure_server()
application = get_asgi_application()
