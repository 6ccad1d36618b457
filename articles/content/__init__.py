"""The article as shipped with the project, and its loader.

`article.toml` holds the article's fields and lists its top-level sections; each section's text is a
Markdown file beside it, where "## Title {#slug}" lines start subsections (see article.toml).
"""

import csv
import functools
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.text import slugify

from articles.models import Article, DataSeries, EditorialNote, Section, TranslationStatus
from publishing.loading import sync_record

CONTENT_DIR = Path(__file__).resolve().parent
MANIFEST = CONTENT_DIR / "article.toml"
NOTES = CONTENT_DIR / "editorial-notes.toml"
ARTICLE_FIELDS = (
    "title",
    "author",
    "series",
    "episode",
    "publication",
    "summary",
    "status",
    "original_language",
    "translation_note",
    "rights_holder",
    "rights_statement",
    # The editors' Chinese for the notices a Chinese page shows.
    "summary_zh",
    "translation_note_zh",
    "rights_statement_zh",
)
# Columns of the editors' Chinese added after the first shipped loads (sync_record's newer_fields).
CHINESE_FIELDS = (
    "summary_zh",
    "translation_note_zh",
    "rights_statement_zh",
    "name_zh",
    "unit_zh",
    "label_title_zh",
    "caption_zh",
    "label_zh",
    "note_zh",
    "text_zh",
)

# "## Title {#slug}" or "## Title {#slug .editorial}" (the braces are optional); re.split keeps the
# three groups. ".editorial" marks a heading the editors added: it is not in the source.
SUBSECTION_HEADING = re.compile(r"^## +(.+?)(?: +\{#([a-z0-9-]+)( \.editorial)?\})? *$", re.MULTILINE)


@dataclass
class ShippedSection:
    slug: str
    title: str
    body: str
    heading_by_editors: bool = False
    subsections: list = field(default_factory=list)


def parse_section_file(slug, title, text):
    """Split one section's Markdown into its own body and its "## " subsections."""
    intro, *rest = SUBSECTION_HEADING.split(text)
    section = ShippedSection(slug=slug, title=title, body=intro.strip())
    for start in range(0, len(rest), 4):
        sub_title, sub_slug, editorial, sub_body = rest[start : start + 4]
        section.subsections.append(
            ShippedSection(
                slug=sub_slug or slugify(sub_title),
                title=sub_title.strip(),
                body=sub_body.strip(),
                heading_by_editors=bool(editorial),
            )
        )
    return section


def read_manifest(path=MANIFEST):
    """The article's fields and its parsed sections, as shipped."""
    with open(path, "rb") as manifest_file:
        manifest = tomllib.load(manifest_file)
    fields = {name: manifest.get(name, "") for name in ARTICLE_FIELDS}
    sections = [
        parse_section_file(entry["slug"], entry["title"], (path.parent / entry["file"]).read_text(encoding="utf-8"))
        for entry in manifest["sections"]
    ]
    return manifest["slug"], fields, sections


def load_article(report, force=False, manifest=MANIFEST):
    """Create or update the article and its sections from the Markdown in this folder."""
    slug, fields, sections = read_manifest(manifest)
    article = sync_record(Article, {"slug": slug}, fields, report=report, force=force, newer_fields=CHINESE_FIELDS)
    # Orders step by 10 so a researcher can slot a section in between in the admin.
    for position, section in enumerate(sections, start=1):
        parent = _sync_section(article, section, None, position * 10, report, force)
        for sub_position, subsection in enumerate(section.subsections, start=1):
            _sync_section(article, subsection, parent, sub_position * 10, report, force)
    return article


def load_editorial_notes(report, force=False, path=NOTES):
    """The editors' notes and corrections, attached to passages of the sections (text unchanged).

    Loaded after the data series, since a note can point at a chart of the same numbers.
    """
    with open(path, "rb") as notes_file:
        manifest = tomllib.load(notes_file)
    article = Article.objects.get(slug=manifest["article"])
    notes = manifest["notes"]
    sections = {section.slug: section.pk for section in article.sections.all()}
    series = dict(DataSeries.objects.filter(article=article).values_list("slug", "pk"))
    for order, note in enumerate(notes, start=1):
        values = {
            "section_id": sections[note["section"]],
            "kind": note["kind"],
            "passage": note["passage"],
            "corrected_wording": note.get("corrected_wording", ""),
            "text": note["text"],
            "text_zh": translated(note["text"]),
            "data_series_id": series.get(note.get("data_series", "")),
            "order": order,
        }
        sync_record(
            EditorialNote, {"key": note["key"]}, values, report=report, force=force, newer_fields=CHINESE_FIELDS
        )


@functools.cache
def chinese_titles():
    """The editors' Chinese translations of the section titles (titles-zh.csv): the article is in English."""
    with open(CONTENT_DIR / "titles-zh.csv", encoding="utf-8", newline="") as titles:
        return {row["slug"]: row["title_zh"] for row in csv.DictReader(titles)}


def translated(english):
    """The editors' Chinese for this exact English text (translations-zh.csv), or ""."""
    return editors_translations().get(english.strip(), "") if english else ""


def editors_translations():
    # Read on each load, so a changed file is picked up without a restart.
    with open(CONTENT_DIR / "translations-zh.csv", encoding="utf-8", newline="") as rows:
        return {
            row["english"]: row["chinese"] for row in csv.DictReader(line for line in rows if not line.startswith("#"))
        }


@functools.cache
def chinese_summaries():
    """The editors' Chinese summaries of the sections, with their review status (summaries-zh.csv)."""
    with open(CONTENT_DIR / "summaries-zh.csv", encoding="utf-8", newline="") as summaries:
        rows = csv.DictReader(line for line in summaries if not line.startswith("#"))
        return {row["slug"]: (row["summary_zh"], row["status"]) for row in rows}


# Loaded since the shipped summaries were added: a section loaded before has a fingerprint without them.
SUMMARY_FIELDS = ("summary_zh_hans", "summary_status_zh_hans")


def _sync_section(article, section, parent, order, report, force):
    # parent_id rather than parent: the fingerprint then records which section, not its (editable) title.
    values = {
        "parent_id": parent.pk if parent else None,
        "order": order,
        # The translated columns by name (articles/translation.py): `title` would follow the active language.
        "title_en": section.title,
        "title_zh_hans": chinese_titles().get(section.slug, ""),
        "body": section.body,
        "heading_by_editors": section.heading_by_editors,
    }
    summary, status = chinese_summaries().get(section.slug, ("", TranslationStatus.DRAFT))
    values.update(summary_zh_hans=summary, summary_status_zh_hans=status)
    # article_id, not article: the fingerprint must not change when someone retitles the article.
    lookup = {"slug": section.slug, "article_id": article.pk}
    return sync_record(Section, lookup, values, report=report, force=force, newer_fields=SUMMARY_FIELDS)
