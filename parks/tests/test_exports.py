import csv
import io
import json

from django.test import TestCase, override_settings
from django.urls import reverse

from parks.filters import ParkFilter
from parks.models import Park
from parks.tests.factories import card_slugs
from publishing.testing import load_shipped_content


def download(client, name, query="", **headers):
    response = client.get(reverse(name) + query, **headers)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


class ExportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_shipped_content()

    def expected_slugs(self, query):
        return set(card_slugs(self.client.get(reverse("parks:list") + query + "&ordering=name")))

    def test_csv_opens_with_chinese_intact_and_matches_the_list(self):
        response, body = download(self.client, "parks:export-csv", "?province=jilin")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn("attachment", response["Content-Disposition"])
        self.assertTrue(body.startswith("\ufeff".encode()))
        rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
        self.assertEqual({row["slug"] for row in rows}, self.expected_slugs("?province=jilin"))
        self.assertEqual(len(rows), Park.objects.filter(province__slug="jilin").count())
        jilin = next(row for row in rows if row["slug"] == "jilin-etdz")
        self.assertEqual(jilin["name_zh"], "吉林经济技术开发区")
        self.assertEqual(jilin["path"], "Urbanization")
        self.assertEqual(jilin["area_km2"], "20.4")
        self.assertEqual(jilin["permalink"], "http://testserver/en/parks/jilin-etdz/")
        self.assertEqual(
            jilin["industries"], "branded food; fine chemicals; special fibres and chemical-fibre textiles"
        )
        self.assertIn("Xinhua report on upgrade", jilin["sources"])
        # An empty fact stays empty.
        self.assertEqual(next(row for row in rows if row["slug"] == "yanji-htz")["established_year"], "")

    @override_settings(CONTENT_LICENSE="CC BY 4.0")
    def test_json_has_metadata_and_the_filtered_parks(self):
        response, body = download(self.client, "parks:export-json", "?path=co-city&ordering=-area")
        self.assertEqual(response.status_code, 200)
        data = json.loads(body.decode("utf-8"))
        self.assertEqual(data["metadata"]["licence"], "CC BY 4.0")
        self.assertEqual(data["metadata"]["filters"], {"path": "co-city", "ordering": "-area"})
        self.assertEqual(data["metadata"]["count"], len(data["parks"]))
        self.assertIn("generated_at", data["metadata"])
        self.assertEqual({park["slug"] for park in data["parks"]}, self.expected_slugs("?path=co-city"))
        tonghua = next(park for park in data["parks"] if park["slug"] == "tonghua-medical-htz")
        self.assertEqual(tonghua["name_zh"], "通化医药高新技术产业开发区")
        self.assertEqual(tonghua["area_km2"], 12.7082)
        self.assertEqual(tonghua["industries"], ["pharmaceuticals"])
        self.assertEqual(len(tonghua["sources"]), 2)
        # Ordering is honoured too.
        expected = list(
            ParkFilter({"path": "co-city", "ordering": "-area"}, queryset=Park.objects.published()).qs.values_list(
                "slug", flat=True
            )
        )
        self.assertEqual([park["slug"] for park in data["parks"]], expected)

    def test_empty_result_is_still_valid_json_and_csv(self):
        _, body = download(self.client, "parks:export-json", "?q=nothing-matches-this")
        self.assertEqual(json.loads(body)["parks"], [])
        _, body = download(self.client, "parks:export-csv", "?q=nothing-matches-this")
        self.assertEqual(len(list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))), 1)

    def test_unpublished_parks_are_not_exported(self):
        Park.objects.filter(slug="jilin-etdz").update(is_published=False)
        _, body = download(self.client, "parks:export-json", "?province=jilin")
        self.assertNotIn("jilin-etdz", {park["slug"] for park in json.loads(body)["parks"]})

    def test_invalid_filters_are_a_400_with_a_message(self):
        for name in ("parks:export-csv", "parks:export-json"):
            for query in ("?province=atlantis", "?ordering=password", "?q=" + "x" * 5000):
                with self.subTest(name=name, query=query[:20]):
                    response, body = download(self.client, name, query)
                    self.assertEqual(response.status_code, 400)
                    self.assertIn(b"not understood", body)

    def test_permalinks_follow_the_host_asked(self):
        for host in ("testserver", "127.0.0.1"):
            with self.subTest(host=host):
                _, body = download(self.client, "parks:export-json", "?province=jilin", HTTP_HOST=host)
                data = json.loads(body)
                self.assertTrue(data["parks"][0]["permalink"].startswith(f"http://{host}/"))
                self.assertTrue(data["metadata"]["url"].startswith(f"http://{host}/"))
