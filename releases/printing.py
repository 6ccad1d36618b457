"""A release's article as a PDF in each page language, made by WeasyPrint from the frozen sections and kept
with the release once made (the same snapshot always makes the same text)."""

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import override
from weasyprint import HTML

from publishing.markdown import render_markdown
from releases.models import Kind, ReleaseFile

PDF_CONTENT_TYPE = "application/pdf"
LANGUAGES = {"en": "en", "zh-hans": "zh-Hans"}


def refuse_fetching(url, *args, **kwargs):
    # Everything the PDF needs is inline: it never fetches anything, from this site or elsewhere.
    raise ValueError(f"Not fetched: {url}")


def pdf_name(slug, language):
    return f"{slug}.{language}.pdf"


def article_html(request, release, slug, language):
    article = release.record(Kind.ARTICLE, slug)
    sections, notes = [], []
    for key, section in release.records(Kind.SECTION).items():
        if not key.startswith(f"{slug}/"):
            continue
        numbered = []
        for note in section["notes"]:
            notes.append({**note, "number": len(notes) + 1})
            numbered.append(notes[-1])
        sections.append({**section, "notes": numbered, "body_html": render_markdown(section["body"])})
    with override(language):
        address = request.build_absolute_uri(reverse("releases:article", args=[release.number, slug]))
        with open(finders.find("releases/print.css"), encoding="utf-8") as stylesheet:
            print_css = stylesheet.read()
        context = {
            "release": release,
            "article": article,
            "sections": sections,
            "notes": notes,
            "address": address,
            "html_lang": LANGUAGES[language],
            "site_name": settings.SITE_NAME,
            "print_css": print_css,
        }
        return render_to_string("releases/release_article_print.html", context)


def article_pdf(request, release, slug, language):
    """The release's stored PDF of the article in this page language, made on first request."""
    name = pdf_name(slug, language)
    stored = release.files.filter(name=name).first()
    if stored:
        return stored
    html = article_html(request, release, slug, language)
    content = HTML(string=html, url_fetcher=refuse_fetching, media_type="print").write_pdf()
    try:
        with transaction.atomic():
            return ReleaseFile.objects.create(
                release=release,
                name=name,
                content_type=PDF_CONTENT_TYPE,
                size=len(content),
                file=ContentFile(content, name=name),
            )
    except IntegrityError:  # another request made it first: the same text
        return release.files.get(name=name)
