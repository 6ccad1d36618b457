"""Deploy checks of our own, run by `manage.py check --deploy` with `--fail-level WARNING` (docs/deploying.md)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def site_url_is_set(app_configs, **kwargs):
    # Without it, absolute links would come from the request's Host header (port unchecked by Django).
    if settings.SITE_URL:
        return []
    return [
        Warning(
            "DJANGO_SITE_URL is not set: absolute links (og:url, citations, exports) would be built from the "
            "request's Host header.",
            hint="Set DJANGO_SITE_URL to the public origin, e.g. https://parks.example.org.",
            id="rustbelt.W001",
        )
    ]
