"""The WSGI application gunicorn and runserver serve (https://docs.djangoproject.com/en/5.2/howto/deployment/wsgi/)."""

from django.core.wsgi import get_wsgi_application

from rustbelt.startup import configure_server, warm_up

configure_server()
application = get_wsgi_application()
warm_up()
