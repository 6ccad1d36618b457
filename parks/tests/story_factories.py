"""Small factories for the matrix and coverage tests (issue 7)."""

from parks.models import DevelopmentPath, OfficialCount, Park, Province


def make_province(slug="liaoning", name_en="Liaoning", name_zh="辽宁"):
    return Province.objects.get_or_create(slug=slug, defaults={"name_en": name_en, "name_zh": name_zh})[0]


def make_path(slug="urbanization", name="Urbanization", order=1):
    defaults = {"name": name, "order": order, "summary": name}
    return DevelopmentPath.objects.get_or_create(slug=slug, defaults=defaults)[0]


def make_park(name_en, **fields):
    fields.setdefault("slug", name_en.lower().replace(" ", "-"))
    fields.setdefault("province", make_province())
    fields.setdefault("zone_type", "etdz")
    fields.setdefault("level", "national")
    fields.setdefault("is_published", True)
    return Park.objects.create(name_en=name_en, **fields)


def make_official_count(zone_type="etdz", level="national", count=8, **fields):
    fields.setdefault("label", "national-level economic and technological industrial parks")
    return OfficialCount.objects.create(zone_type=zone_type, level=level, count=count, **fields)
