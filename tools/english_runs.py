"""English that a reader of a Chinese page meets outside lang="en": the Chinese crawl test counts it."""

import json
import re
import tomllib
from html.parser import HTMLParser

# Not read as text: code, data and the machinery of the page.
SKIPPED = {"script", "style", "template", "code", "pre", "kbd", "samp"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# English may stand on a Chinese page, inside lang="en", as a quotation (q, blockquote), a title (cite),
# a name (translate="no") or the article's own text as published (data-article-text).
QUOTING = {"q", "blockquote", "cite"}
READ_ATTRIBUTES = ("alt", "title", "aria-label", "placeholder")
# What the <head> shows a reader: the <title> (read as text), and the descriptions a search result or a share
# card shows, from these <meta> elements (by name or property) and from the page's JSON-LD.
READ_META = {"description", "og:title", "og:description", "og:site_name", "twitter:title", "twitter:description"}
READ_JSON_LD = {"name", "headline", "alternativeHeadline", "description", "abstract", "caption"}
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
    "Atom",
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
        self.json_ld = None  # the text of the JSON-LD script being read, else None
        # Text the page marks as a name, a title or a quotation; and the runs of attributes and JSON-LD,
        # which cannot carry lang="en": they stand when the page marks the same words so in its text.
        self.marked = []
        self.unmarkable = []

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
        if tag == "script" and attributes.get("type") == "application/ld+json":
            self.json_ld = ""
        if not self.skipped() and not self.allowed():
            for name in READ_ATTRIBUTES:
                if attributes.get(name):
                    self.check(attributes[name], unmarkable=True)
            if tag == "meta" and (attributes.get("name") or attributes.get("property")) in READ_META:
                self.check(attributes.get("content") or "", unmarkable=True)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag == "script" and self.json_ld is not None:
            self.check_json_ld(self.json_ld)
            self.json_ld = None
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        if self.json_ld is not None:
            self.json_ld += data
        if self.skipped():
            return
        if self.allowed():
            self.marked.append(normalized(data))
        else:
            in_title = bool(self.stack) and self.stack[-1][0] == "title"
            self.check(data, quotable=self.in_english(), unmarkable=in_title)

    def check_json_ld(self, text):
        try:
            self.check_json_ld_node(json.loads(text))
        except ValueError:
            self.runs.append("(JSON-LD that does not parse)")

    def check_json_ld_node(self, node):
        """The names and descriptions in a JSON-LD node. A work whose language is English (inLanguage "en")
        keeps its English title and abstract: they are a bibliographic title and a quotation."""
        if isinstance(node, list):
            for item in node:
                self.check_json_ld_node(item)
        elif isinstance(node, dict) and node.get("inLanguage") != "en" and node.get("@type") != "DataDownload":
            # (A download's name is its file's name.)
            for key, value in node.items():
                if key in READ_JSON_LD and isinstance(value, str):
                    self.check(value, unmarkable=True)
                else:
                    self.check_json_ld_node(value)

    def check(self, text, quotable=False, unmarkable=False):
        for match in LATIN_RUN.finditer(text):
            run = normalized(match.group())
            if quotable and run.strip(" .,;:()") in self.quoted_text:
                continue
            if any(word not in KEPT_WORDS for word in WORD.findall(run)):
                (self.unmarkable if unmarkable else self.runs).append(run)

    def close(self):
        super().close()
        marked = "\n".join(self.marked)
        self.runs += [run for run in self.unmarkable if run.strip(" .,;:()") not in marked]


def english_runs(html, quoted_text="", typed=""):
    """The English runs of a page's text, head and read attributes a reader meets outside what may stay English.

    English may stay inside lang="en" when it is a quotation (q, blockquote), a title (cite), a name
    (translate="no") or words of the article (`quoted_text`, normalized()). In an attribute, the <head> or
    JSON-LD, where no lang="en" can mark it, it may stay when the page's text marks the same words so.
    `typed` is what the reader typed into a search box: the page may say it back as it was typed.
    """
    parser = EnglishRuns(normalized(quoted_text))
    parser.feed(html)
    parser.close()
    words = normalized(typed)
    return [run for run in parser.runs if not words or run.strip(' .,;:()"') != words]


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
