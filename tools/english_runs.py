"""English that a reader of a Chinese page meets outside lang="en": the Chinese crawl test counts it."""

import re
import tomllib
from html.parser import HTMLParser

# Not read as text: code, data and the machinery of the page.
# The <head> too: its <title> repeats the page's <h1>, which is checked.
SKIPPED = {"head", "script", "style", "template", "code", "pre", "kbd", "samp"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# English may stand on a Chinese page, inside lang="en", as a quotation (q, blockquote), a title (cite),
# a name (translate="no") or the article's own text as published (data-article-text).
QUOTING = {"q", "blockquote", "cite"}
READ_ATTRIBUTES = ("alt", "title", "aria-label", "placeholder")
# A run of Latin words; a run is English when it has a word that is not a name of a format or standard.
LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z0-9'’.\-/]*(?:[ ,:;&()\-–/]+[A-Za-z0-9][A-Za-z0-9'’.\-/]*)*")
WORD = re.compile(r"[A-Za-z]{2,}")
# File formats, standards and interface names a Chinese page writes as they are.
KEPT_WORDS = {
    "API",
    "APA",
    "BibTeX",
    "BY",
    "CC",
    "CSL",
    "CSV",
    "GB",
    "HTML",
    "HTTP",
    "HTTPS",
    "JSON",
    "OpenAPI",
    "PNG",
    "RIS",
    "SQLite",
    "SVG",
    "URL",
    "XLSX",
    "km",
    "WGS",
    "GCJ",
    "GeoJSON",
    "SQL",
    "ID",
    "PDF",
    "REST",
    "CORS",
    "Swagger",
    "UI",
    "ISO",
    "CSS",
    "Datasette",
    "Python",
    "pandas",
    "curl",
    "Leaflet",
    "Natural",
    "Earth",
    "OpenStreetMap",
    "GitHub",
    "Unicode",
    "CLDR",
    "ETag",
    "Markdown",
    "DOI",
    "CFF",
    "ZIP",
    "TOML",
    "JavaScript",
    "Excel",
    "GDP",
    "QGIS",
    "Frictionless",
    "RFC",
    # File extensions, language codes and the name the language switcher gives English in English.
    "bib",
    "ris",
    "json",
    "csv",
    "xlsx",
    "sqlite",
    "png",
    "svg",
    "en",
    "zh",
    "ru",
    "ja",
    "English",
}


def normalized(text):
    """Compare wording regardless of curly or straight quotes and line breaks."""
    text = text.translate(str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "\u00a0": " "}))
    return " ".join(text.split())


class EnglishRuns(HTMLParser):
    def __init__(self, quoted_text=""):
        super().__init__(convert_charrefs=True)
        # The article's own text: English inside lang="en" that it contains is a quotation of the article.
        self.quoted_text = quoted_text
        self.stack = []  # (tag, lang or None, skipped, allowed)
        self.runs = []

    def in_english(self):
        for _tag, lang, _skipped, _allowed in reversed(self.stack):
            if lang is not None:
                return lang.lower().startswith("en")
        return False

    def skipped(self):
        return any(entry[2] for entry in self.stack)

    def allowed(self):
        """Inside lang="en" and inside a quotation, a title, a name or the article's own text."""
        return self.in_english() and any(entry[3] for entry in self.stack)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        lang = attributes.get("lang")
        quoted = tag in QUOTING or attributes.get("translate") == "no" or "data-article-text" in attributes
        if tag not in VOID:
            self.stack.append((tag, lang, tag in SKIPPED or "hidden" in attributes, quoted))
        if not self.skipped() and not self.allowed():
            for name in READ_ATTRIBUTES:
                if attributes.get(name):
                    self.check(attributes[name])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        if not self.skipped() and not self.allowed():
            self.check(data, quotable=self.in_english())

    def check(self, text, quotable=False):
        for match in LATIN_RUN.finditer(text):
            run = normalized(match.group())
            if quotable and run.strip(" .,;:()") in self.quoted_text:
                continue
            if any(word not in KEPT_WORDS for word in WORD.findall(run)):
                self.runs.append(run)


def english_runs(html, quoted_text=""):
    """The English runs of a page's text and read attributes a reader meets outside what may stay English.

    English may stay inside lang="en" when it is a quotation (q, blockquote), a title (cite), a name
    (translate="no") or words of the article (`quoted_text`, normalized()).
    """
    parser = EnglishRuns(normalized(quoted_text))
    parser.feed(html)
    parser.close()
    return parser.runs


def article_text():
    """The shipped article's title, headings and text, as a reader sees them (links and marks removed)."""
    from django.conf import settings

    folder = settings.BASE_DIR / "articles" / "content"
    with open(folder / "article.toml", "rb") as manifest_file:
        manifest = tomllib.load(manifest_file)
    parts = [manifest["title"], *(section["title"] for section in manifest["sections"])]
    for path in sorted(folder.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"\{#[^}]*\}", "", text)  # heading anchors
        text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links keep their words
        parts.append(text.replace("**", "").replace("## ", ""))
    return "\n".join(parts)
