"""Official counts (as the article states them) beside what the catalogue holds."""

from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext

from parks.models import ArticleMention, Level, MissingZone, OfficialCount, Park, ZoneTotal, ZoneType
from publishing.generation import cached_for_generation


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
    catalogued: int = 0
    parks: list = field(default_factory=list)

    @property
    def zone_type_label(self):
        return ZoneType(self.zone_type).label

    @property
    def level_label(self):
        return Level(self.level).label if self.level else gettext("Level not identified")

    @property
    def catalogue_url(self):
        """The catalogue filtered to this row's parks; a row of no identified level has no such filter."""
        if not self.level or not self.catalogued:
            return ""
        return f"{reverse('parks:list')}?{urlencode({'zone_type': self.zone_type, 'level': self.level})}"

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


def coverage_rows(listed=None):
    """One row per zone type and level that has an official count or a catalogued park (three queries,
    two once the counts are kept for the content generation).

    Each row counts its published parks and lists those of `listed` (default: all of them). The page
    lists only the parks of no identified level, which its links to the catalogue cannot select: at
    thousands of parks, a list of them all would be most of the page's weight and time.
    """
    rows = {}
    for official in OfficialCount.objects.all():
        rows[(official.zone_type, official.level)] = CoverageRow(official.zone_type, official.level, official)
    published = Park.objects.published()
    for zone_type, level, count in cached_for_generation("coverage-counts", lambda: published_counts(published)):
        rows.setdefault((zone_type, level), CoverageRow(zone_type, level)).catalogued = count
    listed = published if listed is None else listed
    for park in listed.only("slug", "name_en", "name_zh", "zone_type", "level").in_name_order():
        rows.setdefault((park.zone_type, park.level), CoverageRow(park.zone_type, park.level)).parks.append(park)
    return sorted(rows.values(), key=lambda row: (LEVEL_ORDER.get(row.level, 3), TYPE_ORDER.get(row.zone_type, 99)))


def published_counts(published):
    """(zone type, level, parks): a scan of every published park, so kept per content generation."""
    return list(published.values_list("zone_type", "level").annotate(count=Count("pk")).order_by())


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
    catalogued: int = 0
    parks: list = field(default_factory=list)  # named only up to NAMED_PER_ROW; more are a link to the catalogue
    missing: list = field(default_factory=list)

    @property
    def zone_type_label(self):
        return ZoneType(self.zone_type).label

    @property
    def known_total(self):
        return self.total.count if self.total else None

    @property
    def complete(self):
        """The catalogue holds as many as the published total counts."""
        return self.known_total is not None and self.catalogued >= self.known_total

    @property
    def catalogue_url(self):
        query = urlencode({"province": self.province.slug, "zone_type": self.zone_type, "level": Level.NATIONAL})
        return f"{reverse('parks:list')}?{query}"


# A province's zones of one type are named on the page up to this many (the region has at most a dozen
# of a type); a larger catalogue links to them instead of printing thousands of names.
NAMED_PER_ROW = 30


def province_coverage():
    """Per province of the region and zone type: known total, catalogued national zones, missing ones (four queries).

    The region is the provinces with recorded totals (the three Northeast provinces), so the article's
    Inner Mongolia zones stay in the catalogue without being counted here.
    """
    rows = {}
    for total in ZoneTotal.objects.select_related("province", "source"):
        rows[(total.province.slug, total.zone_type)] = ProvinceTypeRow(total.province, total.zone_type, total)
    provinces = {row.province.slug: row.province for row in rows.values()}
    national = Park.objects.published().filter(level=Level.NATIONAL, province__slug__in=provinces)
    counts = national.values_list("province__slug", "zone_type").annotate(count=Count("pk")).order_by()
    for slug, zone_type, count in counts:
        rows.setdefault((slug, zone_type), ProvinceTypeRow(provinces[slug], zone_type)).catalogued = count
    few = [
        Q(province__slug=slug, zone_type=zone_type)
        for (slug, zone_type), row in rows.items()
        if 0 < row.catalogued <= NAMED_PER_ROW
    ]
    if few:
        named = national.filter(reduce(or_, few)).select_related("province")
        for park in named.only("slug", "name_en", "name_zh", "zone_type", "province__slug").in_name_order():
            rows[(park.province.slug, park.zone_type)].parks.append(park)
    for zone in MissingZone.objects.filter(province__slug__in=provinces).select_related("province"):
        key = (zone.province.slug, zone.zone_type)
        rows.setdefault(key, ProvinceTypeRow(provinces[zone.province.slug], zone.zone_type)).missing.append(zone)
    return sorted(rows.values(), key=lambda row: (row.province.name_en, TYPE_ORDER.get(row.zone_type, 99)))
