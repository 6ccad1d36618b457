"""How the API answers as HTTP: throttling, CORS, conditional requests, problem+json."""

import os
import subprocess
import sys
from unittest import mock

from django.conf import settings
from django.urls import reverse
from django.utils.http import http_date

from parks.tests.factories import make_park
from rustbelt.api.tests import ApiTestCase
from rustbelt.publishing.generation import current_generation

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

    def test_a_malformed_limit_stops_the_site_from_starting(self):
        result = subprocess.run(
            [sys.executable, "manage.py", "check"], cwd=settings.BASE_DIR, capture_output=True, text=True,
            env={**os.environ, "DJANGO_DEBUG": "1", "DJANGO_API_THROTTLE_RATE": "lots"}, timeout=120,
        )
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("DJANGO_API_THROTTLE_RATE must look like 120/minute", result.stderr)

    def test_a_cache_outage_serves_unthrottled_and_logs(self):
        with mock.patch("rustbelt.api.throttling.AnonRateThrottle.allow_request", side_effect=ConnectionError):
            with self.assertLogs("rustbelt.api.throttling", "ERROR"):
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
        for name in ("api:park-detail", "api:province-detail", "api:path-detail", "api:article-detail",
                     "api:series-detail"):
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
