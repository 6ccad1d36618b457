"""A province, path, industry or source used only by a draft park is published nowhere: not in the catalogue's
filters, the API's facets and lists, the /data/ tables, the data package, the SQLite file nor the sitemap."""

import shutil
import sqlite3
import tempfile
from pathlib import Path

from django.test import TestCase, override_settings
from django.urls import reverse

from opendata import dataset
from parks.models import Fact, FactSource, PathEvidence
from parks.tests.factories import make_industry, make_park, make_path, make_province, make_source

# In every name and slug of the draft's records, and in nothing published.
MARKER = "zzdraft"


class DraftOnlyRecordsTests(TestCase):
    @classmethod
    def setUpClass(cls):
        cls.data_root = Path(tempfile.mkdtemp())
        cls.enterClassContext(override_settings(DATA_FILES_ROOT=cls.data_root))
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(cls.data_root, ignore_errors=True)

    @classmethod
    def setUpTestData(cls):
        published = make_park("Jilin Economic Zone", path=make_path("urbanization"), city="Jilin")
        published.industries.add(make_industry("Chemicals"))
        published.sources.add(make_source("Jilin yearbook"))
        draft = make_park(
            f"{MARKER} zone",
            is_published=False,
            province=make_province(f"{MARKER}-province"),
            path=make_path(f"{MARKER}-path", order=9),
        )
        draft.industries.add(make_industry(f"{MARKER} industry"))
        source = make_source(f"{MARKER} source")
        draft.sources.add(source)
        FactSource.objects.create(park=draft, fact=Fact.LEVEL, source=source)
        PathEvidence.objects.create(park=draft, path=draft.path, kind="inferred", reason="Editors' reading.")

    def body(self, url, status=200):
        response = self.client.get(url)
        self.assertEqual(response.status_code, status, url)
        return (b"".join(response.streaming_content) if response.streaming else response.content).decode()

    def assert_no_draft(self, url):
        body = self.body(url)
        self.assertFalse(MARKER in body.lower(), f"a draft's record is public in {url}")
        return body

    def test_catalogue_filter_choices(self):
        body = self.assert_no_draft(reverse("parks:list"))
        self.assertIn("chemicals", body)  # the published park's industry is a choice

    def test_api_facets_and_lists(self):
        facets = self.assert_no_draft(reverse("api:park-list"))
        self.assertIn("chemicals", facets)
        for name in ("industry-list", "province-list", "path-list", "source-list"):
            with self.subTest(name):
                self.assertNotEqual(self.assert_no_draft(reverse(f"api:{name}")), "[]")
        self.body(reverse("api:province-detail", args=[f"{MARKER}-province"]), status=404)
        self.body(reverse("api:path-detail", args=[f"{MARKER}-path"]), status=404)

    def test_site_pages_and_sitemap(self):
        self.body(reverse("parks:province", args=[f"{MARKER}-province"]), status=404)
        self.body(reverse("parks:path", args=[f"{MARKER}-path"]), status=404)
        self.assert_no_draft(reverse("parks:province", args=["jilin"]))
        self.assert_no_draft(reverse("django.contrib.sitemaps.views.sitemap"))

    def test_data_tables_package_and_sqlite_file(self):
        for table in dataset.tables():
            with self.subTest(table=table.name):
                self.assert_no_draft(reverse("data:table", args=[table.name]))
        self.assertIn("chemicals", self.body(reverse("data:table", args=["industries"])))
        self.assert_no_draft(reverse("data:datapackage"))
        path = self.data_root / "downloaded.sqlite"
        response = self.client.get(reverse("data:sqlite"))
        path.write_bytes(b"".join(response.streaming_content))
        connection = sqlite3.connect(path)
        for table in dataset.tables():
            with self.subTest(sqlite=table.name):
                rows = connection.execute(f'SELECT * FROM "{table.name}"').fetchall()
                self.assertFalse(MARKER in repr(rows).lower(), f"a draft's record is in the SQLite file's {table.name}")
        self.assertEqual(connection.execute("PRAGMA foreign_key_check").fetchall(), [])
        connection.close()
