"""{{ text|chinese }}: mixed English and Chinese text with its Chinese marked lang="zh-Hans"."""

from django import template

from publishing.markdown import mark_chinese

register = template.Library()


@register.filter
def chinese(text):
    return mark_chinese(text)
