"""A release's article as a PDF in each page language, made by WeasyPrint from the frozen sections (with their
charts) when the release is made, and kept with it."""

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import override
from weasyprint import HTML

from releases.article import article_sections
from releases.models import Kind

PDF_CONTENT_TYPE = "application/pdf"
LANGUAGES = {"en": "en", "zh-hans": "zh-Hans"}


def refuse_fetching(url, *args, **kwargs):
    # Everything the PDF needs is inline: it never fetches anything, from this site or elsewhere.
    raise ValueError(f"Not fetched: {url}")


def pdf_name(slug, language):
    return f"{slug}.{language}.pdf"


def article_html(request, release, slug, language):
    with override(language):
        sections, notes = article_sections(release, slug)
        address = request.build_absolute_uri(reverse("releases:article", args=[release.number, slug]))
        with open(finders.find("releases/print.css"), encoding="utf-8") as stylesheet:
            print_css = stylesheet.read()
        context = {
            "release": release,
            "article": release.record(Kind.ARTICLE, slug),
            "sections": sections,
            "notes": notes,
            "address": address,
            "html_lang": LANGUAGES[language],
            "site_name": settings.SITE_NAME,
            "print_css": print_css,
        }
        return render_to_string("releases/release_article_print.html", context)


def article_pdf(request, release, slug, language):
    """The PDF's bytes: the release's article in this page language."""
    html = article_html(request, release, slug, language)
    return HTML(string=html, url_fetcher=refuse_fetching, media_type="print").write_pdf()
