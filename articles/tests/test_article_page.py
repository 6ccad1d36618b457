import shutil
import tempfile
from html.parser import HTMLParser
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from articles.models import FEATURED_ARTICLE_SLUG, Article, Figure, Section, Status
from articles.tests.factories import make_article, make_section
from publishing.testing import load_shipped_content, make_staff

SECTION_TITLES = [
    "Major Rust Belts in the World",
    "Industrial Real Estate Park Development in China’s Rust Belt",
    "Industrial Real Estate Park Development in the Northeast Rust Belt",
    "Paths for Updating the Rust Belt through Industrial Real Estate Park Development",
]
SECTION_SLUGS = [
    "major-rust-belts-in-the-world",
    "industrial-real-estate-park-development-in-chinas-rust-belt",
    "industrial-real-estate-park-development-in-the-northeast-rust-belt",
    "paths-for-updating-the-rust-belt",
]


class PageStructure(HTMLParser):
    """Collects ids, headings (tag, id, text) and the table of contents' links of a page."""

    def __init__(self):
        super().__init__()
        self.ids = []
        self.headings = []
        self.toc_links = []
        self.in_toc = False
        self.heading = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "nav" and "toc" in (attrs.get("class") or "").split():
            self.in_toc = True
        if tag == "a" and self.in_toc:
            self.toc_links.append(attrs.get("href"))
        if tag in ("h1", "h2", "h3"):
            self.heading = [tag, attrs.get("id"), ""]

    def handle_endtag(self, tag):
        if tag == "nav":
            self.in_toc = False
        if self.heading and tag == self.heading[0]:
            self.headings.append((self.heading[0], self.heading[1], " ".join(self.heading[2].split())))
            self.heading = None

    def handle_data(self, data):
        if self.heading is not None:
            self.heading[2] += data


def page_structure(response):
    parser = PageStructure()
    parser.feed(response.content.decode())
    return parser


class ShippedArticlePageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_shipped_content()
        cls.article = Article.objects.get(slug=FEATURED_ARTICLE_SLUG)

    def get_page(self):
        return self.client.get(reverse("articles:detail", args=[self.article.slug]))

    def test_shows_the_four_section_headings_in_order(self):
        response = self.get_page()
        self.assertEqual(response.status_code, 200)
        h2s = [(heading_id, text) for tag, heading_id, text in page_structure(response).headings if tag == "h2"]
        # The four sections, then the editors' notes, numbered through the article, in one list at the end.
        self.assertEqual([heading_id for heading_id, _ in h2s], SECTION_SLUGS + ["editors-notes"])
        self.assertEqual([text for _, text in h2s][:4], SECTION_TITLES)

    def test_shows_the_attribution(self):
        response = self.get_page()
        self.assertContains(
            response, "<h1>Industrial Real Estate Park Revitalization in Major Rust Belts</h1>", html=True
        )
        self.assertContains(response, '<dt>Author</dt><dd lang="en" translate="no">Jia Xiaobing</dd>', html=True)
        self.assertContains(
            response,
            '<dt>Series</dt><dd lang="en" translate="no">Commercial Real Estate Series — Introduction to Park Industrial Real Estate</dd>',
            html=True,
        )
        self.assertContains(response, "<dt>Episode</dt><dd>89</dd>", html=True)
        self.assertContains(
            response,
            '<dt>Source</dt><dd lang="en" translate="no">Hundred Battles Hundred Victories Business Innovation and REITS Research</dd>',
            html=True,
        )

    def test_every_table_of_contents_anchor_resolves_to_an_id_on_the_page(self):
        structure = page_structure(self.get_page())
        # Every section, plus the top of the page and the editors' notes.
        sections = Section.objects.filter(article=self.article).values_list("slug", flat=True)
        self.assertEqual(
            sorted(structure.toc_links), sorted([f"#{slug}" for slug in sections] + ["#main", "#editors-notes"])
        )
        for href in structure.toc_links:
            self.assertIs(href.startswith("#"), True, href)
            self.assertIn(href[1:], structure.ids)
        self.assertEqual(len(structure.ids), len(set(structure.ids)), "ids on the page must be unique")

    def test_development_paths_are_subsections_of_section_four(self):
        structure = page_structure(self.get_page())
        h3_ids = [heading_id for tag, heading_id, _ in structure.headings if tag == "h3"]
        for slug in ("urbanization", "re-urbanization", "co-city"):
            self.assertIn(slug, h3_ids)
        paths = Section.objects.get(article=self.article, slug="paths-for-updating-the-rust-belt")
        self.assertEqual(
            list(paths.subsections.order_by("order").values_list("slug", flat=True)[:3]),
            ["urbanization", "re-urbanization", "co-city"],
        )

    def test_every_heading_links_to_itself(self):
        response = self.get_page()
        for section in Section.objects.filter(article=self.article):
            self.assertContains(response, f'<a class="heading-link" href="#{section.slug}"', count=1)

    def test_detroits_five_reasons_are_a_numbered_list(self):
        response = self.get_page()
        content = response.content.decode()
        detroit = content[content.index('id="detroit"') : content.index('id="chicago"')]
        ordered_list = detroit[detroit.index("<ol>") : detroit.index("</ol>")]
        self.assertEqual(ordered_list.count("<li>"), 5)
        self.assertIn("<strong>Failure to Adapt to New Technological Impacts:</strong>", ordered_list)

    def test_parks_the_article_names_link_to_their_catalogue_pages(self):
        response = self.get_page()
        for slug, wording in [
            ("jilin-etdz", "Jilin Economic and Technological Industrial Park"),
            ("fuxin-htz", "Fuxin High-tech Industrial Park"),
            ("manzhouli-sino-russian-mutual-trade-zone", "Manzhouli Sino-Russian mutual market trade zone"),
            ("dongning-poltavka-mutual-trade-zone", "Sino-Russian Dongning-Poltavka mutual market trade zone"),
            ("manzhouli-comprehensive-bonded-zone", "Manzhouli Comprehensive Bonded Zone"),
            ("tonghua-medical-htz", "Tonghua Pharmaceutical High-tech Industrial Park"),
            ("hailin-etdz", "Hailin High-tech Industrial Park"),
        ]:
            url = reverse("parks:detail", args=[slug])
            self.assertContains(response, f'<a href="{url}" rel="noopener noreferrer">{wording}</a>', html=True)
        self.assertNotContains(response, "park:")
        # An unidentified mention links nowhere: there is no stand-in park for it.
        self.assertNotContains(response, "/parks/hegang-zone/")

    def test_has_its_own_title_and_meta_description(self):
        response = self.get_page()
        self.assertContains(
            response, "<title>Industrial Real Estate Park Revitalization in Major Rust Belts · Rust Belt Parks</title>"
        )
        self.assertContains(response, f'<meta name="description" content="{self.article.summary}">')

    def test_nav_links_to_the_article(self):
        response = self.client.get(reverse("home"))
        self.assertContains(response, f'<a href="{self.article.get_absolute_url()}">The article</a>', html=True)


class CorrectionLinkTests(TestCase):
    def test_a_section_without_its_own_text_leaves_the_correction_links_to_its_subsections(self):
        article = make_article()
        parent = make_section(article, slug="parent", body="", order=1)
        make_section(article, slug="child", parent=parent, order=2)
        html = self.client.get(article.get_absolute_url()).content.decode()
        self.assertEqual(html.count("Suggest a correction to this section"), 1)
        self.assertIn(
            f"/{article.slug}/child/", html.split("Suggest a correction to this section")[0].rsplit("<a ", 1)[1]
        )


class DraftTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.draft = make_article(title="Unfinished research", slug="unfinished", status=Status.DRAFT)
        make_section(cls.draft, title="First findings")
        cls.url = reverse("articles:detail", args=["unfinished"])

    def test_drafts_are_404_for_the_public(self):
        self.assertEqual(self.client.get(self.url).status_code, 404)

    def test_drafts_are_404_for_logged_in_non_staff(self):
        self.client.force_login(make_staff(username="reader", is_staff=False))
        self.assertEqual(self.client.get(self.url).status_code, 404)

    def test_staff_preview_drafts_with_a_banner(self):
        self.client.force_login(make_staff())
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Draft preview")
        self.assertContains(response, "First findings")

    def test_articles_in_review_are_hidden_too(self):
        make_article(title="Being reviewed", slug="being-reviewed", status=Status.IN_REVIEW)
        self.assertEqual(self.client.get(reverse("articles:detail", args=["being-reviewed"])).status_code, 404)

    def test_published_articles_have_no_banner(self):
        make_article(title="Out", slug="out")
        self.assertNotContains(self.client.get(reverse("articles:detail", args=["out"])), "Draft preview")


class QueryCountTests(TestCase):
    def make_article_with(self, slug, top_level, per_section):
        article = make_article(title=slug, slug=slug)
        for number in range(top_level):
            parent = make_section(
                article,
                title=f"Section {number}",
                slug=f"s{number}",
                order=number,
                body="See [Jilin](park:jilin-etdz) and the [co-city path](path:co-city).",
            )
            for sub in range(per_section):
                make_section(article, title=f"Sub {number}.{sub}", slug=f"s{number}-{sub}", parent=parent, order=sub)
        return article

    def count_queries(self, article):
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(article.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        return len(queries), response

    def test_query_count_does_not_grow_with_sections(self):
        small = self.make_article_with("small", top_level=3, per_section=0)
        large = self.make_article_with("large", top_level=10, per_section=2)  # 30 sections
        self.assertEqual(large.sections.count(), 30)
        # Article, its sections, their figures and editorial notes (prefetched), figures outside sections,
        # data series, the content generation (Last-Modified), the latest release that has the article.
        with self.assertNumQueries(8):
            self.client.get(small.get_absolute_url())
        with self.assertNumQueries(8):
            response = self.client.get(large.get_absolute_url())
        self.assertContains(response, 'id="s9-1"')
        self.assertEqual(self.count_queries(small)[0], self.count_queries(large)[0])


class FigureTests(TestCase):
    def setUp(self):
        self.media_root = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.media_root)
        settings_override = self.settings(MEDIA_ROOT=self.media_root)
        settings_override.enable()
        self.addCleanup(settings_override.disable)

        buffer = BytesIO()
        Image.new("RGB", (8, 6), "brown").save(buffer, format="JPEG")
        self.article = make_article(title="Illustrated", slug="illustrated")
        self.section = make_section(self.article, title="With a chart", slug="chart")
        Figure.objects.create(
            article=self.article,
            section=self.section,
            image=SimpleUploadedFile("chart.jpg", buffer.getvalue(), content_type="image/jpeg"),
            alt_text="Bar chart of heavy industry's share of output, 1999 to 2010",
            caption="Heavy industry's share of output in Liaoning.",
            credit="Source: the article",
        )

    def test_figures_show_with_alt_text_and_caption(self):
        response = self.client.get(self.article.get_absolute_url())
        self.assertContains(response, 'alt="Bar chart of heavy industry&#x27;s share of output, 1999 to 2010"')
        self.assertContains(
            response,
            "<figcaption>Heavy industry&#x27;s share of output in Liaoning. "
            '<span class="credit">Source: the article</span></figcaption>',
            html=True,
        )
        content = response.content.decode()
        self.assertLess(content.index('id="chart"'), content.index("<figure"))
