"""Freezing a release: the published article section by section, every published park as the API gives it,
and the data files as the site serves them, all taken in one transaction."""

import json
import tempfile
from itertools import islice
from pathlib import Path

from django.core.files import File
from django.core.files.base import ContentFile
from django.utils.translation import override

from articles.models import Article, TranslationStatus
from opendata import dataset, serializers
from opendata.datapackage import datapackage
from opendata.views import park_records
from parks import exports
from parks.filters import ParkFilter
from parks.models import Park
from publishing.generation import current_generation
from releases.models import Frozen, Kind, ReleaseEntry, ReleaseFile

CHUNK_SIZE = 2000
DATAPACKAGE_NAME = "datapackage.json"
SQLITE_NAME = "rust-belt-parks.sqlite"
CATALOGUE_NAME = "rust-belt-parks"


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
    """A section as the page shows it: its titles, its text (Markdown), its reviewed summary and its notes."""
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
    }


def article_entries():
    for article in Article.objects.published().order_by("published_at", "pk"):
        yield Kind.ARTICLE, article.slug, article_record(article)
        sections = list(article.sections.in_reading_order().prefetch_related("editorial_notes"))
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
    """Store every record once by its digest and list it in the release, a chunk at a time."""
    entries = [*article_entries(), *park_entries(request)]
    for start in range(0, len(entries), CHUNK_SIZE):
        chunk = entries[start : start + CHUNK_SIZE]
        frozen = {Frozen.digest_of(data): data for _kind, _key, data in chunk}
        Frozen.objects.bulk_create(
            [Frozen(digest=digest, data=data) for digest, data in frozen.items()], ignore_conflicts=True
        )
        ReleaseEntry.objects.bulk_create(
            ReleaseEntry(release=release, kind=kind, key=key, position=start + index, frozen_id=Frozen.digest_of(data))
            for index, (kind, key, data) in enumerate(chunk)
        )


def catalogue_files(request):
    """(name, content type, bytes) of the catalogue's downloads, in English as the Catalogue page offers them."""
    filterset = ParkFilter({}, queryset=Park.objects.published(), request=request)
    yield (
        f"{CATALOGUE_NAME}.csv",
        "text/csv; charset=utf-8",
        "".join(exports.csv_lines(filterset.qs, request)).encode(),
    )
    yield (
        f"{CATALOGUE_NAME}.json",
        "application/json; charset=utf-8",
        "".join(exports.json_chunks(filterset, request)).encode(),
    )
    yield f"{CATALOGUE_NAME}.xlsx", exports.XLSX_CONTENT_TYPE, exports.xlsx_workbook(filterset, request)


def freeze_files(release, request):
    with override("en"):
        files = list(catalogue_files(request))
        package = datapackage(request, current_generation())
    files.append(
        (
            DATAPACKAGE_NAME,
            "application/json; charset=utf-8",
            json.dumps(package, ensure_ascii=False, indent=2).encode(),
        )
    )
    for name, content_type, content in files:
        ReleaseFile.objects.create(
            release=release,
            name=name,
            content_type=content_type,
            size=len(content),
            file=ContentFile(content, name=name),
        )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / SQLITE_NAME
        dataset.build_sqlite(path)
        with path.open("rb") as handle:
            ReleaseFile.objects.create(
                release=release,
                name=SQLITE_NAME,
                content_type="application/vnd.sqlite3",
                size=path.stat().st_size,
                file=File(handle, name=SQLITE_NAME),
            )


def freeze(release, request):
    """Freeze what is published now into a release just saved (call inside the transaction that saved it)."""
    freeze_records(release, request)
    freeze_files(release, request)
