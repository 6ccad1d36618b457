"""The catalogue's pieces for other pages: the province × path matrix (on the catalogue and in the article)."""

from django import template

from parks.matrix import published_matrix

register = template.Library()


@register.inclusion_tag("includes/_matrix.html")
def matrix():
    return {"matrix": published_matrix()}
