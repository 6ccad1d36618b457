"""sitemap.xml: the article, the catalogue and its province and path pages."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from articles.models import Article
from parks.models import DevelopmentPath, Park, Province


class PagesSitemap(Sitemap):
    def items(self):
        return ["home", "parks:list", "parks:methodology"]

    def location(self, item):
        return reverse(item)


class ArticleSitemap(Sitemap):
    def items(self):
        return Article.objects.published().order_by("pk")

    def lastmod(self, article):
        return article.updated_at


class ParkSitemap(Sitemap):
    def items(self):
        return Park.objects.published().order_by("slug")

    def lastmod(self, park):
        return park.updated_at


class ProvinceSitemap(Sitemap):
    def items(self):
        return Province.objects.order_by("slug")


class DevelopmentPathSitemap(Sitemap):
    def items(self):
        return DevelopmentPath.objects.order_by("order", "slug")


SITEMAPS = {
    "pages": PagesSitemap,
    "articles": ArticleSitemap,
    "parks": ParkSitemap,
    "provinces": ProvinceSitemap,
    "paths": DevelopmentPathSitemap,
}
