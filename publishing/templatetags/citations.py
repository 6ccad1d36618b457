"""'Cite this' on any page: the readable references, the downloads and the <meta> tags of a citable record."""

from django import template

from publishing.citations import cite, download_links

register = template.Library()


@register.inclusion_tag("includes/_cite.html", takes_context=True)
def cite_block(context, obj, collapsed=False):
    """The readable references and downloads for a page's record.

    collapsed=True folds them into a <details> without a heading, for pages whose outline is the article's.
    """
    return {"citation": cite(obj, context["request"]), "downloads": download_links(obj), "collapsed": collapsed}


@register.inclusion_tag("includes/_citation_meta.html", takes_context=True)
def citation_meta(context, obj):
    """<meta> tags for reference managers (the citation, as cited) and link previews (in the page's language)."""
    citation = cite(obj, context["request"])
    return {
        "citation": citation,
        "og_type": "website" if citation.kind == "park" else "article",
        "share_title": obj.share_title,
        "share_description": obj.share_description,
    }
