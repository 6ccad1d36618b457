import re

from django.contrib.auth import get_user_model

from parks.models import DevelopmentPath, Industry, Park, Province, ZoneType

PARK_CARD_LINK = re.compile(r'<h3><a href="/en/parks/([a-z0-9-]+)/">')


def make_province(slug="jilin", **fields):
    fields.setdefault("name_en", slug.replace("-", " ").title())
    fields.setdefault("name_zh", "吉林省")
    return Province.objects.get_or_create(slug=slug, defaults=fields)[0]


def make_path(slug="urbanization", **fields):
    fields.setdefault("name", slug.replace("-", " ").capitalize())
    fields.setdefault("summary", f"What {slug} means.")
    return DevelopmentPath.objects.get_or_create(slug=slug, defaults=fields)[0]


def make_industry(name="fine chemicals"):
    return Industry.objects.get_or_create(slug=name.replace(" ", "-"), defaults={"name": name})[0]


def make_park(name_en="Jilin Economic and Technological Development Zone", **fields):
    fields.setdefault("slug", re.sub(r"[^a-z0-9]+", "-", name_en.lower()).strip("-")[:120])
    fields.setdefault("province", make_province())
    fields.setdefault("zone_type", ZoneType.ETDZ)
    fields.setdefault("level", "national")
    fields.setdefault("is_published", True)
    return Park.objects.create(name_en=name_en, **fields)


def bulk_parks(count, province, path=None, industry=None, source=None):
    """Many parks in a few queries, with coordinates and (optionally) an industry and a source each."""
    parks = Park.objects.bulk_create(
        Park(
            name_en=f"Bulk park {number:04d}",
            name_zh=f"批量园区{number}",
            slug=f"bulk-park-{number:04d}",
            province=province,
            path=path,
            city="Changchun",
            zone_type=ZoneType.HTZ,
            level="national",
            latitude=43 + number / 1000,
            longitude=125,
        )
        for number in range(count)
    )
    if industry:
        Park.industries.through.objects.bulk_create(
            Park.industries.through(park_id=park.pk, industry_id=industry.pk) for park in parks
        )
    if source:
        Park.sources.through.objects.bulk_create(
            Park.sources.through(park_id=park.pk, source_id=source.pk) for park in parks
        )
    return parks


def card_slugs(response):
    """The slugs of the park cards a list page shows, in order."""
    return PARK_CARD_LINK.findall(response.content.decode())


def make_staff(**fields):
    fields.setdefault("username", "researcher")
    fields.setdefault("is_staff", True)
    return get_user_model().objects.create_user(**fields)


def make_superuser():
    return get_user_model().objects.create_superuser("admin", "admin@example.com", "pw-not-used")
