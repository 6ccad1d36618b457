"""What the WSGI and ASGI entry points both do before serving (one copy for both)."""

import os
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def configure_server():
    """Point Django at our settings and refuse to serve outside development without DJANGO_SECRET_KEY."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rustbelt.settings")
    try:
        settings.SECRET_KEY  # noqa: B018 (Django raises when it is empty)
    except ImproperlyConfigured as error:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it, or set DJANGO_DEBUG=1 for local development."
        ) from error


def warm_up():
    """Do before serving what Django otherwise does during a process's first requests.

    Django imports the URLconf (and with it every view, the API and its schema), loads each
    language's translations and compiles each template on first use, in every process: about a
    third of a second in all. Done here, it is done once in gunicorn's master (`preload_app`), so a
    worker that replaces a recycled one answers at once instead of holding its first visitor (and
    the requests queued behind it) for that time. Nothing here touches the database.
    """
    from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
    from django.urls import reverse
    from django.utils import translation

    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            reverse("home")
    project_templates = Path(settings.BASE_DIR, "templates")
    engine = engines["django"]
    for path in sorted(project_templates.rglob("*.html")):
        try:
            engine.get_template(path.relative_to(project_templates).as_posix())
        except (TemplateDoesNotExist, TemplateSyntaxError):  # reported when a page uses it
            continue
