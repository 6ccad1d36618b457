"""The catalogue groups parks exactly as section 4 of the article does.

The expected parks come from the article's own text as loaded into the database (section 4's path
subsections), not from the catalogue's files: the sentence naming the parks is parsed, and its park
links give their slugs.
"""

import re

from django.test import TestCase
from django.urls import reverse

from articles.models import Section
from parks.models import Park
from parks.tests.factories import card_slugs
from publishing.testing import load_shipped_content

ARTICLE_SLUG = "industrial-real-estate-park-revitalization-in-major-rust-belts"
PARK_LINK = re.compile(r"\[([^\]]+)\]\(park:([a-z0-9-]+)\)")
# "Examples such as the A, B, ..., and H are centered around industrial parks"
URBANIZATION_SENTENCE = re.compile(r"Examples such as the (.+?) are centered around industrial parks")
# "For example, the A, B, ..., and F aim to build industrial parks"
CO_CITY_SENTENCE = re.compile(r"For example, the (.+?) aim to build industrial parks")


def names_in_list(text):
    """'A, B, and C' -> ['A', 'B', 'C']."""
    return [name.strip() for name in re.split(r",\s*(?:and\s+)?", text) if name.strip()]


class ArticlePathTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_shipped_content()

    def named_parks(self, subsection_slug, sentence):
        """(article wording, park slug) for each park the subsection's sentence names, in order."""
        body = Section.objects.get(article__slug=ARTICLE_SLUG, slug=subsection_slug).body
        plain_text = PARK_LINK.sub(r"\1", body)
        names = names_in_list(sentence.search(plain_text).group(1))
        links = dict(PARK_LINK.findall(body))
        # Every name in the sentence is linked to its catalogue page.
        self.assertEqual(sorted(names), sorted(links))
        return [(name, links[name]) for name in names]

    def shown_parks(self, query):
        response = self.client.get(reverse("parks:list") + query)
        self.assertEqual(response.status_code, 200)
        slugs = card_slugs(response)
        self.assertEqual(len(slugs), len(set(slugs)))
        return set(slugs)

    def test_co_city_path_lists_exactly_the_articles_parks(self):
        named = self.named_parks("co-city", CO_CITY_SENTENCE)
        self.assertEqual(len(named), 6)
        self.assertEqual(self.shown_parks("?path=co-city"), {slug for _, slug in named})
        # And each park carries the article's wording.
        wording = dict(Park.objects.filter(slug__in=[slug for _, slug in named]).values_list("slug", "article_name"))
        self.assertEqual(wording, {slug: name for name, slug in named})

    def test_jilin_urbanization_lists_exactly_the_articles_jilin_parks(self):
        named = self.named_parks("urbanization", URBANIZATION_SENTENCE)
        self.assertEqual(len(named), 8)
        self.assertEqual(self.shown_parks("?path=urbanization"), {slug for _, slug in named})
        # The article does not say which province each park is in; the fact sheet does.
        in_jilin = set(Park.objects.filter(province__slug="jilin").values_list("slug", flat=True))
        expected = {slug for _, slug in named if slug in in_jilin}
        self.assertEqual(
            {name for name, slug in named if slug in expected},
            {
                "Jilin Economic and Technological Industrial Park",
                "Yanji High-tech Industrial Park",
                "Jilin High-tech Industrial Park",
            },
        )
        self.assertEqual(self.shown_parks("?province=jilin&path=urbanization"), expected)

    def test_path_and_park_pages_link_back_to_the_article_subsection(self):
        for slug in ("urbanization", "re-urbanization", "co-city"):
            response = self.client.get(reverse("parks:path", args=[slug]))
            self.assertContains(response, f'href="/en/articles/{ARTICLE_SLUG}/#{slug}"')
        response = self.client.get(reverse("parks:detail", args=["tonghua-medical-htz"]))
        self.assertContains(response, f'href="/en/articles/{ARTICLE_SLUG}/#co-city"')

    def test_article_section_4_links_each_named_park_to_its_page(self):
        response = self.client.get(reverse("articles:detail", args=[ARTICLE_SLUG]))
        for _, slug in self.named_parks("co-city", CO_CITY_SENTENCE):
            with self.subTest(slug=slug):
                self.assertContains(response, f'href="/en/parks/{slug}/"')

    def test_every_park_the_article_links_has_a_page(self):
        for section in Section.objects.filter(article__slug=ARTICLE_SLUG):
            for _, slug in PARK_LINK.findall(section.body):
                with self.subTest(slug=slug):
                    self.assertEqual(self.client.get(reverse("parks:detail", args=[slug])).status_code, 200)
