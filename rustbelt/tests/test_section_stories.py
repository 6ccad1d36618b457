"""The article's section stories with the catalogue's matrix after section 4 (both apps on one page)."""

from django.template import Context, Template
from django.test import RequestFactory, TestCase

from articles.tests.factories import make_article, make_section, make_series
from parks.tests.factories import make_park


class SectionStoriesTagTests(TestCase):
    """The one tag line the article template adds after each section's body."""

    TEMPLATE = (
        "{% load article_tags %}{% for section in article.sections.all %}"
        "<h2>{{ section.title }}</h2>{% section_stories article section %}{% section_cite article section %}<hr>{% endfor %}"
    )

    @classmethod
    def setUpTestData(cls):
        cls.article = make_article()
        cls.world = make_section(cls.article, "major-rust-belts-in-the-world", order=1)
        cls.paths = make_section(cls.article, "paths-for-updating-the-rust-belt", order=4)
        make_series(cls.article, cls.world, slug="detroit", name="Detroit population")
        make_series(cls.article, cls.paths, slug="debt", name="Debt ratio")
        make_park("Anshan HTZ")

    def render(self, article=None):
        article = article or type(self.article).objects.get(pk=self.article.pk)
        context = Context({"article": article, "request": RequestFactory().get("/")})
        return Template(self.TEMPLATE).render(context)

    def test_each_chart_follows_the_section_that_states_it(self):
        world, paths = self.render().split("<hr>")[:2]
        self.assertIn("Detroit population", world)
        self.assertNotIn("Debt ratio", world)
        self.assertIn("Debt ratio", paths)
        # The province x path matrix follows section 4 only.
        self.assertIn("Parks by province and path", paths)
        self.assertNotIn("Parks by province and path", world)
        for part in (world, paths):
            self.assertIn("<summary>Cite this section</summary>", part)
        self.assertIn("/cite.bib?section=major-rust-belts-in-the-world", world)
        self.assertNotIn("style=", world + paths)

    def test_query_count_does_not_grow_with_sections_or_charts(self):
        article = type(self.article).objects.get(pk=self.article.pk)
        # Sections, series, points, the series' editorial notes, the section numbers of the citations'
        # locators (once per article), matrix.
        with self.assertNumQueries(6):
            self.render(article)
        for n in range(3):
            section = make_section(self.article, f"extra-{n}", order=10 + n)
            make_series(self.article, section, slug=f"extra-{n}")
        article = type(self.article).objects.get(pk=self.article.pk)
        with self.assertNumQueries(6):
            self.render(article)
