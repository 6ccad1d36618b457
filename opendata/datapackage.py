"""The Frictionless data package (`/data/datapackage.json`): every CSV download, its Table Schema, keys,
licence and sources."""

from datetime import UTC, datetime

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from articles.models import Article, DataSeries
from opendata.dataset import ARTICLE_TEXT, tables, utc
from parks import schema
from parks.matrix import published_matrix

SERIES_COLUMNS = [
    ("series", "string"),
    ("label", "string"),
    ("value", "number"),
    ("value_high", "number"),
    ("unit", "string"),
    ("note", "string"),
    ("source_sentence", "string"),
    ("source", "string"),
    ("licence", "string"),
]


def compiled_licence():
    return {"name": "CC-BY-4.0", "path": settings.CONTENT_LICENSE_URL, "title": "Creative Commons Attribution 4.0"}


def article_text_licence(request, article):
    # Not ours to license: the article's text stays its rights holder's.
    return {
        "path": request.build_absolute_uri(article.get_absolute_url()) if article else request.build_absolute_uri("/"),
        "title": _(
            "The rights holder's (%(author)s and the original publisher): reproduced for research with "
            "attribution, not openly licensed."
        )
        % {"author": article.author if article else "the author"},
    }


def licences(kind, request, article):
    return [article_text_licence(request, article)] if kind == ARTICLE_TEXT else [compiled_licence()]


def csv_resource(
    name, title, description, url, fields, licence_list, primary_key=None, foreign_keys=(), encoding="utf-8"
):
    schema = {"fields": fields, "missingValues": [""]}
    if primary_key:
        schema["primaryKey"] = primary_key
    if foreign_keys:
        schema["foreignKeys"] = list(foreign_keys)
    return {
        "name": name,
        "title": title,
        "description": description,
        "path": url,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": encoding,
        "licenses": licence_list,
        "schema": schema,
    }


def table_resources(request, article):
    for table in tables():
        fields = []
        for column in table.columns:
            field = {"name": column.name, "type": column.type}
            if column.description:
                field["description"] = column.description
            if column.required:
                field["constraints"] = {"required": True}
            fields.append(field)
        foreign_keys = [
            {
                "fields": local,
                "reference": {"resource": "" if remote_table == table.name else remote_table, "fields": remote},
            }
            for local, remote_table, remote in table.foreign_keys
        ]
        yield csv_resource(
            table.name,
            table.title,
            table.description,
            request.build_absolute_uri(reverse("data:table", args=[table.name])),
            fields,
            licences(table.licence, request, article),
            table.primary_key,
            foreign_keys,
        )


def catalogue_field(field):
    described = {"name": field.name, "type": field.table_type, "title": str(field.label)}
    if field.description:
        described["description"] = str(field.description)
    return described


def download_resources(request, article):
    """The site's other CSV downloads: the catalogue export, the matrix, each chart's numbers."""
    yield csv_resource(
        "catalogue-export",
        _("Catalogue export"),
        _(
            "The parks list's CSV download (/parks/export.csv; filters in the query string select rows): province, "
            "path, industries and sources by name, types and levels as labels."
        ),
        request.build_absolute_uri(reverse("parks:export-csv")),
        [catalogue_field(field) for field in schema.download_columns()],
        [compiled_licence()],
        ["slug"],
        # The export starts with a byte order mark, so Excel reads it as UTF-8.
        encoding="utf-8-sig",
    )
    header = published_matrix().header
    yield csv_resource(
        "province-path-matrix",
        _("Parks by province and development path"),
        _("Published parks counted per province and path; the last row totals each column."),
        request.build_absolute_uri(reverse("parks:matrix-csv")),
        [{"name": name, "type": "string" if index < 2 else "integer"} for index, name in enumerate(header)]
        + [{"name": "source", "type": "string"}, {"name": "licence", "type": "string"}],
        [compiled_licence()],
    )
    for series in DataSeries.objects.filter(article__in=Article.objects.published()).select_related("article"):
        yield csv_resource(
            f"series-{series.slug}",
            series.name,
            _("A chart's numbers as the article states them; source_sentence quotes the article."),
            request.build_absolute_uri(reverse("articles:series-csv", args=[series.article.slug, series.slug])),
            [{"name": name, "type": kind} for name, kind in SERIES_COLUMNS],
            [article_text_licence(request, series.article)],
            ["label"],
        )


def datapackage(request, generation):
    article = Article.objects.published().first()
    sources = [{"title": _("Documents cited per park: see the sources resource.")}]
    if article:
        sources.insert(
            0,
            {
                "title": f"{article.author}, '{article.title}' ({article.series}, ep. {article.episode})",
                "path": request.build_absolute_uri(article.get_absolute_url()),
            },
        )
    return {
        "profile": "tabular-data-package",
        "name": "rust-belt-parks",
        "title": _("Rust Belt Parks: industrial parks of Northeast China and the article that discusses them"),
        "description": _(
            "The published content of the Rust Belt Parks site: the catalogue of Northeast China's industrial parks "
            "(provinces, development paths, industries, sources, official counts) and the article 'Industrial Real "
            "Estate Park Revitalization in Major Rust Belts' with its data series. The same tables as one SQLite "
            "file: /data/rust-belt-parks.sqlite."
        ),
        "homepage": request.build_absolute_uri(reverse("data:index")),
        "created": utc_from_epoch(generation.changed_at),
        "licenses": [compiled_licence()],
        "sources": sources,
        "contributors": [{"title": settings.SITE_NAME, "role": "publisher", "path": request.build_absolute_uri("/")}],
        "resources": [*table_resources(request, article), *download_resources(request, article)],
    }


def utc_from_epoch(seconds):
    return utc(datetime.fromtimestamp(seconds, UTC))
