"""Official counts (as the article states them) beside what the catalogue holds."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from parks.models import Level, OfficialCount, Park, ZoneType

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
        return Level(self.level).label if self.level else _("Level not identified")

    @property
    def catalogued(self):
        return len(self.parks)

    @property
    def difference(self):
        """Catalogue minus official: negative when the catalogue holds fewer than the article counts."""
        return None if self.official is None else self.catalogued - self.official.count

    @property
    def difference_text(self):
        if self.difference is None:
            return _("no official count")
        return f"{self.difference:+d}" if self.difference else "0"


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
