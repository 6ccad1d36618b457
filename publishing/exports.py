"""CSV and JSON downloads that always carry their source and licence.

Every CSV the site serves is written by `csv_text` (or `csv_download`, which uses it): formula-safe cells,
and RFC 4180 quoting, so no value an editor typed can start a formula or a row of its own.
"""

import csv
import io
import re

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils import timezone

from publishing.bilingual import language_filename

# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralize_formula(value):
    """Text that a spreadsheet would run as a formula, prefixed with ' so it shows as the text it is."""
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS) or PLAIN_NUMBER.fullmatch(value):
        return value
    return "'" + value


# "-3.5" or "+2e3" is a number a spreadsheet reads as one, not a formula (float() would also accept
# "\t5", "-inf" or "1_000").
PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?([eE][+-]?\d+)?")


# Their first characters: checked inline, so the usual cell (a number, or text starting otherwise)
# costs one set lookup (a full CSV has hundreds of thousands of cells).
FORMULA_FIRST_CHARACTERS = frozenset(start[0] for start in FORMULA_STARTS)


def safe_row(row):
    return [
        neutralize_formula(cell) if isinstance(cell, str) and cell[:1] in FORMULA_FIRST_CHARACTERS else cell
        for cell in row
    ]


def csv_text(rows):
    """CSV lines for these rows, formula-safe.

    RFC 4180: lines end in CRLF, and a field holding CR, LF, a quote or a comma is quoted. The csv module
    quotes a field holding a character of its line terminator: with "\n" alone a CR went out unquoted,
    and a spreadsheet split the row in two there.
    """
    buffer = io.StringIO()
    # One writerows() per call: the csv module loops in C, rather than one Python call per line.
    csv.writer(buffer, lineterminator="\r\n").writerows(map(safe_row, rows))
    return buffer.getvalue()


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
    response["Content-Disposition"] = f'attachment; filename="{language_filename(filename)}.csv"'
    source = f"{metadata['source']}; {metadata['url']}"
    licence = f"{metadata['licence']} {metadata['licence_url']}"
    response.write(csv_text([[*header, "source", "licence"], *([*row, source, licence] for row in rows)]))
    return response


def json_download(filename, metadata, data):
    response = JsonResponse({"metadata": metadata, **data}, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="{language_filename(filename)}.json"'
    return response
