"""robots.txt, the favicon and which responses are compressed."""

import gzip

from django.contrib.auth import get_user_model
from django.test import TestCase
from django.urls import reverse


class RobotsAndFaviconTests(TestCase):
    def test_robots_txt_names_the_sitemap(self):
        response = self.client.get("/robots.txt")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/plain; charset=utf-8")
        text = response.content.decode()
        self.assertIn("Sitemap: http://testserver/sitemap.xml", text)
        self.assertIn("Disallow: /admin/", text)

    def test_pages_link_a_favicon_and_favicon_ico_leads_to_it(self):
        page = self.client.get(reverse("home"))
        self.assertContains(
            page, '<link rel="icon" href="/static/rustbelt/favicon.svg" type="image/svg+xml">', html=False
        )
        response = self.client.get("/favicon.ico", follow=True)
        self.assertEqual(response.redirect_chain[0], ("/static/rustbelt/favicon.svg", 301))
        self.assertEqual(response.status_code, 200)


class CompressionTests(TestCase):
    def get(self, path):
        return self.client.get(path, headers={"accept-encoding": "gzip"})

    def test_anonymous_pages_are_gzipped(self):
        for path in [reverse("home"), reverse("parks:list"), reverse("search") + "?q=jilin"]:
            with self.subTest(path=path):
                response = self.get(path)
                self.assertEqual(response["Content-Encoding"], "gzip")
                self.assertIn(b"</html>", gzip.decompress(response.content))

    def test_a_page_with_a_csrf_token_is_not_compressed(self):
        response = self.get(reverse("admin:login"))
        self.assertContains(response, "csrfmiddlewaretoken")
        self.assertFalse(response.has_header("Content-Encoding"))

    def test_a_signed_in_visitor_gets_uncompressed_pages(self):
        user = get_user_model().objects.create_user("reader", password="x" * 12)
        self.client.force_login(user)
        response = self.get(reverse("home"))
        self.assertEqual(response.status_code, 200)
        self.assertFalse(response.has_header("Content-Encoding"))
