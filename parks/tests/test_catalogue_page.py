"""The catalogue page as readers use it: headings that name the filters, table view, downloads."""

import io
import re

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from parks.models import Park
from parks.tests.factories import bulk_parks, make_park, make_path, make_province

TITLE = re.compile(r"<title>(.*?) · ", re.S)


class HeadingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        heilongjiang = make_province("heilongjiang", name_en="Heilongjiang", name_zh="黑龙江省")
        co_city = make_path("co-city", name="Co-city")
        make_park("Harbin HTZ", province=heilongjiang, path=co_city, zone_type="htz", level="national")
        make_park("Daqing HTZ", province=heilongjiang, path=co_city, zone_type="htz", level="national")
        make_park("Jilin ETDZ")

    def heading(self, query):
        response = self.client.get(reverse("parks:list") + query)
        title = TITLE.search(response.content.decode()).group(1)
        h1 = re.search(r"<h1>(.*?)</h1>", response.content.decode()).group(1)
        self.assertEqual(title, h1)
        return title

    def test_title_and_heading_name_the_active_filters_and_the_count(self):
        self.assertEqual(self.heading("?province=heilongjiang&path=co-city"), "Co-city parks in Heilongjiang — 2 parks")
        self.assertEqual(
            self.heading("?level=national&zone_type=htz&province=heilongjiang"),
            "National high-tech industrial development zones in Heilongjiang — 2 parks",
        )
        self.assertEqual(self.heading("?path=none"), "Parks not grouped by the article — 1 park")
        self.assertEqual(self.heading("?q=harbin"), "Parks matching “harbin” — 1 park")

    def test_without_filters_or_with_bad_ones_the_heading_is_the_catalogue(self):
        self.assertEqual(self.heading(""), "Industrial parks of Northeast China")
        self.assertEqual(self.heading("?ordering=-name"), "Industrial parks of Northeast China")
        self.assertEqual(self.heading("?province=atlantis"), "Industrial parks of Northeast China")

    def test_search_text_in_the_heading_is_escaped(self):
        response = self.client.get(reverse("parks:list") + "?q=<b>x</b>")
        self.assertNotContains(response, "<b>x</b>")


class DownloadTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        heilongjiang = make_province("heilongjiang", name_en="Heilongjiang", name_zh="黑龙江省")
        co_city = make_path("co-city", name="Co-city")
        make_park("Harbin HTZ", name_zh="哈尔滨高新区", province=heilongjiang, path=co_city)
        make_park("Jilin ETDZ")

    def test_file_names_name_the_filters(self):
        query = "?province=heilongjiang&path=co-city"
        for name, extension in [("export-csv", "csv"), ("export-json", "json"), ("export-xlsx", "xlsx")]:
            with self.subTest(name=name):
                response = self.client.get(reverse(f"parks:{name}") + query)
                self.assertEqual(
                    response["Content-Disposition"],
                    f'attachment; filename="northeast-parks-heilongjiang-co-city-en.{extension}"',
                )
        response = self.client.get(reverse("parks:export-csv"))
        self.assertEqual(response["Content-Disposition"], 'attachment; filename="northeast-parks-en.csv"')
        response = self.client.get(reverse("parks:export-csv") + "?q=哈尔滨")
        self.assertEqual(response["Content-Disposition"], 'attachment; filename="northeast-parks-search-en.csv"')

    def test_file_names_name_the_language(self):
        # Both languages of a download can sit side by side in one folder.
        with translation.override("zh-hans"):
            url = reverse("parks:export-csv")
        self.assertEqual(
            self.client.get(url)["Content-Disposition"], 'attachment; filename="northeast-parks-zh-hans.csv"'
        )
        response = self.client.get(url + "?lang=en")
        self.assertEqual(response["Content-Disposition"], 'attachment; filename="northeast-parks-en.csv"')
        with translation.override("zh-hans"):
            url = reverse("parks:matrix-json")
        response = self.client.get(url)
        self.assertEqual(
            response["Content-Disposition"], 'attachment; filename="parks-by-province-and-path-zh-hans.json"'
        )

    def test_xlsx_holds_the_filtered_parks_with_source_and_licence(self):
        response = self.client.get(reverse("parks:export-xlsx") + "?province=heilongjiang")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        workbook = load_workbook(io.BytesIO(response.content), read_only=True)
        rows = list(workbook["Parks"].values)
        # Readable headers (the CSV and JSON keep the machine names).
        self.assertEqual(rows[0][:3], ("Slug", "English name", "Chinese name"))
        self.assertEqual([row[1:3] for row in rows[1:]], [("Harbin HTZ", "哈尔滨高新区")])
        about = dict(workbook["About"].values)
        self.assertIn("licence", about)
        self.assertEqual(about["count"], 1)
        # The header stays in view, every column can be filtered, and columns fit their longest cell.
        sheet = load_workbook(io.BytesIO(response.content))["Parks"]
        self.assertEqual(sheet.freeze_panes, "A2")
        self.assertEqual(sheet.auto_filter.ref, f"A1:{get_column_letter(len(rows[0]))}2")
        self.assertGreaterEqual(sheet.column_dimensions["B"].width, len("Harbin HTZ"))
        self.assertGreaterEqual(sheet.column_dimensions["C"].width, 2 * len("哈尔滨高新区"))

    def test_xlsx_refuses_filters_it_does_not_understand(self):
        response = self.client.get(reverse("parks:export-xlsx") + "?province=atlantis")
        self.assertEqual(response.status_code, 400)

    def test_list_links_the_three_downloads_with_the_filters_only(self):
        response = self.client.get(reverse("parks:list") + "?province=heilongjiang&view=table&page=1")
        for name in ["export-csv", "export-xlsx", "export-json"]:
            self.assertContains(response, f'href="{reverse("parks:" + name)}?province=heilongjiang"')


class TableViewTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        jilin = make_province("jilin", name_en="Jilin")
        make_park("Beta Zone", name_zh="乙区", city="Changchun", established_year=2001, province=jilin)
        make_park("Alpha Zone", name_zh="甲区", city="Yanji", established_year=1992, province=jilin)

    def rows(self, query):
        response = self.client.get(reverse("parks:list") + query)
        self.assertEqual(response.status_code, 200)
        return re.findall(r'<th scope="row"><a href="/en/parks/([a-z-]+)/"', response.content.decode())

    def test_table_view_is_chosen_in_the_url_and_kept_by_the_page_links(self):
        response = self.client.get(reverse("parks:list") + "?view=table")
        self.assertContains(response, '<table class="park-table">')
        self.assertContains(response, '<a href="?view=table" aria-current="page">table</a>', html=True)
        self.assertNotContains(response, 'class="park-card"')
        self.assertContains(
            response, '<abbr title="Economic &amp; technological development zone">ETDZ</abbr>', html=True
        )
        cards = self.client.get(reverse("parks:list") + "?view=nonsense")
        self.assertContains(cards, 'class="park-card"')

    def test_columns_sort_and_reverse(self):
        self.assertEqual(self.rows("?view=table"), ["alpha-zone", "beta-zone"])
        self.assertEqual(self.rows("?view=table&ordering=-name"), ["beta-zone", "alpha-zone"])
        self.assertEqual(self.rows("?view=table&ordering=city"), ["beta-zone", "alpha-zone"])
        self.assertEqual(self.rows("?view=table&ordering=-established"), ["beta-zone", "alpha-zone"])
        # Chinese names sort by pinyin (甲 jiǎ before 乙 yǐ), not by code point (乙 U+4E59 before 甲 U+7532).
        self.assertEqual(self.rows("?view=table&ordering=name-zh"), ["alpha-zone", "beta-zone"])

    def test_headers_link_to_their_sort_and_say_which_is_active(self):
        response = self.client.get(reverse("parks:list") + "?view=table&ordering=city")
        self.assertContains(
            response, '<th scope="col" aria-sort="ascending"><a href="?view=table&amp;ordering=-city">City', html=False
        )
        self.assertContains(
            response, '<th scope="col"><a href="?view=table&amp;ordering=name">English name</a></th>', html=False
        )
        # The first column holds the English names on Chinese pages too, and says so (not 名称, "name").
        with translation.override("zh-hans"):
            chinese = self.client.get(reverse("parks:list") + "?view=table&ordering=city")
        self.assertContains(chinese, ">英文名称</a></th>", html=False)
        self.assertContains(chinese, ">中文名称</a></th>", html=False)

    def test_query_count_does_not_grow_with_rows(self):
        counts = []
        for total in (5, 60):
            parks = bulk_parks(total, make_province("liaoning", name_en="Liaoning"))
            with CaptureQueriesContext(connection) as context:
                response = self.client.get(reverse("parks:list") + "?view=table")
            self.assertContains(response, "Bulk park 0004")
            counts.append(len(context.captured_queries))
            Park.objects.filter(pk__in=[park.pk for park in parks]).delete()
        self.assertEqual(counts[0], counts[1])
