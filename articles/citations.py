"""'Cite this': references to the article, a section or a park, as text and as downloads.

One `Citation` holds the facts; each format is a method, so the readable references, the
BibTeX/RIS/CSL-JSON files and the <meta> tags can never disagree.
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


def split_author(name):
    """'Jia Xiaobing' -> ('Jia', 'Xiaobing'): the article's author writes the family name first."""
    family, _, given = name.strip().partition(" ")
    return family, given


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
        if self.container_title:
            fields.append(("booktitle", self.container_title))
        if self.series:
            fields.append(("series", self.series))
        if self.episode:
            fields.append(("number", str(self.episode)))
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
        if self.container_title:
            tags.append(("T2", self.container_title))
        if self.series:
            tags.append(("T3", self.series))
        if self.episode:
            tags.append(("IS", str(self.episode)))
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


def download(citation, fmt):
    """The citation as a file; an unknown format is a 404, not an error."""
    if fmt not in FORMATS:
        raise Http404("Unknown citation format.")
    method, content_type, extension = FORMATS[fmt]
    response = HttpResponse(getattr(citation, method)(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{citation.key}.{extension}"'
    return response


def cite_article(article, request, section=None):
    url = request.build_absolute_uri(article.get_absolute_url())
    published = timezone.localdate(article.published_at) if article.published_at else None
    modified = max(article.updated_at, section.updated_at) if section else article.updated_at
    short_title = "-".join(article.slug.split("-")[:4])
    family = split_author(article.author)[0].lower() if article.author else "anon"
    base_key = f"{family}{(published or timezone.localdate()).year}-{short_title}"
    common = {
        "issued": published,
        "modified": timezone.localdate(modified),
        "accessed": timezone.localdate(),
        "authors": [split_author(article.author)] if article.author else [],
        "series": article.series,
        "episode": article.episode,
        "description": article.summary,
    }
    if section is None:
        return Citation(kind="article", title=article.title, url=url, key=base_key, **common)
    return Citation(
        kind="section",
        title=section.title,
        url=f"{url}#{section.slug}",
        key=f"{base_key}-{section.slug}",
        container_title=article.title,
        **common,
    )


def cite_park(park, request):
    modified = timezone.localdate(park.updated_at)
    name = f"{park.name_en} ({park.name_zh})" if park.name_zh else park.name_en
    return Citation(
        kind="park",
        title=name,
        url=request.build_absolute_uri(park.get_absolute_url()),
        key=f"rustbeltparks-{park.slug}",
        issued=timezone.localdate(park.created_at),
        modified=modified,
        accessed=timezone.localdate(),
        container_title="Catalogue of Northeast China's industrial parks",
        description=f"Catalogue entry for {name}, {park.province}.",
    )
