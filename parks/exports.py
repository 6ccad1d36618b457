"""The filtered catalogue as rows: streamed CSV and JSON downloads, and the points of the map.

Exports read plain values, never model instances: one query for the parks (foreign keys joined in),
and per chunk of parks one query each for their industries, their sources and their per-fact sources
(each fact's provenance). The count does not grow with the rows, memory stays flat while streaming,
and the bytes are those the page's facts show.
"""

import csv
import io
import json
from itertools import islice
from operator import itemgetter

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.db.models import FloatField
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import get_language, override, pgettext_lazy
from openpyxl import Workbook

from parks.models import Confidence, Fact, FactSource, Level, Park, ZoneType, coordinates_are_approximate
from publishing.bilingual import is_chinese, other, pick
from publishing.exports import export_metadata, safe_row
from publishing.generation import generation_key

# Parks fetched and written per chunk: bounds memory, and costs three queries each (industries,
# sources, per-fact sources).
CHUNK_SIZE = 2000
# Excel and LibreOffice read a UTF-8 CSV as UTF-8 (Chinese names intact) only with a byte order mark.
BOM = "\ufeff"

COLUMNS = [
    "slug", "name_en", "name_zh", "article_name", "province", "city", "zone_type", "level", "path",
    "established_year", "national_year", "area_km2", "area_note", "latitude", "longitude", "coord_note",
    "industries", "sources", "confidence", "notes", "permalink",
]
# One provenance column per fact: the sources that give it, each with its note.
FACT_VALUES = [fact.value for fact in Fact]
PROVENANCE_COLUMNS = [f"{fact}_sources" for fact in FACT_VALUES]
# The CSV download's whole header: the fact sheet's columns, provenance per fact, the licence.
EXPORT_HEADER = [*COLUMNS, *PROVENANCE_COLUMNS, "licence"]
# Export column -> the value fetched for it (foreign keys by their name, joined in the same query).
VALUES = {
    "slug": "slug", "name_en": "name_en", "name_zh": "name_zh", "article_name": "article_name",
    "province": "province__name_en", "city": "city", "zone_type": "zone_type", "level": "level",
    "path": "path__name", "established_year": "established_year", "national_year": "national_year",
    "area_note": "area_note", "coord_note": "coord_note", "confidence": "confidence", "notes": "notes",
}
# Bilingual columns: the Chinese value fetched beside the English one, shown in a Chinese download
# where entered (as the models' display_name / display_city).
CHINESE = {"province": "province__name_zh", "city": "city_zh", "path": "path__name_zh"}
FLOAT_FIELDS = ["area_km2", "latitude", "longitude"]
# Many-to-many columns: (through-table field of the related row, its English and Chinese names), in
# the related model's order.
LISTS = {"industries": ("industry", ("name", "name_zh")), "sources": ("source", ("citation",))}

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
    "level_sources": pgettext_lazy("export column", "level_sources"),
    "established_year_sources": pgettext_lazy("export column", "established_year_sources"),
    "national_year_sources": pgettext_lazy("export column", "national_year_sources"),
    "area_sources": pgettext_lazy("export column", "area_sources"),
    "coordinates_sources": pgettext_lazy("export column", "coordinates_sources"),
    "industries_sources": pgettext_lazy("export column", "industries_sources"),
    "path_sources": pgettext_lazy("export column", "path_sources"),
    "licence": pgettext_lazy("export column", "licence"),
}


def header():
    """The CSV's first row: the column names in English (stable for scripts), their labels in Chinese."""
    return [str(COLUMN_LABELS[name]) for name in EXPORT_HEADER] if is_chinese() else list(EXPORT_HEADER)


def licence_note():
    """Which licence covers the download: the site's compilation, not the article's quoted words."""
    return _(
        "Compiled by Rust Belt Parks from the sources named per fact; %(licence)s %(url)s. "
        "Quotations of the article remain its rights holders'."
    ) % {"licence": settings.CONTENT_LICENSE, "url": settings.CONTENT_LICENSE_URL}


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
                "columns": {name: str(COLUMN_LABELS[name]) for name in EXPORT_HEADER},
                "licence_note": licence_note(),
            }
    return translations


PERMALINK_PLACEHOLDER = "park-slug-placeholder"


def park_rows(queryset, request):
    """Every park of the queryset, in its order, as a dict of plain values in COLUMNS order, then
    "provenance": {fact: [{"source", "note"[, "url"]}]} (as provenance_record gives for one park).

    Lists (industries, sources) stay lists; CSV joins them.
    """
    # Decimal columns read as floats by the database: the export writes floats anyway, and the
    # Decimal Django would build first costs as much as the rest of the row.
    floats = {field: Cast(field, FloatField()) for field in FLOAT_FIELDS}
    rows = (
        queryset.prefetch_related(None)
        .annotate(**{f"{field}_float": cast for field, cast in floats.items()})
        .values("pk", *VALUES.values(), *CHINESE.values(), *(f"{field}_float" for field in FLOAT_FIELDS))
        .iterator(chunk_size=CHUNK_SIZE)
    )
    # Everything that is the same for every park is worked out once per export, not per row: the
    # language (pick() asks the translation machinery each time), the choices' translated labels.
    chinese = is_chinese()
    zone_types, levels, confidences = (
        {value: str(label) for value, label in choices} for choices in (ZoneType.choices, Level.choices, Confidence.choices)
    )
    # One reverse() per export, not per park: every permalink differs only by its slug.
    link_start, link_end = request.build_absolute_uri(
        reverse("parks:detail", args=[PERMALINK_PLACEHOLDER])
    ).split(PERMALINK_PLACEHOLDER)
    while chunk := list(islice(rows, CHUNK_SIZE)):
        ids = [values["pk"] for values in chunk]
        industries = names_by_park("industries", ids, chinese)
        sources = names_by_park("sources", ids, chinese)
        provenance = provenance_by_park(ids)
        for values in chunk:
            pk = values["pk"]
            # One dict literal in COLUMNS order (the JSON's key order), built in one step per park.
            yield {
                "slug": values["slug"],
                "name_en": values["name_en"],
                "name_zh": values["name_zh"],
                "article_name": values["article_name"],
                # As pick(): the Chinese value in a Chinese download where one was entered.
                "province": chinese and values["province__name_zh"] or values["province__name_en"],
                "city": chinese and values["city_zh"] or values["city"],
                # As get_FOO_display(): the label, or the stored value when it is not a choice.
                "zone_type": zone_types.get(values["zone_type"]) or str(values["zone_type"]),
                "level": levels.get(values["level"]) or str(values["level"]),
                "path": (chinese and values["path__name_zh"] or values["path__name"]) or "",
                "established_year": values["established_year"],
                "national_year": values["national_year"],
                "area_km2": values["area_km2_float"],
                "area_note": values["area_note"],
                "latitude": values["latitude_float"],
                "longitude": values["longitude_float"],
                "coord_note": values["coord_note"],
                "industries": industries.get(pk, []),
                "sources": sources.get(pk, []),
                "confidence": confidences.get(values["confidence"]) or str(values["confidence"]),
                "notes": values["notes"],
                "permalink": link_start + values["slug"] + link_end,
                "provenance": provenance.get(pk) or {fact: [] for fact in FACT_VALUES},
            }


def among(ids):
    """A chunk's park ids as one query parameter, for `park_id__in=among(ids)`.

    A plain list becomes one SQL parameter per id, each prepared and compiled by Django (a fifth of
    a full CSV's time at 10k parks); an array (PostgreSQL) or a JSON list (SQLite) is one parameter.
    """
    vendor = connection.vendor
    if vendor == "postgresql":
        # An array literal: psycopg would otherwise adapt the list id by id.
        return RawSQL("SELECT unnest(%s::bigint[])", ["{" + ",".join(map(str, ids)) + "}"])
    if vendor == "sqlite":
        return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(ids)])
    return ids


def provenance_by_park(ids):
    """{park id: {fact: [{"source", "note"[, "url"]}]}} for these parks, in one query (as provenance_record)."""
    records = {}
    rows = (
        FactSource.objects.filter(park_id__in=among(ids))
        .order_by("park_id", "fact", "pk")
        .values_list("park_id", "fact", "source__citation", "source__url", "note")
    )
    for park_id, fact, citation, url, note in rows:
        by_fact = records.get(park_id)
        if by_fact is None:
            by_fact = records[park_id] = {fact: [] for fact in FACT_VALUES}
        entry = {"source": citation, "note": note}
        if url:
            entry["url"] = url
        by_fact[fact].append(entry)
    return records


def provenance_cell(entries):
    """'Source (note); Source' for one fact in the CSV."""
    if not entries:
        return ""
    return "; ".join(f"{entry['source']} ({entry['note']})" if entry["note"] else entry["source"] for entry in entries)


INDUSTRIES_CELL, SOURCES_CELL = COLUMNS.index("industries"), COLUMNS.index("sources")
COLUMN_CELLS = itemgetter(*COLUMNS)


def flat_row(row, licence):
    """A row's cells in EXPORT_HEADER order, lists joined (the CSV's and the workbook's rows)."""
    cells = list(COLUMN_CELLS(row))
    cells[INDUSTRIES_CELL] = "; ".join(row["industries"])
    cells[SOURCES_CELL] = "; ".join(row["sources"])
    return cells + [provenance_cell(entries) for entries in row["provenance"].values()] + [licence]


def names_by_park(column, ids, chinese):
    """{park id: [names]} of one many-to-many column for these parks, in the related model's order,
    each name in the download's language where it has one (as display_name)."""
    related, fields = LISTS[column]
    field = Park._meta.get_field(column)
    ordering = [f"{related}__{order}" for order in field.related_model._meta.ordering]
    pairs = (
        field.remote_field.through.objects.filter(park_id__in=among(ids))
        .order_by(*ordering)
        .values_list("park_id", *(f"{related}__{name}" for name in fields))
    )
    names = {}
    for park_id, name, *chinese_name in pairs:
        if chinese and chinese_name and chinese_name[0]:
            name = chinese_name[0]  # as pick()
        names.setdefault(park_id, []).append(name)
    return names


def csv_text(rows):
    """CSV lines for these rows: every cell of every CSV download of the catalogue is written here, formula-safe."""
    buffer = io.StringIO()
    # One writerows() per batch: the csv module loops in C, rather than one Python call per line.
    csv.writer(buffer).writerows(safe_row(cells) for cells in rows)
    return buffer.getvalue()


def csv_lines(queryset, request):
    """The CSV download in pieces of 500 lines (one socket write each, not one per park)."""
    licence = licence_note()
    yield BOM + csv_text([header()])
    rows = []
    for row in park_rows(queryset, request):
        rows.append(flat_row(row, licence))
        if len(rows) == 500:
            yield csv_text(rows)
            rows = []
    yield csv_text(rows)


def catalogue_metadata(filterset, request, count=None):
    return {
        **export_metadata(request, title=export_title(), page_url=request.get_full_path(), source=export_source()),
        "filters": {name: request.GET.get(name) for name in filterset.active_values},
        "count": filterset.qs.count() if count is None else count,
        "licence_note": licence_note(),
        "language": get_language(),
        "translations": described_in_every_language(),
    }


def json_export_key(filterset, request):
    """The cache key of this JSON export's parks in the current content generation and language, or
    None when aggregates are not cached. Read while the view runs (the rows are streamed after it,
    outside the request's one generation read). Permalinks are absolute: scheme and host are part of it."""
    if settings.AGGREGATE_CACHE_SECONDS <= 0:
        return None
    return generation_key(filterset.cache_name(f"park-export-json:{request.scheme}://{request.get_host()}"))


def json_chunks(filterset, request, key=None):
    """A JSON object streamed in pieces: metadata first, then the parks 500 at a time.

    With a key (json_export_key), the parks' part of an export of at most EXPORT_CACHE_MAX_PARKS parks
    is kept, encoded, in the "exports" cache, and later requests send it as it is: only the metadata
    (its time and address) is made per request. The bytes are the same either way.
    """
    exports_cache = caches["exports"]
    stored = exports_cache.get(key) if key else None
    if stored is not None:
        count, parks_bytes = stored
        yield '{"metadata": ' + json.dumps(catalogue_metadata(filterset, request, count), ensure_ascii=False) + ', "parks": ['
        yield parks_bytes
        return
    metadata = catalogue_metadata(filterset, request)
    keep = key is not None and metadata["count"] <= settings.EXPORT_CACHE_MAX_PARKS
    yield '{"metadata": ' + json.dumps(metadata, ensure_ascii=False) + ', "parks": ['
    kept, count = [], 0
    parks, separator = [], ""
    for row in park_rows(filterset.qs, request):
        parks.append(row)
        if len(parks) == 500:
            # One encoder call per 500 parks; without its brackets a list is its items joined by ", ".
            piece = separator + json.dumps(parks, ensure_ascii=False)[1:-1]
            count, parks, separator = count + len(parks), [], ", "
            if keep:
                kept.append(piece)
            yield piece
    piece = (separator + json.dumps(parks, ensure_ascii=False)[1:-1] if parks else "") + "]}"
    count += len(parks)
    yield piece
    if keep:
        kept.append(piece)
        exports_cache.set(key, (count, "".join(kept).encode()), settings.AGGREGATE_CACHE_SECONDS)


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_workbook(filterset, request):
    """The filtered parks as an Excel workbook: a Parks sheet in the CSV's columns, an About sheet with source and licence."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Parks"))
    sheet.append(header())
    licence = licence_note()
    for row in park_rows(filterset.qs, request):
        sheet.append(safe_row(flat_row(row, licence)))
    about = workbook.create_sheet(_("About"))
    for name, value in catalogue_metadata(filterset, request).items():
        about.append([name, json.dumps(value, ensure_ascii=False) if isinstance(value, dict) else value])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


# map.json: one array per park in this column order, not one object per park (a third of the bytes).
MAP_COLUMNS = ["slug", "name", "name_zh", "lat", "lng", "approximate", "coord_note"]


def map_data(queryset):
    """The parks with coordinates, as the map script reads them (one query)."""
    rows = queryset.with_coordinates().values_list(
        "slug", "name_en", "name_zh", "latitude", "longitude", "coord_note"
    )
    return {
        "columns": MAP_COLUMNS,
        # Each park's page is this address with its slug in place of {slug}.
        "url": reverse("parks:detail", args=[PERMALINK_PLACEHOLDER]).replace(PERMALINK_PLACEHOLDER, "{slug}"),
        # As map_point: the name in the page's language, and the Chinese one beside it on English pages.
        "parks": [
            # Approximate positions (city centres) are drawn hollow, and the popup says so.
            [slug, pick(name_en, name_zh), other(name_zh), float(lat), float(lng),
             coordinates_are_approximate(coord_note), coord_note]
            for slug, name_en, name_zh, lat, lng, coord_note in rows
        ],
    }


def map_points_of(parks):
    """Map points of parks already fetched (no query), embedded in the page."""
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
