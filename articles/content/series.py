"""The article's numbers as data series (series.toml), and their loader."""

import re
import tomllib
from decimal import Decimal
from pathlib import Path

from articles.content import CHINESE_FIELDS, translated
from articles.models import Article, DataPoint, DataSeries
from publishing.loading import sync_record

SERIES_FILE = Path(__file__).resolve().parent / "series.toml"
# Matches DataPoint.value's decimal_places, so shipped values compare equal to stored ones.
VALUE_PLACES = Decimal("0.0001")
QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})


def normalize_text(text):
    """Compare prose regardless of curly/straight quotes and line wrapping."""
    return re.sub(r"\s+", " ", text.translate(QUOTES)).strip()


def section_stating(sections, sentence, fallback_slug):
    """The section whose body contains the sentence; the deepest one if several do."""
    wanted = normalize_text(sentence)
    containing = [section for section in sections if wanted in normalize_text(section.body)]
    if containing:
        return max(containing, key=lambda section: section.parent_id is not None)
    return next((section for section in sections if section.slug == fallback_slug), None)


def as_decimal(text):
    return None if text in (None, "") else Decimal(text).quantize(VALUE_PLACES)


def load_series(report, force=False):
    """Create or update the data series and their points; the article must be loaded first."""
    shipped = tomllib.loads(SERIES_FILE.read_text(encoding="utf-8"))
    article = Article.objects.filter(slug=shipped["article"]).first()
    if article is None:
        # Nothing to attach the numbers to (the article loader ships the article).
        return
    sections = list(article.sections.all())
    for series_order, item in enumerate(shipped["series"], start=1):
        series = sync_record(
            DataSeries,
            {"slug": item["slug"]},
            {
                "article": article,
                "section": section_stating(sections, item["source_sentence"], item["section"]),
                "name": item["name"],
                "unit": item["unit"],
                "label_title": item.get("label_title", ""),
                "kind": item["kind"],
                "order": series_order * 10,
                "source_sentence": item["source_sentence"],
                "source": item.get("source", shipped["source"]),
                "caption": item.get("caption", ""),
                "lower_is_better": item.get("lower_is_better", False),
                # The editors' Chinese for the chart's words (translations-zh.csv).
                "name_zh": translated(item["name"]),
                "unit_zh": translated(item["unit"]),
                "label_title_zh": translated(item.get("label_title", "")),
                "caption_zh": translated(item.get("caption", "")),
            },
            report=report,
            force=force,
            newer_fields=CHINESE_FIELDS,
        )
        for point_order, point in enumerate(item["points"], start=1):
            sync_record(
                DataPoint,
                {"series": series, "label": point["label"]},
                {
                    "order": point_order * 10,
                    "value": as_decimal(point["value"]),
                    "value_high": as_decimal(point.get("value_high")),
                    "note": point.get("note", ""),
                    "label_zh": translated(point["label"]),
                    "note_zh": translated(point.get("note", "")),
                },
                report=report,
                force=force,
                newer_fields=CHINESE_FIELDS,
            )
