"""Input that fails validation is the visitor's error, a 400 (a problem on the API), never a 500; a
parameter the site does not know (an empty key) is ignored."""

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from opendata.pagination import encode_cursor
from parks.tests.factories import make_park, make_province
from publishing.testing import make_superuser

PROBLEM = "application/problem+json"


class BadInputTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.province = make_province("jilin")
        for number in range(3):
            make_park(name_en=f"Park {number}", slug=f"park-{number}", province=cls.province, is_published=True)

    def assert_problem(self, url, parameter=None):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 400, url)
        self.assertEqual(response["Content-Type"], PROBLEM, url)
        body = response.json()
        self.assertEqual(body["status"], 400)
        if parameter:
            self.assertEqual([error["parameter"] for error in body["errors"]], [parameter])
        return body

    def test_api_ordering_with_an_empty_key_is_a_problem(self):
        for ordering in ["name,", ",name", ",", "name,,area", "-"]:
            with self.subTest(ordering=ordering):
                self.assert_problem(f"/api/v1/parks/?ordering={ordering}", parameter="ordering")

    def test_api_nul_anywhere_in_the_query_is_a_problem(self):
        for query in ["province=%00", "q=a%00b", "ordering=%00", "cursor=%00", "%00=1", "page_size=1%00", "lang=%00"]:
            for url in ["/api/v1/parks/", "/api/v1/sources/", "/api/v1/parks/park-0/", "/api/v1/coverage/"]:
                with self.subTest(url=url, query=query):
                    body = self.assert_problem(f"{url}?{query}")
                    self.assertIn("NUL", body["detail"])

    def test_api_cursor_holding_a_nul_is_a_problem_before_any_query(self):
        # Default order: name, then name and pk to break ties. PostgreSQL would refuse the NUL (DataError).
        cursor = encode_cursor("after", ["Park\x00 0", "Park\x00 0", 1])
        with CaptureQueriesContext(connection) as queries:
            body = self.assert_problem(f"/api/v1/parks/?cursor={cursor}")
        self.assertIn("cursor", body["detail"])
        self.assertFalse([query for query in queries.captured_queries if "\x00" in query["sql"]])

    def test_catalogue_list_exports_and_map_refuse_an_empty_ordering_key(self):
        for name in ["parks:list", "parks:export-csv", "parks:export-json", "parks:export-xlsx", "parks:map-data"]:
            for query in ["?ordering=name,", "?ordering=,", "?ordering=name,,area"]:
                with self.subTest(name=name, query=query):
                    response = self.client.get(reverse(name) + query)
                    self.assertEqual(response.status_code, 400)
                    self.assertIn(b"Order by", response.content)

    def test_nul_in_any_public_page_or_download_is_a_400(self):
        urls = [
            reverse("home"),
            reverse("parks:list"),
            reverse("parks:export-csv"),
            reverse("parks:map-data"),
            reverse("parks:detail", args=["park-0"]),
            reverse("search"),
            "/data/",
            "/sitemap.xml",
        ]
        for url in urls:
            for query in ["?q=%00", "?province=%00", "?%00=x", "?page=1%00", "?lang=%00"]:
                with self.subTest(url=url, query=query):
                    response = self.client.get(url + query, follow=True)
                    self.assertEqual(response.status_code, 400)
                    self.assertContains(response, "NUL character", status_code=400)

    def test_junk_values_of_known_parameters_never_give_a_server_error(self):
        # Django caches no page, so a junk value costs one render; it must never be a 500.
        urls = [reverse("home"), reverse("parks:list"), reverse("parks:detail", args=["park-0"]), "/api/v1/parks/"]
        for url in urls:
            for query in ["?lang=xx", "?lang=", "?section=%ff%fe", "?section=" + "x" * 3000, "?page=-1", "?page=1e9"]:
                with self.subTest(url=url, query=query):
                    self.assertIn(self.client.get(url + query).status_code, (200, 400, 404))

    def test_search_refuses_an_unusable_query(self):
        response = self.client.get(reverse("search") + "?q=,,,")
        self.assertEqual(response.status_code, 400)

    def test_empty_keys_are_ignored(self):
        urls = [
            reverse("parks:list"),
            reverse("parks:export-csv"),
            reverse("parks:map-data"),
            reverse("search"),
            "/api/v1/parks/",
            "/api/v1/sources/",
            "/data/",
            reverse("home"),
        ]
        for url in urls:
            for query in ["?=x", "?&&", "?=", "?&=&", "?=x&=y"]:
                with self.subTest(url=url, query=query):
                    response = self.client.get(url + query, follow=True)
                    self.assertEqual(response.status_code, 200)


class AdminBadInputTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        make_park(slug="park-0", is_published=True)
        cls.admin = make_superuser()

    def setUp(self):
        self.client.force_login(self.admin)

    def test_list_filters_holding_a_nul_are_a_400(self):
        for query in ["zone_type__exact=%00", "province__id__exact=%00", "q=%00", "o=%00", "level__exact=x%00"]:
            with self.subTest(query=query):
                response = self.client.get(f"/admin/parks/park/?{query}")
                self.assertEqual(response.status_code, 400)

    def test_export_with_junk_parameters_says_so_on_the_list(self):
        for query in ["format=9", "format=x", "nonsense=1"]:
            with self.subTest(query=query):
                response = self.client.get(f"/admin/parks/park/export/?{query}", follow=True)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.redirect_chain, [(reverse("admin:parks_park_changelist"), 302)])
                self.assertContains(response, "These filters were not understood. Filter the list, then export.")

    def test_export_with_real_filters_still_offers_the_export(self):
        response = self.client.get("/admin/parks/park/export/?zone_type__exact=etdz")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Export")
