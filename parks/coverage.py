"""Official counts (as the article states them) beside what the catalogue holds."""

from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext

from parks.models import ArticleMention, Level, MissingZone, OfficialCount, Park, ZoneTotal, ZoneType

def grouped(count):
    """A count as the page's language writes it (10,045), like the template's |intcomma."""
    return number_format(count, force_grouping=True)


LEVEL_ORDER = {Level.NATIONAL: 0, Level.PROVINCIAL: 1, "": 2}
TYPE_ORDER = {value: index for index, value in enumerate(ZoneType.values)}


@dataclass
class CoverageRow:
    zone_type: str
    level: str
    official: OfficialCount | None = None
    parks: list = field(default_factory=list)

    @property
    def zone_type_label(self):
        return ZoneType(self.zone_type).label

    @property
    def level_label(self):
        return Level(self.level).label if self.level else gettext("Level not identified")

    @property
    def catalogued(self):
        return len(self.parks)

    @property
    def difference(self):
        """Catalogue minus official: negative when the catalogue holds fewer than the article counts."""
        return None if self.official is None else self.catalogued - self.official.count

    @property
    def statement(self):
        """Both counts in words that cannot be read as a surplus: neither is a complete official list."""
        level = Level(self.level).label.lower() if self.level else gettext("unidentified-level")
        held = ngettext(
            "The catalogue holds %(count)s of the region’s %(level)s zones of this type",
            "The catalogue holds %(count)s of the region’s %(level)s zones of this type",
            self.catalogued,
        ) % {"count": grouped(self.catalogued), "level": level}
        if self.official is None:
            return held + gettext("; the article gives no count for them.")
        return held + gettext(
            "; the article counts %(count)s in the Northeast Rust Belt (section 3, date not given)."
        ) % {"count": grouped(self.official.count)}


def coverage_rows():
    """One row per zone type and level that has an official count or a catalogued park (two queries)."""
    rows = {}
    for official in OfficialCount.objects.all():
        rows[(official.zone_type, official.level)] = CoverageRow(official.zone_type, official.level, official)
    parks = Park.objects.published().only("slug", "name_en", "name_zh", "zone_type", "level").order_by("name_en")
    for park in parks:
        key = (park.zone_type, park.level)
        rows.setdefault(key, CoverageRow(*key)).parks.append(park)
    return sorted(
        rows.values(), key=lambda row: (LEVEL_ORDER.get(row.level, 3), TYPE_ORDER.get(row.zone_type, 99))
    )


def unidentified_mentions():
    """The article's wordings that match no real zone: listed, never counted."""
    return ArticleMention.objects.unidentified()


def missing_zones():
    return MissingZone.objects.select_related("province")


@dataclass
class ProvinceTypeRow:
    """One province and zone type: the published total with its source, the catalogued zones, the missing ones."""

    province: object
    zone_type: str
    total: ZoneTotal | None = None
    parks: list = field(default_factory=list)
    missing: list = field(default_factory=list)

    @property
    def zone_type_label(self):
        return ZoneType(self.zone_type).label

    @property
    def catalogued(self):
        return len(self.parks)

    @property
    def known_total(self):
        return self.total.count if self.total else None

    @property
    def complete(self):
        """The catalogue holds as many as the published total counts."""
        return self.known_total is not None and self.catalogued >= self.known_total


def province_coverage():
    """Per province of the region and zone type: known total, catalogued national zones, missing ones (three queries).

    The region is the provinces with recorded totals (the three Northeast provinces), so the article's
    Inner Mongolia zones stay in the catalogue without being counted here.
    """
    rows = {}
    for total in ZoneTotal.objects.select_related("province", "source"):
        rows[(total.province.slug, total.zone_type)] = ProvinceTypeRow(total.province, total.zone_type, total)
    provinces = {row.province.slug: row.province for row in rows.values()}
    parks = (
        Park.objects.published()
        .filter(level=Level.NATIONAL, province__slug__in=provinces)
        .select_related("province")
        .only("slug", "name_en", "name_zh", "zone_type", "province__slug")
        .order_by("name_en")
    )
    for park in parks:
        key = (park.province.slug, park.zone_type)
        rows.setdefault(key, ProvinceTypeRow(provinces[park.province.slug], park.zone_type)).parks.append(park)
    for zone in MissingZone.objects.filter(province__slug__in=provinces).select_related("province"):
        key = (zone.province.slug, zone.zone_type)
        rows.setdefault(key, ProvinceTypeRow(provinces[zone.province.slug], zone.zone_type)).missing.append(zone)
    return sorted(
        rows.values(), key=lambda row: (row.province.name_en, TYPE_ORDER.get(row.zone_type, 99))
    )
