from dataclasses import dataclass

from django.conf import settings
from django.urls import Resolver404, resolve, translate_url
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from publishing.generation import current_generation

# settings.SITE_NAME is translated where it is shown; this line puts it in the message catalogue.
gettext_noop("Rust Belt Parks")
# BCP 47 spelling for <html lang> and hreflang (Django's language codes are lower case).
LANGUAGE_TAGS = {"en": "en", "zh-hans": "zh-Hans"}


def site(request):
    """Site name and licence for the page frame."""
    return {
        "site_name": _(settings.SITE_NAME),
        "content_license": settings.CONTENT_LICENSE,
        "content_license_url": settings.CONTENT_LICENSE_URL,
    }


@dataclass
class LanguageVersion:
    code: str
    tag: str
    name: str
    url: str
    is_current: bool


def language_tag(code):
    return LANGUAGE_TAGS.get(code, code)


def languages(request):
    """The page's language and the same page (query string kept) in every language.

    Feeds <html lang>, the hreflang alternates and the switcher. Pages that do not resolve (404s)
    get no alternates: there is no equivalent page to point at.
    """
    current = translation.get_language()
    context = {
        "html_lang": language_tag(current),
        "language_versions": [],
        "language_choices": [],
        # DJANGO_SITE_URL when set, never a forged Host header (rustbelt/security.py).
        "site_origin": request.build_absolute_uri("/").removesuffix("/"),
        # The article and researchers' notes are written in English: pages in another language say so
        # and mark those passages lang="en".
        "article_in_english": current != settings.LANGUAGE_CODE,
    }
    full_path = request.get_full_path()
    try:
        resolve(request.path_info)
    except Resolver404:
        return context
    versions = [
        LanguageVersion(code, language_tag(code), name, translate_url(full_path, code), code == current)
        for code, name in settings.LANGUAGES
    ]
    # Every page offers the switcher. An unprefixed page (the Data page, the API reference) has one
    # address for every language: switching sets the language cookie it follows, and it has no
    # alternates to announce.
    context["language_choices"] = versions
    if len({version.url for version in versions}) == len(versions):
        context["language_versions"] = versions
    return context


def content_generation(request):
    """Keys for `{% cache %}` fragments of published content (park cards, the filter form).

    A fragment keyed by the content generation is rendered afresh on the first request after a
    researcher's save; the generation is read only if a fragment asks for it.
    """
    return {
        "content_generation": lambda: current_generation().token,
        "fragment_cache_seconds": settings.AGGREGATE_CACHE_SECONDS,
    }
