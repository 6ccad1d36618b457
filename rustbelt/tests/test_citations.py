import json
import re

from django.template import Context, Template
from django.test import RequestFactory, TestCase
from django.urls import reverse
from django.utils import timezone

from rustbelt.publishing.citations import bibtex_escape, cite
from articles.models import Status
from articles.tests.factories import make_article, make_section
from parks.tests.factories import make_park

ARTICLE_URL = "http://testserver/en/articles/industrial-real-estate-park-revitalization-in-major-rust-belts/"


def assert_bibtex(test, text, permalink):
    """@type{key, then `name = {value},` fields, balanced braces, the required fields."""
    test.assertRegex(text, r"^@misc\{[A-Za-z0-9_:-]+,\n")
    test.assertTrue(text.rstrip().endswith("}"))
    depth = 0
    for char in re.sub(r"\\[{}]", "", text):
        depth += {"{": 1, "}": -1}.get(char, 0)
        test.assertGreaterEqual(depth, 0)
    test.assertEqual(depth, 0)
    fields = dict(re.findall(r"^  (\w+) = \{(.*)\},?$", text, flags=re.M))
    for required in ("title", "author", "year", "url", "urldate", "publisher"):
        test.assertIn(required, fields)
    test.assertEqual(fields["url"], permalink)
    return fields


def assert_ris(test, text, permalink):
    lines = text.split("\r\n")
    test.assertEqual(lines[-1], "")  # ends with a line break
    lines = lines[:-1]
    test.assertTrue(lines[0].startswith("TY  - "))
    test.assertEqual(lines[-1], "ER  - ")
    for line in lines:
        test.assertRegex(line, r"^[A-Z][A-Z0-9]  - ")
    tags = {}
    for line in lines:
        tags.setdefault(line[:2], []).append(line[6:])
    test.assertEqual(tags["UR"], [permalink])
    return tags


def assert_csl(test, text, permalink):
    items = json.loads(text)
    test.assertEqual(len(items), 1)
    item = items[0]
    for required in ("id", "type", "title", "author", "URL", "issued", "accessed"):
        test.assertIn(required, item)
    test.assertEqual(item["URL"], permalink)
    test.assertEqual(len(item["accessed"]["date-parts"][0]), 3)
    return item


class ArticleCitationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_article()
        cls.section = make_section(cls.article, "major-rust-belts-in-the-world", title="Major Rust Belts in the World")

    def get(self, fmt, **query):
        return self.client.get(reverse("articles:cite", args=[self.article.slug, fmt]), query)

    def test_bibtex(self):
        response = self.get("bib")
        self.assertEqual(response["Content-Type"], "application/x-bibtex; charset=utf-8")
        self.assertIn("attachment;", response["Content-Disposition"])
        fields = assert_bibtex(self, response.content.decode(), ARTICLE_URL)
        self.assertEqual(fields["author"], "Jia, Xiaobing")
        self.assertEqual(fields["title"], self.article.title)
        self.assertEqual(fields["series"], "Introduction to Park Industrial Real Estate")
        self.assertEqual(fields["number"], "89")
        self.assertEqual(fields["publisher"], "Rust Belt Parks")
        self.assertEqual(fields["urldate"], f"{timezone.localdate():%Y-%m-%d}")
        self.assertIn("CC BY 4.0", fields["note"])

    def test_ris(self):
        tags = assert_ris(self, self.get("ris").content.decode(), ARTICLE_URL)
        self.assertEqual(tags["AU"], ["Jia, Xiaobing"])
        self.assertEqual(tags["TI"], [self.article.title])
        self.assertEqual(tags["T3"], ["Introduction to Park Industrial Real Estate"])
        self.assertEqual(tags["IS"], ["89"])
        self.assertEqual(tags["Y2"], [f"{timezone.localdate():%Y/%m/%d}"])

    def test_csl_json(self):
        item = assert_csl(self, self.get("json").content.decode(), ARTICLE_URL)
        self.assertEqual(item["author"], [{"family": "Jia", "given": "Xiaobing"}])
        self.assertEqual(item["collection-title"], "Introduction to Park Industrial Real Estate")
        self.assertEqual(item["collection-number"], "89")
        self.assertEqual(item["publisher"], "Rust Belt Parks")
        self.assertIn("CC BY 4.0", item["license"])

    def test_section_citations_point_at_the_anchor(self):
        permalink = ARTICLE_URL + "#major-rust-belts-in-the-world"
        fields = assert_bibtex(self, self.get("bib", section=self.section.slug).content.decode(), permalink)
        self.assertEqual(fields["title"], "Major Rust Belts in the World")
        self.assertEqual(fields["booktitle"], self.article.title)
        tags = assert_ris(self, self.get("ris", section=self.section.slug).content.decode(), permalink)
        self.assertEqual(tags["T2"], [self.article.title])
        item = assert_csl(self, self.get("json", section=self.section.slug).content.decode(), permalink)
        self.assertEqual(item["container-title"], self.article.title)

    def test_bad_input_is_404(self):
        self.assertEqual(self.get("docx").status_code, 404)
        self.assertEqual(self.get("bib", section="no-such-section").status_code, 404)
        draft = make_article(slug="draft", status=Status.DRAFT)
        self.assertEqual(self.client.get(reverse("articles:cite", args=[draft.slug, "bib"])).status_code, 404)

    def test_readable_references(self):
        request = RequestFactory().get("/")
        citation = cite(self.article, request)
        today = timezone.localdate()
        self.assertTrue(citation.apa.startswith(f"Jia, X. ({self.article.published_at:%Y}, "))
        self.assertIn("(Introduction to Park Industrial Real Estate, Episode 89). Rust Belt Parks.", citation.apa)
        self.assertTrue(citation.apa.endswith(f"{today.year}, from {ARTICLE_URL}"))
        self.assertTrue(citation.gbt7714.startswith("JIA Xiaobing. Industrial Real Estate Park Revitalization"))
        self.assertIn(f"[EB/OL]. Rust Belt Parks, {self.article.published_at:%Y}(", citation.gbt7714)
        self.assertIn(f"[{today:%Y-%m-%d}]. {ARTICLE_URL}.", citation.gbt7714)
        section = cite(self.section, request)
        self.assertIn("Major Rust Belts in the World. In Industrial Real Estate", section.apa)
        self.assertIn("Major Rust Belts in the World[EB/OL]//JIA Xiaobing. Industrial", section.gbt7714)

    def test_bibtex_escapes_special_characters(self):
        self.assertEqual(bibtex_escape("R&D {50%} $_#"), r"R\&D \{50\%\} \$\_\#")
        self.article.title = "Parks & {zones} at 50%"
        self.article.save()
        fields = assert_bibtex(self, self.get("bib").content.decode(), ARTICLE_URL)
        self.assertEqual(fields["title"], r"Parks \& \{zones\} at 50\%")


class CitationTagTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_article()
        cls.park = make_park("Jilin ETDZ", name_zh="吉林经济技术开发区")

    def render(self, source, obj):
        request = RequestFactory().get("/")
        return Template("{% load citations %}" + source).render(Context({"obj": obj, "request": request}))

    def test_meta_tags_for_reference_managers_and_link_previews(self):
        html = self.render("{% citation_meta obj %}", self.article)
        self.assertIn(f'<meta name="citation_title" content="{self.article.title}">', html)
        self.assertIn('<meta name="citation_author" content="Jia, Xiaobing">', html)
        self.assertIn(f'<meta name="citation_publication_date" content="{self.article.published_at:%Y/%m/%d}">', html)
        self.assertIn(f'<meta name="citation_public_url" content="{ARTICLE_URL}">', html)
        series_tag = '<meta name="citation_series_title" content="Introduction to Park Industrial Real Estate">'
        self.assertIn(series_tag, html)
        self.assertIn('<meta property="og:type" content="article">', html)
        self.assertIn(f'<meta property="og:url" content="{ARTICLE_URL}">', html)
        self.assertIn('<meta property="og:site_name" content="Rust Belt Parks">', html)
        self.assertIn('<meta property="og:description" content="How industrial parks can revive rust belts.">', html)

    def test_park_cite_block_and_downloads(self):
        html = self.render("{% cite_block obj %}", self.park)
        self.assertIn("Cite this park", html)
        self.assertIn('Jilin ETDZ (<span lang="zh-Hans">吉林经济技术开发区</span>) [Catalogue entry]', html)
        self.assertIn("[DB/OL]", html)
        for fmt in ("bib", "ris", "json"):
            self.assertIn(f'href="/en/parks/jilin-etdz/cite.{fmt}"', html)
        permalink = "http://testserver/en/parks/jilin-etdz/"
        assert_bibtex(self, self.client.get("/en/parks/jilin-etdz/cite.bib").content.decode(), permalink)
        tags = assert_ris(self, self.client.get("/en/parks/jilin-etdz/cite.ris").content.decode(), permalink)
        self.assertEqual(tags["TY"], ["DATA"])
        item = assert_csl(self, self.client.get("/en/parks/jilin-etdz/cite.json").content.decode(), permalink)
        self.assertEqual(item["author"], [{"literal": "Rust Belt Parks"}])

    def test_unpublished_park_has_no_citation(self):
        make_park("Hidden zone", is_published=False)
        self.assertEqual(self.client.get("/en/parks/hidden-zone/cite.bib").status_code, 404)


class ParkPageCitationTests(TestCase):
    def test_park_page_offers_its_citation_and_meta_tags(self):
        park = make_park("Jilin ETDZ", name_zh="吉林经济技术开发区")
        response = self.client.get(park.get_absolute_url())
        html = response.content.decode()
        head = html.split("</head>", 1)[0]
        self.assertIn('<meta name="citation_title" content="Jilin ETDZ (吉林经济技术开发区)">', head)
        self.assertIn('<meta name="citation_public_url" content="http://testserver/en/parks/jilin-etdz/">', head)
        self.assertIn('<meta property="og:type" content="website">', head)
        self.assertContains(response, "<h2 id=\"cite-rustbeltparks-jilin-etdz\">Cite this park</h2>", html=True)
        self.assertContains(response, 'href="/en/parks/jilin-etdz/cite.ris"')
        self.assertNotContains(response, "style=")
