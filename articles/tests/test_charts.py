import csv
import io
import xml.etree.ElementTree as ET
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.test import TestCase
from django.urls import reverse

from articles.charts import Chart, format_number, nice_ticks
from articles.models import Status
from articles.tests.factories import make_article, make_section, make_series

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg_text):
    return ET.fromstring(svg_text.encode())


class FormatTests(TestCase):
    def test_numbers_read_as_the_article_writes_them(self):
        self.assertEqual(format_number(Decimal("1800000.0000")), "1,800,000")
        self.assertEqual(format_number(Decimal("2.3000")), "2.3")
        # One format everywhere: thousands separators, the article's decimals; years ungrouped.
        self.assertEqual(format_number(Decimal("7302.5900")), "7,302.59")
        self.assertEqual(format_number(Decimal("565.7300")), "565.73")
        self.assertEqual(format_number(Decimal("1950.0000"), grouped=False), "1950")

    def test_ticks_cover_the_values_with_round_steps(self):
        self.assertEqual(nice_ticks(0, 114), [Decimal(n) for n in ("0", "25", "50", "75", "100", "125")])
        ticks = nice_ticks(1945, 1985)
        self.assertLessEqual(ticks[0], 1945)
        self.assertGreaterEqual(ticks[-1], 1985)


class ChartSvgTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_article()
        cls.section = make_section(cls.article, "paths-for-updating-the-rust-belt")

    def assert_accessible_svg(self, series):
        chart = Chart(series)
        for markup in (chart.inline(), chart.standalone()):
            root = parse(markup)
            self.assertEqual(root.tag, f"{SVG}svg")
            self.assertEqual(root.get("role"), "img")
            title = root.find(f"{SVG}title")
            desc = root.find(f"{SVG}desc")
            self.assertEqual(title.text, series.name)
            self.assertEqual(root.get("aria-labelledby"), f"{title.get('id')} {desc.get('id')}")
            for point in series.points.all():
                self.assertIn(point.label, desc.text)
                self.assertIn(point.display_value, desc.text)
            # CSP without 'unsafe-inline': no style attributes, no scripts.
            self.assertNotIn("style=", markup)
            self.assertIsNone(root.find(f".//{SVG}script"))
        return chart

    def test_bar_chart_labels_every_point_and_its_value(self):
        series = make_series(self.article, self.section)
        root = parse(self.assert_accessible_svg(series).inline())
        texts = [element.text for element in root.iter(f"{SVG}text")]
        for expected in ("2000", "2016", "1.56", "2.3", "ratio"):
            self.assertIn(expected, texts)
        self.assertEqual(len(root.findall(f".//{SVG}rect")), 2)

    def test_line_chart_places_years_in_proportion(self):
        series = make_series(
            self.article,
            self.section,
            slug="heavy",
            kind="line",
            unit="%",
            points=(("1999", "64.5"), ("2004", "83.5"), ("2010", "80.5")),
        )
        root = parse(self.assert_accessible_svg(series).inline())
        xs = [float(circle.get("cx")) for circle in root.iter(f"{SVG}circle")]
        # 1999 -> 2004 is 5 years of 11, so the middle point sits 5/11 of the way along.
        self.assertAlmostEqual((xs[1] - xs[0]) / (xs[2] - xs[0]), 5 / 11, places=2)

    def test_line_chart_with_non_year_labels_falls_back_to_bars(self):
        series = make_series(
            self.article, self.section, slug="mixed", kind="line", points=(("Now", "1"), ("1950", "2"))
        )
        root = parse(self.assert_accessible_svg(series).inline())
        self.assertEqual(len(root.findall(f".//{SVG}rect")), 2)

    def test_dot_plot_of_years_does_not_start_at_zero(self):
        series = make_series(
            self.article,
            self.section,
            slug="years",
            kind="dot",
            unit="year",
            points=(("United States", "1950"), ("Germany", "1980")),
        )
        root = parse(self.assert_accessible_svg(series).inline())
        tick_labels = [t.text for t in root.iter(f"{SVG}text") if t.text and t.text.isdigit()]
        self.assertNotIn("0", tick_labels)

    def test_range_is_one_bar_from_low_to_high(self):
        series = make_series(self.article, self.section, slug="shares", unit="%", points=(("Population", "7", "9"),))
        chart = self.assert_accessible_svg(series)
        self.assertIn("7–9", chart.inline())

    def test_rank_chart_says_lower_is_better(self):
        series = make_series(
            self.article,
            self.section,
            slug="rank",
            unit="rank",
            lower_is_better=True,
            points=(("1978", "2"), ("2017", "12")),
        )
        root = parse(self.assert_accessible_svg(series).inline())
        self.assertIn("Lower is better", root.find(f"{SVG}desc").text)
        self.assertIn("rank (lower is better)", [t.text for t in root.iter(f"{SVG}text")])

    def test_text_is_escaped(self):
        series = make_series(
            self.article, self.section, slug="nasty", name="<script>alert(1)</script> & co", points=(("<b>", "1"),)
        )
        markup = self.assert_accessible_svg(series).inline()
        self.assertNotIn("<script>", markup)
        self.assertIn("&lt;script&gt;", markup)

    def test_series_without_points_still_draws(self):
        series = make_series(self.article, self.section, slug="empty", points=())
        self.assertIn("No data points yet.", self.assert_accessible_svg(series).inline())

    def test_standalone_file_has_declaration_namespace_and_size(self):
        markup = Chart(make_series(self.article, self.section)).standalone()
        self.assertTrue(
            markup.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"')
        )
        root = parse(markup)
        self.assertEqual(root.get("width"), "640")


class FiguresPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_article()
        cls.section = make_section(cls.article, "paths-for-updating-the-rust-belt", title="Paths for updating")
        cls.series = make_series(cls.article, cls.section)
        cls.url = reverse("articles:figures", args=[cls.article.slug])

    def test_lists_every_chart_with_table_source_and_downloads(self):
        make_series(
            self.article,
            self.section,
            slug="heavy",
            name="Heavy industry share",
            kind="line",
            points=(("1999", "64.5"), ("2004", "83.5")),
        )
        response = self.client.get(self.url)
        self.assertContains(response, "<h1>Figures</h1>", html=True)
        for name in ("Debt-to-equity ratio", "Heavy industry share"):
            self.assertContains(response, "<title id=", count=2)
            self.assertContains(response, name)
        # The data table lists every point, with row headers.
        self.assertContains(response, '<th scope="row">2000</th>', html=True)
        self.assertContains(response, "<td>1.56</td>", html=True)
        self.assertContains(response, '<th scope="row">2004</th>', html=True)
        self.assertContains(response, "<td>83.5</td>", html=True)
        # The source sentence, linked to its section anchor.
        self.assertContains(response, self.series.source_sentence)
        self.assertContains(response, f'href="/en/articles/{self.article.slug}/#paths-for-updating-the-rust-belt"')
        self.assertContains(response, reverse("articles:series-csv", args=[self.article.slug, "debt"]))
        self.assertContains(response, reverse("articles:series-svg", args=[self.article.slug, "heavy"]))
        self.assertNotContains(response, "style=")

    def test_table_lists_every_point(self):
        response = self.client.get(self.url)
        table = response.content.decode().split("<table>", 1)[1].split("</table>", 1)[0]
        for point in self.series.points.all():
            self.assertIn(f'<th scope="row">{point.label}</th>', table)
            self.assertIn(f"<td>{point.display_value}</td>", table)

    def test_query_count_does_not_grow_with_charts(self):
        self.client.get(self.url)  # warm caches (content types, templates)
        with self.assertNumQueries(5):  # article, series with sections, points, editorial notes, generation
            self.client.get(self.url)
        for n in range(4):
            make_series(self.article, self.section, slug=f"more-{n}")
        with self.assertNumQueries(5):  # and the content generation (Last-Modified)
            self.client.get(self.url)

    def test_draft_article_figures_are_hidden_from_visitors(self):
        draft = make_article(slug="draft-article", status=Status.DRAFT)
        make_series(draft, slug="draft-series")
        self.assertEqual(self.client.get(reverse("articles:figures", args=[draft.slug])).status_code, 404)
        self.assertEqual(
            self.client.get(reverse("articles:series-csv", args=[draft.slug, "draft-series"])).status_code, 404
        )
        staff = get_user_model().objects.create_user("editor", is_staff=True)
        self.client.force_login(staff)
        self.assertEqual(self.client.get(reverse("articles:figures", args=[draft.slug])).status_code, 200)

    def test_unknown_article_or_series_is_404(self):
        self.assertEqual(self.client.get(reverse("articles:figures", args=["nope"])).status_code, 404)
        self.assertEqual(
            self.client.get(reverse("articles:series-svg", args=[self.article.slug, "nope"])).status_code, 404
        )


class ChartDownloadTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_article()
        cls.section = make_section(cls.article, "paths-for-updating-the-rust-belt")
        cls.series = make_series(
            cls.article, cls.section, points=(("2000", "1.56"), ("Range", "7", "9"), ("1950", "1800000"))
        )

    def test_csv_has_every_point_with_source_and_licence(self):
        response = self.client.get(reverse("articles:series-csv", args=[self.article.slug, "debt"]))
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn('filename="debt-en.csv"', response["Content-Disposition"])
        rows = list(csv.DictReader(io.StringIO(response.content.decode())))
        self.assertEqual(
            [(r["label"], r["value"], r["value_high"]) for r in rows],
            [("2000", "1.56", ""), ("Range", "7", "9"), ("1950", "1800000", "")],
        )
        for row in rows:
            self.assertEqual(row["unit"], "ratio")
            self.assertIn("Jia Xiaobing", row["source"])
            self.assertIn("#paths-for-updating-the-rust-belt", row["source"])
            self.assertIn("CC BY 4.0", row["licence"])

    def test_svg_download_is_a_standalone_svg_file(self):
        response = self.client.get(reverse("articles:series-svg", args=[self.article.slug, "debt"]))
        self.assertEqual(response["Content-Type"], "image/svg+xml; charset=utf-8")
        self.assertIn('filename="debt-en.svg"', response["Content-Disposition"])
        root = parse(response.content.decode())
        self.assertEqual(root.find(f"{SVG}title").text, "Debt-to-equity ratio")


class StandaloneCreditsTests(TestCase):
    def test_svg_file_names_source_and_licence(self):
        article = make_article()
        series = make_series(article, make_section(article, "s"))
        response = self.client.get(reverse("articles:series-svg", args=[article.slug, series.slug]))
        texts = " ".join(t.text for t in parse(response.content.decode()).iter(f"{SVG}text"))
        self.assertIn("Source: Jia Xiaobing, ep. 89.", texts)
        self.assertIn(f"http://testserver/en/articles/{article.slug}/figures/#chart-debt", texts)
        self.assertIn("Licence: CC BY 4.0", texts)


class ReadableChartTests(TestCase):
    """Ranks as ranks, one value as a figure, nothing drawn in small print."""

    @classmethod
    def setUpTestData(cls):
        cls.article = make_article()
        cls.section = make_section(cls.article, "paths-for-updating-the-rust-belt", title="Paths for updating")

    def test_rank_is_a_dot_plot_with_rank_1_at_the_top(self):
        series = make_series(
            self.article,
            self.section,
            slug="rank",
            unit="rank",
            lower_is_better=True,
            points=(("1978", "2"), ("2017", "12")),
        )
        root = parse(Chart(series).inline())
        self.assertEqual(root.findall(f".//{SVG}rect"), [])
        dots = [float(circle.get("cy")) for circle in root.iter(f"{SVG}circle")]
        self.assertEqual(len(dots), 2)
        self.assertLess(dots[0], dots[1])  # 2nd is drawn above 12th
        texts = [t.text for t in root.iter(f"{SVG}text")]
        self.assertIn("2nd", texts)
        self.assertIn("12th", texts)
        first_tick = next(t for t in root.iter(f"{SVG}text") if t.text == "1st")
        self.assertLess(float(first_tick.get("y")), dots[0])

    def test_a_single_value_is_stated_not_drawn(self):
        make_series(
            self.article, self.section, slug="fall", unit="% of its total population", points=(("1950–2008", "58"),)
        )
        response = self.client.get(reverse("articles:figures", args=[self.article.slug]))
        figure = response.content.decode().split('id="chart-fall"', 1)[1].split("</figure>", 1)[0]
        self.assertNotIn("<svg", figure)
        self.assertIn('<span class="chart-figure-value">58%</span>', figure)
        self.assertIn("of its total population · 1950–2008", figure)

    def test_no_text_is_smaller_than_13_units_on_the_page(self):
        series = make_series(
            self.article,
            self.section,
            slug="years",
            kind="dot",
            unit="year",
            points=(("United States", "1950"), ("Germany", "1980")),
        )
        root = parse(Chart(series).inline())
        sizes = {float(group.get("font-size")) for group in root.iter() if group.get("font-size")}
        self.assertEqual(min(sizes), 13)
        self.assertEqual(root.get("viewBox").split()[2], "380")

    def test_caption_is_short_and_the_source_sentence_is_folded(self):
        make_series(self.article, self.section)
        response = self.client.get(reverse("articles:figures", args=[self.article.slug]))
        figure = response.content.decode().split('id="chart-debt"', 1)[1].split("</figure>", 1)[0]
        caption, rest = figure.split("</figcaption>", 1)
        self.assertNotIn("The ratio increased", caption)
        details = rest.split('<details class="chart-details">', 1)[1]
        self.assertIn("The ratio increased from 1.56 in 2000 to 2.3 in 2016.", details)
