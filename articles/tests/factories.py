"""Small factories for the article's tests (accounts: publishing/testing.py)."""

from decimal import Decimal

from articles.models import FEATURED_ARTICLE_SLUG, Article, DataPoint, DataSeries, Section, Status


def make_article(**fields):
    """The site's article by default (published); pass title and slug for another one."""
    fields.setdefault("title", "Industrial Real Estate Park Revitalization in Major Rust Belts")
    fields.setdefault("slug", FEATURED_ARTICLE_SLUG)
    fields.setdefault("author", "Jia Xiaobing")
    fields.setdefault("series", "Introduction to Park Industrial Real Estate")
    fields.setdefault("episode", 89)
    fields.setdefault("summary", "How industrial parks can revive rust belts.")
    fields.setdefault("status", Status.PUBLISHED)
    return Article.objects.create(**fields)


def make_section(article, slug=None, body="Some text.", **fields):
    slug = slug or f"section-{article.sections.count() + 1}"
    fields.setdefault("title", slug.replace("-", " ").capitalize())
    return Section.objects.create(article=article, slug=slug, body=body, **fields)


def make_series(article, section=None, points=(("2000", "1.56"), ("2016", "2.3")), **fields):
    fields.setdefault("name", "Debt-to-equity ratio")
    fields.setdefault("slug", "debt")
    fields.setdefault("unit", "ratio")
    fields.setdefault("kind", "bar")
    fields.setdefault("source_sentence", "The ratio increased from 1.56 in 2000 to 2.3 in 2016.")
    fields.setdefault("source", "Jia Xiaobing, ep. 89")
    series = DataSeries.objects.create(article=article, section=section, **fields)
    for order, point in enumerate(points):
        label, value, *high = point
        DataPoint.objects.create(
            series=series,
            order=order,
            label=label,
            value=Decimal(value),
            value_high=Decimal(high[0]) if high else None,
        )
    return series
