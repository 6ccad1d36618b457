import re

from django.test import TestCase, override_settings
from django.urls import reverse

from articles.models import Article, Status
from articles.tests.factories import make_article
from publishing.testing import load_shipped_content


class HomePageTests(TestCase):
    def test_introduces_the_article_and_the_catalogue(self):
        load_shipped_content()
        article = Article.objects.get()
        response = self.client.get(reverse("home"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, f'<a href="{article.get_absolute_url()}">{article.title}</a>', html=True)
        self.assertContains(response, '<dd lang="en" translate="no">Jia Xiaobing</dd>', html=True)
        self.assertContains(response, article.summary)
        self.assertContains(response, f'href="{reverse("parks:list")}"')

    def test_drafts_are_not_introduced(self):
        make_article(title="Secret draft", slug="secret", status=Status.DRAFT)
        response = self.client.get(reverse("home"))
        self.assertNotContains(response, "Secret draft")
        self.assertContains(response, "The article is being prepared")


class NotFoundTests(TestCase):
    def test_unknown_pages_get_the_site_design(self):
        for url in (
            "/en/articles/nope/",
            "/nope/",
            "/en/nope/",
            "/en/articles/",
            "/en/articles/<script>/",
            "/en/parks/nope/",
            "/en/parks/provinces/nope/",
        ):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 404, url)
            self.assertContains(response, "Page not found", status_code=404)
            self.assertContains(
                response, '<a class="site-name" href="/en/">Rust Belt Parks</a>', status_code=404, html=True
            )
            self.assertContains(response, 'aria-label="Main"', status_code=404)
            self.assertNotContains(response, "<script>", status_code=404)


class SitemapTests(TestCase):
    def test_lists_the_published_article_only(self):
        load_shipped_content()
        make_article(title="Secret draft", slug="secret-draft", status=Status.DRAFT)
        response = self.client.get("/sitemap.xml")
        self.assertEqual(response.status_code, 200)
        self.assertContains(
            response, f"<loc>http://testserver{Article.objects.published().get().get_absolute_url()}</loc>"
        )
        self.assertContains(response, f"<loc>http://testserver{reverse('parks:list')}</loc>")
        self.assertNotContains(response, "secret-draft")

    def test_lists_catalogue_pages(self):
        from parks.models import DevelopmentPath, Park, Province

        province = Province.objects.create(slug="jilin", name_en="Jilin", name_zh="吉林")
        path = DevelopmentPath.objects.create(slug="co-city", name="Co-city", summary="Parks as open units.")
        Park.objects.create(name_en="Benxi HTZ", slug="benxi-htz", province=province, path=path)
        Park.objects.create(name_en="Hidden", slug="hidden-park", province=province, is_published=False)
        response = self.client.get("/sitemap.xml")
        for url in (
            reverse("parks:detail", args=["benxi-htz"]),
            reverse("parks:province", args=["jilin"]),
            reverse("parks:path", args=["co-city"]),
        ):
            self.assertContains(response, f"<loc>http://testserver{url}</loc>")
        self.assertNotContains(response, "hidden-park")

    @override_settings(SITE_URL="https://parks.example.org")
    def test_addresses_come_from_the_site_url_not_the_host_header(self):
        load_shipped_content()
        response = self.client.get("/sitemap.xml", HTTP_HOST="testserver:6666")
        xml = response.content.decode()
        addresses = re.findall(r"<loc>([^<]*)</loc>", xml) + re.findall(r'href="([^"]*)"', xml)
        self.assertGreater(len(addresses), 20)
        for address in addresses:
            self.assertTrue(address.startswith("https://parks.example.org/"), address)
        self.assertIn("https://parks.example.org/zh-hans/parks/", addresses)
        self.assertNotIn("testserver", xml)
