"""sitemap.xml: the article, the catalogue and its province and path pages, in every language.

Each page is listed once per language with its hreflang alternates (Django's i18n sitemaps).
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from articles.models import Article
from parks.models import DevelopmentPath, Park, Province


class BilingualSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True

    # Addresses on the site's own origin (DJANGO_SITE_URL), not the Host the request carried (a port or
    # another allowed name would otherwise reach search engines).
    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc if settings.SITE_URL else super().get_domain(site)

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme if settings.SITE_URL else super().get_protocol(protocol)


class PagesSitemap(BilingualSitemap):
    def items(self):
        return ["home", "parks:list", "parks:methodology"]

    def location(self, item):
        return reverse(item)


class ArticleSitemap(BilingualSitemap):
    def items(self):
        return Article.objects.published().order_by("pk")

    def lastmod(self, article):
        return article.updated_at


class ParkSitemap(BilingualSitemap):
    def items(self):
        return Park.objects.published().order_by("slug")

    def lastmod(self, park):
        return park.updated_at


class ProvinceSitemap(BilingualSitemap):
    def items(self):
        return Province.objects.in_published_records().order_by("slug")


class DevelopmentPathSitemap(BilingualSitemap):
    def items(self):
        return DevelopmentPath.objects.in_published_records().order_by("order", "slug")


SITEMAPS = {
    "pages": PagesSitemap,
    "articles": ArticleSitemap,
    "parks": ParkSitemap,
    "provinces": ProvinceSitemap,
    "paths": DevelopmentPathSitemap,
}
