"""'Cite this': references to any citable record, as text and as downloads.

A citable model describes itself once, as a CSL-JSON item (its `csl_item()` method, with a relative
"URL"), and names its download URL (`get_citation_url(fmt)`). `cite()` adds the absolute URL and the
access date; every format is rendered from that one item: APA 7 and GB/T 7714 by citeproc-py with the
official CSL styles (vendored in `csl/`), BibTeX, RIS, CSL-JSON and the <meta> tags by the methods below.

Only dates that are data appear: the item's "issued" when a researcher entered it (never a load or
save date), a catalogue record's "version" (its last-modified date), and the access date.
A section is cited as its article with the section as a locator (the item's non-standard "locator"),
so an editors' heading never stands as the author's title.
"""

import json
import re
import warnings
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from pathlib import Path

from citeproc import Citation as CiteprocCitation
from citeproc import CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext

STYLES_DIR = Path(__file__).resolve().parent / "csl"
# style -> (file, locale). The GB/T style is the official numeric one; its "[1]" label is dropped.
STYLES = {
    "apa": ("apa.csl", "en-US"),
    "gbt7714": ("china-national-standard-gb-t-7714-2015-numeric.csl", "zh-CN"),
}
# Keys of a model's item that are not CSL variables: kept out of the CSL-JSON download.
NON_CSL_KEYS = {"locator"}

BIBTEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def bibtex_escape(text):
    return "".join(BIBTEX_SPECIALS.get(char, char) for char in text)


def ris_clean(text):
    # RIS is one tag per line: a line break in a value would start a bogus tag.
    return re.sub(r"\s+", " ", text).strip()


def date_parts(day):
    return {"date-parts": [[day.year, day.month, day.day]]}


def partial_date_parts(text):
    """'2020', '2020-05' or '2020-05-17' (a date as precise as its source) as CSL date-parts; None when empty."""
    if not text:
        return None
    return {"date-parts": [[int(part) for part in text.split("-")]]}


def split_author(name):
    """'Jia Xiaobing' -> {'family': 'Jia', 'given': 'Xiaobing'}: the family name comes first."""
    family, _, given = name.strip().partition(" ")
    return {"family": family, "given": given}


@cache
def load_style(name):
    path, locale = STYLES[name]
    with warnings.catch_warnings():
        # citeproc-py warns about CSL features it does not implement; the output is still the style's.
        warnings.simplefilter("ignore")
        return CitationStylesStyle(str(STYLES_DIR / path), locale=locale, validate=False)


def render_reference(style_name, item):
    """One bibliography entry for the CSL item, in plain text."""
    # A pure function of its input, and citeproc-py takes most of a park page's time: pages ask for the
    # same few items (one a record and access day) again and again, so each is rendered once per process.
    return render_reference_json(style_name, json.dumps(item, sort_keys=True, ensure_ascii=False))


@lru_cache(maxsize=4096)
def render_reference_json(style_name, item_json):
    item = json.loads(item_json)
    with warnings.catch_warnings():
        # citeproc-py warns about variables it does not use (license…); they stay in the downloads.
        warnings.simplefilter("ignore")
        source = CiteProcJSON([item])
        bibliography = CitationStylesBibliography(load_style(style_name), source, formatter.plain)
        bibliography.register(CiteprocCitation([CitationItem(item["id"])]))
        entry = str(bibliography.bibliography()[0])
    # The numeric style numbers its list; a single reference needs no "[1]".
    return re.sub(r"^\[\d+\]", "", entry).strip()


def name_text(person, family_first=True):
    if "literal" in person:
        return person["literal"]
    return f"{person['family']}, {person['given']}" if family_first else f"{person['given']} {person['family']}"


@dataclass
class Citation:
    item: dict  # the model's CSL-JSON item, with an absolute URL
    accessed: date
    site_name: str = settings.SITE_NAME

    # Shared pieces ---------------------------------------------------------

    @property
    def kind(self):
        if self.item["type"] == "dataset":
            return "park"
        return "section" if self.item.get("locator") else "article"

    @property
    def title(self):
        return self.item["title"]

    @property
    def url(self):
        return self.item["URL"]

    @property
    def key(self):
        return self.item["id"]

    @property
    def description(self):
        return self.item.get("abstract", "")

    @property
    def locator(self):
        return self.item.get("locator", "")

    @property
    def licence(self):
        return self.item.get("license", "")

    @property
    def licence_name(self):
        return re.sub(r"\s*https?://\S+", "", self.licence)

    @property
    def licence_url(self):
        # A licence with a URL (the site's CC BY 4.0) links it; the article's rights statement has none.
        match = re.search(r"https?://\S+", self.licence)
        return match.group() if match else ""

    @property
    def issued(self):
        return self.item.get("issued")

    @property
    def issued_text(self):
        """The issued date as entered ('2020', '2020-05'…), or '' when the source gives none."""
        if not self.issued:
            return ""
        return "-".join(
            f"{part:02d}" if index else str(part) for index, part in enumerate(self.issued["date-parts"][0])
        )

    def csl(self):
        item = {
            name: value for name, value in self.item.items() if name not in NON_CSL_KEYS and value not in ("", None)
        }
        item["accessed"] = date_parts(self.accessed)
        if self.locator:
            item["section"] = self.locator
        return [item]

    # Readable references (citeproc-py with the official CSL styles) ---------------

    @property
    def apa(self):
        return render_reference("apa", self.csl()[0])

    @property
    def gbt7714(self):
        item = self.csl()[0]
        if not self.issued:
            # With a publisher but no date, GB/T 7714 prints the access year in brackets as an estimated
            # year of publication: a date the source does not give. Without one the entry is an online
            # resource dated only by its access date (the publisher stays in every other format).
            item.pop("publisher", None)
        return render_reference("gbt7714", item)

    # Downloads -------------------------------------------------------------

    def bibtex(self):
        item = self.item
        fields = [("title", item["title"])]
        authors = item.get("author", [])
        # Double braces keep a corporate author whole (not split into family and given names).
        author = " and ".join(
            "{" + person["literal"] + "}" if "literal" in person else name_text(person) for person in authors
        )
        if author:
            fields.append(("author", author))
        for name, key in (
            ("series", "container-title"),
            ("number", "number"),
            ("publisher", "publisher"),
            ("version", "version"),
            ("chapter", "locator"),
            ("language", "language"),
            ("note", "note"),
        ):
            if item.get(key):
                fields.append((name, str(item[key])))
        if self.issued:
            fields.append(("date", self.issued_text))
        fields.append(("urldate", f"{self.accessed:%Y-%m-%d}"))
        if self.licence:
            fields.append(("rights", self.licence))
        lines = [f"@{'dataset' if self.kind == 'park' else 'online'}{{{self.key},"]
        for name, value in fields:
            escaped = value if name == "author" else bibtex_escape(value)
            lines.append(f"  {name} = {{{escaped}}},")
        # url is verbatim in biblatex; only braces would unbalance the entry, and URLs have none.
        lines.append(f"  url = {{{self.url}}}")
        lines.append("}")
        return "\n".join(lines) + "\n"

    def ris(self):
        item = self.item
        tags = [("TY", "DATA" if self.kind == "park" else "ELEC")]
        tags += [("AU", name_text(person)) for person in item.get("author", [])]
        tags.append(("TI", item["title"]))
        for tag, key in (
            ("T2", "container-title"),
            ("IS", "number"),
            ("PB", "publisher"),
            ("ET", "version"),
            ("SE", "locator"),
            ("LA", "language"),
            ("N1", "note"),
        ):
            if item.get(key):
                tags.append((tag, str(item[key])))
        if self.issued:
            tags.append(("DA", self.issued_text.replace("-", "/")))
        tags += [("Y2", f"{self.accessed:%Y/%m/%d}"), ("UR", self.url)]
        if self.licence:
            tags.append(("C5", self.licence))
        tags.append(("ER", ""))
        # RIS wants CRLF line ends and "XX  - " on every line.
        lines = [f"{tag}  - {ris_clean(value)}".rstrip() + (" " if tag == "ER" else "") for tag, value in tags]
        return "\r\n".join(lines) + "\r\n"

    def csl_json(self):
        return json.dumps(self.csl(), ensure_ascii=False, indent=2) + "\n"

    # Meta tags for reference managers (Highwire Press names, read by Zotero and Google Scholar)

    @property
    def meta_tags(self):
        item = self.item
        tags = [("citation_title", item["title"])]
        tags += [("citation_author", name_text(person)) for person in item.get("author", [])]
        if self.issued:
            tags.append(("citation_publication_date", self.issued_text.replace("-", "/")))
        tags += [("citation_public_url", self.url), ("citation_abstract_html_url", self.url)]
        if item.get("publisher"):
            tags.append(("citation_publisher", item["publisher"]))
        if item.get("language"):
            tags.append(("citation_language", item["language"]))
        if item.get("container-title"):
            tags.append(("citation_series_title", item["container-title"]))
        if item.get("number"):
            tags.append(("citation_issue", str(item["number"])))
        return tags


FORMATS = {
    # format -> (method, content type, file extension)
    "bib": ("bibtex", "application/x-bibtex; charset=utf-8", "bib"),
    "ris": ("ris", "application/x-research-info-systems; charset=utf-8", "ris"),
    "json": ("csl_json", "application/vnd.citationstyles.csl+json; charset=utf-8", "json"),
}
FORMAT_LABELS = {"bib": "BibTeX (.bib)", "ris": "RIS (.ris)", "json": "CSL-JSON (.json)"}


def cite(obj, request):
    """The Citation of a citable record (see the module docstring), with an absolute URL and today's access date."""
    item = dict(obj.csl_item())
    item["URL"] = request.build_absolute_uri(item["URL"])
    return Citation(item=item, accessed=timezone.localdate(), site_name=gettext(settings.SITE_NAME))


def download_links(obj):
    """(label, URL) of every download format of a citable record."""
    return [(FORMAT_LABELS[fmt], obj.get_citation_url(fmt)) for fmt in FORMATS]


def citation_download(request, obj, fmt):
    """The record's citation as a file; an unknown format is a 404, not an error."""
    if fmt not in FORMATS:
        raise Http404("Unknown citation format.")
    citation = cite(obj, request)
    method, content_type, extension = FORMATS[fmt]
    response = HttpResponse(getattr(citation, method)(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{citation.key}.{extension}"'
    return response
