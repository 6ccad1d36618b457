"""Markdown to safe HTML: Markdown renders, nh3 removes anything a page must not run.

Article text links to the catalogue with two site-internal schemes, rewritten before sanitizing:
`[wording](park:<park-slug>)` -> the park's page, `[wording](path:<path-slug>)` -> the path's page.
They are reversed by slug only, so rendering never queries the database.
"""

import re

import markdown as markdown_lib
import nh3
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import mark_safe
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "em", "h2", "h3", "h4", "h5", "h6", "hr", "li",
    "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}, "td": set(), "ol": {"start"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

INTERNAL_LINK_URL_NAMES = {"park": "parks:detail", "path": "parks:path"}
INTERNAL_LINK = re.compile(r"^(?P<scheme>park|path):(?P<slug>[-a-zA-Z0-9_]+)$")


def internal_link_url(href):
    """The site URL for a `park:`/`path:` link, or None when href is not a well-formed one."""
    match = INTERNAL_LINK.match(href.strip())
    if match is None:
        return None
    try:
        return reverse(INTERNAL_LINK_URL_NAMES[match["scheme"]], args=[match["slug"]])
    except NoReverseMatch:
        return None


class InternalLinkTreeprocessor(Treeprocessor):
    def run(self, root):
        for link in root.iter("a"):
            url = internal_link_url(link.get("href", ""))
            if url is not None:
                link.set("href", url)
            # Anything else is left for nh3, which drops hrefs with unknown schemes (javascript:, park:bad).


class InternalLinkExtension(Extension):
    def extendMarkdown(self, md):
        # Priority below "inline" (20) so the links exist; the value only orders treeprocessors.
        md.treeprocessors.register(InternalLinkTreeprocessor(md), "internal_links", 5)


def render_markdown(text):
    """Render Markdown and sanitize the result; safe to put on a page."""
    html = markdown_lib.markdown(
        text or "", extensions=["tables", "sane_lists", InternalLinkExtension()], output_format="html"
    )
    return mark_safe(
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=ALLOWED_URL_SCHEMES,
            link_rel="noopener noreferrer",
        )
    )
