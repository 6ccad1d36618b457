"""The whole published dataset as tables: one description serves the SQLite file, the /data/ CSVs and the
Frictionless data package, so the three cannot disagree.

The SQLite file is built once per content generation (rustbelt/publishing/generation.py) and kept under
`settings.DATA_FILES_ROOT`; the CSVs are read from it.
"""

import os
import sqlite3
import time
import uuid
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from articles.models import Article, DataPoint, DataSeries, EditorialNote, Section
from parks import schema
from parks.models import (
    ArticleMention,
    DevelopmentPath,
    FactSource,
    Industry,
    MissingZone,
    OfficialCount,
    Park,
    PathEvidence,
    Province,
    Source,
    ZoneTotal,
    ZoneType,
)
from publishing.bilingual import pick
from publishing.exports import csv_text
from publishing.generation import current_generation
from publishing.snapshots import one_snapshot

FILE_PREFIX = "rust-belt-parks-"
ZONE_TYPES = "One of: " + ", ".join(ZoneType.values) + "."
SQL_TYPES = {
    "string": "TEXT",
    "integer": "INTEGER",
    "number": "REAL",
    "boolean": "INTEGER",
    "date": "TEXT",
    "datetime": "TEXT",
}

# Compiled by the site (the catalogue and the numbers): CC BY 4.0. The article's own text is not ours to
# license: the rights holder's, reproduced for research with attribution.
COMPILED = "compiled"
ARTICLE_TEXT = "article-text"


@dataclass
class Column:
    name: str
    type: str = "string"
    description: str = ""
    required: bool = False


# The editors' Chinese for the tables' descriptions (the data package itself keeps the English ones).
DESCRIPTIONS_ZH = {
    "articles": "已发布的文章：书目信息和摘要。",
    "sections": "已发布文章的各部分和小节，Markdown 格式。",
    "provinces": "目录涵盖的省份（及内蒙古的城市）。",
    "paths": "文章提出的三条锈带更新路径（第四部分）；摘要采用文章自己的措辞。",
    "industries": "各园区列出的主导产业。",
    "sources": "已发布园区各项信息所依据的文献。",
    "parks": "已发布的东北地区产业园区（开发区）。",
    "park_industries": "各已发布园区列出哪些产业。",
    "park_sources": "各已发布园区的信息来自哪些文献。",
    "fact_sources": "各已发布园区的每项信息由哪个来源给出（出处）。",
    "path_evidence": "各已发布园区为何归入其发展路径：逐字引用的文章句子，以及文章是点名该园区还是由编者推断。",
    "article_mentions": "文章对某一园区的称法及其最可能所指的实际园区；园区为空表示无法确认。",
    "missing_zones": "本目录尚未收录的本地区国家级园区：目录并不完整。",
    "zone_totals": "按省份和园区类型，公开名单或统计给出的国家级园区数量及其来源；数量为空表示所查来源中未找到。",
    "official_counts": "文章（第三部分）所列的园区数量及其来源。",
    "data_series": "文章所列的各组数字，每组一张图表；其中一列逐字引用文章陈述这些数字的句子。",
    "data_points": "各组数据的数值。",
    "editorial_notes": "编者对文章段落所作的注释和更正；文章正文本身从不改动。",
}


@dataclass
class Table:
    name: str
    title: str
    description: str
    columns: list
    primary_key: list
    rows: object  # () -> iterable of tuples in column order
    foreign_keys: list = field(default_factory=list)  # (columns, table, referenced columns)
    licence: str = COMPILED

    @property
    def display_description(self):
        """The description in the page's language: the editors' Chinese on the Data page in Chinese."""
        return pick(self.description, DESCRIPTIONS_ZH.get(self.name, ""))

    def create_sql(self):
        columns = [
            f'"{column.name}" {SQL_TYPES[column.type]}{" NOT NULL" if column.required else ""}'
            for column in self.columns
        ]
        columns.append("PRIMARY KEY (" + ", ".join(f'"{name}"' for name in self.primary_key) + ")")
        for local, table, remote in self.foreign_keys:
            columns.append(f"FOREIGN KEY ({', '.join(local)}) REFERENCES {table} ({', '.join(remote)})")
        return f'CREATE TABLE "{self.name}" (\n  ' + ",\n  ".join(columns) + "\n)"

    def index_sql(self):
        # Foreign keys are what people join and filter on.
        return [
            f'CREATE INDEX "{self.name}_{"_".join(local)}" ON "{self.name}" ({", ".join(local)})'
            for local, _table, _remote in self.foreign_keys
        ]

    def select_sql(self):
        names = ", ".join(f'"{column.name}"' for column in self.columns)
        return f'SELECT {names} FROM "{self.name}" ORDER BY ' + ", ".join(f'"{name}"' for name in self.primary_key)


def number(value):
    return float(value) if value is not None else None


# How a field's value is written to SQLite, by its schema type (the others as they are).
CONVERT = {schema.NUMBER: float, schema.DATE: date.isoformat}


def utc(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def published_parks():
    return Park.objects.published()


def published_articles():
    return Article.objects.published()


def article_rows():
    return (
        published_articles()
        .order_by("slug")
        .values_list("slug", "title", "author", "series", "episode", "publication", "summary", "published_at")
        .iterator()
    )


def articles():
    for slug, title, author, series, episode, publication, summary, published_at in article_rows():
        yield slug, title, author, series, episode, publication, summary, utc(published_at)


def sections():
    rows = Section.objects.filter(article__in=published_articles()).values_list(
        # title_en: `title` would follow the active language (django-modeltranslation).
        "pk",
        "article__slug",
        "parent_id",
        "order",
        "slug",
        "title_en",
        "body",
    )
    # Top-level sections first, so a subsection's parent is already there (foreign keys are checked).
    return sorted(rows, key=lambda row: (row[2] is not None, row[0]))


def paths():
    # A path may point at a section of an unpublished article: the file holds published content only.
    section_ids = set(Section.objects.filter(article__in=published_articles()).values_list("pk", flat=True))
    for *row, section_id in (
        DevelopmentPath.objects.in_published_records()
        .order_by("slug")
        .values_list("slug", "name", "name_zh", "order", "summary", "article_section_id")
    ):
        yield (*row, section_id if section_id in section_ids else None)


# The tables a park's foreign keys point to.
RELATED_TABLES = {Province: "provinces", DevelopmentPath: "paths", Park: "parks"}


def park_columns():
    """The parks table's columns: the schema's fields, foreign keys by slug, coded values by code."""
    columns = []
    for catalogue_field in schema.fields(schema.DATASET):
        description = str(catalogue_field.description)
        if catalogue_field.codes:
            codes = ", ".join(catalogue_field.codes)
            description = " ".join([description, _("Codes: %(codes)s.") % {"codes": codes}]).strip()
        columns.append(Column(catalogue_field.name, catalogue_field.type, description, catalogue_field.required))
    return columns


def park_foreign_keys():
    return [
        ([field.name], RELATED_TABLES[Park._meta.get_field(field.name).related_model], ["slug"])
        for field in schema.fields(schema.DATASET)
        if field.names
    ]


def parks():
    fields = schema.fields(schema.DATASET)
    read = [f"{field.name}__slug" if field.names else field.name for field in fields]
    convert = [CONVERT.get(field.type) for field in fields]
    for values in published_parks().order_by("slug").values_list(*read).iterator():
        yield tuple(value if to is None or value is None else to(value) for to, value in zip(convert, values))


def sources():
    return (
        Source.objects.cited_by_published()
        .order_by("pk")
        .values_list("pk", "citation", "publisher", "issued", "url", "language", "kind")
    )


def fact_sources():
    return (
        FactSource.objects.filter(park__in=published_parks())
        .order_by("park__slug", "fact", "source_id")
        .values_list("park__slug", "fact", "source_id", "note")
    )


def section_ids():
    """(article slug, section anchor) -> section id, for the published article's sections."""
    rows = Section.objects.filter(article__in=published_articles()).values_list("article__slug", "slug", "pk")
    return {(article, anchor): pk for article, anchor, pk in rows}


def path_evidence():
    sections = section_ids()
    for *row, article, anchor in (
        PathEvidence.objects.filter(park__in=published_parks())
        .order_by("pk")
        .values_list(
            "pk",
            "park__slug",
            "path__slug",
            "kind",
            "quote",
            "reason",
            "confidence",
            "order",
            "article_slug",
            "section_slug",
        )
    ):
        yield (*row, sections.get((article, anchor)), anchor)


def article_mentions():
    # A mention of a park not (yet) published is left out rather than shown as unidentified.
    sections = section_ids()
    mentions = ArticleMention.objects.filter(Q(park__isnull=True) | Q(park__in=published_parks()))
    for *row, article, anchor in mentions.order_by("key").values_list(
        "key", "wording", "park__slug", "confidence", "reason", "order", "article_slug", "section_slug"
    ):
        yield (*row, sections.get((article, anchor)), anchor)


def editorial_notes():
    return (
        EditorialNote.objects.filter(section__article__in=published_articles())
        .order_by("key")
        .values_list("key", "section_id", "kind", "passage", "corrected_wording", "text", "data_series__slug", "order")
    )


def data_series():
    yield from (
        DataSeries.objects.filter(article__in=published_articles())
        .order_by("slug")
        .values_list("slug", "article__slug", "section_id", *DataSeries.OPEN_FIELDS[1:])
    )


def data_points():
    for series, order, label, value, value_high, note in (
        DataPoint.objects.filter(series__article__in=published_articles())
        .order_by("series__slug", "order", "pk")
        .values_list("series__slug", "order", "label", "value", "value_high", "note")
    ):
        yield series, order, label, number(value), number(value_high), note


SLUG = "Identifier used in the site's URLs."


def tables():
    """Every table, its columns as the schema declares them now (parks/schema.py)."""
    return [
        Table(
            "articles",
            "Articles",
            "The published article(s): bibliographic fields and summary.",
            [
                Column("slug", required=True, description=SLUG),
                Column("title", required=True),
                Column("author"),
                Column("series"),
                Column("episode", "integer"),
                Column("publication", description="Where it first appeared."),
                Column("summary"),
                Column("published_at", "datetime", "When the site published it (UTC)."),
            ],
            ["slug"],
            articles,
            licence=ARTICLE_TEXT,
        ),
        Table(
            "sections",
            "Article sections",
            "Each section and subsection of the published article, as Markdown.",
            [
                Column("id", "integer", required=True),
                Column("article", required=True),
                Column("parent", "integer", "The section this subsection belongs to; empty for a top-level section."),
                Column("order", "integer"),
                Column("slug", required=True, description="Anchor on the article page."),
                Column("title"),
                Column("body", description="Markdown."),
            ],
            ["id"],
            sections,
            [(["article"], "articles", ["slug"]), (["parent"], "sections", ["id"])],
            licence=ARTICLE_TEXT,
        ),
        Table(
            "provinces",
            "Provinces",
            "The provinces (and Inner Mongolia's cities) the catalogue covers.",
            [
                Column("slug", required=True, description=SLUG),
                Column("name_en", required=True),
                Column("name_zh"),
                Column("capital"),
                Column("notes"),
            ],
            ["slug"],
            lambda: (
                Province.objects.in_published_records()
                .order_by("slug")
                .values_list("slug", "name_en", "name_zh", "capital", "notes")
            ),
        ),
        Table(
            "paths",
            "Development paths",
            "The article's three paths for updating the Rust Belt (section 4). The summary is in the article's words.",
            [
                Column("slug", required=True, description=SLUG),
                Column("name", required=True),
                Column("name_zh"),
                Column("order", "integer"),
                Column("summary", description="In the article's words."),
                Column("section", "integer", "The article subsection that describes this path."),
            ],
            ["slug"],
            paths,
            [(["section"], "sections", ["id"])],
            licence=ARTICLE_TEXT,
        ),
        Table(
            "industries",
            "Industries",
            "Leading industries named for the parks.",
            [Column("slug", required=True, description=SLUG), Column("name", required=True)],
            ["slug"],
            lambda: Industry.objects.in_published_parks().order_by("slug").values_list("slug", "name"),
        ),
        Table(
            "sources",
            "Sources",
            "The documents the published parks' facts come from.",
            [
                Column("id", "integer", required=True),
                Column("citation", required=True),
                Column("publisher"),
                Column(
                    "issued",
                    description="YYYY, YYYY-MM or YYYY-MM-DD: only as precise as the source; empty when unknown.",
                ),
                Column("url", description="Link to the document, when known."),
                Column("language", description="Language code of the document: en, zh, ru…"),
                Column(
                    "kind",
                    description="article, news, government, journal, encyclopedia, profile, chronicle, "
                    "estimate (the editors' own) or other.",
                ),
            ],
            ["id"],
            sources,
        ),
        Table(
            "parks",
            "Parks",
            "The published industrial parks (development zones) of Northeast China.",
            park_columns(),
            ["slug"],
            parks,
            park_foreign_keys(),
        ),
        Table(
            "park_industries",
            "Parks' industries",
            "Which industries each published park lists.",
            [Column("park", required=True), Column("industry", required=True)],
            ["park", "industry"],
            lambda: (
                Park.industries.through.objects.filter(park__in=published_parks())
                .order_by("park__slug", "industry__slug")
                .values_list("park__slug", "industry__slug")
            ),
            [(["park"], "parks", ["slug"]), (["industry"], "industries", ["slug"])],
        ),
        Table(
            "park_sources",
            "Parks' sources",
            "Which documents each published park's facts come from.",
            [Column("park", required=True), Column("source", "integer", required=True)],
            ["park", "source"],
            lambda: (
                Park.sources.through.objects.filter(park__in=published_parks())
                .order_by("park__slug", "source_id")
                .values_list("park__slug", "source_id")
            ),
            [(["park"], "parks", ["slug"]), (["source"], "sources", ["id"])],
        ),
        Table(
            "fact_sources",
            "Sources per fact",
            "Which source gives which fact of each published park (provenance).",
            [
                Column("park", required=True),
                Column(
                    "fact",
                    required=True,
                    description="level, established_year, national_year, area, coordinates, industries or path.",
                ),
                Column("source", "integer", required=True),
                Column("note", description="What the source says, or why it is cited for this fact."),
            ],
            ["park", "fact", "source"],
            fact_sources,
            [(["park"], "parks", ["slug"]), (["source"], "sources", ["id"])],
        ),
        Table(
            "path_evidence",
            "Path evidence",
            "Why each published park is on its development path: the article's "
            "sentence(s) word for word, and whether the article names the zone or the editors infer it.",
            [
                Column("id", "integer", required=True),
                Column("park", required=True),
                Column("path", required=True),
                Column(
                    "kind",
                    required=True,
                    description="named (the article names this zone in that path) or inferred "
                    "(the editors' reading, not the article's words).",
                ),
                Column("quote", description="The article's words, exactly."),
                Column("reason", description="For an inferred placement: why the editors read it so."),
                Column("confidence", description="high, medium or low."),
                Column("order", "integer"),
                Column("section", "integer", "The article section the quote comes from."),
                Column("section_anchor", description="That section's anchor on the article page."),
            ],
            ["id"],
            path_evidence,
            [(["park"], "parks", ["slug"]), (["path"], "paths", ["slug"]), (["section"], "sections", ["id"])],
            licence=ARTICLE_TEXT,
        ),
        Table(
            "article_mentions",
            "Article mentions",
            "The article's wording for a zone and the real zone it most likely "
            "means; an empty park means it cannot be identified.",
            [
                Column("key", required=True, description="Identifies the mention."),
                Column("wording", required=True, description="The article's words, exactly."),
                Column("park", description="The zone meant; empty when it cannot be identified."),
                Column("confidence", description="high, medium or low."),
                Column("reason"),
                Column("order", "integer"),
                Column("section", "integer", "The article section of the wording."),
                Column("section_anchor", description="That section's anchor on the article page."),
            ],
            ["key"],
            article_mentions,
            [(["park"], "parks", ["slug"]), (["section"], "sections", ["id"])],
            licence=ARTICLE_TEXT,
        ),
        Table(
            "missing_zones",
            "Missing zones",
            "National-level zones of the region the catalogue lacks: it is partial.",
            [
                Column("name_en", required=True),
                Column("name_zh"),
                Column("province", required=True),
                Column("zone_type", description=ZONE_TYPES),
                Column("note", description="Why it is not in the catalogue yet."),
            ],
            ["name_en"],
            lambda: MissingZone.objects.order_by("name_en").values_list(
                "name_en", "name_zh", "province__slug", "zone_type", "note"
            ),
            [(["province"], "provinces", ["slug"])],
        ),
        Table(
            "zone_totals",
            "Known totals",
            "Per province and zone type, the number of national zones a published "
            "list or count gives, with its source; an empty count means none was found in the sources checked.",
            [
                Column("province", required=True),
                Column("zone_type", required=True, description=ZONE_TYPES),
                Column("count", "integer"),
                Column("source", "integer", description="The source's id in sources."),
                Column("note"),
            ],
            ["province", "zone_type"],
            lambda: ZoneTotal.objects.order_by("province__slug", "zone_type").values_list(
                "province__slug", "zone_type", "count", "source_id", "note"
            ),
            [(["province"], "provinces", ["slug"]), (["source"], "sources", ["id"])],
        ),
        Table(
            "official_counts",
            "Official counts",
            "Zone counts the article states (section 3), with their source.",
            [
                Column("zone_type", required=True),
                Column("level", required=True),
                Column("count", "integer"),
                Column("label", description="The article's wording."),
                Column("source"),
                Column("notes"),
            ],
            ["zone_type", "level"],
            lambda: OfficialCount.objects.order_by("zone_type", "level").values_list(
                "zone_type", "level", "count", "label", "source", "notes"
            ),
        ),
        Table(
            "data_series",
            "Data series",
            "Sets of numbers the article states, one chart each; source_sentence quotes the article.",
            [
                Column("slug", required=True, description=SLUG),
                Column("article", required=True),
                Column("section", "integer"),
                Column("name"),
                Column("unit"),
                Column("label_title"),
                Column("kind"),
                Column("source_sentence", description="The article's sentence, word for word."),
                Column("source"),
                Column("caption"),
                Column("lower_is_better", "boolean"),
            ],
            ["slug"],
            data_series,
            [(["article"], "articles", ["slug"]), (["section"], "sections", ["id"])],
            licence=ARTICLE_TEXT,
        ),
        Table(
            "data_points",
            "Data points",
            "The values of each data series.",
            [
                Column("series", required=True),
                Column("order", "integer"),
                Column("label", required=True),
                Column("value", "number"),
                Column("value_high", "number", "Upper end of a range; empty for one value."),
                Column("note"),
            ],
            ["series", "label"],
            data_points,
            [(["series"], "data_series", ["slug"])],
        ),
        Table(
            "editorial_notes",
            "Editorial notes",
            "The editors' notes and corrections on passages of the article; the "
            "article's text itself is never changed.",
            [
                Column("key", required=True, description="Identifies the note; #note-<key> on the article page."),
                Column("section", "integer", required=True),
                Column("kind", description="note or correction."),
                Column("passage", description="The article's words the note is attached to, exactly."),
                Column("corrected_wording", description="For a correction: what the source's wording should read."),
                Column("text", description="The note."),
                Column("data_series", description="A data series with the same numbers, if any."),
                Column("order", "integer"),
            ],
            ["key"],
            editorial_notes,
            [(["section"], "sections", ["id"]), (["data_series"], "data_series", ["slug"])],
        ),
    ]


def table_named(name):
    return next((table for table in tables() if table.name == name), None)


def build_sqlite(path):
    """Write every table to a new SQLite file at `path`: from one database snapshot (a park saved meanwhile
    is in none of the tables or in all), and atomically (readers never see half a file)."""
    partial = path.with_name(f".{path.name}.{uuid.uuid4().hex}.partial")
    try:
        connection = sqlite3.connect(partial)
        try:
            connection.execute("PRAGMA foreign_keys = ON")
            with connection, one_snapshot():
                for table in tables():
                    connection.execute(table.create_sql())
                    placeholders = ", ".join("?" for _ in table.columns)
                    connection.executemany(f'INSERT INTO "{table.name}" VALUES ({placeholders})', table.rows())
                    for statement in table.index_sql():
                        connection.execute(statement)
        finally:
            connection.close()
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def current_sqlite():
    """The dataset file of the current content generation, open for reading (built on first use).

    The open file outlives its name (POSIX), so a request that has it can always send it whole.
    """
    root = settings.DATA_FILES_ROOT
    root.mkdir(parents=True, exist_ok=True)
    generation = current_generation()
    path = root / f"{FILE_PREFIX}{generation.token}.sqlite"
    try:
        return path.open("rb"), generation
    except FileNotFoundError:
        build_sqlite(path)
    file = path.open("rb")
    remove_superseded(root, keep=path)
    return file, generation


# How long a file stays once a newer one replaced it: a request that read the generation just before a
# save may still be about to open the older file.
SUPERSEDED_GRACE_SECONDS = 600


def modified_times(paths):
    times = {}
    for path in paths:
        try:
            times[path] = path.stat().st_mtime
        except FileNotFoundError:  # another worker removed it meanwhile
            pass
    return times


def remove_superseded(root, keep):
    """Delete the files replaced more than the grace period ago (never `keep`, the current generation's),
    and builds abandoned as long ago."""
    settled = time.time() - SUPERSEDED_GRACE_SECONDS
    files = modified_times(root.glob(f"{FILE_PREFIX}*.sqlite"))
    # Every file older than the newest one built before the grace period was replaced by it long enough ago.
    cutoff = max((moment for moment in files.values() if moment <= settled), default=None)
    old = [path for path, moment in files.items() if cutoff is not None and moment < cutoff and path != keep]
    abandoned = [
        path for path, moment in modified_times(root.glob(f".{FILE_PREFIX}*.partial")).items() if moment <= settled
    ]
    for path in old + abandoned:
        path.unlink(missing_ok=True)


def table_csv(table, path):
    """One table of the dataset file as CSV text (empty cell = unknown)."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = connection.execute(table.select_sql()).fetchall()
    finally:
        connection.close()
    return csv_text(
        [
            [column.name for column in table.columns],
            *(["" if value is None else value for value in row] for row in rows),
        ]
    )
