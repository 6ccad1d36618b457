"""Matrix downloads, the Coverage page and park citation downloads (issue 7)."""

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext_lazy

from articles.citations import cite_park, download
from parks.coverage import coverage_rows
from parks.matrix import published_matrix
from parks.models import Park
from rustbelt.exports import csv_download, export_metadata, json_download
from rustbelt.workflow.bilingual import download_language

MATRIX_TITLE = gettext_lazy("Published parks by province and development path")
MATRIX_SOURCE = gettext_lazy("Rust Belt Parks catalogue of Northeast China's industrial parks")


def matrix_metadata(request):
    return export_metadata(request, str(MATRIX_TITLE), reverse("parks:list"), str(MATRIX_SOURCE))


@download_language
def matrix_csv(request):
    matrix = published_matrix()
    return csv_download("parks-by-province-and-path", matrix.header, matrix.table(), matrix_metadata(request))


@download_language
def matrix_json(request):
    matrix = published_matrix()
    return json_download("parks-by-province-and-path", matrix_metadata(request), matrix.as_dict())


def coverage(request):
    return render(request, "parks/coverage.html", {"rows": coverage_rows()})


def park_cite(request, slug, fmt):
    park = get_object_or_404(Park.objects.published().for_listing(), slug=slug)
    return download(cite_park(park, request), fmt)
