import csv
import io
import json
import re
import shutil
import sqlite3
import tempfile
from io import StringIO
from pathlib import Path
from unittest import mock

from django.core.management import call_command
from django.test import TestCase, override_settings
from django.urls import reverse
from frictionless import Package

from articles.models import FEATURED_ARTICLE_SLUG, DataPoint, DataSeries, Section
from opendata import dataset
from parks.models import Park
from publishing.testing import admin_form_data, load_shipped_content, make_staff
from releases.models import Frozen, Release, ReleaseEntry, ReleaseIsFinal

STAND_IN_PDF = b"%PDF-1.7 stand-in"


class ReleaseFilesFolder:
    """Each test class keeps its release files in a folder of its own, removed afterwards.

    WeasyPrint takes seconds per PDF, so a release's PDFs are stand-ins unless the class is about them
    (`makes_pdfs = True`, test_printing.py)."""

    makes_pdfs = False

    @classmethod
    def setUpClass(cls):
        cls.release_files = tempfile.mkdtemp(prefix="rustbelt-test-releases-")
        cls.addClassCleanup(shutil.rmtree, cls.release_files, ignore_errors=True)
        cls.enterClassContext(override_settings(RELEASE_FILES_ROOT=cls.release_files))
        if not cls.makes_pdfs:
            cls.enterClassContext(mock.patch("releases.printing.article_pdf", return_value=STAND_IN_PDF))
        super().setUpClass()


def make_release(client, number, notes="Notes", notes_zh="说明"):
    """What an editor does in the admin: open the add page, fill in the form, save."""
    page = client.get(reverse("admin:releases_release_add"))
    data = {
        **admin_form_data(page, form_id="release_form"),
        "number": number,
        "date": "2026-12-01",
        "notes": notes,
        "notes_zh": notes_zh,
    }
    response = client.post(reverse("admin:releases_release_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Release.objects.get(number=number)


class ReleaseTests(ReleaseFilesFolder, TestCase):
    @classmethod
    def setUpTestData(cls):
        load_shipped_content()
        cls.editor = make_staff("eddie", "Editors")
        cls.researcher = make_staff("rita", "Researchers")

    def setUp(self):
        self.client.force_login(self.editor)

    def test_an_editor_makes_a_release_and_its_pages_and_files_stay_as_they_were(self):
        release = make_release(self.client, "1.0")
        self.client.logout()  # as a reader sees them
        park = Park.objects.published().order_by("slug").first()
        section = Section.objects.filter(article__status="published").exclude(body="").first()
        park_page = self.client.get(reverse("releases:park", args=["1.0", park.slug]))
        article_url = reverse("releases:article", args=["1.0", section.article.slug])
        article_page = self.client.get(article_url)
        files = {
            file.name: b"".join(self.client.get(file.get_absolute_url()).streaming_content)
            for file in release.files.all()
        }
        series = DataSeries.objects.filter(article=section.article).values_list("slug", flat=True)
        self.assertEqual(
            set(files),
            {
                "rust-belt-parks.csv",
                "rust-belt-parks.json",
                "rust-belt-parks.xlsx",
                "datapackage.json",
                "rust-belt-parks.sqlite",
                "province-path-matrix.csv",
                *(f"{table.name}.csv" for table in dataset.tables()),
                *(f"series-{slug}.csv" for slug in series),
                f"{section.article.slug}.en.pdf",
                f"{section.article.slug}.zh-hans.pdf",
            },
        )
        self.assertContains(park_page, park.name_en)
        self.assertContains(article_page, section.title_en)

        # Later edits change the live site, not the release.
        Park.objects.filter(pk=park.pk).update(name_en="Renamed After The Release", city="Elsewhere")
        park.refresh_from_db()
        park.save()
        Section.objects.filter(pk=section.pk).update(body="Rewritten after the release.", title_en="New title")
        self.assertEqual(self.client.get(reverse("releases:park", args=["1.0", park.slug])).content, park_page.content)
        self.assertEqual(self.client.get(article_url).content, article_page.content)
        for file in release.files.all():
            self.assertEqual(b"".join(self.client.get(file.get_absolute_url()).streaming_content), files[file.name])

        rows = list(csv.DictReader(io.StringIO(files["rust-belt-parks.csv"].decode("utf-8-sig"))))
        self.assertEqual(len(rows), Park.objects.published().count())
        self.assertNotIn("Renamed After The Release", files["rust-belt-parks.csv"].decode("utf-8-sig"))
        catalogue = json.loads(files["rust-belt-parks.json"])
        self.assertEqual(len(catalogue["parks"]), Park.objects.published().count())
        with tempfile.NamedTemporaryFile(suffix=".sqlite") as handle:
            handle.write(files["rust-belt-parks.sqlite"])
            handle.flush()
            count = sqlite3.connect(handle.name).execute("select count(*) from parks").fetchone()[0]
        self.assertEqual(count, Park.objects.published().count())

    def test_the_release_article_shows_the_charts_the_live_article_showed_and_keeps_them(self):
        make_release(self.client, "1.0")
        self.client.logout()
        live = self.client.get(reverse("articles:detail", args=[FEATURED_ARTICLE_SLUG])).content.decode()
        url = reverse("releases:article", args=["1.0", FEATURED_ARTICLE_SLUG])
        released = self.client.get(url)
        charts = set(re.findall(r'<figure class="chart[^"]*" id="(chart-[a-z0-9-]+)"', live))
        self.assertGreater(len(charts), 5)
        self.assertEqual(
            set(re.findall(r'<figure class="chart[^"]*" id="(chart-[a-z0-9-]+)"', released.content.decode())), charts
        )
        self.assertContains(released, "Detroit’s population, 1950 and today")
        self.assertContains(released, "<svg", count=len(charts) - released.content.decode().count("chart-single"))
        self.assertContains(released, 'href="/en/releases/1.0/files/series-detroit-population.csv"')
        # Numbers edited after the release: the release's charts are unchanged.
        DataPoint.objects.filter(series__slug="detroit-population", label="1950").update(value=1)
        DataSeries.objects.filter(slug="detroit-population").update(name="Renamed chart")
        self.assertEqual(self.client.get(url).content, released.content)

    def test_the_release_data_package_describes_the_release_files_and_validates(self):
        release = make_release(self.client, "1.0")
        self.client.logout()
        package_url = reverse("releases:file", args=["1.0", "datapackage.json"])
        descriptor = json.loads(b"".join(self.client.get(package_url).streaming_content))
        self.assertEqual(descriptor["version"], "1.0")
        self.assertEqual(descriptor["homepage"], "http://testserver/en/releases/1.0/")
        self.assertIn("http://testserver/en/releases/1.0/files/rust-belt-parks.sqlite", descriptor["description"])
        self.assertNotIn("/data/", json.dumps(descriptor))
        file_prefix = "http://testserver/en/releases/1.0/files/"
        # Edited after the release: the package's files are still the release's.
        Park.objects.filter(slug="jilin-etdz").update(name_en="Renamed After The Release")
        folder = Path(tempfile.mkdtemp(dir=self.release_files))
        for resource in descriptor["resources"]:
            self.assertTrue(resource["path"].startswith(file_prefix), resource["path"])
            name = resource["path"].removeprefix(file_prefix)
            self.assertTrue(release.files.filter(name=name).exists(), name)
            content = b"".join(self.client.get(resource["path"].removeprefix("http://testserver")).streaming_content)
            self.assertNotIn(b"Renamed After The Release", content)
            (folder / name).write_bytes(content)
            resource["path"] = name
        report = Package(descriptor, basepath=str(folder)).validate()
        self.assertEqual(report.stats["errors"], 0, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10])
        self.assertEqual(len(report.tasks), len(descriptor["resources"]))

    def test_the_release_page_lists_its_article_parks_and_files_in_both_languages(self):
        make_release(self.client, "1.0", notes="First edition.", notes_zh="第一版。")
        english = self.client.get("/en/releases/1.0/")
        self.assertContains(english, "First edition.")
        self.assertContains(english, "rust-belt-parks.sqlite")
        self.assertContains(english, f"{Park.objects.published().count()} parks")
        self.assertContains(self.client.get("/zh-hans/releases/1.0/"), "第一版。")
        self.assertContains(self.client.get("/en/releases/"), "First edition.")
        self.assertEqual(self.client.get("/en/releases/9.9/").status_code, 404)
        self.assertEqual(self.client.get("/en/releases/1.0/parks/no-such-park/").status_code, 404)
        self.assertEqual(self.client.get("/en/releases/1.0/files/secret.txt").status_code, 404)
        self.assertEqual(self.client.get("/en/releases/1.0/files/..%2Fsettings.py").status_code, 404)

    def test_the_park_list_of_a_release_is_paged_in_a_fixed_number_of_queries(self):
        make_release(self.client, "1.0")
        self.client.logout()
        with self.assertNumQueries(4):
            response = self.client.get(reverse("releases:parks", args=["1.0"]))
        self.assertContains(response, Park.objects.published().order_by("slug").first().name_en)

    def test_a_release_never_changes_nor_is_deleted(self):
        release = make_release(self.client, "1.0")
        release.notes = "Changed"
        with self.assertRaises(ReleaseIsFinal):
            release.save()
        with self.assertRaises(ReleaseIsFinal):
            release.delete()
        self.assertEqual(Release.objects.get().notes, "Notes")
        # The admin shows it read-only, with no delete.
        change_url = reverse("admin:releases_release_change", args=[release.pk])
        page = self.client.get(change_url)
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, 'name="notes"')
        self.assertNotContains(page, "deletelink")
        self.client.post(change_url, {"number": "1.0", "date": "2026-12-01", "notes": "Edited", "notes_zh": "改"})
        self.assertEqual(Release.objects.get().notes, "Notes")
        delete = self.client.post(reverse("admin:releases_release_delete", args=[release.pk]), {"post": "yes"})
        self.assertEqual(delete.status_code, 403)
        self.assertTrue(Release.objects.filter(pk=release.pk).exists())

    def test_only_an_editor_with_publish_rights_makes_a_release(self):
        self.client.force_login(self.researcher)
        self.assertEqual(self.client.get(reverse("admin:releases_release_add")).status_code, 403)
        response = self.client.post(
            reverse("admin:releases_release_add"),
            {"number": "1.0", "date": "2026-12-01", "notes": "n", "notes_zh": "n"},
        )
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Release.objects.exists())

    @override_settings(RELEASE_ADMIN_MAX_PARKS=3)
    def test_a_catalogue_too_large_for_a_web_request_is_sent_to_the_command(self):
        add_url = reverse("admin:releases_release_add")
        for response in (
            self.client.get(add_url, follow=True),
            self.client.post(
                add_url, {"number": "1.0", "date": "2026-12-01", "notes": "n", "notes_zh": "n"}, follow=True
            ),
        ):
            self.assertRedirects(response, reverse("admin:releases_release_changelist"))
            self.assertContains(response, f"The catalogue has {Park.objects.published().count()} published parks")
            self.assertContains(response, "python manage.py make_release")
        self.assertFalse(Release.objects.exists())

    def test_a_bad_number_is_refused_and_nothing_is_frozen(self):
        page = self.client.get(reverse("admin:releases_release_add"))
        data = {
            **admin_form_data(page, form_id="release_form"),
            "number": "v1",
            "notes": "n",
            "notes_zh": "n",
            "date": "2026-12-01",
        }
        response = self.client.post(reverse("admin:releases_release_add"), data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "1.0, 1.1")
        make_release(self.client, "1.0")
        response = self.client.post(reverse("admin:releases_release_add"), {**data, "number": "1.0"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(Release.objects.count(), 1)

    def test_unchanged_records_are_stored_once_across_releases(self):
        first = make_release(self.client, "1.0")
        stored = Frozen.objects.count()
        Park.objects.filter(slug=Park.objects.published().order_by("slug").first().slug).update(city="Elsewhere")
        make_release(self.client, "1.1")
        self.assertEqual(Frozen.objects.count(), stored + 1)
        self.assertEqual(ReleaseEntry.objects.count(), 2 * first.entries.count())


@override_settings(SITE_URL="https://parks.example.org")
class MakeReleaseCommandTests(ReleaseFilesFolder, TestCase):
    @classmethod
    def setUpTestData(cls):
        load_shipped_content()

    def test_the_command_makes_the_same_release_as_the_admin(self):
        output = StringIO()
        call_command(
            "make_release", "2.0", "--date", "2026-12-05", "--notes", "Big.", "--notes-zh", "大。", stdout=output
        )
        release = Release.objects.get()
        self.assertEqual((release.number, str(release.date)), ("2.0", "2026-12-05"))
        self.assertIn(f"{release.files.count()} files", output.getvalue())
        self.assertTrue(release.files.filter(name="datapackage.json").exists())
        park = release.record("park", "jilin-etdz")
        self.assertEqual(park["html_url"], "https://parks.example.org/en/parks/jilin-etdz/")
        from django.core.management.base import CommandError

        with self.assertRaises(CommandError):
            call_command("make_release", "2.0", "--notes", "Again", "--notes-zh", "再", stdout=StringIO())
        self.assertEqual(Release.objects.count(), 1)
