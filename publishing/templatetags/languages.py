"""{{ text|chinese }}: mixed English and Chinese text with its Chinese marked lang="zh-Hans"; {{ text|english_lang }}."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from publishing.markdown import CHINESE_RUN, mark_chinese, mark_english_names

register = template.Library()


@register.filter
def chinese(text):
    return mark_chinese(text)


@register.filter
def english_lang(text):
    """` lang="en"` for a value that holds no Chinese: a note with no Chinese translation yet, on a Chinese page."""
    return "" if CHINESE_RUN.search(str(text)) else mark_safe(' lang="en"')


@register.filter
def name_lang(text):
    """For a name in either language (a search word, a suggested name): ` lang="en" translate="no"` where a Chinese
    page shows it in Latin letters, ` lang="zh-Hans"` where an English page shows it in Chinese."""
    chinese = bool(CHINESE_RUN.search(str(text)))
    if (get_language() or "").startswith("zh"):
        return "" if chinese else mark_safe(' lang="en" translate="no"')
    return mark_safe(' lang="zh-Hans"') if chinese else ""


@register.filter
def english_names(text):
    """On a Chinese page, Chinese text with the names and quotations it keeps in English marked lang="en"
    translate="no"; on an English page, English text with the Chinese it quotes marked lang="zh-Hans"."""
    return mark_english_names(text) if (get_language() or "").startswith("zh") else mark_chinese(text)


@register.filter
def as_name(text):
    """A name kept in English on any page (an author, a series, a publisher), marked lang="en" translate="no"."""
    return format_html('<span lang="en" translate="no">{}</span>', text) if text else ""
