"""CSV and JSON downloads that always carry their source and licence."""

import csv

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils import timezone


# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralize_formula(value):
    """Text that a spreadsheet would run as a formula, prefixed with ' so it shows as the text it is."""
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    try:
        float(value)  # "-3.5" is a number, not a formula
        return value
    except ValueError:
        return "'" + value


# Their first characters: checked inline, so the usual cell (a number, or text starting otherwise)
# costs one set lookup (a full CSV has hundreds of thousands of cells).
FORMULA_FIRST_CHARACTERS = frozenset(start[0] for start in FORMULA_STARTS)


def safe_row(row):
    return [
        neutralize_formula(cell) if isinstance(cell, str) and cell[:1] in FORMULA_FIRST_CHARACTERS else cell
        for cell in row
    ]


def export_metadata(request, title, page_url, source):
    return {
        "title": title,
        "source": source,
        "url": request.build_absolute_uri(page_url),
        "publisher": settings.SITE_NAME,
        "licence": settings.CONTENT_LICENSE,
        "licence_url": settings.CONTENT_LICENSE_URL,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
    }


def csv_download(filename, header, rows, metadata):
    """A CSV whose every row names its source and licence, so a copied row keeps them."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    source = f"{metadata['source']}; {metadata['url']}"
    licence = f"{metadata['licence']} {metadata['licence_url']}"
    writer = csv.writer(response)
    writer.writerow(safe_row([*header, "source", "licence"]))
    for row in rows:
        writer.writerow(safe_row([*row, source, licence]))
    return response


def json_download(filename, metadata, data):
    response = JsonResponse(
        {"metadata": metadata, **data}, json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.json"'
    return response
