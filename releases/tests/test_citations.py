import json

from django.test import TestCase
from django.urls import reverse

from articles.models import FEATURED_ARTICLE_SLUG, Article
from parks.models import Park
from publishing.testing import load_shipped_content, make_staff
from releases.tests.test_releases import ReleaseFilesFolder, make_release


class VersionCitationTests(ReleaseFilesFolder, TestCase):
    @classmethod
    def setUpTestData(cls):
        load_shipped_content()
        cls.editor = make_staff("eddie", "Editors")

    def setUp(self):
        self.client.force_login(self.editor)
        make_release(self.client, "1.0")
        self.client.logout()
        self.park = Park.objects.get(slug="jilin-etdz")
        Article.objects.filter(slug=FEATURED_ARTICLE_SLUG).update(title="A title changed after the release")

    def download(self, name, slug, fmt):
        return self.client.get(reverse(name, args=["1.0", slug, fmt])).content.decode()

    def test_every_format_names_the_release_and_links_its_permanent_address(self):
        for name, slug in (("releases:article-cite", FEATURED_ARTICLE_SLUG), ("releases:park-cite", "jilin-etdz")):
            kind = "articles" if name == "releases:article-cite" else "parks"
            address = f"http://testserver/en/releases/1.0/{kind}/{slug}/"
            with self.subTest(kind=kind):
                bibtex = self.download(name, slug, "bib")
                self.assertIn("version = {1.0}", bibtex)
                self.assertIn(f"url = {{{address}}}", bibtex)
                ris = self.download(name, slug, "ris")
                self.assertIn("ET  - 1.0\r\n", ris)
                self.assertIn(f"UR  - {address}\r\n", ris)
                [item] = json.loads(self.download(name, slug, "json"))
                self.assertEqual((item["version"], item["URL"]), ("1.0", address))
                self.assertNotIn("changed after the release", bibtex + ris + item["title"])
                page = self.client.get(address)
                # APA, GB/T and the two language links (hreflang) give the same address.
                self.assertContains(page, address, count=4)
                self.assertContains(page, "Cite the latest version")

    def test_a_release_park_citation_is_dated_by_the_release(self):
        [item] = json.loads(self.download("releases:park-cite", "jilin-etdz", "json"))
        self.assertEqual(item["issued"], {"date-parts": [[2026, 12, 1]]})
        self.assertEqual(item["title"], f"{self.park.name_en} ({self.park.name_zh})")

    def test_the_live_pages_offer_cite_this_version(self):
        for url in (
            reverse("parks:detail", args=["jilin-etdz"]),
            reverse("articles:detail", args=[FEATURED_ARTICLE_SLUG]),
            "/zh-hans/parks/jilin-etdz/",
        ):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertContains(response, "/releases/1.0/")
                self.assertContains(response, "releases/1.0/", count=5)  # the release, APA and three downloads

    def test_a_section_of_a_release_is_cited_with_its_locator(self):
        url = reverse("releases:article-cite", args=["1.0", FEATURED_ARTICLE_SLUG, "json"])
        [item] = json.loads(self.client.get(url + "?section=detroit").content)
        self.assertEqual(item["URL"], f"http://testserver/en/releases/1.0/articles/{FEATURED_ARTICLE_SLUG}/#detroit")
        self.assertEqual(item["version"], "1.0")
        live = json.loads(
            self.client.get(reverse("articles:cite", args=[FEATURED_ARTICLE_SLUG, "json"]) + "?section=detroit").content
        )[0]
        self.assertEqual(item["section"], live["section"])
        self.assertEqual(self.client.get(url + "?section=nowhere").status_code, 404)
