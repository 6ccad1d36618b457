"""The data stories on the shipped article page: charts after the text that states them, matrix, citations."""

from django.test import TestCase
from django.urls import reverse

from articles.models import FEATURED_ARTICLE_SLUG as ARTICLE_SLUG
from articles.models import Article, DataSeries
from articles.tests.factories import make_series
from publishing.testing import load_shipped_content

URL = reverse("articles:detail", args=[ARTICLE_SLUG])


class ArticleStoriesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_shipped_content()

    def setUp(self):
        self.html = self.client.get(URL).content.decode()

    def block_of(self, section):
        """The page between this section's heading and the next heading of any section."""
        start = self.html.index(f'id="{section.slug}"')
        following = [
            self.html.index(f'id="{other.slug}"')
            for other in section.article.sections.all()
            if self.html.index(f'id="{other.slug}"') > start
        ]
        return self.html[start : min(following, default=len(self.html))]

    def test_each_chart_follows_the_section_that_states_its_numbers(self):
        for series in DataSeries.objects.select_related("section__article"):
            with self.subTest(series.slug):
                block = self.block_of(series.section)
                self.assertIn(f'id="chart-{series.slug}"', block)
                if series.points.count() > 1:
                    self.assertIn(f'<title id="chart-{series.slug}-title">', block)
                # The chart comes after the sentence it draws (its last words, as rendered).
                sentence_end = block.index(series.source_sentence[-20:])
                self.assertLess(sentence_end, block.index(f'id="chart-{series.slug}"'))

    def test_section_2_shows_liaonings_decline(self):
        section_2 = self.html.split('id="industrial-real-estate-park-development-in-chinas-rust-belt"', 1)[1].split(
            'id="industrial-real-estate-park-development-in-the-northeast-rust-belt"', 1
        )[0]
        self.assertIn("Liaoning’s GDP rank among China’s provincial economies", section_2)
        self.assertIn("The Northeast’s share of China’s population and output", section_2)

    def test_matrix_follows_section_4_before_its_paths(self):
        section_4 = self.html.split('id="paths-for-updating-the-rust-belt"', 1)[1].split('id="urbanization"', 1)[0]
        self.assertIn("Parks by province and path", section_4)
        self.assertIn('href="/en/parks/matrix.csv"', section_4)
        self.assertIn('href="/en/parks/?province=liaoning&amp;path=co-city"', section_4)

    def test_every_section_can_be_cited_once(self):
        article = Article.objects.get(slug=ARTICLE_SLUG)
        # One control a section; a subsection is cited as part of its section.
        for section in article.sections.top_level():
            self.assertEqual(self.html.count(f'/cite.bib?section={section.slug}"'), 1)
        for section in article.sections.filter(parent__isnull=False):
            self.assertNotIn(f'/cite.bib?section={section.slug}"', self.html)
        self.assertEqual(self.html.count("<summary>Cite this section</summary>"), 4)
        # The rights statement once in the details, once in the article's citation: never per section.
        self.assertEqual(self.html.count("The site’s licence (CC BY 4.0) does not cover it."), 2)
        self.assertIn("<summary>Cite this article</summary>", self.html)
        # GB/T 7714 by the official CSL style: family name in capitals, given name initialised.
        self.assertIn("JIA X. Industrial Real Estate Park Revitalization in Major Rust Belts", self.html)

    def test_head_has_citation_and_open_graph_tags(self):
        head = self.html.split("</head>", 1)[0]
        title = "Industrial Real Estate Park Revitalization in Major Rust Belts"
        self.assertIn(f'<meta name="citation_title" content="{title}">', head)
        self.assertIn('<meta name="citation_author" content="Jia, Xiaobing">', head)
        # The source gives no date, so no publication date is claimed.
        self.assertNotIn('<meta name="citation_publication_date"', head)
        self.assertIn(f'<meta name="citation_public_url" content="http://testserver{URL}">', head)
        self.assertIn('<meta property="og:type" content="article">', head)
        self.assertIn(f'<meta property="og:url" content="http://testserver{URL}">', head)

    def test_no_inline_styles_or_scripts(self):
        self.assertNotIn("style=", self.html)
        self.assertNotIn("<script>", self.html)

    def test_query_count_does_not_grow_with_charts(self):
        article = Article.objects.get(slug=ARTICLE_SLUG)
        # Article, sections, figures, editorial notes, loose figures, series, points, the series' notes, matrix.
        with self.assertNumQueries(11):  # and the content generation (Last-Modified), the latest release
            self.client.get(URL)
        for n, section in enumerate(article.sections.all()):
            make_series(article, section, slug=f"extra-{n}")
        with self.assertNumQueries(11):  # and the content generation (Last-Modified), the latest release
            self.client.get(URL)
