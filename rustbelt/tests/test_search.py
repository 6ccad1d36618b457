from django.test import TestCase, override_settings
from django.urls import reverse

from articles.models import Section, Status
from articles.tests.factories import make_article
from parks.models import Park
from parks.tests.factories import make_park
from publishing.testing import load_shipped_content

# The catalogue page (13 queries) and the gazetteer's place names for the search words.
CATALOGUE_SEARCH_QUERIES = 14


class SiteSearchTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_article(title="Industrial Real Estate Park Revitalization", slug="revitalization")
        cls.section = Section.objects.create(
            article=cls.article,
            order=4,
            title="Paths for updating the Rust Belt",
            slug="paths",
            body="Co-city development joins the **old industrial city** with a new district.",
        )
        Section.objects.create(
            article=cls.article,
            order=1,
            title="Major rust belts",
            slug="major",
            body="The Ruhr & Pittsburgh <em>declined</em> after steel; a city changed.",
        )
        draft = make_article(title="Unpublished draft", slug="draft", status=Status.DRAFT)
        Section.objects.create(article=draft, title="Secret draft section", slug="secret", body="co-city plans")
        cls.changchun = make_park(
            name_en="Changchun ETDZ",
            name_zh="长春经济技术开发区",
            city="Changchun",
            description="Automobiles and a **co-city** plan.",
        )
        cls.jilin = make_park(
            name_en="Jilin HTZ", name_zh="吉林高新技术产业开发区", city="Jilin City", description="Chemicals."
        )
        make_park(name_en="Hidden Park", name_zh="隐藏", description="co-city", is_published=False)

    def search(self, query, status=200):
        response = self.client.get(reverse("search"), {"q": query})
        self.assertEqual(response.status_code, status)
        return response

    def test_finds_article_sections_and_links_to_their_anchor(self):
        response = self.search("co-city")
        self.assertContains(response, 'href="/en/articles/revitalization/#paths"')
        self.assertContains(response, 'href="/en/parks/changchun-etdz/"')
        self.assertNotContains(response, "Secret draft section")
        self.assertNotContains(response, "Hidden Park")

    def test_highlights_matches_in_escaped_snippets(self):
        response = self.search("industrial city")
        self.assertContains(response, "<mark>industrial</mark>")
        self.assertContains(response, "<mark>city</mark>")
        # Markdown syntax is not shown in snippets.
        self.assertNotContains(response, "**old")
        response = self.search("Ruhr")
        self.assertContains(response, "<mark>Ruhr</mark> &amp; Pittsburgh")
        self.assertNotContains(response, "<em>declined")

    def test_chinese_names_find_parks(self):
        response = self.search("吉林")
        self.assertContains(response, 'href="/en/parks/jilin-htz/"')
        # The gazetteer adds the English name, so both are highlighted; Chinese is marked as Chinese
        # inside and outside the highlight.
        self.assertContains(
            response,
            '<mark>Jilin</mark> HTZ (<mark><span lang="zh-Hans">吉林</span></mark><span lang="zh-Hans">高新技术产业开发区</span>)',
        )
        # Changchun is in Jilin province (吉林省), so it matches too, below the park named 吉林.
        self.assertEqual(
            [r.url for r in response.context["results"]], ["/en/parks/jilin-htz/", "/en/parks/changchun-etdz/"]
        )
        response = self.search("长春")
        self.assertContains(
            response,
            'Changchun ETDZ (<mark><span lang="zh-Hans">长春</span></mark><span lang="zh-Hans">经济技术开发区</span>)',
        )

    def test_title_matches_rank_first(self):
        response = self.search("changchun")
        self.assertEqual(response.context["results"][0].url, "/en/parks/changchun-etdz/")
        response = self.search("rust belt")
        self.assertEqual(response.context["results"][0].url, "/en/articles/revitalization/#paths")

    def test_no_results_says_so(self):
        self.assertContains(self.search("zzzqqq"), "Nothing matches")

    def test_empty_query_shows_the_form(self):
        response = self.search("")
        self.assertContains(response, 'name="q"')
        self.assertNotContains(response, "result")

    def test_bad_queries_get_a_clear_message_not_an_error(self):
        for query in ["!!! ???", "x" * 5000, "---"]:
            with self.subTest(query=query[:10]):
                response = self.search(query, status=400)
                self.assertContains(response, 'role="alert"', status_code=400)
        # A NUL is refused before any page is drawn (rustbelt/security.py), with the same status.
        for query in ["\x00\x00", "a\x00co-city"]:
            with self.subTest(query=query[:10]):
                response = self.search(query, status=400)
                self.assertContains(response, "NUL character", status_code=400)

    def test_hostile_queries_are_escaped_or_harmless(self):
        response = self.search("<script>alert(1)</script>")
        self.assertNotContains(response, "<script>alert")
        self.assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")
        for query in ["' OR 1=1 --", "co-city'); DROP TABLE parks_park; --", "%_%", "co-city & | ! :*"]:
            with self.subTest(query=query):
                self.search(query)
        self.assertEqual(Park.objects.count(), 3)

    @override_settings(AGGREGATE_CACHE_SECONDS=600)
    def test_results_are_kept_until_a_save_and_a_save_shows_at_once(self):
        first = {result.url for result in self.search("co-city").context["results"]}
        # The content generation alone: the place names, sections and parks come from the cache.
        with self.assertNumQueries(1):
            again = {result.url for result in self.search("co-city").context["results"]}
        self.assertEqual(again, first)
        make_park(name_en="Co-city Newcomer Park", description="co-city")
        urls = {result.url for result in self.search("co-city").context["results"]}
        self.assertIn("/en/parks/co-city-newcomer-park/", urls)

    def test_query_count_does_not_grow_with_results(self):
        # The gazetteer's place names (one query; cached between saves outside tests), sections, parks,
        # and the content generation for Last-Modified.
        with self.assertNumQueries(4):
            self.search("co-city")
        for n in range(5):
            make_park(name_en=f"Co-city Park {n}", description="co-city")
        with self.assertNumQueries(4):
            response = self.search("co-city")
        urls = {result.url for result in response.context["results"]}
        self.assertTrue({f"/en/parks/co-city-park-{n}/" for n in range(5)} <= urls)

    def test_header_search_box_on_every_page(self):
        response = self.client.get(reverse("home"))
        self.assertContains(response, 'role="search"')
        self.assertContains(response, f'action="{reverse("search")}"')


class BothSearchBoxesTests(TestCase):
    """The header's search and the catalogue's find the same parks for the same words (shipped catalogue)."""

    QUERIES = [
        "吉林",
        "Jilin",
        "哈尔滨",
        "Harbin",
        "haerbin",
        "Ha'erbin",
        "ETDZ",
        "经开区",
        "哈高新",
        "ha er bin",
        "Changchun HTZ",
        "BECZ",
        "边合区",
    ]

    @classmethod
    def setUpTestData(cls):
        load_shipped_content()

    def header_parks(self, query):
        response = self.client.get(reverse("search"), {"q": query})
        self.assertEqual(response.status_code, 200)
        parks = {result.url for result in response.context["results"] if "/parks/" in result.url}
        # Under the header's limit of parks shown, so every match is in the list.
        self.assertLess(len(parks), 30)
        return parks

    def catalogue_parks(self, query):
        response = self.client.get(reverse("parks:list"), {"q": query})
        self.assertEqual(response.status_code, 200)
        return {park.get_absolute_url() for park in response.context["filter"].qs}

    def test_same_parks_for_the_same_words(self):
        for query in self.QUERIES:
            with self.subTest(query=query):
                found = self.catalogue_parks(query)
                self.assertTrue(found)
                self.assertEqual(self.header_parks(query), found)

    def test_every_way_of_writing_harbin_finds_the_same_parks(self):
        harbin = self.catalogue_parks("哈尔滨")
        self.assertIn("/en/parks/harbin-htz/", harbin)
        for query in ["Harbin", "haerbin", "Ha'erbin", "Hā'ěrbīn", "ha er bin"]:
            with self.subTest(query=query):
                self.assertEqual(self.catalogue_parks(query), harbin)
                self.assertEqual(self.header_parks(query), harbin)
        self.assertEqual(self.catalogue_parks("哈高新"), {"/en/parks/harbin-htz/"})
        self.assertEqual(self.catalogue_parks("ETDZ"), self.catalogue_parks("经开区"))

    def test_both_boxes_suggest_a_spelling_as_a_link(self):
        response = self.client.get(reverse("search"), {"q": "Harbn"})
        self.assertContains(response, 'Did you mean <a href="/en/search/?q=Harbin">Harbin</a>?', html=False)
        response = self.client.get(reverse("parks:list"), {"q": "Harbn", "province": "heilongjiang"})
        self.assertContains(response, 'Did you mean <a href="?q=Harbin&amp;province=heilongjiang">Harbin</a>?')
        # Following it finds Harbin's parks.
        self.assertEqual(self.catalogue_parks("Harbin"), self.header_parks("Harbin"))
        response = self.client.get("/zh-hans/search/", {"q": "Harbn"})
        # On a Chinese page the suggested name in Latin letters is marked as English.
        self.assertContains(
            response, '您是不是要找 <a href="/zh-hans/search/?q=Harbin" lang="en" translate="no">Harbin</a>？'
        )
        # A search that finds something suggests nothing.
        self.assertNotContains(self.client.get(reverse("parks:list"), {"q": "Harbin"}), "Did you mean")

    def test_query_counts_of_the_search_pages(self):
        # Header: place names, sections, parks, generation. Catalogue: the same search in its usual queries.
        with self.assertNumQueries(4):
            self.client.get(reverse("search"), {"q": "haerbin"})
        with self.assertNumQueries(4):
            self.client.get(reverse("search"), {"q": "ETDZ"})
        with self.assertNumQueries(CATALOGUE_SEARCH_QUERIES):
            self.client.get(reverse("parks:list"), {"q": "haerbin"})
        with self.assertNumQueries(CATALOGUE_SEARCH_QUERIES):
            self.client.get(reverse("parks:list"), {"q": "ETDZ"})
