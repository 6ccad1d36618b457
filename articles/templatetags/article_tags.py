"""Template tags that place the data stories (charts, the matrix's spot, 'cite this section') in the article.

The article template adds one tag line per section; the tags fetch what they need with a fixed
number of queries, whatever the number of sections.
"""

import html
import re
from collections import defaultdict

from django import template
from django.template.loader import render_to_string
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe

from articles.charts import Chart
from publishing.citations import cite, download_links

register = template.Library()

# Section 4 introduces the development paths, so the province × path matrix (the parks app's
# {% matrix %} tag) follows its text.
MATRIX_SECTION = "paths-for-updating-the-rust-belt"


def charts_by_section(article):
    """Charts grouped by section id; fetched once per article object (two queries)."""
    if not hasattr(article, "_charts_by_section"):
        grouped = defaultdict(list)
        for series in article.data_series.for_charts():
            grouped[series.section_id].append(Chart(series))
        article._charts_by_section = grouped
    return article._charts_by_section


def plain(text):
    """Text as a reader sees it: no tags, entities decoded, one space between words."""
    return re.sub(r"\s+", " ", html.unescape(strip_tags(text))).strip()


def place_charts(body_html, charts):
    """Split the section's HTML after the paragraph stating each chart's numbers.

    Returns (pieces, leftovers): pieces is a list of [html, charts to show after it]; a chart whose
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
    """The section's text, with its editorial note markers, each chart right after the paragraph that states its numbers."""
    pieces, _ = place_charts(section.body_html_with_notes(), charts_by_section(article)[section.pk])
    output = []
    for text, charts in pieces:
        output.append(text)
        output.extend(
            render_to_string("includes/_chart.html", {"chart": item, "series": item.series}) for item in charts
        )
    # Safe: the body was sanitized by render_markdown and the charts are rendered templates.
    return mark_safe("".join(output))


@register.inclusion_tag("includes/_section_stories.html")
def section_stories(article, section):
    """Charts not placed in the text and the matrix after section 4."""
    charts = charts_by_section(article)[section.pk]
    return {
        "article": article,
        "section": section,
        "charts": place_charts(section.body_html, charts)[1],
        "has_charts": bool(charts),
        "shows_matrix": section.slug == MATRIX_SECTION,
    }


@register.inclusion_tag("includes/_section_cite.html", takes_context=True)
def section_cite(context, article, section):
    """'Cite this section', once a top-level section, after its subsections: a subsection is cited as part of it."""
    return {"citation": cite(section, context["request"]), "downloads": download_links(section)}


@register.inclusion_tag("includes/_chart.html")
def chart(chart):
    return {"chart": chart, "series": chart.series}
