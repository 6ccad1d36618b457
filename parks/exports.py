"""The filtered catalogue as rows: streamed CSV and JSON downloads, and the points of the map."""

import csv
import io
import json

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import get_language, override, pgettext_lazy
from openpyxl import Workbook

from parks.models import coordinates_are_approximate
from rustbelt.publishing.bilingual import is_chinese, other, pick
from rustbelt.publishing.exports import export_metadata

# Prefetching happens once per chunk, so up to this many parks cost three queries in all.
CHUNK_SIZE = 2000
# Excel and LibreOffice read a UTF-8 CSV as UTF-8 (Chinese names intact) only with a byte order mark.
BOM = "\ufeff"

COLUMNS = [
    "slug", "name_en", "name_zh", "article_name", "province", "city", "zone_type", "level", "path",
    "established_year", "national_year", "area_km2", "area_note", "latitude", "longitude", "coord_note",
    "industries", "sources", "confidence", "notes", "permalink",
]


# The columns' names in a Chinese download (msgctxt keeps them apart from the same words elsewhere).
COLUMN_LABELS = {
    "slug": pgettext_lazy("export column", "slug"),
    "name_en": pgettext_lazy("export column", "name_en"),
    "name_zh": pgettext_lazy("export column", "name_zh"),
    "article_name": pgettext_lazy("export column", "article_name"),
    "province": pgettext_lazy("export column", "province"),
    "city": pgettext_lazy("export column", "city"),
    "zone_type": pgettext_lazy("export column", "zone_type"),
    "level": pgettext_lazy("export column", "level"),
    "path": pgettext_lazy("export column", "path"),
    "established_year": pgettext_lazy("export column", "established_year"),
    "national_year": pgettext_lazy("export column", "national_year"),
    "area_km2": pgettext_lazy("export column", "area_km2"),
    "area_note": pgettext_lazy("export column", "area_note"),
    "latitude": pgettext_lazy("export column", "latitude"),
    "longitude": pgettext_lazy("export column", "longitude"),
    "coord_note": pgettext_lazy("export column", "coord_note"),
    "industries": pgettext_lazy("export column", "industries"),
    "sources": pgettext_lazy("export column", "sources"),
    "confidence": pgettext_lazy("export column", "confidence"),
    "notes": pgettext_lazy("export column", "notes"),
    "permalink": pgettext_lazy("export column", "permalink"),
}


def header():
    """The CSV's first row: the column names in English (stable for scripts), their labels in Chinese."""
    return [str(COLUMN_LABELS[name]) for name in COLUMNS] if is_chinese() else list(COLUMNS)


def export_title():
    return _("%(site)s: industrial parks of Northeast China") % {"site": _(settings.SITE_NAME)}


def export_source():
    return _(
        "Parks named in Jia Xiaobing, 'Industrial Real Estate Park Revitalization in Major Rust Belts', "
        "enriched from the documents cited per park (see each park's sources)."
    )


def described_in_every_language():
    """The title, source and column labels in each language, whichever language the rows are in."""
    translations = {}
    for code, _name in settings.LANGUAGES:
        with override(code):
            translations[code] = {
                "title": export_title(),
                "source": export_source(),
                "columns": {name: str(COLUMN_LABELS[name]) for name in COLUMNS},
            }
    return translations


def park_row(park, request):
    """One park as plain values; lists are kept as lists (CSV joins them)."""
    return {
        "slug": park.slug,
        "name_en": park.name_en,
        "name_zh": park.name_zh,
        "article_name": park.article_name,
        "province": park.province.display_name,
        "city": park.display_city,
        "zone_type": park.get_zone_type_display(),
        "level": park.get_level_display(),
        "path": park.path.display_name if park.path else "",
        "established_year": park.established_year,
        "national_year": park.national_year,
        "area_km2": _number(park.area_km2),
        "area_note": park.area_note,
        "latitude": _number(park.latitude),
        "longitude": _number(park.longitude),
        "coord_note": park.coord_note,
        "industries": [industry.display_name for industry in park.industries.all()],
        "sources": [source.citation for source in park.sources.all()],
        "confidence": park.get_confidence_display(),
        "notes": park.notes,
        "permalink": request.build_absolute_uri(park.get_absolute_url()),
    }


def _number(value):
    # Decimal -> float without the padding zeros of the column's decimal places.
    return float(value) if value is not None else None


class _Line:
    """A file-like object whose write() returns what was written, so csv.writer can feed a generator."""

    def write(self, text):
        return text


def csv_lines(queryset, request):
    writer = csv.writer(_Line())
    yield BOM + writer.writerow(header())
    for park in queryset.iterator(chunk_size=CHUNK_SIZE):
        row = park_row(park, request)
        row["industries"] = "; ".join(row["industries"])
        row["sources"] = "; ".join(row["sources"])
        yield writer.writerow(["" if row[name] is None else row[name] for name in COLUMNS])


def catalogue_metadata(filterset, request):
    return {
        **export_metadata(request, title=export_title(), page_url=request.get_full_path(), source=export_source()),
        "filters": {name: request.GET.get(name) for name in filterset.active_values},
        "count": filterset.qs.count(),
        "language": get_language(),
        "translations": described_in_every_language(),
    }


def json_chunks(filterset, request):
    """A JSON object streamed in pieces: metadata first, then one park at a time."""
    queryset = filterset.qs
    metadata = catalogue_metadata(filterset, request)
    yield '{"metadata": ' + json.dumps(metadata, ensure_ascii=False) + ', "parks": ['
    separator = ""
    for park in queryset.iterator(chunk_size=CHUNK_SIZE):
        yield separator + json.dumps(park_row(park, request), ensure_ascii=False)
        separator = ", "
    yield "]}"


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_workbook(filterset, request):
    """The filtered parks as an Excel workbook: a Parks sheet in the CSV's columns, an About sheet with source and licence."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Parks"))
    sheet.append(header())
    for park in filterset.qs.iterator(chunk_size=CHUNK_SIZE):
        row = park_row(park, request)
        row["industries"] = "; ".join(row["industries"])
        row["sources"] = "; ".join(row["sources"])
        sheet.append([row[name] for name in COLUMNS])
    about = workbook.create_sheet(_("About"))
    for name, value in catalogue_metadata(filterset, request).items():
        about.append([name, json.dumps(value, ensure_ascii=False) if isinstance(value, dict) else value])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def map_points(queryset):
    """The parks with coordinates, as the map script reads them (one query)."""
    rows = queryset.with_coordinates().values_list("slug", "name_en", "name_zh", "latitude", "longitude", "coord_note")
    return [map_point(*row) for row in rows]


def map_points_of(parks):
    """Map points of parks already fetched (no query)."""
    return [
        map_point(park.slug, park.name_en, park.name_zh, park.latitude, park.longitude, park.coord_note)
        for park in parks
        if park.has_coordinates
    ]


def map_point(slug, name_en, name_zh, latitude, longitude, coord_note=""):
    # Chinese pages name the park in Chinese; English pages add the Chinese name beside the English one.
    return {
        "name": pick(name_en, name_zh),
        "name_zh": other(name_zh),
        "url": reverse("parks:detail", args=[slug]),
        "lat": float(latitude),
        "lng": float(longitude),
        # The map draws these hollow and says so in the popup.
        "approximate": coordinates_are_approximate(coord_note),
        "coord_note": coord_note,
    }


def error_text(filterset):
    """The form's errors as plain text lines for a 400 response."""
    lines = [_("These filters were not understood, so nothing was exported:")]
    lines.extend(f"- {label}: {message}" for label, message in filterset.error_messages)
    return "\n".join(lines) + "\n"
