from django.urls import reverse

from articles.models import FEATURED_ARTICLE_SLUG


def featured_article(request):
    """The URL of the article for the main navigation."""
    # Reversed, not queried, so the nav link costs every page nothing; if the article is ever
    # unpublished the link leads to the 404 page.
    return {"featured_article_url": reverse("articles:detail", args=[FEATURED_ARTICLE_SLUG])}
