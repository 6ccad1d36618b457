"""The article page, its Figures page, chart downloads and citation downloads."""

from django.core.validators import slug_re
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render

from articles.charts import Chart, plain_number
from articles.models import Article, DataSeries
from articles.rendering import article_body
from publishing.bilingual import language_filename
from publishing.citations import citation_download
from publishing.exports import csv_download, export_metadata


def visible_article(request, slug):
    # Staff see drafts (with a banner); everyone else gets a 404 for anything unpublished.
    return get_object_or_404(Article.objects.visible_to(request.user), slug=slug)


def article_detail(request, slug):
    article = visible_article(request, slug)
    body, minutes = article_body(request, article)
    context = {"article": article, "body": body, "reading_minutes": minutes}
    return render(request, "articles/article_detail.html", context)


def visible_series(request, slug, series_slug):
    article = visible_article(request, slug)
    return get_object_or_404(DataSeries.objects.for_charts().filter(article=article), slug=series_slug)


def figures(request, slug):
    article = visible_article(request, slug)
    charts = [Chart(series) for series in article.data_series.for_charts()]
    return render(request, "articles/figures.html", {"article": article, "charts": charts})


def series_csv(request, slug, series_slug):
    series = visible_series(request, slug, series_slug)
    metadata = export_metadata(request, series.name, series.source_url, series.source)
    header = ["series", "label", "value", "value_high", "unit", "note", "source_sentence"]
    rows = [
        [
            series.name,
            point.label,
            plain_number(point.value),
            plain_number(point.value_high) if point.is_range else "",
            series.unit,
            point.note,
            series.source_sentence,
        ]
        for point in series.points.all()
    ]
    return csv_download(series.slug, header, rows, metadata)


def series_svg(request, slug, series_slug):
    series = visible_series(request, slug, series_slug)
    page_url = request.build_absolute_uri(series.get_absolute_url())
    response = HttpResponse(Chart(series).standalone(page_url), content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{language_filename(series.slug)}.svg"'
    return response


def article_cite(request, slug, fmt):
    """The article, or one section with ?section=<slug>, as BibTeX, RIS or CSL-JSON."""
    article = visible_article(request, slug)
    cited = article
    if request.GET.get("section"):
        # Not a slug (e.g. %00, which PostgreSQL refuses in a query): no such section.
        if not slug_re.fullmatch(request.GET["section"]):
            raise Http404("No such section.")
        cited = get_object_or_404(article.sections.all(), slug=request.GET["section"])
    return citation_download(request, cited, fmt)
