"""The article's body (contents, text, charts, matrix, citations) rendered once per content generation.

Rendering Markdown and drawing SVG charts is most of an article request's work, and their output
changes only when content does: any save starts a new content generation (publishing/generation.py), so the
next request renders afresh. Citations carry absolute URLs and links carry the language, so the key
holds the scheme, host and language too.
"""

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from publishing.generation import cached_for_generation


def article_body(request, article):
    """The HTML of the article's table of contents and text, from the cache when content is unchanged."""

    def render():
        # The body shows content only, nothing about the visitor (the context processors give it the
        # page's language tag; it uses nothing else of theirs).
        context = {"article": article, "sections": article.section_tree(), "loose_figures": article.loose_figures()}
        return render_to_string("articles/_article_body.html", context, request)

    name = f"article-body:{article.pk}:{get_language()}:{request.scheme}://{request.get_host()}"
    return mark_safe(cached_for_generation(name, render))
