"""A release's article as it was: each frozen section's text with its charts placed where the live page
places them (after the paragraph stating their numbers), and its editors' notes numbered through the article.

The charts are drawn by the live site's own chart code from the frozen numbers, held in unsaved model
instances: nothing is read from the live tables.
"""

from decimal import Decimal

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from articles.charts import Chart, plain_number
from articles.models import DataPoint, DataSeries, NoteKind
from articles.templatetags.article_tags import place_charts
from publishing.markdown import render_markdown
from releases.models import Kind


def chart_record(series):
    """A chart as a section's frozen record keeps it: the series, its points (exact decimals as text), its notes."""
    return {
        **{name: getattr(series, name) for name in DataSeries.OPEN_FIELDS},
        "points": [
            {
                "label": point.label,
                "value": plain_number(point.value),
                "value_high": plain_number(point.value_high) if point.is_range else None,
                "note": point.note,
            }
            for point in series.points.all()
        ],
        "notes": [{"kind": note.kind, "text": note.text} for note in series.editorial_notes.all()],
    }


def frozen_chart(record):
    """The Chart of a frozen chart record, its editors' notes beside it for the template."""
    series = DataSeries(**{name: record[name] for name in DataSeries.OPEN_FIELDS})
    points = [
        DataPoint(
            series=series,
            order=index,
            label=point["label"],
            value=Decimal(point["value"]),
            value_high=None if point["value_high"] is None else Decimal(point["value_high"]),
            note=point["note"],
        )
        for index, point in enumerate(record["points"])
    ]
    chart = Chart(series, points)
    chart.notes = [{**note, "label": NoteKind(note["kind"]).label} for note in record["notes"]]
    return chart


def section_html(section, chart_files):
    """The section's text, each chart after the paragraph stating its numbers, then any chart not placed."""
    charts = [frozen_chart(record) for record in section.get("charts", [])]
    pieces, leftovers = place_charts(render_markdown(section["body"]), charts)
    output = []
    for text, placed in pieces:
        output.append(text)
        output.extend(chart_html(chart, chart_files) for chart in placed)
    output.extend(chart_html(chart, chart_files) for chart in leftovers)
    # Safe: render_markdown sanitized the text, and the charts are rendered templates.
    return mark_safe("".join(output))


def chart_html(chart, chart_files):
    context = {"chart": chart, "series": chart.series, "data_file": chart_files.get(chart.series.slug)}
    return render_to_string("releases/_chart.html", context)


def series_file_name(slug):
    """The release's file holding a chart's numbers, as /articles/<article>/figures/<slug>.csv gives them."""
    return f"series-{slug}.csv"


def article_sections(release, slug):
    """The release's sections of one article, in reading order, with their HTML and notes numbered in order."""
    files = {stored.name: stored for stored in release.files.filter(name__startswith="series-")}
    sections, notes = [], []
    for key, section in release.records(Kind.SECTION).items():
        if not key.startswith(f"{slug}/"):
            continue
        chart_files = {chart["slug"]: files.get(series_file_name(chart["slug"])) for chart in section.get("charts", [])}
        numbered = []
        for note in section["notes"]:
            notes.append({**note, "number": len(notes) + 1})
            numbered.append(notes[-1])
        sections.append({**section, "notes": numbered, "body_html": section_html(section, chart_files)})
    return sections, notes
