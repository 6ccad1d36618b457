"""The catalogue's park schema (parks/schema.py): the public column order, and a field declared there alone
reaching every download, the API, the data package and the SQLite dataset."""

import csv
import io
import json
import shutil
import sqlite3
import tempfile
from pathlib import Path
from unittest import mock

from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from opendata.tests import ApiTestCase
from parks import schema
from parks.tests.factories import make_park


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


class PublicColumnsTests(ApiTestCase):
    def test_the_csv_columns_are_the_published_ones_in_order(self):
        # A public contract: scripts read these names. Adding a field appends to the schema's list; renaming
        # or reordering one breaks readers' code, so this list is written out on purpose.
        make_park("Jilin ETDZ")
        header = next(csv.reader(io.StringIO(body(self.client.get(reverse("parks:export-csv"))).decode("utf-8-sig"))))
        self.assertEqual(
            header,
            [
                "slug",
                "name_en",
                "name_zh",
                "article_name",
                "province",
                "city",
                "zone_type",
                "level",
                "path",
                "established_year",
                "national_year",
                "status",
                "status_year",
                "successor",
                "area_km2",
                "area_note",
                "area_kind",
                "latitude",
                "longitude",
                "coord_note",
                "coordinates_approximate",
                "industries",
                "sources",
                "confidence",
                "notes",
                "permalink",
                "level_sources",
                "established_year_sources",
                "national_year_sources",
                "area_sources",
                "coordinates_sources",
                "industries_sources",
                "path_sources",
                "status_sources",
                "name_zh_sources",
                "licence",
            ],
        )


class FieldDeclaredOnlyInTheSchemaTests(ApiTestCase):
    """docs/adding-a-catalogue-field.md, followed with a field the model already has (the city's Chinese
    name): one schema line, no other code, and it is in every output."""

    @classmethod
    def setUpTestData(cls):
        make_park("Yanji HTZ", city="Yanji", city_zh="延吉", area_km2="12.5")

    def setUp(self):
        super().setUp()
        data_root = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, data_root, ignore_errors=True)
        self.enterContext(override_settings(DATA_FILES_ROOT=data_root))
        city_zh = schema.CatalogueField("city_zh", "City (Chinese)", description="The city's standard Chinese name.")
        self.enterContext(mock.patch.object(schema, "FIELDS", [*schema.FIELDS, city_zh]))

    def test_it_is_in_the_csv_json_and_workbook(self):
        rows = list(csv.DictReader(io.StringIO(body(self.client.get(reverse("parks:export-csv"))).decode("utf-8-sig"))))
        self.assertEqual(rows[0]["city_zh"], "延吉")
        self.assertEqual(rows[0]["area_km2"], "12.5")
        park = json.loads(body(self.client.get(reverse("parks:export-json"))))["parks"][0]
        self.assertEqual(park["city_zh"], "延吉")
        self.assertEqual(
            json.loads(body(self.client.get(reverse("parks:export-json"))))["metadata"]["translations"]["en"][
                "columns"
            ]["city_zh"],
            "City (Chinese)",
        )
        sheet = load_workbook(io.BytesIO(body(self.client.get(reverse("parks:export-xlsx")))), read_only=True)
        header, row = list(sheet.worksheets[0].values)
        self.assertEqual(dict(zip(header, row))["City (Chinese)"], "延吉")

    def test_it_is_in_the_api_and_its_document(self):
        self.assertEqual(self.client.get(reverse("api:park-list")).json()["results"][0]["city_zh"], "延吉")
        self.assertEqual(self.client.get(reverse("api:park-detail", args=["yanji-htz"])).json()["city_zh"], "延吉")

    def test_it_is_in_the_data_package_and_the_sqlite_file(self):
        resources = {r["name"]: r for r in self.client.get(reverse("data:datapackage")).json()["resources"]}
        for name in ("parks", "catalogue-export"):
            described = {field["name"]: field for field in resources[name]["schema"]["fields"]}
            self.assertEqual(described["city_zh"]["type"], "string", name)
        path = Path(tempfile.mkdtemp()) / "downloaded.sqlite"
        self.addCleanup(shutil.rmtree, path.parent)
        path.write_bytes(body(self.client.get(reverse("data:sqlite"))))
        connection = sqlite3.connect(path)
        self.addCleanup(connection.close)
        self.assertEqual(connection.execute("SELECT city_zh FROM parks WHERE slug = 'yanji-htz'").fetchone(), ("延吉",))
        table_csv = body(self.client.get(reverse("data:table", args=["parks"]))).decode()
        self.assertEqual(next(csv.DictReader(io.StringIO(table_csv)))["city_zh"], "延吉")

    def test_without_the_line_it_is_nowhere(self):
        # Proves the checks above can fail: the schema as shipped has no city_zh column.
        with mock.patch.object(schema, "FIELDS", [field for field in schema.FIELDS if field.name != "city_zh"]):
            self.assertNotIn("city_zh", self.client.get(reverse("api:park-list")).json()["results"][0])
            self.assertNotIn("city_zh", body(self.client.get(reverse("parks:export-csv"))).decode("utf-8-sig"))
