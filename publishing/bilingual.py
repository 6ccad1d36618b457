"""Bilingual values: each translated field is an explicit `<field>_zh` column beside the English one.

Explicit columns (the catalogue already had `name_en`/`name_zh`) are recorded by simple-history and
read by import-export like any other field; an empty Chinese value falls back to the English one.
"""

from functools import wraps

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.utils import translation
from django.utils.translation import get_language


def is_chinese():
    return (get_language() or "").startswith("zh")


def pick(english, chinese):
    """The value in the page's language; the English one where no Chinese value has been entered."""
    return chinese if is_chinese() and chinese else english


def other(chinese):
    """The Chinese value to show beside the English one on English pages (empty on Chinese pages)."""
    return "" if is_chinese() else chinese


def requested_language(request):
    """The language a download asks for with ?lang=…: a known code, "" when absent, None when unknown."""
    code = request.GET.get("lang", "")
    if not code:
        return ""
    return code if code in dict(settings.LANGUAGES) else None


def _iterate_in(language, chunks):
    # Streamed rows are produced after the view returns: translate them in the requested language too.
    with translation.override(language):
        yield from chunks


def language_filename(name):
    """A download's file name with its language: northeast-parks-en.csv, northeast-parks-zh-hans.csv, so
    both languages of one download can sit side by side in a folder."""
    return f"{name}-{translation.get_language()}"


def download_language(view):
    """Downloads in ?lang=en or ?lang=zh-hans (default: the page's language); an unknown code is a 400."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        language = requested_language(request)
        if language is None:
            codes = ", ".join(code for code, _name in settings.LANGUAGES)
            return HttpResponseBadRequest(
                f"Unknown language in ?lang=. Use one of: {codes}.\n", content_type="text/plain; charset=utf-8"
            )
        language = language or translation.get_language()
        with translation.override(language):
            response = view(request, *args, **kwargs)
        if response.streaming:
            response.streaming_content = _iterate_in(language, response.streaming_content)
        response.headers["Content-Language"] = language
        return response

    return wrapper
