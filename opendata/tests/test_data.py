"""/data/: the data package validates, the SQLite file matches the site, the Data page's examples work."""

import re
import shutil
import sqlite3
import tempfile
from pathlib import Path
from unittest import mock

from django.test import TestCase, override_settings
from django.urls import reverse
from frictionless import Package

from articles.models import Article, DataPoint, DataSeries, EditorialNote, Section
from opendata import dataset
from parks.models import (
    ArticleMention,
    DevelopmentPath,
    FactSource,
    Industry,
    MissingZone,
    OfficialCount,
    Park,
    PathEvidence,
    Province,
    Source,
)
from parks.tests.factories import make_park
from publishing.testing import load_shipped_content

SERVER = "http://testserver"


class DataFilesTestCase(TestCase):
    """Loads the shipped content; each test class keeps its dataset files in its own folder."""

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
        load_shipped_content()
        make_park("Unchecked draft zone", province=Province.objects.get(slug="jilin"), is_published=False)

    def download(self, url):
        response = self.client.get(url.removeprefix(SERVER))
        self.assertEqual(response.status_code, 200, url)
        return b"".join(response.streaming_content) if response.streaming else response.content

    def sqlite(self):
        path = self.data_root / "downloaded.sqlite"
        path.write_bytes(self.download(reverse("data:sqlite")))
        return sqlite3.connect(path)


class DataPackageTests(DataFilesTestCase):
    def test_frictionless_finds_no_errors_in_the_package_and_every_resource(self):
        descriptor = self.client.get(reverse("data:datapackage")).json()
        folder = Path(tempfile.mkdtemp(dir=self.data_root))
        for resource in descriptor["resources"]:
            (folder / f"{resource['name']}.csv").write_bytes(self.download(resource["path"]))
            resource["path"] = f"{resource['name']}.csv"
        report = Package(descriptor, basepath=str(folder)).validate()
        self.assertEqual(report.stats["errors"], 0, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10])
        self.assertEqual(len(report.tasks), len(descriptor["resources"]))
        self.assertTrue(all(task.stats["rows"] > 0 for task in report.tasks))

    def test_a_broken_resource_is_reported(self):
        # Proves the validation above can fail: a park pointing at an unknown province.
        descriptor = self.client.get(reverse("data:datapackage")).json()
        folder = Path(tempfile.mkdtemp(dir=self.data_root))
        wanted = {"parks", "provinces", "paths", "sections", "articles"}
        descriptor["resources"] = [resource for resource in descriptor["resources"] if resource["name"] in wanted]
        for resource in descriptor["resources"]:
            text = self.download(resource["path"]).decode()
            if resource["name"] == "parks":
                text = text.replace(",jilin,", ",atlantis,", 1)
            (folder / f"{resource['name']}.csv").write_text(text)
            resource["path"] = f"{resource['name']}.csv"
        report = Package(descriptor, basepath=str(folder)).validate()
        self.assertEqual(report.flatten(["type"]), [["foreign-key"]])

    def test_keys_and_licences_per_resource(self):
        resources = {r["name"]: r for r in self.client.get(reverse("data:datapackage")).json()["resources"]}
        parks = resources["parks"]["schema"]
        self.assertEqual(parks["primaryKey"], ["slug"])
        self.assertIn(
            {"fields": ["province"], "reference": {"resource": "provinces", "fields": ["slug"]}}, parks["foreignKeys"]
        )
        self.assertIn(
            {"fields": ["industry"], "reference": {"resource": "industries", "fields": ["slug"]}},
            resources["park_industries"]["schema"]["foreignKeys"],
        )
        fact_sources = resources["fact_sources"]["schema"]
        self.assertEqual(fact_sources["primaryKey"], ["park", "fact", "source"])
        self.assertIn(
            {"fields": ["source"], "reference": {"resource": "sources", "fields": ["id"]}}, fact_sources["foreignKeys"]
        )
        self.assertEqual({field["name"]: field["type"] for field in fact_sources["fields"]}["source"], "integer")
        for name in (
            "parks",
            "provinces",
            "industries",
            "sources",
            "official_counts",
            "data_points",
            "catalogue-export",
            "province-path-matrix",
            "fact_sources",
            "missing_zones",
            "editorial_notes",
        ):
            self.assertEqual(resources[name]["licenses"][0]["name"], "CC-BY-4.0", name)
        for name in ("articles", "sections", "paths", "data_series", "path_evidence", "article_mentions"):
            licence = resources[name]["licenses"][0]
            self.assertNotIn("name", licence, name)
            self.assertIn("rights holder", licence["title"])
            self.assertIn("/articles/", licence["path"])
        self.assertEqual(len([name for name in resources if name.startswith("series-")]), DataSeries.objects.count())


class SqliteFileTests(DataFilesTestCase):
    def test_opens_with_sqlite3_and_its_counts_match_the_site(self):
        connection = self.sqlite()
        count = lambda table: connection.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # noqa: E731
        published = Park.objects.published()
        self.assertEqual(count("parks"), published.count())
        self.assertEqual(count("parks"), self.client.get(reverse("api:park-list")).json()["count"])
        self.assertEqual(count("provinces"), Province.objects.count())
        self.assertEqual(count("paths"), DevelopmentPath.objects.count())
        self.assertEqual(count("industries"), Industry.objects.count())
        self.assertEqual(count("sources"), Source.objects.cited_by_published().count())
        self.assertEqual(count("sources"), len(self.client.get(reverse("api:source-list")).json()))
        self.assertEqual(count("fact_sources"), FactSource.objects.filter(park__in=published).count())
        self.assertEqual(count("path_evidence"), PathEvidence.objects.filter(park__in=published).count())
        self.assertEqual(count("article_mentions"), ArticleMention.objects.count())
        self.assertEqual(count("missing_zones"), MissingZone.objects.count())
        self.assertEqual(count("missing_zones"), len(self.client.get(reverse("api:missing-zone-list")).json()))
        self.assertEqual(count("editorial_notes"), EditorialNote.objects.count())
        article = Article.objects.published().get()
        notes = self.client.get(reverse("api:article-detail", args=[article.slug])).json()["editorial_notes"]
        self.assertEqual(count("editorial_notes"), len(notes))
        for table in ("fact_sources", "path_evidence", "article_mentions", "missing_zones", "editorial_notes"):
            self.assertGreater(count(table), 0, table)
        self.assertEqual(count("park_industries"), Park.industries.through.objects.filter(park__in=published).count())
        self.assertEqual(count("official_counts"), OfficialCount.objects.count())
        self.assertEqual(count("sections"), Section.objects.count())
        self.assertEqual(count("data_series"), DataSeries.objects.count())
        self.assertEqual(count("data_points"), DataPoint.objects.count())
        self.assertEqual(count("articles"), Article.objects.published().count())
        self.assertEqual(
            connection.execute("SELECT COUNT(*) FROM parks WHERE slug = 'unchecked-draft-zone'").fetchone()[0], 0
        )
        rows = connection.execute(
            "SELECT slug FROM parks WHERE province = 'jilin' AND path = 'urbanization' ORDER BY slug"
        ).fetchall()
        self.assertEqual([slug for (slug,) in rows], ["jilin-etdz", "jilin-htz", "yanji-htz"])

    def test_has_foreign_keys_and_indexes_and_no_broken_reference(self):
        connection = self.sqlite()
        self.assertEqual(connection.execute("PRAGMA integrity_check").fetchone(), ("ok",))
        self.assertEqual(connection.execute("PRAGMA foreign_key_check").fetchall(), [])
        references = {row[2] for row in connection.execute("PRAGMA foreign_key_list(parks)")}
        self.assertEqual(references, {"provinces", "paths", "parks"})
        indexes = {row[1] for row in connection.execute("PRAGMA index_list(parks)")}
        self.assertTrue({"parks_province", "parks_path", "parks_successor"} <= indexes, indexes)
        # Each provenance table: its references, and an index on each referencing column.
        provenance = {
            "fact_sources": {"park": "parks", "source": "sources"},
            "path_evidence": {"park": "parks", "path": "paths", "section": "sections"},
            "article_mentions": {"park": "parks", "section": "sections"},
            "missing_zones": {"province": "provinces"},
            "zone_totals": {"province": "provinces", "source": "sources"},
            "editorial_notes": {"section": "sections", "data_series": "data_series"},
        }
        for table, expected in provenance.items():
            with self.subTest(table=table):
                references = {row[3]: row[2] for row in connection.execute(f"PRAGMA foreign_key_list({table})")}
                self.assertEqual(references, expected)
                indexes = {row[1] for row in connection.execute(f"PRAGMA index_list({table})")}
                self.assertTrue({f"{table}_{column}" for column in expected} <= indexes, indexes)

    def test_built_once_per_content_generation(self):
        # No grace period: the file a newer one replaces is removed at once.
        with (
            mock.patch("opendata.dataset.build_sqlite", wraps=dataset.build_sqlite) as build,
            mock.patch.object(dataset, "SUPERSEDED_GRACE_SECONDS", 0),
        ):
            self.download(reverse("data:sqlite"))
            self.download(reverse("data:table", args=["parks"]))
            self.assertEqual(build.call_count, 1)
            park = Park.objects.get(slug="jilin-etdz")
            park.name_en = "Jilin ETDZ (renamed)"
            park.save()  # a save starts a new content generation
            connection = self.sqlite()
            self.assertEqual(build.call_count, 2)
        name = connection.execute("SELECT name_en FROM parks WHERE slug = 'jilin-etdz'").fetchone()[0]
        self.assertEqual(name, "Jilin ETDZ (renamed)")
        self.assertEqual(len(list(self.data_root.glob(f"{dataset.FILE_PREFIX}*.sqlite"))), 1)

    def test_revalidation_gets_304(self):
        response = self.client.get(reverse("data:sqlite"))
        b"".join(response.streaming_content)
        again = self.client.get(reverse("data:sqlite"), HTTP_IF_NONE_MATCH=response["ETag"])
        self.assertEqual(again.status_code, 304)

    def test_unknown_table_is_404(self):
        self.assertEqual(self.client.get(reverse("data:table", args=["auth_user"])).status_code, 404)


class DataPageTests(DataFilesTestCase):
    def test_linked_from_the_site_navigation(self):
        self.assertContains(self.client.get(reverse("home")), f'href="{reverse("data:index")}"')

    def test_lists_each_table_with_its_licence_and_the_citations(self):
        response = self.client.get(reverse("data:index"))
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        for table in dataset.tables():
            self.assertIn(f'href="/data/{table.name}.csv"', html)
        sections_row = re.search(r"sections\.csv</code></a></th>.*?</tr>", html, re.S).group(0)
        self.assertIn("rights holder", sections_row)
        parks_row = re.search(r"parks\.csv</code></a></th>.*?</tr>", html, re.S).group(0)
        self.assertIn("CC BY 4.0", parks_row)
        self.assertIn("Rust Belt Parks. (n.d.). Industrial parks of Northeast China (Rust Belt Parks dataset)", html)
        self.assertIn("Jia, X. (", html)
        for language in ("curl", "pandas", "R"):
            self.assertIn(f"<h3>{language}" if language != "pandas" else "Python (pandas)", html)

    def test_every_address_in_the_examples_answers(self):
        html = self.client.get(reverse("data:index")).content.decode()
        urls = set(re.findall(r"http://testserver[^\s\"'<&]*(?:&amp;[^\s\"'<&]*)*", html))
        self.assertGreaterEqual(len(urls), 6)
        for url in urls:
            with self.subTest(url=url):
                self.download(url.replace("&amp;", "&").rstrip("."))
