"""'Cite this version' on the live article and park pages, and every page's schema.org metadata."""

import json

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from articles.models import Article
from publishing.citations import cite, download_links
from releases import jsonld
from releases.citations import latest_release_of
from releases.models import Kind

register = template.Library()


@register.inclusion_tag("releases/_cite_version.html", takes_context=True)
def cite_version(context, obj):
    kind = Kind.ARTICLE if isinstance(obj, Article) else Kind.PARK
    record = latest_release_of(kind, obj.slug)
    if record is None:
        return {"record": None}
    return {
        "record": record,
        "release": record.release,
        "citation": cite(record, context["request"]),
        "downloads": download_links(record),
    }


# In a <script> element, "</" would end it early: the JSON's <, > and & are written as escapes.
SCRIPT_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def json_ld(context):
    """The page's schema.org metadata as a JSON-LD script element (none on pages rendered without a request,
    such as the server error page)."""
    if context.get("request") is None:
        return ""
    data = json.dumps(jsonld.for_page(context), ensure_ascii=False).translate(SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(data))
