"""Deploy checks of our own, run by `manage.py check --deploy` with `--fail-level WARNING` (docs/deploying.md)."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from parks.tiles import TILE_COORDINATE_SYSTEMS


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


@register()
def map_tiles_are_described(app_configs, **kwargs):
    problems = []
    if settings.PARKS_MAP_TILE_CRS not in TILE_COORDINATE_SYSTEMS:
        problems.append(
            Error(
                f"PARKS_MAP_TILE_CRS is {settings.PARKS_MAP_TILE_CRS!r}.",
                hint="Use wgs84 (the default) or gcj02 (tiles of mainland Chinese providers).",
                id="rustbelt.E001",
            )
        )
    if settings.PARKS_MAP_TILE_URL and not settings.PARKS_MAP_TILE_ATTRIBUTION:
        # Tile providers' terms require their credit on the map.
        problems.append(
            Warning(
                "PARKS_MAP_TILE_URL is set without PARKS_MAP_TILE_ATTRIBUTION.",
                hint="Set the credit the tile provider requires, e.g. OpenStreetMap's.",
                id="rustbelt.W002",
            )
        )
    return problems
