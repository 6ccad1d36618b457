"""Every CSV the site serves, with hostile values typed into every text field: each value comes back as one
cell of its own row, formula-safe (a leading ' ), and real numbers stay numbers."""

import csv
import io
import re
import shutil
import tempfile
from decimal import Decimal
from itertools import cycle
from pathlib import Path

from django.apps import apps
from django.db.models import CharField, SlugField, TextField, Value
from django.db.models.functions import Concat, Left
from django.test import TestCase, override_settings
from django.urls import reverse

from articles.models import Article, DataPoint, DataSeries
from opendata import dataset
from parks.models import Park
from parks.resources import ParkResource
from publishing.testing import load_shipped_content

# Each starts a formula in a spreadsheet, or splits a row where a CR or LF is written unquoted; the quote
# and comma must be quoted too.
HOSTILE_STARTS = ["=1+2\r=3+4", "+1+2\n", "-1+2", "@SUM(1)", "\t=1+2", "\r=1+2", '=2",x,']
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"-?\d+(\.\d+)?")


def poison_every_text_field():
    """Prefix every text field of every content row with a hostile start, as an editor could type it."""
    starts = cycle(HOSTILE_STARTS)
    for label in ("articles", "parks"):
        for model in apps.get_app_config(label).get_models():
            if hasattr(model, "instance_type"):  # history
                continue
            for field in model._meta.concrete_fields:
                if isinstance(field, (CharField, TextField)) and not isinstance(field, SlugField) and not field.choices:
                    value = Concat(Value(next(starts)), field.name, output_field=field)
                    if field.max_length:
                        value = Left(value, field.max_length)
                    model._base_manager.update(**{field.name: value})


def shown(value):
    """What a cell must read once parsed: text a spreadsheet would run gets a leading '."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(int(value))
    text = str(value)
    if isinstance(value, str) and text.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(text):
        return "'" + text
    return text


def parse(content):
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def assert_no_formula(test, rows):
    for row in rows:
        for cell in row:
            if cell.startswith(FORMULA_STARTS):
                test.assertRegex(cell, NUMBER, f"a formula cell reached the CSV: {cell!r}")


class HostileValuesTests(TestCase):
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
        poison_every_text_field()
        # A real negative number stays a number (no ').
        DataPoint.objects.filter(pk=DataPoint.objects.order_by("pk").first().pk).update(value=Decimal("-1.5"))

    def get(self, url, **params):
        response = self.client.get(url, params)
        self.assertEqual(response.status_code, 200, url)
        return b"".join(response.streaming_content) if response.streaming else response.content

    def test_every_data_table_csv_has_one_row_per_record_and_no_formula(self):
        poisoned = set()
        for table in dataset.tables():
            with self.subTest(table=table.name):
                rows = parse(self.get(reverse("data:table", args=[table.name])))
                self.assertEqual(rows[0], [column.name for column in table.columns])
                expected = sorted(tuple(map(shown, row)) for row in table.rows())
                self.assertGreater(len(expected), 0)
                self.assertEqual(sorted(map(tuple, rows[1:])), expected)
                assert_no_formula(self, rows)
                if any(cell.startswith("'") for row in rows for cell in row):
                    poisoned.add(table.name)
        # Those with text an editor types: each carried raw formulas before.
        self.assertEqual(
            poisoned,
            {
                "articles",
                "sections",
                "provinces",
                "paths",
                "industries",
                "sources",
                "parks",
                "fact_sources",
                "path_evidence",
                "article_mentions",
                "missing_zones",
                "official_counts",
                "data_series",
                "data_points",
                "editorial_notes",
                "zone_totals",
            },
        )
        values = parse(self.get(reverse("data:table", args=["data_points"])))
        self.assertIn("-1.5", [row[3] for row in values])

    def test_catalogue_csv(self):
        rows = parse(self.get(reverse("parks:export-csv")))
        published = Park.objects.published().order_by("name_en")
        self.assertEqual(len(rows), published.count() + 1)
        self.assertEqual(len({len(row) for row in rows}), 1)
        names = [row[rows[0].index("name_en")] for row in rows[1:]]
        self.assertEqual(sorted(names), sorted(shown(name) for name in published.values_list("name_en", flat=True)))
        self.assertTrue(all(name.startswith("'") for name in names))
        assert_no_formula(self, rows)

    def test_matrix_csv(self):
        rows = parse(self.get(reverse("parks:matrix-csv")))
        self.assertGreater(len(rows), 2)
        self.assertEqual(len({len(row) for row in rows}), 1)
        self.assertTrue(any(cell.startswith("'") for cell in rows[0]))
        assert_no_formula(self, rows)

    def test_chart_data_csv(self):
        article = Article.objects.published().get()
        for series in DataSeries.objects.for_charts().filter(article=article):
            with self.subTest(series=series.slug):
                rows = parse(self.get(reverse("articles:series-csv", args=[article.slug, series.slug])))
                points = list(series.points.all())
                self.assertEqual(len(rows), len(points) + 1)
                self.assertEqual([row[1] for row in rows[1:]], [shown(point.label) for point in points])
                self.assertEqual([row[5] for row in rows[1:]], [shown(point.note) for point in points])
                assert_no_formula(self, rows)

    def test_admin_export_csv(self):
        rows = parse(ParkResource().export().export("csv").encode())
        self.assertEqual(len(rows), Park.objects.count() + 1)
        assert_no_formula(self, rows)
