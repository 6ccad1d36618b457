"""The OpenAPI document is valid, describes what the site really answers, and its reference page
runs from our own static files under the strict CSP."""

import copy
import re

from django.contrib.staticfiles import finders
from django.urls import reverse
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate as validate_spec

from articles.models import EditorialNote
from articles.tests.factories import make_article, make_section, make_series
from opendata.tests import ApiTestCase
from parks.models import MissingZone, OfficialCount, PathEvidence, Source
from parks.tests.factories import cite_every_fact, make_industry, make_mention, make_park, make_path, make_province

# Sample records for each path parameter, by the path's first segment.
SLUGS = {
    "parks": "jilin-etdz",
    "provinces": "jilin",
    "paths": "urbanization",
    "articles": "industrial-real-estate-park-revitalization-in-major-rust-belts",
    "series": "debt",
}


def closed(schema):
    """The schema with every documented object closed: an undocumented key in a response fails."""
    schema = copy.deepcopy(schema)

    def close(node):
        if isinstance(node, dict):
            if "properties" in node:
                node.setdefault("additionalProperties", False)
            for value in node.values():
                close(value)
        elif isinstance(node, list):
            for value in node:
                close(value)

    close(schema)
    return schema


class OpenApiDocumentTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        article = make_article(publication="Hundred Battles Hundred Victories")
        section = make_section(article, "urbanization", body="Parks *grow*.")
        make_section(article, "sub", body="More.", parent=section)
        make_series(article, section=section)
        path = make_path("urbanization", article_section=section)
        park = make_park(
            "Jilin ETDZ",
            province=make_province("jilin"),
            path=path,
            area_km2="20.4",
            latitude="43.84",
            longitude="126.55",
            established_year=1998,
        )
        park.industries.add(make_industry("fine chemicals"))
        cls.source = Source.objects.create(citation="Xinhua (2010)")
        park.sources.add(cls.source)
        # Provenance, so its documented shapes are checked against real records too.
        cite_every_fact(park, cls.source, note="States it.")
        PathEvidence.objects.create(
            park=park,
            path=path,
            kind="inferred",
            quote="Parks grow.",
            reason="Near.",
            confidence="medium",
            article_slug=article.slug,
            section_slug=section.slug,
        )
        make_mention(park, "Jilin zone", section_slug=section.slug, article_slug=article.slug)
        EditorialNote.objects.create(section=section, key="grow", passage="Parks", text="Which parks?")
        MissingZone.objects.create(name_en="Somewhere HTZ", province=park.province, zone_type="htz")
        make_park("Unplaced Zone", path=None)
        OfficialCount.objects.create(zone_type="etdz", level="national", count=8, label="national ETDZs")

    def schema(self):
        response = self.client.get(reverse("api:schema") + "?format=json")
        self.assertEqual(response.status_code, 200)
        return response.json()

    def test_the_document_is_valid_openapi_3(self):
        schema = self.schema()
        self.assertTrue(schema["openapi"].startswith("3."))
        validate_spec(schema)  # raises on any error

    def test_every_documented_endpoint_answers_as_documented(self):
        schema = self.schema()
        components = closed({"components": schema["components"]})
        self.assertGreaterEqual(len(schema["paths"]), 13)
        for path, operations in schema["paths"].items():
            url = path.replace("{slug}", SLUGS.get(path.split("/")[3], "")).replace("{id}", str(self.source.pk))
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                documented = closed(operations["get"]["responses"]["200"]["content"]["application/json"]["schema"])
                errors = list(OAS30Validator({**documented, **components}).iter_errors(response.json()))
                self.assertEqual(errors, [], [error.message for error in errors[:3]])

    def test_a_documented_schema_can_fail(self):
        # Proves the check above is not vacuous: a park missing a documented field is refused.
        schema = self.schema()
        components = closed({"components": schema["components"]})
        record = self.client.get(reverse("api:park-detail", args=["jilin-etdz"])).json()
        del record["name_zh"]
        record["undocumented"] = 1
        validator = OAS30Validator({"$ref": "#/components/schemas/ParkDetail", **components})
        self.assertEqual(len(list(validator.iter_errors(record))), 2)

    def test_every_documented_example_is_the_sites_real_answer(self):
        examples = [
            example
            for operations in self.schema()["paths"].values()
            for response in operations["get"]["responses"].values()
            for content in response.get("content", {}).values()
            for example in content.get("examples", {}).values()
        ]
        self.assertGreaterEqual(len(examples), 2)
        for example in examples:
            request_path = example["description"].removeprefix("GET ")
            with self.subTest(request=request_path):
                response = self.client.get(request_path)
                self.assertEqual(response.status_code, example["value"]["status"])
                self.assertEqual(response.json(), example["value"])

    def test_problem_responses_are_documented(self):
        responses = self.schema()["paths"]["/api/v1/parks/"]["get"]["responses"]
        self.assertEqual({"200", "400", "404", "429"} - set(responses), set())


class ReferencePageTests(ApiTestCase):
    def test_swagger_ui_comes_from_our_static_files_without_inline_code(self):
        response = self.client.get(reverse("api:docs"))
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertNotIn("'unsafe-inline'", response["Content-Security-Policy"])
        self.assertNotIn("<style", html)
        self.assertNotRegex(html, r"<script(?![^>]*\bsrc=)")
        assets = re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"', html)
        self.assertEqual(len(assets), 7)
        for url in assets:
            with self.subTest(url=url):
                if "?" in url:  # the start-up script, served by the view
                    script = self.client.get(url)
                    self.assertEqual(script.status_code, 200)
                    self.assertIn("/api/v1/schema/", script.content.decode())
                else:
                    self.assertTrue(url.startswith("/static/"))
                    self.assertIsNotNone(finders.find(url.removeprefix("/static/")), url)
