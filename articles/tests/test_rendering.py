from unittest import mock

from django.test import TestCase, override_settings
from django.urls import reverse

from articles.models import Section
from articles.tests.factories import make_article, make_section, make_series


def fail(*args, **kwargs):
    raise AssertionError("rendered again although the content did not change")


# The test runner turns the aggregate cache off; the article's body is kept in it (per generation).
@override_settings(AGGREGATE_CACHE_SECONDS=60)
class ArticleRenderedOnceTests(TestCase):
    """An uncached article request parses no Markdown and draws no chart until content changes."""

    @classmethod
    def setUpTestData(cls):
        cls.article = make_article()
        cls.section = make_section(cls.article, "rust-belts", body="The **first** section.")
        make_series(cls.article, section=cls.section)

    def get_article(self):
        response = self.client.get(self.article.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        return response

    def test_second_request_neither_parses_markdown_nor_draws_charts(self):
        first = self.get_article()
        self.assertContains(first, "<strong>first</strong>", html=True)
        self.assertContains(first, "<svg")
        with (
            mock.patch("publishing.markdown.markdown_lib.markdown", fail),
            mock.patch("articles.charts.Chart.build", fail),
        ):
            second = self.get_article()
        self.assertContains(second, "<strong>first</strong>", html=True)
        self.assertContains(second, 'id="chart-debt"')
        self.assertContains(second, "<svg")

    def test_a_save_renders_the_new_text_at_once(self):
        self.get_article()
        section = Section.objects.get(pk=self.section.pk)
        section.body = "The *revised* section."
        section.save()
        response = self.get_article()
        self.assertContains(response, "<em>revised</em>", html=True)
        self.assertNotContains(response, "<strong>first</strong>", html=True)

    def test_citations_keep_the_host_they_were_asked_for(self):
        self.get_article()
        other = self.client.get(self.article.get_absolute_url(), HTTP_HOST="localhost")
        self.assertContains(other, f"http://localhost{self.article.get_absolute_url()}#rust-belts")
        self.assertNotContains(other, "http://testserver/")

    def test_one_query_for_the_article_when_its_body_is_cached(self):
        self.get_article()
        # The article (its citation meta tags in the head need nothing more: no sections, figures or
        # series), the content generation the cached body is keyed by (kept in the database), and the
        # latest release that has the article ("cite this version").
        with self.assertNumQueries(3):
            self.get_article()


@override_settings(AGGREGATE_CACHE_SECONDS=60)
class FiguresDrawnOnceTests(TestCase):
    """The Figures page reads and draws its charts once per content generation and language."""

    @classmethod
    def setUpTestData(cls):
        cls.article = make_article()
        cls.section = make_section(cls.article, "rust-belts")
        cls.series = make_series(cls.article, section=cls.section)
        cls.url = reverse("articles:figures", args=[cls.article.slug])

    def test_second_request_draws_no_chart_and_reads_no_series(self):
        first = self.client.get(self.url)
        self.assertContains(first, "<svg")
        with mock.patch("articles.charts.Chart.build", fail), self.assertNumQueries(2):
            # The article and the content generation the charts are kept by: no series, points or notes.
            second = self.client.get(self.url)
        self.assertEqual(second.content, first.content)

    def test_each_language_keeps_its_own_charts(self):
        self.client.get(self.url)
        chinese = self.client.get(reverse("articles:figures", args=[self.article.slug]).replace("/en/", "/zh-hans/", 1))
        self.assertContains(chinese, 'href="/zh-hans/articles/')
        self.assertNotContains(chinese, 'href="/en/articles/')

    def test_a_saved_point_shows_at_once(self):
        self.client.get(self.url)
        point = self.series.points.first()
        point.label = "A revised label"
        point.save()
        self.assertContains(self.client.get(self.url), '<th scope="row">A revised label</th>', html=True)
