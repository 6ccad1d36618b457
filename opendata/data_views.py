"""/data/: the Data page, the data package, each table as CSV and the whole dataset as one SQLite file."""

from datetime import UTC, datetime

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from articles.models import Article
from opendata import dataset
from opendata.datapackage import datapackage
from parks import schema
from publishing.citations import Citation, cite
from publishing.generation import current_generation

SQLITE_FILENAME = "rust-belt-parks.sqlite"


def with_last_modified(response, generation):
    # The content generation's start; Django's ConditionalGetMiddleware answers If-Modified-Since with 304.
    response["Last-Modified"] = http_date(generation.changed_at)
    return response


@require_safe
def data_page(request):
    article = Article.objects.published().first()
    generation = current_generation()
    # The dataset is the site's compilation: the site is author and publisher, its version the date of
    # the content generation (the last change); no other date is claimed.
    dataset_citation = Citation(
        item={
            "id": "rustbeltparks-dataset",
            "type": "dataset",
            "title": "Industrial parks of Northeast China (Rust Belt Parks dataset)",
            "author": [{"literal": gettext(settings.SITE_NAME)}],
            "publisher": gettext(settings.SITE_NAME),
            "version": f"{datetime.fromtimestamp(generation.changed_at, UTC).date():%Y-%m-%d}",
            "language": "en",
            "license": f"{settings.CONTENT_LICENSE} {settings.CONTENT_LICENSE_URL}",
            "URL": request.build_absolute_uri(reverse("data:index")),
        },
        accessed=timezone.localdate(),
        site_name=gettext(settings.SITE_NAME),
    )
    context = {
        "tables": [
            {
                "table": table,
                "url": reverse("data:table", args=[table.name]),
                "is_article_text": table.licence == dataset.ARTICLE_TEXT,
            }
            for table in dataset.tables()
        ],
        "catalogue_columns": schema.download_columns(),
        "article": article,
        "article_citation": cite(article, request) if article else None,
        "dataset_citation": dataset_citation,
        "api_root": request.build_absolute_uri(reverse("api:root")),
        "parks_api": request.build_absolute_uri(reverse("api:park-list")),
        "datapackage_url": request.build_absolute_uri(reverse("data:datapackage")),
        "sqlite_url": request.build_absolute_uri(reverse("data:sqlite")),
        "parks_csv": request.build_absolute_uri(reverse("data:table", args=["parks"])),
        "parks_page": reverse("parks:list"),
        "throttle_rate": settings.API_THROTTLE_RATE,
        "max_page_size": settings.API_MAX_PAGE_SIZE,
    }
    return render(request, "data.html", context)


@require_safe
def datapackage_json(request):
    generation = current_generation()
    response = JsonResponse(datapackage(request, generation), json_dumps_params={"ensure_ascii": False, "indent": 2})
    return with_last_modified(response, generation)


@require_safe
def table_csv(request, name):
    table = dataset.table_named(name)
    if table is None:
        raise Http404("No such table.")
    file, generation = dataset.current_sqlite()
    with file:  # a superseded file is kept a while after its replacement (dataset.remove_superseded)
        response = HttpResponse(dataset.table_csv(table, file.name), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return with_last_modified(response, generation)


@require_safe
def sqlite_file(request):
    file, generation = dataset.current_sqlite()
    response = FileResponse(file, as_attachment=True, filename=SQLITE_FILENAME, content_type="application/vnd.sqlite3")
    # A stream gets no ETag from the middleware; the generation names this file's content.
    response["ETag"] = f'"{generation.token}"'
    return with_last_modified(response, generation)
