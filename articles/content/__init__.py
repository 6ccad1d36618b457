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

from articles.models import Article, DataSeries, EditorialNote, Section
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
    article = sync_record(Article, {"slug": slug}, fields, report=report, force=force)
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
            "data_series_id": series.get(note.get("data_series", "")),
            "order": order,
        }
        sync_record(EditorialNote, {"key": note["key"]}, values, report=report, force=force)


@functools.cache
def chinese_titles():
    """The editors' Chinese translations of the section titles (titles-zh.csv): the article is in English."""
    with open(CONTENT_DIR / "titles-zh.csv", encoding="utf-8", newline="") as titles:
        return {row["slug"]: row["title_zh"] for row in csv.DictReader(titles)}


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
    # article_id, not article: the fingerprint must not change when someone retitles the article.
    lookup = {"slug": section.slug, "article_id": article.pk}
    return sync_record(Section, lookup, values, report=report, force=force)
