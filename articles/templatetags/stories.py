"""Template tags that place the data stories (charts, matrix, citations) on pages owned by others.

The article and park templates only add one tag line each; the tags fetch what they need with a
fixed number of queries, whatever the number of sections.
"""

import html
import re
from collections import defaultdict

from django import template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe

from articles.charts import Chart
from articles.citations import FORMATS, cite_article, cite_park
from parks.matrix import published_matrix

register = template.Library()

# Section 4 introduces the development paths, so the province × path matrix follows its text.
MATRIX_SECTION = "paths-for-updating-the-rust-belt"
FORMAT_LABELS = {"bib": "BibTeX (.bib)", "ris": "RIS (.ris)", "json": "CSL-JSON (.json)"}


def charts_by_section(article):
    """Charts grouped by section id; fetched once per article object (two queries)."""
    if not hasattr(article, "_charts_by_section"):
        grouped = defaultdict(list)
        for series in article.data_series.for_charts():
            grouped[series.section_id].append(Chart(series))
        article._charts_by_section = grouped
    return article._charts_by_section


def download_links(url_name, slug, section=None):
    query = f"?section={section.slug}" if section else ""
    return [(FORMAT_LABELS[fmt], reverse(url_name, args=[slug, fmt]) + query) for fmt in FORMATS]


def plain(text):
    """Text as a reader sees it: no tags, entities decoded, one space between words."""
    return re.sub(r"\s+", " ", html.unescape(strip_tags(text))).strip()


def place_charts(body_html, charts):
    """Split the section's HTML after the paragraph stating each chart's numbers.

    Returns (pieces, leftovers): pieces is a list of (html, charts to show after it); a chart whose
    source sentence is in no paragraph (edited since) is a leftover, shown after the section.
    """
    paragraphs = str(body_html).split("</p>")
    pieces = [[paragraph + "</p>", []] for paragraph in paragraphs[:-1]] + [[paragraphs[-1], []]]
    leftovers = []
    for chart in charts:
        # The sentence's last words are enough to find it, and survive links inside the sentence.
        ending = plain(chart.series.source_sentence)[-60:]
        piece = next((piece for piece in pieces if ending and ending in plain(piece[0])), None)
        if piece is None:
            leftovers.append(chart)
        else:
            piece[1].append(chart)
    return pieces, leftovers


@register.simple_tag
def section_body(article, section):
    """The section's text with each chart right after the paragraph that states its numbers."""
    pieces, _ = place_charts(section.body_html, charts_by_section(article)[section.pk])
    output = []
    for text, charts in pieces:
        output.append(text)
        output.extend(render_to_string("includes/_chart.html", {"chart": item, "series": item.series}) for item in charts)
    # Safe: the body was sanitized by render_markdown and the charts are rendered templates.
    return mark_safe("".join(output))


@register.inclusion_tag("includes/_section_stories.html", takes_context=True)
def section_stories(context, article, section):
    """Charts not placed in the text, the matrix after section 4, and 'cite this section'."""
    charts = charts_by_section(article)[section.pk]
    return {
        "article": article,
        "section": section,
        "charts": place_charts(section.body_html, charts)[1],
        "has_charts": bool(charts),
        "matrix": published_matrix() if section.slug == MATRIX_SECTION else None,
        "citation": cite_article(article, context["request"], section),
        "downloads": download_links("articles:cite", article.slug, section),
    }


@register.inclusion_tag("includes/_chart.html")
def chart(chart):
    return {"chart": chart, "series": chart.series}


@register.inclusion_tag("includes/_matrix.html")
def matrix():
    return {"matrix": published_matrix()}


def citation_for(context, obj):
    if obj._meta.label == "parks.Park":
        return cite_park(obj, context["request"]), download_links("parks:cite", obj.slug)
    return cite_article(obj, context["request"]), download_links("articles:cite", obj.slug)


@register.inclusion_tag("includes/_cite.html", takes_context=True)
def cite_block(context, obj, collapsed=False):
    """The readable references and downloads for an article or a park page.

    collapsed=True folds them into a <details> without a heading, for pages whose outline is the article's.
    """
    citation, downloads = citation_for(context, obj)
    return {"citation": citation, "downloads": downloads, "collapsed": collapsed}


@register.inclusion_tag("includes/_citation_meta.html", takes_context=True)
def citation_meta(context, obj):
    """<meta> tags for reference managers and link previews."""
    citation, _ = citation_for(context, obj)
    return {"citation": citation, "og_type": "website" if citation.kind == "park" else "article"}
