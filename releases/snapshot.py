"""Freezing a release: the published article section by section (with its charts), every published park as the
API gives it, the data files as the site serves them and the article's PDFs, all taken in one transaction.

The parks are read once for the three catalogue files, each record is stored once by its digest (only those not
stored by an earlier release are written), and every insert is a bulk insert, so that at 10,000 parks a release
is made within a web request (BENCHMARKS.md, "Release storage").
"""

import json
import tempfile
from itertools import chain, islice
from pathlib import Path

from django.contrib.auth.models import AnonymousUser
from django.core.files import File
from django.core.files.base import ContentFile
from django.db.models import Prefetch
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import override

from articles import views as article_views
from articles.models import Article, DataSeries, TranslationStatus
from opendata import dataset, serializers
from opendata.datapackage import datapackage
from opendata.views import park_records
from parks import exports
from parks import views as park_views
from parks.filters import ParkFilter
from parks.models import Park
from publishing.generation import current_generation
from releases import printing
from releases.article import chart_record, series_file_name
from releases.models import Frozen, Kind, ReleaseEntry, ReleaseFile

CHUNK_SIZE = 2000
DATAPACKAGE_NAME = "datapackage.json"
SQLITE_NAME = "rust-belt-parks.sqlite"
CATALOGUE_NAME = "rust-belt-parks"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
# The data package's resources whose release file is not named after them.
RESOURCE_FILES = {"catalogue-export": f"{CATALOGUE_NAME}.csv"}


def reader_request(origin, path="/"):
    """An anonymous reader's GET of `path` on the site's origin ("https://host"): the frozen records, files and
    links are built from it, never from the editor's request (whose path and rights are the admin's)."""
    request = HttpRequest()
    request.method, request.path, request.path_info = "GET", path, path
    request._current_scheme_host = origin
    request.user = AnonymousUser()
    return request


def article_record(article):
    return {
        "slug": article.slug,
        "title": article.title,
        "author": article.author,
        "series": article.series,
        "episode": article.episode,
        "publication": article.publication,
        "summary": article.summary,
        "issued": article.issued,
        "original_language": article.original_language,
        "original_title": article.original_title,
        "translator": article.translator,
        "translation_note": article.translation_note,
        "rights_holder": article.rights_holder,
        "rights_statement": article.rights_statement,
    }


def section_record(section, parents):
    """A section as the page shows it: its titles, its text (Markdown), its reviewed summary, its notes and the
    charts of the numbers it states."""
    reviewed = section.summary_status_zh_hans == TranslationStatus.REVIEWED
    return {
        "slug": section.slug,
        "parent": parents.get(section.parent_id),
        "title_en": section.title_en,
        "title_zh_hans": section.title_zh_hans or "",
        "heading_by_editors": section.heading_by_editors,
        "body": section.body,
        "summary_zh_hans": (section.summary_zh_hans or "") if reviewed else "",
        "notes": [
            {
                "key": note.key,
                "kind": note.kind,
                "passage": note.passage,
                "corrected_wording": note.corrected_wording,
                "text": note.text,
            }
            for note in section.editorial_notes.all()
        ],
        "charts": [chart_record(series) for series in section.data_series.all()],
    }


def article_entries():
    charts = Prefetch("data_series", queryset=DataSeries.objects.prefetch_related("points", "editorial_notes"))
    for article in Article.objects.published().order_by("published_at", "pk"):
        yield Kind.ARTICLE, article.slug, article_record(article)
        sections = list(article.sections.in_reading_order().prefetch_related("editorial_notes", charts))
        parents = {section.pk: section.slug for section in sections}
        for section in sections:
            yield Kind.SECTION, f"{article.slug}/{section.slug}", section_record(section, parents)


def park_entries(request):
    """Every published park as the API's list gives it (the schema's fields, sources and per-fact sources)."""
    rows = Park.objects.published().order_by("slug").values(*serializers.park_values()).iterator(chunk_size=CHUNK_SIZE)
    while chunk := list(islice(rows, CHUNK_SIZE)):
        for record in park_records(chunk, request):
            yield Kind.PARK, record["slug"], dict(record)


def freeze_records(release, request):
    """List every record in the release, storing only the records no earlier release stored, in bulk."""
    entries = [
        (kind, key, data, Frozen.digest_of(data)) for kind, key, data in chain(article_entries(), park_entries(request))
    ]
    for start in range(0, len(entries), CHUNK_SIZE):
        chunk = entries[start : start + CHUNK_SIZE]
        new = {digest: data for _kind, _key, data, digest in chunk}
        for digest in Frozen.objects.filter(digest__in=list(new)).values_list("digest", flat=True):
            del new[digest]
        # ignore_conflicts: the same record twice in a chunk, or a release made meanwhile, stores it once.
        Frozen.objects.bulk_create(
            [Frozen(digest=digest, data=data) for digest, data in new.items()], ignore_conflicts=True
        )
        ReleaseEntry.objects.bulk_create(
            ReleaseEntry(release=release, kind=kind, key=key, position=start + index, frozen_id=digest)
            for index, (kind, key, _data, digest) in enumerate(chunk)
        )


def catalogue_files(origin):
    """(name, content type, bytes) of the catalogue's downloads, in English as the Catalogue page offers them,
    the CSV and XLSX from one reading of the parks."""
    request = reader_request(origin, reverse("parks:list"))
    filterset = ParkFilter({}, queryset=Park.objects.published(), request=request)
    rows = list(exports.park_rows(filterset.qs, request))
    yield f"{CATALOGUE_NAME}.csv", CSV_CONTENT_TYPE, "".join(exports.csv_lines(filterset.qs, request, rows)).encode()
    yield (
        f"{CATALOGUE_NAME}.json",
        "application/json; charset=utf-8",
        # The JSON gives codes with labels beside them, so it reads the parks again.
        "".join(exports.json_chunks(filterset, request)).encode(),
    )
    yield f"{CATALOGUE_NAME}.xlsx", exports.XLSX_CONTENT_TYPE, exports.xlsx_workbook(filterset, request, rows)


def download_files(origin):
    """The Data page's other CSV files as the site serves them: the province × path matrix and each chart's numbers."""
    yield "province-path-matrix.csv", CSV_CONTENT_TYPE, park_views.matrix_csv(reader_request(origin)).content
    for series in DataSeries.objects.filter(article__in=Article.objects.published()).select_related("article"):
        request = reader_request(origin)
        response = article_views.series_csv(request, series.article.slug, series.slug)
        yield series_file_name(series.slug), CSV_CONTENT_TYPE, response.content


def table_files(sqlite_path):
    """Each table of the release's SQLite file as the Data page's CSV of it."""
    for table in dataset.tables():
        yield f"{table.name}.csv", CSV_CONTENT_TYPE, dataset.table_csv(table, sqlite_path).encode()


def frozen_datapackage(release, origin, names):
    """The data package as the release keeps it: every resource, and the SQLite file it names, at the release's
    own copy of the file, so the package always describes the files it came with."""
    request = reader_request(origin)
    package = datapackage(request, current_generation())

    def address(name):
        return request.build_absolute_uri(reverse("releases:file", args=[release.number, name]))

    for resource in package["resources"]:
        name = RESOURCE_FILES.get(resource["name"], f"{resource['name']}.csv")
        if name not in names:
            raise ValueError(f"The release has no file for the data package's resource {resource['name']}.")
        resource["path"] = address(name)
    package["version"] = release.number
    package["homepage"] = request.build_absolute_uri(release.get_absolute_url())
    package["description"] = package["description"].replace(reverse("data:sqlite"), address(SQLITE_NAME))
    return json.dumps(package, ensure_ascii=False, indent=2).encode()


def store(release, name, content_type, content):
    ReleaseFile.objects.create(
        release=release,
        name=name,
        content_type=content_type,
        size=len(content),
        file=ContentFile(content, name=name),
    )


def freeze_files(release, origin):
    with override("en"), tempfile.TemporaryDirectory() as folder:
        sqlite_path = Path(folder) / SQLITE_NAME
        dataset.build_sqlite(sqlite_path)
        names = set()
        for name, content_type, content in chain(
            catalogue_files(origin), download_files(origin), table_files(sqlite_path)
        ):
            store(release, name, content_type, content)
            names.add(name)
        store(release, DATAPACKAGE_NAME, "application/json; charset=utf-8", frozen_datapackage(release, origin, names))
        with sqlite_path.open("rb") as handle:
            ReleaseFile.objects.create(
                release=release,
                name=SQLITE_NAME,
                content_type="application/vnd.sqlite3",
                size=sqlite_path.stat().st_size,
                file=File(handle, name=SQLITE_NAME),
            )


def freeze(release, origin):
    """Freeze what is published now into a release just saved (call inside the transaction that saved it).

    `origin` ("https://host") is the site's address the frozen links start with."""
    request = reader_request(origin)
    freeze_records(release, request)
    freeze_files(release, origin)
    for slug in release.records(Kind.ARTICLE):
        for language in printing.LANGUAGES:
            content = printing.article_pdf(request, release, slug, language)
            store(release, printing.pdf_name(slug, language), printing.PDF_CONTENT_TYPE, content)
