"""Template tags that place the data stories (charts, the matrix's spot, 'cite this section') in the article.

The article template adds one tag line per section; the tags fetch what they need with a fixed
number of queries, whatever the number of sections.
"""

from collections import defaultdict

from django import template

from articles.charts import Chart
from rustbelt.publishing.citations import cite, download_links

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


@register.inclusion_tag("includes/_section_stories.html", takes_context=True)
def section_stories(context, article, section):
    """Charts of the numbers this section states, the matrix after section 4, and 'cite this section'."""
    return {
        "article": article,
        "section": section,
        "charts": charts_by_section(article)[section.pk],
        "shows_matrix": section.slug == MATRIX_SECTION,
        "citation": cite(section, context["request"]),
        "downloads": download_links(section),
    }


@register.inclusion_tag("includes/_chart.html")
def chart(chart):
    return {"chart": chart, "series": chart.series}
