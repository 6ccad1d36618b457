"""The article's body (contents, text, charts, matrix, citations) rendered once per content generation.

Rendering Markdown and drawing SVG charts is most of an article request's work, and their output
changes only when content does: any save starts a new content generation (publishing/generation.py), so the
next request renders afresh. Citations carry absolute URLs and links carry the language, so the key
holds the scheme, host and language too.
"""

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from articles.models import reading_minutes
from publishing.generation import cached_for_generation


def article_body(request, article):
    """The HTML of the article's table of contents and text, and its reading time in minutes, from the
    cache when content is unchanged."""

    def render():
        # The body shows content only, nothing about the visitor (the context processors give it the
        # page's language tag; it uses nothing else of theirs).
        sections = article.section_tree()
        context = {
            "article": article,
            "sections": sections,
            "notes": article.notes_in_order,
            "loose_figures": article.loose_figures(),
        }
        return {
            "html": render_to_string("articles/_article_body.html", context, request),
            "minutes": reading_minutes(sections),
        }

    name = f"article-body:{article.pk}:{get_language()}:{request.scheme}://{request.get_host()}"
    body = cached_for_generation(name, render)
    return mark_safe(body["html"]), body["minutes"]
