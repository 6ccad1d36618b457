from django.urls import reverse

# The site's article (the shared slug in the team brief). Reversed, not queried, so the nav link
# costs every page nothing; if the article is ever unpublished the link leads to the 404 page.
FEATURED_ARTICLE_SLUG = "industrial-real-estate-park-revitalization-in-major-rust-belts"


def featured_article(request):
    """The URL of the article for the main navigation."""
    return {"featured_article_url": reverse("articles:detail", args=[FEATURED_ARTICLE_SLUG])}
