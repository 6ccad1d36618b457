"""'Cite this version' on the live article and park pages: the latest release that has the record."""

from django import template

from articles.models import Article
from publishing.citations import cite, download_links
from releases.citations import latest_release_of
from releases.models import Kind

register = template.Library()


@register.inclusion_tag("releases/_cite_version.html", takes_context=True)
def cite_version(context, obj):
    kind = Kind.ARTICLE if isinstance(obj, Article) else Kind.PARK
    record = latest_release_of(kind, obj.slug)
    if record is None:
        return {"record": None}
    return {"record": record, "release": record.release, "citation": cite(record, context["request"]),
            "downloads": download_links(record)}
