"""'Cite this': references to any citable record, as text and as downloads.

A citable model describes itself once, as CSL-JSON-shaped metadata (its `csl_item()` method, with a
relative "URL" and a non-standard "modified" date), and names its download URL (`get_citation_url(fmt)`).
`cite()` turns that one description into a `Citation`, whose methods render every format, so the
readable references, the BibTeX/RIS/CSL-JSON files and the <meta> tags can never disagree.
"""

import json
import re
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils import timezone

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


@dataclass
class Citation:
    kind: str  # "article", "section" or "park"
    title: str
    url: str
    key: str
    issued: date | None
    modified: date
    accessed: date
    authors: list = field(default_factory=list)  # [(family, given)]; empty -> the site is the author
    container_title: str = ""  # the article, for a section; the catalogue, for a park
    series: str = ""
    episode: int | None = None
    description: str = ""
    site_name: str = settings.SITE_NAME
    licence: str = settings.CONTENT_LICENSE
    licence_url: str = settings.CONTENT_LICENSE_URL

    # Shared pieces ---------------------------------------------------------

    @property
    def year(self):
        return str((self.issued or self.modified).year)

    @property
    def series_text(self):
        if self.series and self.episode:
            return f"{self.series}, episode {self.episode}"
        return self.series

    @property
    def licence_note(self):
        return f"Licence: {self.licence} ({self.licence_url}). Source: {self.site_name}, {self.url}"

    def part_of(self, container_name, series_name, episode_name):
        """(name, value) pairs for what the work is part of, named in a format's own terms; empty ones left out."""
        values = [
            (container_name, self.container_title),
            (series_name, self.series),
            (episode_name, str(self.episode) if self.episode else ""),
        ]
        return [(name, value) for name, value in values if value]

    # Readable references ---------------------------------------------------

    @property
    def apa(self):
        if self.authors:
            author = "; ".join(f"{family}, {given[:1]}." for family, given in self.authors)
        else:
            author = f"{self.site_name}."
        when = f"({self.issued:%Y, %B} {self.issued.day})" if self.issued else "(n.d.)"
        series = f" ({self.series}, Episode {self.episode})" if self.episode else ""
        if self.kind == "section":
            work = f"{self.title}. In {self.container_title}{series}"
        elif self.kind == "park":
            work = f"{self.title} [Catalogue entry]. In {self.container_title}"
        else:
            work = f"{self.title}{series}"
        publisher = "" if not self.authors else f" {self.site_name}."
        accessed = f"{self.accessed:%B} {self.accessed.day}, {self.accessed.year}"
        return f"{author} {when}. {work}.{publisher} Retrieved {accessed}, from {self.url}"

    @property
    def gbt7714(self):
        """GB/T 7714-2015 style: [EB/OL] for the article, [DB/OL] for a catalogue record."""
        author = ", ".join(f"{family.upper()} {given}" for family, given in self.authors) or self.site_name
        series = f": {self.series_text}" if self.series_text else ""
        dates = f"({self.modified:%Y-%m-%d})[{self.accessed:%Y-%m-%d}]"
        if self.kind == "section":
            return (
                f"{author}. {self.title}[EB/OL]//{author}. {self.container_title}{series}. "
                f"{self.site_name}, {self.year}{dates}. {self.url}."
            )
        if self.kind == "park":
            return f"{author}. {self.title}[DB/OL]. {self.container_title}. {self.year}{dates}. {self.url}."
        return f"{author}. {self.title}{series}[EB/OL]. {self.site_name}, {self.year}{dates}. {self.url}."

    # Downloads -------------------------------------------------------------

    def bibtex(self):
        fields = [("title", self.title)]
        if self.authors:
            fields.append(("author", " and ".join(f"{family}, {given}" for family, given in self.authors)))
        else:
            # Double braces: a corporate author must not be split into family and given names.
            fields.append(("author", "{" + self.site_name + "}"))
        fields += self.part_of("booktitle", "series", "number")
        fields += [
            ("publisher", self.site_name),
            ("year", self.year),
            ("date", f"{self.issued or self.modified:%Y-%m-%d}"),
            ("urldate", f"{self.accessed:%Y-%m-%d}"),
            ("note", f"Last modified {self.modified:%Y-%m-%d}. {self.licence_note}"),
        ]
        lines = [f"@misc{{{self.key},"]
        for name, value in fields:
            escaped = value if name == "author" and value.startswith("{") else bibtex_escape(value)
            lines.append(f"  {name} = {{{escaped}}},")
        # url is verbatim in biblatex; only braces would unbalance the entry, and URLs have none.
        lines.append(f"  url = {{{self.url}}}")
        lines.append("}")
        return "\n".join(lines) + "\n"

    def ris(self):
        tags = [("TY", "DATA" if self.kind == "park" else "ELEC")]
        tags += [("AU", f"{family}, {given}") for family, given in self.authors] or [("AU", self.site_name)]
        tags.append(("TI", self.title))
        tags += self.part_of("T2", "T3", "IS")
        tags += [
            ("PB", self.site_name),
            ("PY", self.year),
            ("DA", f"{self.modified:%Y/%m/%d}"),
            ("Y2", f"{self.accessed:%Y/%m/%d}"),
            ("UR", self.url),
            ("LA", "en"),
            ("N1", f"Last modified {self.modified:%Y-%m-%d}. {self.licence_note}"),
            ("ER", ""),
        ]
        # RIS wants CRLF line ends and "XX  - " on every line.
        lines = [f"{tag}  - {ris_clean(value)}".rstrip() + (" " if tag == "ER" else "") for tag, value in tags]
        return "\r\n".join(lines) + "\r\n"

    def csl(self):
        item = {
            "id": self.key,
            "type": "dataset" if self.kind == "park" else "webpage",
            "title": self.title,
            "author": [{"family": family, "given": given} for family, given in self.authors]
            or [{"literal": self.site_name}],
            "container-title": self.container_title or self.site_name,
            "publisher": self.site_name,
            "URL": self.url,
            "accessed": date_parts(self.accessed),
            "issued": date_parts(self.issued or self.modified),
            "language": "en",
            "license": f"{self.licence} {self.licence_url}",
            "note": f"Last modified {self.modified:%Y-%m-%d}. Source: {self.site_name}",
        }
        if self.series:
            item["collection-title"] = self.series
        if self.episode:
            item["collection-number"] = str(self.episode)
        if self.description:
            item["abstract"] = self.description
        return [item]

    def csl_json(self):
        return json.dumps(self.csl(), ensure_ascii=False, indent=2) + "\n"

    # Meta tags for reference managers (Highwire Press names, read by Zotero and Google Scholar)

    @property
    def meta_tags(self):
        tags = [("citation_title", self.title)]
        tags += [("citation_author", f"{family}, {given}") for family, given in self.authors] or [
            ("citation_author", self.site_name)
        ]
        if self.issued:
            tags.append(("citation_publication_date", f"{self.issued:%Y/%m/%d}"))
        tags += [
            ("citation_online_date", f"{self.modified:%Y/%m/%d}"),
            ("citation_public_url", self.url),
            ("citation_abstract_html_url", self.url),
            ("citation_publisher", self.site_name),
            ("citation_language", "en"),
        ]
        if self.series:
            tags.append(("citation_series_title", self.series))
        if self.episode:
            tags.append(("citation_issue", str(self.episode)))
        if self.container_title and self.kind == "section":
            tags.append(("citation_inbook_title", self.container_title))
        return tags


FORMATS = {
    # format -> (method, content type, file extension)
    "bib": ("bibtex", "application/x-bibtex; charset=utf-8", "bib"),
    "ris": ("ris", "application/x-research-info-systems; charset=utf-8", "ris"),
    "json": ("csl_json", "application/vnd.citationstyles.csl+json; charset=utf-8", "json"),
}
FORMAT_LABELS = {"bib": "BibTeX (.bib)", "ris": "RIS (.ris)", "json": "CSL-JSON (.json)"}


def cite(obj, request):
    """The Citation of a citable record (see the module docstring), with absolute URLs and today's access date."""
    item = obj.csl_item()
    container = item.get("container-title", "")
    return Citation(
        kind="park" if item["type"] == "dataset" else "section" if container else "article",
        title=item["title"],
        url=request.build_absolute_uri(item["URL"]),
        key=item["id"],
        issued=item.get("issued"),
        modified=item["modified"],
        accessed=timezone.localdate(),
        authors=[(person["family"], person["given"]) for person in item.get("author", [])],
        container_title=container,
        series=item.get("collection-title", ""),
        episode=item.get("collection-number"),
        description=item.get("abstract", ""),
    )


def split_author(name):
    """'Jia Xiaobing' -> {'family': 'Jia', 'given': 'Xiaobing'}: the family name comes first."""
    family, _, given = name.strip().partition(" ")
    return {"family": family, "given": given}


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
