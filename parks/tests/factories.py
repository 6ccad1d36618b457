"""Small factories for the catalogue's tests (accounts: publishing/testing.py)."""

import re

from parks.models import (
    ArticleMention,
    DevelopmentPath,
    Fact,
    FactSource,
    Industry,
    OfficialCount,
    Park,
    Province,
    Source,
    ZoneType,
)

PARK_CARD_LINK = re.compile(r'<h3><a href="/en/parks/([a-z0-9-]+)/">')
PROVINCE_NAMES_ZH = {"jilin": "吉林省", "liaoning": "辽宁省", "heilongjiang": "黑龙江省"}


def make_province(slug="jilin", name_en=None, name_zh=None):
    defaults = {
        "name_en": name_en or slug.replace("-", " ").title(),
        "name_zh": name_zh or PROVINCE_NAMES_ZH.get(slug, ""),
    }
    return Province.objects.get_or_create(slug=slug, defaults=defaults)[0]


def make_path(slug="urbanization", name=None, order=1, **fields):
    fields.setdefault("summary", f"What {slug} means.")
    defaults = {"name": name or slug.replace("-", " ").capitalize(), "order": order, **fields}
    return DevelopmentPath.objects.get_or_create(slug=slug, defaults=defaults)[0]


def make_industry(name="fine chemicals"):
    return Industry.objects.get_or_create(slug=name.lower().replace(" ", "-"), defaults={"name": name})[0]


def make_park(name_en="Jilin Economic and Technological Development Zone", **fields):
    fields.setdefault("slug", re.sub(r"[^a-z0-9]+", "-", name_en.lower()).strip("-")[:120])
    fields.setdefault("province", make_province())
    fields.setdefault("zone_type", ZoneType.ETDZ)
    fields.setdefault("level", "national")
    fields.setdefault("is_published", True)
    return Park.objects.create(name_en=name_en, **fields)


def make_source(citation="Chinese Wikipedia '通化医药高新技术产业开发区'", **fields):
    return Source.objects.get_or_create(citation=citation, defaults=fields)[0]


def cite_every_fact(park, source, note=""):
    """Give each of the park's facts this source, as the loader does from provenance.csv."""
    FactSource.objects.bulk_create(FactSource(park=park, fact=fact, source=source, note=note) for fact in Fact)


def make_mention(park, wording, section_slug="co-city", **fields):
    fields.setdefault("key", f"{section_slug}-{park.slug if park else wording.lower()}")
    fields.setdefault("article_slug", "industrial-real-estate-park-revitalization-in-major-rust-belts")
    return ArticleMention.objects.create(park=park, wording=wording, section_slug=section_slug, **fields)


def make_official_count(zone_type="etdz", level="national", count=8, **fields):
    fields.setdefault("label", "national-level economic and technological industrial parks")
    return OfficialCount.objects.create(zone_type=zone_type, level=level, count=count, **fields)


def bulk_parks(count, province, path=None, industry=None, source=None, first=0):
    """Many parks in a few queries, with coordinates and (optionally) an industry and a source each.

    They are numbered from `first`, so that a test can add more to those it made before.
    """
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
        for number in range(first, first + count)
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
