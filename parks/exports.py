"""The filtered catalogue as rows: streamed CSV and JSON downloads, and the points of the map.

Exports read plain values, never model instances: one query for the parks (foreign keys joined in),
and per chunk of parks one query each for their industries and sources. The count does not grow
with the rows, memory stays flat while streaming, and the bytes are those the page's facts show.
"""

import csv
import json
from itertools import islice

from django.conf import settings
from django.db.models import FloatField
from django.db.models.functions import Cast
from django.urls import reverse

from parks.models import Confidence, Level, Park, ZoneType
from rustbelt.publishing.exports import export_metadata

# Parks fetched and written per chunk: bounds memory, and costs two many-to-many queries each.
CHUNK_SIZE = 2000
# Excel and LibreOffice read a UTF-8 CSV as UTF-8 (Chinese names intact) only with a byte order mark.
BOM = "\ufeff"

COLUMNS = [
    "slug", "name_en", "name_zh", "article_name", "province", "city", "zone_type", "level", "path",
    "established_year", "national_year", "area_km2", "area_note", "latitude", "longitude", "coord_note",
    "industries", "sources", "confidence", "notes", "permalink",
]
# Export column -> the value fetched for it (foreign keys by their name, joined in the same query).
VALUES = {
    "slug": "slug", "name_en": "name_en", "name_zh": "name_zh", "article_name": "article_name",
    "province": "province__name_en", "city": "city", "zone_type": "zone_type", "level": "level",
    "path": "path__name", "established_year": "established_year", "national_year": "national_year",
    "area_note": "area_note", "coord_note": "coord_note", "confidence": "confidence", "notes": "notes",
}
FLOAT_FIELDS = ["area_km2", "latitude", "longitude"]
# Many-to-many columns: (through-table field of the related row, the name shown), in the related model's order.
LISTS = {"industries": ("industry", "name"), "sources": ("source", "citation")}
PERMALINK_PLACEHOLDER = "park-slug-placeholder"


def park_rows(queryset, request):
    """Every park of the queryset, in its order, as a dict of plain values in COLUMNS order.

    Lists (industries, sources) stay lists; CSV joins them.
    """
    # Decimal columns read as floats by the database: the export writes floats anyway, and the
    # Decimal Django would build first costs as much as the rest of the row.
    floats = {field: Cast(field, FloatField()) for field in FLOAT_FIELDS}
    rows = (
        queryset.prefetch_related(None)
        .annotate(**{f"{field}_float": cast for field, cast in floats.items()})
        .values("pk", *VALUES.values(), *(f"{field}_float" for field in FLOAT_FIELDS))
        .iterator(chunk_size=CHUNK_SIZE)
    )
    labels = {
        "zone_type": dict(ZoneType.choices),
        "level": dict(Level.choices),
        "confidence": dict(Confidence.choices),
    }
    # One reverse() per export, not per park: every permalink differs only by its slug.
    link_start, link_end = request.build_absolute_uri(
        reverse("parks:detail", args=[PERMALINK_PLACEHOLDER])
    ).split(PERMALINK_PLACEHOLDER)
    while chunk := list(islice(rows, CHUNK_SIZE)):
        ids = [values["pk"] for values in chunk]
        lists = {column: names_by_park(column, ids) for column in LISTS}
        for values in chunk:
            row = {column: values[field] for column, field in VALUES.items()}
            for column, choices in labels.items():
                # As get_FOO_display(): the label, or the stored value when it is not a choice.
                row[column] = str(choices.get(row[column], row[column]))
            row["path"] = row["path"] or ""
            for column in FLOAT_FIELDS:
                row[column] = values[f"{column}_float"]
            for column in LISTS:
                row[column] = lists[column].get(values["pk"], [])
            row["permalink"] = link_start + values["slug"] + link_end
            yield {column: row[column] for column in COLUMNS}


def names_by_park(column, ids):
    """{park id: [names]} of one many-to-many column for these parks, in the related model's order."""
    related, name = LISTS[column]
    field = Park._meta.get_field(column)
    ordering = [f"{related}__{order}" for order in field.related_model._meta.ordering]
    pairs = (
        field.remote_field.through.objects.filter(park_id__in=ids)
        .order_by(*ordering)
        .values_list("park_id", f"{related}__{name}")
    )
    names = {}
    for park_id, value in pairs:
        names.setdefault(park_id, []).append(value)
    return names


class _Line:
    """A file-like object whose write() returns what was written, so csv.writer can feed a generator."""

    def write(self, text):
        return text


def csv_line(writer, cells):
    """One CSV line: every cell of every CSV download of the catalogue is written here."""
    return writer.writerow(["" if cell is None else cell for cell in cells])


def csv_lines(queryset, request):
    """The CSV download in pieces of a few hundred lines (one socket write each, not one per park)."""
    writer = csv.writer(_Line())
    yield BOM + csv_line(writer, COLUMNS)
    lines = []
    for row in park_rows(queryset, request):
        row["industries"] = "; ".join(row["industries"])
        row["sources"] = "; ".join(row["sources"])
        lines.append(csv_line(writer, [row[name] for name in COLUMNS]))
        if len(lines) == 500:
            yield "".join(lines)
            lines = []
    yield "".join(lines)


def json_chunks(filterset, request):
    """A JSON object streamed in pieces: metadata first, then the parks a few hundred at a time."""
    queryset = filterset.qs
    metadata = {
        **export_metadata(
            request,
            title=f"{settings.SITE_NAME}: industrial parks of Northeast China",
            page_url=request.get_full_path(),
            source=(
                "Parks named in Jia Xiaobing, 'Industrial Real Estate Park Revitalization in Major Rust Belts', "
                "enriched from the documents cited per park (see each park's sources)."
            ),
        ),
        "filters": {name: request.GET.get(name) for name in filterset.active_values},
        "count": queryset.count(),
    }
    yield '{"metadata": ' + json.dumps(metadata, ensure_ascii=False) + ', "parks": ['
    parks, separator = [], ""
    for row in park_rows(queryset, request):
        parks.append(json.dumps(row, ensure_ascii=False))
        if len(parks) == 500:
            yield separator + ", ".join(parks)
            parks, separator = [], ", "
    yield (separator + ", ".join(parks) if parks else "") + "]}"


# map.json: one array per park in this column order, not one object per park (a third of the bytes).
MAP_COLUMNS = ["slug", "name", "name_zh", "lat", "lng"]


def map_data(queryset):
    """The parks with coordinates, as the map script reads them (one query)."""
    rows = queryset.with_coordinates().values_list("slug", "name_en", "name_zh", "latitude", "longitude")
    return {
        "columns": MAP_COLUMNS,
        # Each park's page is this address with its slug in place of {slug}.
        "url": reverse("parks:detail", args=[PERMALINK_PLACEHOLDER]).replace(PERMALINK_PLACEHOLDER, "{slug}"),
        "parks": [[slug, name_en, name_zh, float(lat), float(lng)] for slug, name_en, name_zh, lat, lng in rows],
    }


def map_points_of(parks):
    """Map points of parks already fetched (no query), embedded in the page."""
    return [
        map_point(park.slug, park.name_en, park.name_zh, park.latitude, park.longitude)
        for park in parks
        if park.has_coordinates
    ]


def map_point(slug, name_en, name_zh, latitude, longitude):
    return {
        "name": name_en,
        "name_zh": name_zh,
        "url": reverse("parks:detail", args=[slug]),
        "lat": float(latitude),
        "lng": float(longitude),
    }


def error_text(filterset):
    """The form's errors as plain text lines for a 400 response."""
    lines = ["These filters were not understood, so nothing was exported:"]
    lines.extend(f"- {label}: {message}" for label, message in filterset.error_messages)
    return "\n".join(lines) + "\n"
