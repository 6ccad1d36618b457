"""The WSGI application gunicorn and runserver serve (https://docs.djangoproject.com/en/5.2/howto/deployment/wsgi/)."""

from django.core.wsgi import get_wsgi_application

from rustbelt.startup import configure_server, warm_up

configure_server()
django_application = get_wsgi_application()  # sets Django up: models can be imported from here on
warm_up()

from rustbelt.fastpage import CachedPageApplication  # noqa: E402

# Cached anonymous pages are answered in front of Django with the bytes it sent (rustbelt/fastpage.py).
application = CachedPageApplication(django_application)
