"""Each fact of a park with the sources that give it: footnote numbers and the numbered source list.

A fact is shown only when at least one source gives it; a value nobody sourced shows as unknown.
park_record() reads what the park page's record shows; park_provenance() works on a park it has read.
"""

from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import Prefetch, prefetch_related_objects
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from parks.models import Fact, FactSource, PathEvidence
from publishing.bilingual import pick

UNKNOWN = _("Unknown")
UNSOURCED = _("Unknown (no source recorded for this value)")
APPROXIMATE = _("approximate")
STATUS_WITH_YEAR = _("%(status)s, %(year)s")
# Chinese writes the hemisphere first: 北纬 41.73°，东经 125.94°.
COORDINATES = _("%(latitude)s° N, %(longitude)s° E")


@dataclass
class FactRow:
    fact: str
    label: str
    value: object = None
    note: str = ""
    industries: list = field(default_factory=list)
    markers: list = field(default_factory=list)

    @property
    def shown(self):
        return self.value is not None and self.markers

    @property
    def unknown_text(self):
        return UNSOURCED if self.value is not None else UNKNOWN


@dataclass
class CitedSource:
    number: int
    source: object
    facts: list = field(default_factory=list)  # (label, note)


def bracketed(phrase):
    """ " (Planned area)" in English, "（规划面积）" in Chinese: the space before the bracket is English typography."""
    return f"{pgettext('opening bracket', ' (')}{phrase}{pgettext('closing bracket', ')')}"


def fact_values(park):
    """The value each fact has on the record (None when empty), with the record's note on it."""
    area = f"{park.area_km2.normalize():f} km²" if park.area_km2 is not None else None
    if area and park.area_kind:
        area = f"{area}{bracketed(park.get_area_kind_display())}"
    coordinates = (
        COORDINATES % {"latitude": f"{park.latitude.normalize():f}", "longitude": f"{park.longitude.normalize():f}"}
        if park.has_coordinates
        else None
    )
    if coordinates and park.coordinates_approximate:
        coordinates = f"{coordinates}{bracketed(APPROXIMATE)}"
    industries = list(park.industries.all())
    return {
        Fact.LEVEL: (park.get_level_display() or None, ""),
        Fact.ESTABLISHED_YEAR: (park.established_year, ""),
        Fact.NATIONAL_YEAR: (park.national_year, ""),
        # Chinese pages show the editors' translation of a note where there is one.
        Fact.AREA: (area, pick(park.area_note, park.area_note_zh)),
        Fact.COORDINATES: (coordinates, pick(park.coord_note, park.coord_note_zh)),
        Fact.INDUSTRIES: (", ".join(industry.display_name for industry in industries) or None, ""),
        Fact.PATH: (park.path.display_name if park.path else None, ""),
        Fact.STATUS: (status_text(park), ""),
        Fact.NAME_ZH: (park.name_zh or None, ""),
    }


class Provenance(NamedTuple):
    facts: list  # FactRow per fact, with its footnote numbers
    sources: list  # CitedSource in footnote order


def park_record(park):
    """The park page's record: reads its industries, fact sources with their sources, the path's
    evidence, the article's mentions and the zone that succeeded it, if any, onto the park (four or
    five queries), then its provenance.

    The page calls this only when its cached record is missing: a repeat visit reads the park alone.
    """
    prefetch_related_objects(
        [park],
        "industries",
        # Ordered within the park: the models' default ordering starts with the park's name, a join.
        Prefetch("fact_sources", FactSource.objects.select_related("source").order_by("fact", "pk")),
        Prefetch("path_evidence", PathEvidence.objects.order_by("order", "pk")),
        "mentions",
        "successor",
    )
    return park_provenance(park)


def status_text(park):
    """ "Merged into another zone, 2018": the status with its year; the successor is linked beside it."""
    if not park.status:
        return None
    if not park.status_year:
        return park.get_status_display()
    return STATUS_WITH_YEAR % {"status": park.get_status_display(), "year": park.status_year}


def park_provenance(park):
    """(fact rows, numbered sources) for the park page and exports."""
    by_fact = {}
    for fact_source in park.fact_sources.all():
        by_fact.setdefault(fact_source.fact, []).append(fact_source)
    numbers, cited = {}, []
    rows = []
    for fact, (value, note) in fact_values(park).items():
        label = park.national_year_label if fact == Fact.NATIONAL_YEAR else Fact(fact).label
        row = FactRow(fact=fact, label=label, value=value, note=note)
        if fact == Fact.INDUSTRIES:
            row.industries = list(park.industries.all())
        for fact_source in by_fact.get(fact, []):
            source = fact_source.source
            if source.pk not in numbers:
                numbers[source.pk] = CitedSource(len(cited) + 1, source)
                cited.append(numbers[source.pk])
            numbers[source.pk].facts.append((row.label, pick(fact_source.note, fact_source.note_zh)))
            row.markers.append(numbers[source.pk].number)
        rows.append(row)
    return Provenance(rows, cited)


def provenance_record(park):
    """Per fact: the citations of its sources with their notes (the exports' provenance)."""
    by_fact = {fact.value: [] for fact in Fact}
    for fact_source in park.fact_sources.all():
        entry = {"source": fact_source.source.citation, "note": fact_source.note}
        if fact_source.source.url:
            entry["url"] = fact_source.source.url
        by_fact[fact_source.fact].append(entry)
    return by_fact
