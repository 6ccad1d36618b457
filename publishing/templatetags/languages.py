"""{{ text|chinese }}: mixed English and Chinese text with its Chinese marked lang="zh-Hans"; {{ text|english_lang }}."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

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
def english_names(text):
    """Chinese text with the names and quotations it keeps in English marked lang="en" translate="no"."""
    return mark_english_names(text)


@register.filter
def as_name(text):
    """A name kept in English on any page (an author, a series, a publisher), marked lang="en" translate="no"."""
    return format_html('<span lang="en" translate="no">{}</span>', text) if text else ""
