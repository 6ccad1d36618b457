"""How the API answers as HTTP: throttling, CORS, conditional requests, problem+json."""

import os
import subprocess
import sys
from unittest import mock

from django.conf import settings
from django.urls import reverse
from django.utils.http import http_date

from opendata.tests import ApiTestCase
from parks.tests.factories import make_park
from publishing.generation import current_generation

PARKS_API = reverse("api:park-list")


class ThrottlingTests(ApiTestCase):
    def test_beyond_the_limit_a_client_gets_429_with_retry_after(self):
        with self.settings(API_THROTTLE_RATE="3/minute"):
            statuses = [self.client.get(PARKS_API).status_code for _ in range(3)]
            response = self.client.get(PARKS_API)
        self.assertEqual(statuses, [200, 200, 200])
        self.assertEqual(response.status_code, 429)
        self.assertEqual(response["Content-Type"], "application/problem+json")
        self.assertGreater(int(response["Retry-After"]), 0)
        self.assertLessEqual(int(response["Retry-After"]), 60)
        self.assertEqual(response.json()["status"], 429)

    def test_the_limit_is_per_client_address(self):
        with self.settings(API_THROTTLE_RATE="1/minute"):
            self.assertEqual(self.client.get(PARKS_API, REMOTE_ADDR="192.0.2.1").status_code, 200)
            self.assertEqual(self.client.get(PARKS_API, REMOTE_ADDR="192.0.2.1").status_code, 429)
            self.assertEqual(self.client.get(PARKS_API, REMOTE_ADDR="192.0.2.2").status_code, 200)

    def test_a_made_up_forwarded_for_header_does_not_escape_the_limit(self):
        with self.settings(API_THROTTLE_RATE="1/minute"):
            self.client.get(PARKS_API, HTTP_X_FORWARDED_FOR="198.51.100.1")
            response = self.client.get(PARKS_API, HTTP_X_FORWARDED_FOR="198.51.100.2")
        self.assertEqual(response.status_code, 429)

    def test_behind_the_proxy_each_client_gets_its_own_budget(self):
        # As deploy/nginx.conf forwards them: REMOTE_ADDR is nginx, which appends the address it saw to
        # X-Forwarded-For ($proxy_add_x_forwarded_for) after anything the client sent.
        proxy = {"REMOTE_ADDR": "127.0.0.1"}
        with self.settings(API_THROTTLE_RATE="1/minute", BEHIND_PROXY=True):
            first = self.client.get(PARKS_API, HTTP_X_FORWARDED_FOR="192.0.2.1", **proxy)
            second = self.client.get(PARKS_API, HTTP_X_FORWARDED_FOR="192.0.2.2", **proxy)
            first_again = self.client.get(PARKS_API, HTTP_X_FORWARDED_FOR="192.0.2.1", **proxy)
            # A client's own X-Forwarded-For comes first: the entry nginx appended still names it.
            spoofing = self.client.get(PARKS_API, HTTP_X_FORWARDED_FOR="198.51.100.7, 192.0.2.2", **proxy)
        self.assertEqual([first.status_code, second.status_code], [200, 200])
        self.assertEqual([first_again.status_code, spoofing.status_code], [429, 429])

    def test_without_the_proxy_setting_a_forwarded_for_header_changes_nothing(self):
        with self.settings(API_THROTTLE_RATE="1/minute", BEHIND_PROXY=False):
            first = self.client.get(PARKS_API, REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="192.0.2.2")
            # Had the header counted, this would be 192.0.2.1's first request.
            second = self.client.get(PARKS_API, REMOTE_ADDR="192.0.2.2", HTTP_X_FORWARDED_FOR="192.0.2.1")
            third = self.client.get(PARKS_API, REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
        self.assertEqual([first.status_code, second.status_code, third.status_code], [200, 200, 429])

    def test_the_proxy_forwards_the_clients_address_to_the_site(self):
        # What the test above assumes of deploy/nginx.conf: every location passing requests on appends it.
        config = (settings.BASE_DIR / "deploy" / "nginx.conf").read_text()
        self.assertEqual(
            config.count("proxy_pass http://rustbelt;"),
            config.count("proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;"),
        )
        self.assertGreaterEqual(config.count("proxy_pass http://rustbelt;"), 2)

    def test_a_malformed_limit_stops_the_site_from_starting(self):
        result = subprocess.run(
            [sys.executable, "manage.py", "check"],
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            env={**os.environ, "DJANGO_DEBUG": "1", "DJANGO_API_THROTTLE_RATE": "lots"},
            timeout=120,
        )
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("DJANGO_API_THROTTLE_RATE must look like 120/minute", result.stderr)

    def test_a_cache_outage_serves_unthrottled_and_logs(self):
        with mock.patch("opendata.throttling.AnonRateThrottle.allow_request", side_effect=ConnectionError):
            with self.assertLogs("opendata.throttling", "ERROR"):
                response = self.client.get(PARKS_API)
        self.assertEqual(response.status_code, 200)


class CorsTests(ApiTestCase):
    def test_any_origin_may_read_the_api_and_the_data_files(self):
        for url in (PARKS_API, reverse("api:schema"), reverse("data:datapackage")):
            with self.subTest(url=url):
                response = self.client.get(url, HTTP_ORIGIN="https://notebook.example")
                self.assertEqual(response["Access-Control-Allow-Origin"], "*")
                self.assertIn("ETag", response["Access-Control-Expose-Headers"])

    def test_preflight_allows_reads_only(self):
        response = self.client.options(
            PARKS_API, HTTP_ORIGIN="https://notebook.example", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET"
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Access-Control-Allow-Origin"], "*")
        self.assertEqual(set(response["Access-Control-Allow-Methods"].split(", ")), {"GET", "HEAD", "OPTIONS"})

    def test_the_sites_pages_stay_same_origin(self):
        response = self.client.get(reverse("parks:list"), HTTP_ORIGIN="https://notebook.example")
        self.assertFalse(response.has_header("Access-Control-Allow-Origin"))


class ConditionalRequestTests(ApiTestCase):
    def setUp(self):
        make_park("Jilin ETDZ")

    def test_responses_carry_etag_and_the_content_generations_last_modified(self):
        response = self.client.get(PARKS_API)
        self.assertTrue(response["ETag"])
        self.assertEqual(response["Last-Modified"], http_date(current_generation().changed_at))

    def test_if_none_match_gives_304_without_a_body(self):
        etag = self.client.get(PARKS_API)["ETag"]
        response = self.client.get(PARKS_API, HTTP_IF_NONE_MATCH=etag)
        self.assertEqual(response.status_code, 304)
        self.assertEqual(response.content, b"")

    def test_if_modified_since_gives_304_until_content_changes(self):
        last_modified = self.client.get(PARKS_API)["Last-Modified"]
        self.assertEqual(self.client.get(PARKS_API, HTTP_IF_MODIFIED_SINCE=last_modified).status_code, 304)
        make_park("Daqing HTZ")  # a save starts a new content generation
        response = self.client.get(PARKS_API, HTTP_IF_MODIFIED_SINCE=last_modified)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["count"], 2)

    def test_an_etag_from_before_a_change_gets_the_new_body(self):
        etag = self.client.get(PARKS_API)["ETag"]
        make_park("Daqing HTZ")
        self.assertEqual(self.client.get(PARKS_API, HTTP_IF_NONE_MATCH=etag).status_code, 200)


class ProblemDetailsTests(ApiTestCase):
    def assert_problem(self, response, status):
        self.assertEqual(response.status_code, status)
        self.assertEqual(response["Content-Type"], "application/problem+json")
        body = response.json()
        self.assertEqual(body["status"], status)
        self.assertEqual(body["type"], "about:blank")
        self.assertTrue(body["title"])
        self.assertTrue(body["detail"])
        return body

    def test_unknown_endpoint(self):
        body = self.assert_problem(self.client.get("/api/v1/no-such-thing/"), 404)
        self.assertEqual(body["instance"], "/api/v1/no-such-thing/")

    def test_unknown_record(self):
        for name in (
            "api:park-detail",
            "api:province-detail",
            "api:path-detail",
            "api:article-detail",
            "api:series-detail",
        ):
            with self.subTest(name=name):
                self.assert_problem(self.client.get(reverse(name, args=["atlantis"])), 404)

    def test_writes_are_refused(self):
        for method in ("post", "put", "patch", "delete"):
            with self.subTest(method=method):
                response = getattr(self.client, method)(PARKS_API, data="{}", content_type="application/json")
                self.assert_problem(response, 405)
                self.assertIn("GET", response["Allow"])

    def test_bad_filter(self):
        body = self.assert_problem(self.client.get(PARKS_API + "?zone_type=castle"), 400)
        self.assertEqual(body["errors"][0]["parameter"], "zone_type")
        self.assertEqual(body["errors"][0]["label"], "Zone type")


class LanguageTests(ApiTestCase):
    """English by default whatever Accept-Language says; ?lang=zh-hans for Chinese; anything else is a 400."""

    @classmethod
    def setUpTestData(cls):
        make_park("Jilin ETDZ", zone_type="etdz", level="national")

    def test_english_by_default_even_when_the_browser_asks_for_chinese(self):
        response = self.client.get(PARKS_API, HTTP_ACCEPT_LANGUAGE="zh-hans")
        record = response.json()["results"][0]
        self.assertEqual(record["zone_type_label"], "Economic & technological development zone")
        self.assertEqual(record["level_label"], "National")
        self.assertEqual(response["Content-Language"], "en")

    def test_lang_zh_hans_gives_chinese_labels_and_messages(self):
        response = self.client.get(PARKS_API + "?lang=zh-hans")
        record = response.json()["results"][0]
        self.assertEqual(record["zone_type_label"], "经济技术开发区")
        self.assertEqual(record["name_en"], "Jilin ETDZ")  # the record's values themselves stay
        self.assertEqual(response["Content-Language"], "zh-hans")
        facets = {facet["name"]: facet for facet in response.json()["facets"]}
        self.assertEqual(facets["province"]["label"], "省份")
        problem = self.client.get(PARKS_API + "?lang=zh-hans&province=atlantis").json()
        self.assertEqual(problem["detail"], "部分筛选条件无法识别，因此未显示园区。请更正或移除。")
        missing = self.client.get("/api/v1/nowhere/?lang=zh-hans", HTTP_ACCEPT_LANGUAGE="en")
        self.assertNotIn("endpoint", missing.json()["detail"])

    def test_an_unknown_language_is_a_400_problem(self):
        for query in ("?lang=fr", "?lang=ZH", "?lang=zh-hans&lang=xx"):
            with self.subTest(query=query):
                response = self.client.get(PARKS_API + query)
                self.assertEqual(response.status_code, 400)
                self.assertEqual(response["Content-Type"], "application/problem+json")
                self.assertEqual(response.json()["detail"], "Unknown language in ?lang=. Use one of: en, zh-hans.")
        self.assertEqual(self.client.get(reverse("api:province-list") + "?lang=fr").status_code, 400)

    def test_every_operation_documents_lang(self):
        schema = self.client.get(reverse("api:schema") + "?format=json").json()
        for path, operations in schema["paths"].items():
            with self.subTest(path=path):
                parameters = {parameter["name"]: parameter for parameter in operations["get"]["parameters"]}
                self.assertEqual(parameters["lang"]["schema"]["enum"], ["en", "zh-hans"])
