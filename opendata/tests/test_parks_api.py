from unittest import mock

from django.urls import reverse

from opendata.pagination import encode_cursor
from opendata.tests import ApiTestCase
from parks.models import FactSource, Park, Source
from parks.tests.factories import bulk_parks, card_slugs, make_industry, make_park, make_path, make_province
from publishing.generation import cached_for_generation
from publishing.testing import load_shipped_content

PARKS_API = reverse("api:park-list")


def api_slugs(response):
    return [park["slug"] for park in response.json()["results"]]


class SameParksAsThePageTests(ApiTestCase):
    """The API filters with the catalogue's FilterSet, so it lists exactly the page's parks."""

    def test_shipped_catalogue_jilin_urbanization_gives_the_pages_three_parks(self):
        load_shipped_content()
        query = "?province=jilin&path=urbanization"
        page = self.client.get(reverse("parks:list") + query)
        api = self.client.get(PARKS_API + query)
        self.assertEqual(api.status_code, 200)
        self.assertEqual(api_slugs(api), card_slugs(page))
        self.assertEqual(sorted(api_slugs(api)), ["jilin-etdz", "jilin-htz", "yanji-htz"])
        self.assertEqual(api.json()["count"], 3)

    def test_every_filter_and_ordering_agrees_with_the_page(self):
        jilin, liaoning = make_province("jilin"), make_province("liaoning", name_zh="辽宁省")
        urbanization, co_city = make_path("urbanization"), make_path("co-city")
        chemicals = make_industry("fine chemicals")
        first = make_park("Alpha Zone", province=jilin, path=urbanization, established_year=2001, area_km2=5)
        first.industries.add(chemicals)
        make_park("Beta Zone", province=jilin, path=co_city, established_year=1992, zone_type="htz")
        make_park("Gamma Zone", province=liaoning, path=urbanization, city="Shenyang", level="provincial")
        make_park("Delta Zone", province=jilin, path=None, area_km2=40)
        make_park("Hidden draft", province=jilin, path=urbanization, is_published=False)
        queries = [
            "",
            "?province=jilin&path=urbanization",
            "?path=none",
            "?zone_type=htz",
            "?level=provincial",
            "?industry=fine-chemicals",
            "?q=shenyang",
            "?q=ZONE",
            "?ordering=-established",
            "?ordering=area",
            "?ordering=-area",
            "?ordering=province",
            "?province=jilin&ordering=-national",
        ]
        for query in queries:
            with self.subTest(query=query):
                page_slugs = card_slugs(self.client.get(reverse("parks:list") + query))
                self.assertEqual(api_slugs(self.client.get(PARKS_API + query)), page_slugs)

    def test_unpublished_parks_are_not_served(self):
        make_park("Hidden draft", is_published=False)
        self.assertEqual(api_slugs(self.client.get(PARKS_API)), [])
        response = self.client.get(reverse("api:park-detail", args=["hidden-draft"]))
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response["Content-Type"], "application/problem+json")


class ParkRecordTests(ApiTestCase):
    def test_a_record_carries_names_facts_sources_and_both_links(self):
        park = make_park(
            "Jilin ETDZ",
            name_zh="吉林经济技术开发区",
            path=make_path("urbanization"),
            area_km2="20.4000",
            latitude="43.84000",
            longitude="126.55000",
        )
        park.industries.add(make_industry("fine chemicals"))
        park.sources.add(Source.objects.create(citation="Xinhua report (2010)", url="https://example.org/x"))
        record = self.client.get(PARKS_API).json()["results"][0]
        self.assertEqual(record["name_zh"], "吉林经济技术开发区")
        self.assertEqual(record["province"], "jilin")
        self.assertEqual(record["path"], "urbanization")
        self.assertEqual(record["area_km2"], 20.4)
        self.assertEqual(record["latitude"], 43.84)
        self.assertEqual(record["industries"], ["fine chemicals"])
        source = Source.objects.get()
        source_api = f"http://testserver/api/v1/sources/{source.pk}/"
        self.assertEqual(
            record["sources"],
            [
                {
                    "id": source.pk,
                    "citation": "Xinhua report (2010)",
                    "document_url": "https://example.org/x",
                    "url": source_api,
                }
            ],
        )
        self.assertEqual(record["fact_sources"], [])
        self.assertEqual(self.client.get(source_api).json()["document_url"], "https://example.org/x")
        self.assertEqual(record["url"], "http://testserver/api/v1/parks/jilin-etdz/")
        self.assertEqual(record["html_url"], "http://testserver/en/parks/jilin-etdz/")
        detail = self.client.get(record["url"]).json()
        self.assertEqual({key: detail[key] for key in record}, record)
        self.assertEqual(self.client.get(record["html_url"]).status_code, 200)

    def test_detail_gives_description_as_markdown_and_sanitized_html(self):
        make_park("Jilin ETDZ", description="**Bold** <script>alert(1)</script>", notes="Checked.")
        detail = self.client.get(reverse("api:park-detail", args=["jilin-etdz"])).json()
        self.assertEqual(detail["description"], "**Bold** <script>alert(1)</script>")
        self.assertIn("<strong>Bold</strong>", detail["description_html"])
        self.assertNotIn("<script>", detail["description_html"])
        self.assertEqual(detail["notes"], "Checked.")
        self.assertIsNone(detail["photo_url"])

    def test_facets_count_the_filtered_set_like_the_page(self):
        jilin = make_province("jilin")
        make_park("Alpha Zone", province=jilin, path=make_path("urbanization"))
        make_park("Beta Zone", province=make_province("liaoning"), path=make_path("urbanization"))
        facets = {facet["name"]: facet for facet in self.client.get(PARKS_API + "?path=urbanization").json()["facets"]}
        provinces = {choice["value"]: choice["count"] for choice in facets["province"]["choices"]}
        self.assertEqual(provinces, {"jilin": 1, "liaoning": 1})
        paths = {choice["value"]: choice["count"] for choice in facets["path"]["choices"]}
        self.assertEqual(paths["urbanization"], 2)


class CursorPaginationTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        bulk_parks(7, make_province("jilin"))

    def test_following_next_links_walks_every_park_once_in_page_order(self):
        url, seen = PARKS_API + "?page_size=3&ordering=-name", []
        while url:
            body = self.client.get(url).json()
            seen += [park["slug"] for park in body["results"]]
            url = body["next"]
        self.assertEqual(seen, [f"bulk-park-{n:04d}" for n in range(6, -1, -1)])

    def test_page_size_is_capped(self):
        with self.settings(API_MAX_PAGE_SIZE=5):
            body = self.client.get(PARKS_API + "?page_size=100000").json()
        self.assertEqual(len(body["results"]), 5)
        self.assertEqual(body["count"], 7)
        self.assertIn("page_size=100000", body["next"])

    def test_hostile_parameters_give_400_problems_never_500(self):
        hostile = [
            "?cursor=%00%ff",
            "?cursor=cD1hYmM%3D&ordering=-established",
            "?ordering=password",
            "?province=%27%3B%20DROP%20TABLE",
            "?q=" + "x" * 5000,
            "?level[]=x",
            "?path=none&path=",
            "?page_size=-5&cursor=cj0x",
        ]
        for query in hostile:
            with self.subTest(query=query):
                response = self.client.get(PARKS_API + query)
                self.assertIn(response.status_code, (200, 400))
                if response.status_code == 400:
                    self.assertEqual(response["Content-Type"], "application/problem+json")
                    self.assertEqual(response.json()["status"], 400)

    def test_bad_filters_give_the_pages_messages(self):
        response = self.client.get(PARKS_API + "?province=atlantis&level=galactic")
        self.assertEqual(response.status_code, 400)
        problem = response.json()
        page = self.client.get(reverse("parks:list") + "?province=atlantis&level=galactic").content.decode()
        self.assertIn("Some filters were not understood, so no parks are shown.", problem["detail"])
        self.assertIn("Some filters were not understood, so no parks are shown.", page)
        self.assertEqual({error["parameter"] for error in problem["errors"]}, {"province", "level"})
        for error in problem["errors"]:
            self.assertIn(f"{error['label']}: {error['message']}".replace("'", "&#x27;"), page)


class MultiKeyOrderingTests(ApiTestCase):
    """Every key of `ordering` counts, across cursor pages, exactly as on the page (which honours them all)."""

    @classmethod
    def setUpTestData(cls):
        jilin, liaoning = make_province("jilin"), make_province("liaoning")
        urbanization, co_city = make_path("urbanization", order=1), make_path("co-city", order=2)
        # 30 parks: more than one page of the site (24) and many ties on each key, unknowns included.
        for number in range(30):
            make_park(
                f"Zone {number % 7} {number:02d}",
                province=(jilin, liaoning)[number % 2],
                path=(urbanization, co_city, None)[number % 3],
                established_year=None if number % 5 == 0 else 1990 + number % 4,
                national_year=None if number % 4 == 0 else 2000 + number % 3,
                area_km2=None if number % 6 == 0 else f"{number % 5}.5",
                city=("Changchun", "Shenyang", "")[number % 3],
            )

    def page_order(self, query):
        # 30 parks, 24 a page: two pages on the site.
        return [
            slug
            for number in (1, 2)
            for slug in card_slugs(self.client.get(reverse("parks:list") + f"{query}&page={number}"))
        ]

    def api_walk(self, query, page_size=4):
        url, slugs = PARKS_API + f"{query}&page_size={page_size}", []
        for _page in range(30):  # a link that never ends fails the comparison instead of hanging
            if not url:
                break
            body = self.client.get(url).json()
            slugs += api_slugs_of(body)
            url = body["next"]
        return slugs

    def test_the_api_walks_the_pages_order_for_every_multi_key_ordering(self):
        orderings = [
            "province,-established",
            "-area,national",
            "path,-name",
            "province,path,-area",
            "-established,-national,city",
            "type,level,name-zh",
            "-path,established",
        ]
        for ordering in orderings:
            with self.subTest(ordering=ordering):
                expected = self.page_order(f"?ordering={ordering}")
                self.assertEqual(len(expected), 30)
                self.assertEqual(self.api_walk(f"?ordering={ordering}"), expected)

    def test_previous_links_walk_back_through_the_same_pages(self):
        query = "?ordering=province,-established&page_size=4"
        forward, url = [], PARKS_API + query
        for _page in range(10):
            if not url:
                break
            body = self.client.get(url).json()
            forward.append(api_slugs_of(body))
            url = body["next"]
        backward, url = [], body["previous"]
        for _page in range(10):
            if not url:
                break
            body = self.client.get(url).json()
            backward.insert(0, api_slugs_of(body))
            url = body["previous"]
        self.assertEqual(backward, forward[:-1])

    def test_a_cursor_for_another_ordering_is_a_400_problem(self):
        response = self.client.get(PARKS_API + "?ordering=province,-established&page_size=4")
        body = response.json()
        cursor = body["next"].split("cursor=")[1].split("&")[0]
        for query in (f"?ordering=-area&cursor={cursor}", f"?ordering=area,national,city&cursor={cursor}"):
            with self.subTest(query=query):
                response = self.client.get(PARKS_API + query)
                self.assertEqual(response.status_code, 400)
                self.assertEqual(response["Content-Type"], "application/problem+json")
                self.assertIn("does not fit this ordering", response.json()["detail"])

    def test_a_forged_position_is_a_400_problem_on_every_database(self):
        # Well-formed cursors this site never wrote: numbers beyond the columns' range, wrong types, nulls.
        positions = [
            ["Jilin", 10**30, "Zone 1 01", 1],
            ["Jilin", 1999, "Zone 1 01", 10**30],
            ["Jilin", "x", "Z", 1],
            ["Jilin", 1999, None, 1],
            ["J" * 1000, 1999, "Zone", 1],
        ]
        for position in positions:
            with self.subTest(position=position):
                cursor = encode_cursor("after", position)
                response = self.client.get(PARKS_API + f"?ordering=province,-established&cursor={cursor}")
                self.assertEqual(response.status_code, 400)
                self.assertEqual(response["Content-Type"], "application/problem+json")
        # The same, well-formed and within range, is a page.
        cursor = encode_cursor("after", ["Jilin", 1999, "Zone 1 01", 1])
        self.assertEqual(
            self.client.get(PARKS_API + f"?ordering=province,-established&cursor={cursor}").status_code, 200
        )


def api_slugs_of(body):
    return [park["slug"] for park in body["results"]]


class ParkQueryCountTests(ApiTestCase):
    """The parks endpoint costs the same number of queries for 20 and for 500 parks."""

    def assert_same_queries(self, url, expected, warm=False):
        province, path = make_province("jilin"), make_path("urbanization")
        industry, source = make_industry("fine chemicals"), Source.objects.create(citation="A source")
        for count in (20, 500):
            with self.subTest(parks=count):
                parks = bulk_parks(count, province, path=path, industry=industry, source=source)
                FactSource.objects.bulk_create(
                    FactSource(park=park, fact=fact, source=source) for park in parks for fact in ("level", "area")
                )
                if warm:
                    self.client.get(url)
                with self.assertNumQueries(expected):
                    response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.json()["count"], count)
                self.assertEqual(response.json()["results"][0]["industries"], ["fine chemicals"])
                self.assertEqual(
                    [fact["fact"] for fact in response.json()["results"][0]["fact_sources"]], ["area", "level"]
                )
                Park.objects.all().delete()

    # Province, path and industry validation (3), count, the five facets' GROUP BYs and the choices of
    # the province, path and industry facets (8), the page, its industries, its sources, its per-fact sources,
    # the content generation for Last-Modified (kept in the database, so every server agrees), and the
    # search words' other names (the gazetteer, cached between saves outside tests).
    def test_filtered_list(self):
        self.assert_same_queries(PARKS_API + "?province=jilin&path=urbanization&industry=fine-chemicals&q=bulk", 18)

    def test_whole_list_with_the_largest_page(self):
        self.assert_same_queries(PARKS_API + "?page_size=500", 14)

    def test_second_visit_reads_the_page_from_the_aggregate_cache(self):
        with self.settings(AGGREGATE_CACHE_SECONDS=60):
            self.assert_same_queries(PARKS_API, 1, warm=True)  # the content generation alone

    def test_a_save_shows_in_the_next_page_at_once(self):
        with self.settings(AGGREGATE_CACHE_SECONDS=60):
            make_park("Cached Park")
            before = self.client.get(PARKS_API).json()
            self.assertEqual(self.client.get(PARKS_API).json(), before)
            make_park("Newly Saved Park")
            after = self.client.get(PARKS_API).json()
        self.assertEqual(after["count"], before["count"] + 1)
        self.assertIn("newly-saved-park", [park["slug"] for park in after["results"]])


class JunkIsNotKeptTests(ApiTestCase):
    """A page of parks is kept under its address; junk in the address must not add a cache key per request."""

    def setUp(self):
        make_park("Harbin HTZ", province=make_province("heilongjiang"))

    def kept_keys(self, query):
        with mock.patch("opendata.views.cached_for_generation", wraps=cached_for_generation) as kept:
            response = self.client.get(reverse("api:park-list") + query)
        # Junk is answered (200) or refused (400, problem+json), never an error.
        self.assertIn(response.status_code, (200, 400))
        return kept.call_count

    def test_a_clean_query_is_kept(self):
        self.assertEqual(self.kept_keys("?province=heilongjiang&page_size=10"), 1)

    def test_an_unknown_parameter_or_a_junk_page_size_is_not_kept(self):
        for query in ("?utm=1", "?lang=x1", "?section=%00", "?page=9", "?page_size=abc"):
            with self.subTest(query=query):
                self.assertEqual(self.kept_keys(query), 0)
