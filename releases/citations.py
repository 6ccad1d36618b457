"""Citations of a release's records: the record as the release froze it, its version and its permanent address.

Each is made by the live model's own csl_item() on an unsaved object built from the frozen record, so a
release's citation has the same shape as the live one; only the version and the address differ.
"""

from django.urls import reverse

from articles.models import Article
from parks.models import Park, Province
from publishing.citations import date_parts
from releases.models import Kind, ReleaseEntry


class ReleasedRecord:
    """An article or park of a release, citable like the live one (csl_item, get_citation_url)."""

    def __init__(self, release, kind, record, section=None):
        # section: for an article, one of its frozen sections, cited as its article with a locator.
        self.release, self.kind, self.record, self.section = release, kind, record, section

    @property
    def slug(self):
        return self.record["slug"]

    def live_object(self):
        if self.kind == Kind.ARTICLE:
            return Article(**self.record)
        province = Province(
            name_en=self.record.get("province_name_en") or "", name_zh=self.record.get("province_name_zh") or ""
        )
        return Park(
            slug=self.slug, name_en=self.record["name_en"], name_zh=self.record.get("name_zh") or "", province=province
        )

    def get_absolute_url(self):
        name = "releases:article" if self.kind == Kind.ARTICLE else "releases:park"
        return reverse(name, args=[self.release.number, self.slug])

    def get_citation_url(self, fmt):
        name = "releases:article-cite" if self.kind == Kind.ARTICLE else "releases:park-cite"
        url = reverse(name, args=[self.release.number, self.slug, fmt])
        return f"{url}?section={self.section['slug']}" if self.section else url

    def csl_item(self):
        obj = self.live_object()
        if self.kind == Kind.ARTICLE:
            item = obj.csl_item()  # its date stays the original's
        else:
            # The live record's version is its last-modified date; a release's is its number, issued on its date.
            obj.updated_at = self.release.made_at
            item = {**obj.csl_item(), "issued": date_parts(self.release.date)}
        item = {
            **item,
            "id": f"{item['id']}-{self.release.number}",
            "version": self.release.number,
            "URL": self.get_absolute_url(),
        }
        if self.section:
            item.update(
                id=f"{item['id']}-{self.section['slug']}",
                URL=f"{item['URL']}#{self.section['slug']}",
                locator=self.locator(),
            )
        return item

    def locator(self):
        """As the live section's: the top-level section's number, and the heading when it is the author's."""
        sections = self.release.records(Kind.SECTION)
        top_level = [
            section["slug"]
            for key, section in sections.items()
            if key.startswith(f"{self.slug}/") and not section["parent"]
        ]
        number = top_level.index(self.section["parent"] or self.section["slug"]) + 1
        if self.section["heading_by_editors"]:
            return f"section {number}"
        return f"section {number}, “{self.section['title_en']}”"


def released(release, kind, slug):
    record = release.record(kind, slug)
    return ReleasedRecord(release, kind, record) if record else None


def latest_release_of(kind, slug):
    """The latest release that has this article or park, with the record as it froze it (one query); None if none has."""
    entry = (
        ReleaseEntry.objects.filter(kind=kind, key=slug)
        .select_related("release", "frozen")
        .order_by("-release__made_at", "-release__pk")
        .first()
    )
    return ReleasedRecord(entry.release, kind, entry.frozen.data) if entry else None
