"""The filtered catalogue as rows: streamed CSV and JSON downloads, and the points of the map.

Exports read plain values, never model instances: one query for the parks (foreign keys joined in),
and per chunk of parks one query each for their industries, their sources and their per-fact sources
(each fact's provenance). The count does not grow with the rows, memory stays flat while streaming,
and the bytes are those the page's facts show.
"""

import io
import json
from itertools import islice

from django.conf import settings
from django.db import connection
from django.db.models import FloatField
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from parks import schema
from parks.models import Fact, FactSource, Park, coordinates_are_approximate
from publishing.bilingual import is_chinese, other, pick
from publishing.exports import csv_text, export_metadata, safe_row

# Parks fetched and written per chunk: bounds memory, and costs three queries each (industries,
# sources, per-fact sources).
CHUNK_SIZE = 2000
# Excel and LibreOffice read a UTF-8 CSV as UTF-8 (Chinese names intact) only with a byte order mark.
BOM = "\ufeff"
# The provenance object of each park, one key per fact (the CSV's <fact>_sources columns).
FACT_VALUES = [fact.value for fact in Fact]


def header():
    """The CSV's first row: the columns' machine names in every language (scripts rely on them; the Data
    page gives their labels, and the workbook shows them)."""
    return [field.name for field in schema.download_columns()]


def labels():
    """The columns' labels in the current language: the workbook's first row."""
    return [str(field.label) for field in schema.download_columns()]


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
                "columns": {field.name: str(field.label) for field in schema.download_columns()},
                "licence_note": licence_note(),
            }
    return translations


PERMALINK_PLACEHOLDER = "park-slug-placeholder"


def park_rows(queryset, request, codes=False):
    """Every park of the queryset, in its order, as a dict of plain values in the schema's download
    order, then "permalink" and "provenance": {fact: [{"source", "note"[, "url"]}]} (as provenance_record
    gives for one park). Lists (industries, sources) stay lists; CSV joins them.

    codes=True (the JSON): a coded value (zone type, level…) or a related record (province, path,
    industries…) is its code or slug, the same in every language, with its label in the download's
    language beside it as "<name>_label" ("<name>_labels" for a list).
    """
    fields = schema.fields(schema.DOWNLOADS)
    chinese = is_chinese()
    # Decimal columns read as floats by the database: the export writes floats anyway, and the
    # Decimal Django would build first costs as much as the rest of the row.
    floats = {f"{name}_float": Cast(name, FloatField()) for name in schema.numeric_fields()}
    # Each column's value from the row's .values(): worked out once per export, not per park.
    read, cells = ["pk", *floats], []
    lists = {}  # list column -> {park id: names}, per chunk
    coded = {field.name for field in fields if codes and (field.choices or len(field.names) == 2)}
    for field in fields:
        name = field.name
        label = f"{name}_labels" if field.is_list else f"{name}_label"
        if field.is_list:
            if name in coded:
                cells.append((name, lambda values, name=name: lists[f"{name}:codes"].get(values["pk"], [])))
            cells.append(
                (label if name in coded else name, lambda values, name=name: lists[name].get(values["pk"], []))
            )
        elif field.names:
            # As display_name: the Chinese name in a Chinese download where one was entered.
            english, chinese_name = (f"{name}__{part}" for part in field.names)
            read += [english, chinese_name]
            if name in coded:
                read.append(f"{name}__slug")
                cells.append((name, lambda values, slug=f"{name}__slug": values[slug] or ""))
            cells.append(
                (
                    label if name in coded else name,
                    lambda values, en=english, zh=chinese_name: (chinese and values[zh] or values[en]) or "",
                )
            )
        elif field.choices:
            # As get_FOO_display(): the label, or the stored value when it is not a choice.
            choice_labels = {value: str(label) for value, label in field.choices.choices}
            read.append(name)
            if name in coded:
                cells.append((name, lambda values, name=name: values[name] or ""))
            cells.append(
                (
                    label if name in coded else name,
                    lambda values, name=name, choice_labels=choice_labels: (
                        choice_labels.get(values[name]) or str(values[name])
                    ),
                )
            )
        elif field.chinese:
            read += [name, field.chinese]
            cells.append((name, lambda values, en=name, zh=field.chinese: chinese and values[zh] or values[en]))
        elif f"{name}_float" in floats:
            cells.append((name, lambda values, key=f"{name}_float": values[key]))
        else:
            read.append(name)
            cells.append((name, lambda values, name=name: values[name]))
    rows = queryset.prefetch_related(None).annotate(**floats).values(*read).iterator(chunk_size=CHUNK_SIZE)
    # One reverse() per export, not per park: every permalink differs only by its slug.
    link_start, link_end = request.build_absolute_uri(reverse("parks:detail", args=[PERMALINK_PLACEHOLDER])).split(
        PERMALINK_PLACEHOLDER
    )
    while chunk := list(islice(rows, CHUNK_SIZE)):
        ids = [values["pk"] for values in chunk]
        lists.update({field.name: names_by_park(field, ids, chinese) for field in fields if field.is_list})
        lists.update({f"{name}:codes": slugs_by_park(name, ids) for name in coded if name in lists})
        provenance = provenance_by_park(ids)
        for values in chunk:
            row = {name: cell(values) for name, cell in cells}
            row["permalink"] = link_start + values["slug"] + link_end
            row["provenance"] = provenance.get(values["pk"]) or {fact: [] for fact in FACT_VALUES}
            yield row


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


def flat_rows(rows, licence):
    """The rows' cells in header() order, lists joined (the CSV's and the workbook's rows)."""
    columns = [field.name for field in schema.fields(schema.DOWNLOADS)] + ["permalink"]
    joined = [index for index, field in enumerate(schema.fields(schema.DOWNLOADS)) if field.is_list]
    for row in rows:
        cells = [row[name] for name in columns]
        for index in joined:
            cells[index] = "; ".join(cells[index])
        yield cells + [provenance_cell(entries) for entries in row["provenance"].values()] + [licence]


def names_by_park(field, ids, chinese=False):
    """{park id: [names]} of one list field for these parks, in the related model's order, each name
    in the download's language where it has one (as display_name)."""
    relation = Park._meta.get_field(field.name)
    related = relation.m2m_reverse_field_name()
    ordering = [f"{related}__{order}" for order in relation.related_model._meta.ordering]
    pairs = (
        relation.remote_field.through.objects.filter(park_id__in=among(ids))
        .order_by(*ordering)
        .values_list("park_id", *(f"{related}__{name}" for name in field.names))
    )
    names = {}
    for park_id, name, *chinese_name in pairs:
        if chinese and chinese_name and chinese_name[0]:
            name = chinese_name[0]  # as pick()
        names.setdefault(park_id, []).append(name)
    return names


def slugs_by_park(name, ids):
    """{park id: [slugs]} of one list field for these parks, in the same order as names_by_park."""
    relation = Park._meta.get_field(name)
    related = relation.m2m_reverse_field_name()
    ordering = [f"{related}__{order}" for order in relation.related_model._meta.ordering]
    pairs = (
        relation.remote_field.through.objects.filter(park_id__in=among(ids))
        .order_by(*ordering)
        .values_list("park_id", f"{related}__slug")
    )
    slugs = {}
    for park_id, slug in pairs:
        slugs.setdefault(park_id, []).append(slug)
    return slugs


def batches(rows, size):
    rows = iter(rows)
    while batch := list(islice(rows, size)):
        yield batch


def csv_lines(queryset, request):
    """The CSV download in pieces of 500 lines (one socket write each, not one per park)."""
    yield BOM + csv_text([header()])
    yield from map(csv_text, batches(flat_rows(park_rows(queryset, request), licence_note()), 500))


def catalogue_metadata(filterset, request):
    return {
        **export_metadata(request, title=export_title(), page_url=request.get_full_path(), source=export_source()),
        "filters": {name: request.GET.get(name) for name in filterset.active_values},
        "count": filterset.qs.count(),
        "licence_note": licence_note(),
        "language": get_language(),
        "translations": described_in_every_language(),
    }


def json_chunks(filterset, request):
    """A JSON object streamed in pieces: metadata first, then the parks 500 at a time."""
    yield '{"metadata": ' + json.dumps(catalogue_metadata(filterset, request), ensure_ascii=False) + ', "parks": ['
    separator = ""
    for parks in batches(park_rows(filterset.qs, request, codes=True), 500):
        # One encoder call per 500 parks; without its brackets a list is its items joined by ", ".
        yield separator + json.dumps(parks, ensure_ascii=False)[1:-1]
        separator = ", "
    yield "]}"


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_workbook(filterset, request):
    """The filtered parks as an Excel workbook: a Parks sheet in the CSV's columns under their labels in
    the download's language (header frozen, filters on, columns fitted, numbers as numbers), and an
    About sheet with source and licence."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Parks"))
    head = labels()
    # Widths are written before the rows: the sheet is built in memory anyway (the response is not streamed).
    rows = [safe_row(cells) for cells in flat_rows(park_rows(filterset.qs, request), licence_note())]
    for index, label in enumerate(head):
        widest = max((shown_width(row[index]) for row in rows), default=0)
        sheet.column_dimensions[get_column_letter(index + 1)].width = min(max(widest, shown_width(label)) + 2, 60)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(head))}{len(rows) + 1}"
    sheet.append(head)
    for row in rows:
        sheet.append(row)
    about = workbook.create_sheet(_("About"))
    for name, value in catalogue_metadata(filterset, request).items():
        about.append([name, json.dumps(value, ensure_ascii=False) if isinstance(value, dict) else value])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def shown_width(value):
    """About how many character widths a cell needs: Chinese characters take two."""
    text = "" if value is None else str(value)
    return len(text) + sum(1 for character in text if ord(character) > 0x2E80)


# map.json: one array per park in this column order, not one object per park (a third of the bytes).
MAP_COLUMNS = ["slug", "name", "name_zh", "lat", "lng", "approximate", "coord_note"]


def map_data(queryset):
    """The parks with coordinates, as the map script reads them (one query)."""
    rows = queryset.with_coordinates().values_list("slug", "name_en", "name_zh", "latitude", "longitude", "coord_note")
    return {
        "columns": MAP_COLUMNS,
        # Each park's page is this address with its slug in place of {slug}.
        "url": reverse("parks:detail", args=[PERMALINK_PLACEHOLDER]).replace(PERMALINK_PLACEHOLDER, "{slug}"),
        # As map_point: the name in the page's language, and the Chinese one beside it on English pages.
        "parks": [
            # Approximate positions (city centres) are drawn hollow, and the popup says so.
            [
                slug,
                pick(name_en, name_zh),
                other(name_zh),
                float(lat),
                float(lng),
                coordinates_are_approximate(coord_note),
                coord_note,
            ]
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
