import csv
import io
import json

from django.test import TestCase
from django.urls import reverse

from parks.matrix import province_path_matrix
from parks.models import NO_PATH, DevelopmentPath, Park
from parks.tests.factories import make_park, make_path, make_province
from publishing.testing import load_shipped_content


def cell(matrix, province, path):
    row = next(row for row in matrix.rows if row.slug == province)
    index = next(i for i, column in enumerate(matrix.columns) if column.slug == path)
    return row.cells[index]


def catalogue_count(province, path):
    parks = Park.objects.published().in_province(province)
    return parks.filter(path__isnull=True).count() if path == NO_PATH else parks.on_path(path).count()


class MatrixTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.liaoning = make_province("liaoning", name_zh="辽宁")
        cls.jilin = make_province("jilin", "Jilin", "吉林")
        cls.urbanization = make_path()
        cls.co_city = make_path("co-city", "Co-city development", 3)
        make_park("Anshan HTZ", province=cls.liaoning, path=cls.urbanization)
        make_park("Panjin ETDZ", province=cls.liaoning, path=cls.urbanization)
        make_park("Benxi HTZ", province=cls.liaoning, path=cls.co_city)
        make_park("Dalian ETDZ", province=cls.liaoning)
        make_park("Jilin ETDZ", province=cls.jilin, path=cls.urbanization)
        make_park("Draft zone", province=cls.jilin, path=cls.co_city, is_published=False)

    def assert_cells_match_catalogue(self, matrix):
        for row in matrix.rows:
            for column, matrix_cell in zip(matrix.columns, row.cells):
                self.assertEqual(matrix_cell.count, catalogue_count(row.slug, column.slug), (row.slug, column.slug))

    def test_cells_equal_the_catalogue_counts(self):
        matrix = province_path_matrix()
        self.assert_cells_match_catalogue(matrix)
        self.assertEqual(cell(matrix, "liaoning", "urbanization").count, 2)
        self.assertEqual(cell(matrix, "liaoning", NO_PATH).count, 1)
        # The unpublished park is not counted.
        self.assertEqual(cell(matrix, "jilin", "co-city").count, 0)

    def test_totals(self):
        matrix = province_path_matrix()
        self.assertEqual([column.slug for column in matrix.columns], ["urbanization", "co-city", NO_PATH])
        self.assertEqual([(row.slug, row.total.count) for row in matrix.rows], [("jilin", 1), ("liaoning", 4)])
        self.assertEqual([c.count for c in matrix.column_totals], [3, 1, 1])
        self.assertEqual(matrix.total.count, 5)

    def test_stays_right_when_a_park_changes_path_or_is_added(self):
        park = Park.objects.get(slug="panjin-etdz")
        park.path = self.co_city
        park.save()
        make_park("Fuxin HTZ", province=self.liaoning, path=self.co_city)
        matrix = province_path_matrix()
        self.assert_cells_match_catalogue(matrix)
        self.assertEqual(cell(matrix, "liaoning", "urbanization").count, 1)
        self.assertEqual(cell(matrix, "liaoning", "co-city").count, 3)

    def test_one_query(self):
        with self.assertNumQueries(1):
            province_path_matrix()

    def test_every_cell_links_to_the_filtered_catalogue(self):
        matrix = province_path_matrix()
        list_url = reverse("parks:list")
        self.assertEqual(cell(matrix, "liaoning", "co-city").url, f"{list_url}?province=liaoning&path=co-city")
        self.assertEqual(cell(matrix, "jilin", NO_PATH).url, f"{list_url}?province=jilin&path=none")
        self.assertEqual(matrix.rows[0].total.url, f"{list_url}?province=jilin")
        self.assertEqual(matrix.column_totals[0].url, f"{list_url}?path=urbanization")
        self.assertEqual(matrix.total.url, list_url)


class MatrixDownloadTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        liaoning = make_province("liaoning", name_zh="辽宁")
        make_park("Anshan HTZ", province=liaoning, path=make_path())
        make_park("Dalian ETDZ", province=liaoning)

    def test_csv_rows_with_totals_source_and_licence(self):
        response = self.client.get(reverse("parks:matrix-csv"))
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        self.assertEqual(
            rows[0], ["Province", "Province (Chinese)", "Urbanization", "No path", "Total", "source", "licence"]
        )
        self.assertEqual(rows[1][:5], ["Liaoning", "辽宁", "1", "1", "2"])
        self.assertEqual(rows[2][:5], ["All provinces", "", "1", "1", "2"])
        for row in rows[1:]:
            self.assertIn("http://testserver/en/parks/", row[5])
            self.assertIn("CC BY 4.0", row[6])

    def test_json_has_metadata_and_counts(self):
        response = self.client.get(reverse("parks:matrix-json"))
        data = json.loads(response.content)
        self.assertEqual(data["metadata"]["licence"], "CC BY 4.0")
        self.assertEqual(data["metadata"]["url"], "http://testserver/en/parks/")
        self.assertEqual(data["rows"][0]["counts"], {"urbanization": 1, NO_PATH: 1})
        self.assertEqual(data["column_totals"], {"urbanization": 1, NO_PATH: 1})
        self.assertEqual(data["total"], 2)


class MatrixAgainstTheListPageTests(TestCase):
    """Following a cell's link shows exactly as many parks as the cell says."""

    @classmethod
    def setUpTestData(cls):

        load_shipped_content()

    def listed(self, url):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        count = response.context["paginator"].count
        self.assertContains(response, f"<strong>{count}</strong> park")
        return count

    def assert_every_link_matches(self):
        matrix = province_path_matrix()
        self.assertGreater(matrix.total.count, 0)
        for row in matrix.rows:
            for column, matrix_cell in zip(matrix.columns, row.cells):
                with self.subTest(province=row.slug, path=column.slug):
                    self.assertEqual(self.listed(matrix_cell.url), matrix_cell.count)
            self.assertEqual(self.listed(row.total.url), row.total.count)
        for column, total in zip(matrix.columns, matrix.column_totals):
            with self.subTest(path=column.slug):
                self.assertEqual(self.listed(total.url), total.count)
        self.assertEqual(self.listed(matrix.total.url), matrix.total.count)
        return matrix

    def test_cells_equal_the_filtered_list(self):
        matrix = self.assert_every_link_matches()
        self.assertEqual([c.slug for c in matrix.columns], ["urbanization", "re-urbanization", "co-city", NO_PATH])

    def test_after_a_park_changes_path(self):
        park = Park.objects.published().filter(path__slug="urbanization").first()
        before = cell(province_path_matrix(), park.province.slug, "co-city").count
        park.path = DevelopmentPath.objects.get(slug="co-city")
        park.save()
        matrix = self.assert_every_link_matches()
        self.assertEqual(cell(matrix, park.province.slug, "co-city").count, before + 1)

    def test_catalogue_page_shows_the_matrix_with_links(self):
        response = self.client.get(reverse("parks:list"))
        self.assertContains(response, "Parks by province and development path")
        self.assertContains(response, 'href="/en/parks/?province=jilin&amp;path=co-city"')
        self.assertContains(response, 'href="/en/parks/?province=liaoning&amp;path=none"')
        # Screen readers hear what each number counts, not a bare "3".
        self.assertContains(response, " in Jilin, Co-city development</span>")
        self.assertContains(response, reverse("parks:matrix-csv"))
