import csv
import io

import tablib
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parks.models import DevelopmentPath, Park
from parks.resources import ParkResource
from parks.tests.factories import bulk_parks, make_industry, make_park, make_province, make_source
from publishing.testing import admin_form_data, make_staff

HEADER = (
    "slug,name_en,name_zh,province,city,zone_type,level,path,established_year,national_year,area_km2,"
    "latitude,longitude,leading_industries,sources,notes\n"
)
THREE_VALID_ROWS = HEADER + (
    "jilin-etdz,Jilin Economic and Technological Development Zone,吉林经济技术开发区,jilin,Jilin,etdz,national,"
    "urbanization,1998,2010,20.40,43.84,126.55,fine chemicals;branded food,Xinhua report (2010),Upgraded 2010\n"
    "daqing-htz,Daqing High-tech Industrial Development Zone,大庆高新技术产业开发区,heilongjiang,Daqing,htz,national,"
    "urbanization,1992,1992,,46.59,125.10,petrochemicals,,\n"
    "shenyang-htz,Shenyang High-tech Zone,沈阳高新技术产业开发区,liaoning,Shenyang,htz,national,,1988,1991,,"
    "41.80,123.43,,,\n"
)
# Line 3 (the second data row): a year in the future, latitude in the Pacific, an unknown province.
ONE_INVALID_ROW = HEADER + (
    "jilin-etdz,Jilin ETDZ,,jilin,Jilin,etdz,national,,1998,2010,,43.84,126.55,,,\n"
    "bad-zone,Bad Zone,,atlantis,Nowhere,etdz,national,,2999,,,12.00,126.55,,,\n"
    "daqing-htz,Daqing HTZ,,heilongjiang,Daqing,htz,national,,1992,1992,,46.59,125.10,,,\n"
)


class ParkImportAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_staff("eddie", "Editors")
        cls.researcher = make_staff("rita", "Researchers")
        for slug, name in [("jilin", "Jilin"), ("heilongjiang", "Heilongjiang"), ("liaoning", "Liaoning")]:
            make_province(slug, name)
        DevelopmentPath.objects.create(slug="urbanization", name="Urbanization", summary="Build the city.")
        for name in ["fine chemicals", "branded food", "petrochemicals"]:
            make_industry(name)
        make_source("Xinhua report (2010)")

    def upload(self, content, name="parks.csv", file_format="0"):
        self.client.force_login(self.researcher)
        url = reverse("admin:parks_park_import")
        data = admin_form_data(self.client.get(url), action="")
        content = content if isinstance(content, bytes) else content.encode()
        data.update(format=file_format, import_file=io.BytesIO(content))
        data["import_file"].name = name
        return self.client.post(url, data)

    def confirm(self, preview):
        action = reverse("admin:parks_park_process_import")
        data = admin_form_data(preview, action=action)
        return self.client.post(action, data, follow=True)

    def test_valid_csv_previews_then_imports_and_is_recorded_in_history(self):
        make_park(slug="shenyang-htz", name_en="Shenyang HTZ", province=make_province("liaoning"))
        preview = self.upload(THREE_VALID_ROWS)
        self.assertContains(preview, "Below is a preview of data to be imported")
        self.assertContains(preview, "New", count=None)
        self.assertContains(preview, "Update")
        self.assertEqual(Park.objects.count(), 1)  # the dry run wrote nothing

        response = self.confirm(preview)
        self.assertContains(response, "Import finished: 2 new, 1 updated")
        jilin = Park.objects.get(slug="jilin-etdz")
        self.assertEqual(
            (jilin.province.slug, jilin.path.slug, jilin.established_year), ("jilin", "urbanization", 1998)
        )
        self.assertEqual(sorted(jilin.industries.values_list("name", flat=True)), ["branded food", "fine chemicals"])
        self.assertEqual(list(jilin.sources.values_list("citation", flat=True)), ["Xinhua report (2010)"])
        self.assertIs(jilin.is_published, False)  # an editor publishes imported parks
        self.assertEqual(Park.objects.get(slug="shenyang-htz").name_en, "Shenyang High-tech Zone")
        record = jilin.history.earliest("history_date")
        self.assertEqual((record.history_type, record.history_user), ("+", self.researcher))
        updated = Park.objects.get(slug="shenyang-htz")
        self.assertEqual(updated.history.first().history_user, self.researcher)
        self.assertEqual(updated.version, 2)

    def test_file_with_an_invalid_row_reports_line_and_reason_and_writes_nothing(self):
        preview = self.upload(ONE_INVALID_ROW)
        self.assertContains(preview, "Some rows failed to validate")
        # Row 2 = the second data row (line 3 of the file), with each reason.
        self.assertRegex(preview.content.decode(), r"<td>\s*2\s*</td>\s*<td class=\"errors\">")
        self.assertContains(preview, "Unknown province “atlantis”")
        self.assertContains(preview, "Enter a year between 1980 and")
        self.assertContains(preview, "Ensure this value is greater than or equal to 37")
        self.assertNotContains(preview, "Confirm import")
        self.assertFalse(Park.objects.exists())
        self.assertFalse(Park.history.exists())

    def test_unknown_industry_is_an_invalid_row(self):
        content = HEADER + "x-zone,X Zone,,jilin,,etdz,,,,,,,,steel;fine chemicals,,\n"
        preview = self.upload(content)
        self.assertContains(preview, "Unknown industries: steel. Add them under Industries first.")
        self.assertFalse(Park.objects.exists())

    def test_garbage_file_is_reported_not_a_crash(self):
        response = self.upload(b"\x89PNG\r\n\x1a\n\x00\x00binary", name="parks.xlsx", file_format="1")
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "Traceback")
        self.assertFalse(Park.objects.exists())

    def test_file_without_the_slug_column_is_refused_with_the_reason(self):
        response = self.upload("name_en,city\nJilin ETDZ,Jilin\n")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "are not present in the file headers: slug")
        self.assertNotContains(response, "Traceback")
        self.assertNotContains(response, "Confirm import")
        self.assertFalse(Park.objects.exists())

    def test_only_csv_and_xlsx_are_offered(self):
        self.client.force_login(self.researcher)
        response = self.client.get(reverse("admin:parks_park_import"))
        self.assertContains(response, ">csv</option>")
        self.assertContains(response, ">xlsx</option>")
        self.assertNotContains(response, ">json</option>")


class ParkExportRoundTripTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_staff("eddie", "Editors")
        province = make_province()
        path = DevelopmentPath.objects.create(slug="co-city", name="Co-city", summary="Share the city.")
        park = make_park(
            slug="jilin-etdz",
            province=province,
            path=path,
            city="Jilin",
            established_year=1998,
            national_year=2010,
            area_km2="20.40",
            latitude="43.84000",
            longitude="126.55000",
            notes='Commas, "quotes" and 中文 survive',
        )
        park.industries.set([make_industry("fine chemicals"), make_industry("branded food")])
        park.sources.set([make_source("Jia Xiaobing, 'Industrial Real Estate…' (ep. 89)")])
        make_park(slug="daqing-htz", name_en="Daqing HTZ", province=make_province("heilongjiang", "Heilongjiang"))

    def export(self, file_format):
        self.client.force_login(self.editor)
        url = reverse("admin:parks_park_export")
        data = admin_form_data(self.client.get(url), action="")
        response = self.client.post(url, {**data, "format": file_format})
        self.assertEqual(response.status_code, 200)
        return response

    def reimport(self, dataset):
        result = ParkResource().import_data(dataset, dry_run=True)
        self.assertFalse(result.has_errors() or result.has_validation_errors(), result.invalid_rows)
        return result.totals

    def test_csv_export_reimports_without_changes(self):
        response = self.export("0")
        self.assertEqual(response["Content-Type"], "text/csv")
        content = response.content.decode()
        rows = list(csv.DictReader(io.StringIO(content)))
        self.assertEqual([row["slug"] for row in rows], ["daqing-htz", "jilin-etdz"])
        self.assertEqual(rows[1]["leading_industries"], "branded food;fine chemicals")
        totals = self.reimport(tablib.Dataset().load(content, format="csv"))
        self.assertEqual((totals["new"], totals["update"], totals["skip"], totals["invalid"]), (0, 0, 2, 0))

    def test_xlsx_export_reimports_without_changes(self):
        response = self.export("1")
        self.assertIn("spreadsheetml", response["Content-Type"])
        dataset = tablib.Dataset().load(response.content, format="xlsx")
        self.assertEqual(len(dataset), 2)
        totals = self.reimport(dataset)
        self.assertEqual((totals["new"], totals["update"], totals["skip"], totals["invalid"]), (0, 0, 2, 0))

    def test_xlsx_upload_through_the_admin_after_an_edit(self):
        dataset = tablib.Dataset().load(self.export("1").content, format="xlsx")
        dataset = tablib.Dataset(*[list(row) for row in dataset], headers=dataset.headers)
        city = dataset.headers.index("city")
        for index, row in enumerate(dataset):
            if row[0] == "jilin-etdz":
                edited = list(row)
                edited[city] = "Jilin City"
                dataset[index] = edited
        url = reverse("admin:parks_park_import")
        data = admin_form_data(self.client.get(url), action="")
        upload = io.BytesIO(dataset.export("xlsx"))
        upload.name = "parks.xlsx"
        preview = self.client.post(url, {**data, "format": "1", "import_file": upload})
        self.assertContains(preview, "Below is a preview of data to be imported")
        action = reverse("admin:parks_park_process_import")
        response = self.client.post(action, admin_form_data(preview, action=action), follow=True)
        self.assertContains(response, "Import finished: 0 new, 1 updated")
        self.assertEqual(Park.objects.get(slug="jilin-etdz").city, "Jilin City")


class ParkAdminExportQueryCountTests(TestCase):
    """The admin's CSV and XLSX exports cost the same queries for 20 and for 500 parks."""

    def test_query_count_does_not_grow_with_parks(self):
        editor = make_staff("eddie", "Editors")
        self.client.force_login(editor)
        url = reverse("admin:parks_park_export")
        form = admin_form_data(self.client.get(url), action="")
        province = make_province()
        industry, source = make_industry("fine chemicals"), make_source("A source")
        counts = {}
        for count in (20, 500):
            Park.objects.all().delete()
            bulk_parks(count, province, industry=industry, source=source)
            for file_format in ("0", "1"):
                with CaptureQueriesContext(connection) as queries:
                    response = self.client.post(url, {**form, "format": file_format})
                self.assertEqual(response.status_code, 200)
                counts[count, file_format] = len(queries)
            rows = list(csv.DictReader(io.StringIO(self.client.post(url, {**form, "format": "0"}).content.decode())))
            self.assertEqual(len(rows), count)
            self.assertEqual(rows[0]["leading_industries"], "fine chemicals")
        self.assertEqual(counts[20, "0"], counts[500, "0"])
        self.assertEqual(counts[20, "1"], counts[500, "1"])
