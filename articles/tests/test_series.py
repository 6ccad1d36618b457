import re
from decimal import Decimal

from django.test import TestCase

from articles.content.series import load_series, normalize_text, section_stating
from articles.models import DataPoint, DataSeries
from articles.tests.factories import make_article, make_section
from publishing.loading import LoadReport
from publishing.testing import load_shipped_content

# Where the brief says each series' numbers are stated (the top-level section).
EXPECTED_SECTIONS = {
    "detroit-population": "major-rust-belts-in-the-world",
    "detroit-population-fall": "major-rust-belts-in-the-world",
    "industrialization-completed": "major-rust-belts-in-the-world",
    "liaoning-gdp-rank": "industrial-real-estate-park-development-in-chinas-rust-belt",
    "northeast-share-of-china": "industrial-real-estate-park-development-in-chinas-rust-belt",
    "northeast-zone-counts": "industrial-real-estate-park-development-in-the-northeast-rust-belt",
    "liaoning-debt-to-equity": "paths-for-updating-the-rust-belt",
    "liaoning-industrial-investment": "paths-for-updating-the-rust-belt",
    "liaoning-heavy-industry-share": "paths-for-updating-the-rust-belt",
}
ORDINAL_WORDS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth"}


def textual_forms(value, unit):
    """The ways an article can write this number: 1.56, 1,800,000, 1.8 million, 64.5%, 2nd, second."""
    value = Decimal(value).normalize()
    plain = format(value, "f")
    forms = {plain}
    if value == value.to_integral_value():
        whole = int(value)
        forms.add(f"{whole:,}")
        if whole >= 1_000_000:
            forms.add(f"{format((value / 1_000_000).normalize(), 'f')} million")
        if unit == "rank":
            suffix = {1: "st", 2: "nd", 3: "rd"}.get(whole % 10 if whole not in (11, 12, 13) else 0, "th")
            forms |= {f"{whole}{suffix}", ORDINAL_WORDS.get(whole, f"{whole}{suffix}")}
    if unit.startswith("%"):
        forms = {f"{form}%" for form in forms}
    return forms


def states(sentence, form):
    # The number stands alone: "1" must not match inside "114" or "1.56".
    return re.search(rf"(?<![\d.,]){re.escape(form)}(?![\d]|[.,]\d)", sentence) is not None


class ShippedSeriesMatchTheArticleTests(TestCase):
    """Every shipped number equals the number in the article's own text, as loaded by load_content."""

    @classmethod
    def setUpTestData(cls):
        load_shipped_content()
        cls.series = list(DataSeries.objects.for_charts().select_related("section__parent"))

    def test_every_listed_series_is_loaded(self):
        self.assertEqual(sorted(s.slug for s in self.series), sorted(EXPECTED_SECTIONS))
        self.assertEqual(DataPoint.objects.count(), 26)

    def test_source_sentence_is_in_the_body_of_the_linked_section(self):
        for series in self.series:
            with self.subTest(series.slug):
                self.assertIsNotNone(series.section)
                self.assertIn(normalize_text(series.source_sentence), normalize_text(series.section.body))
                top = series.section.parent or series.section
                self.assertEqual(top.slug, EXPECTED_SECTIONS[series.slug])

    def test_every_value_is_written_in_its_source_sentence(self):
        for series in self.series:
            sentence = normalize_text(series.source_sentence)
            for point in series.points.all():
                for value in filter(None, (point.value, point.value_high)):
                    with self.subTest(series=series.slug, point=point.label, value=value):
                        forms = textual_forms(value, series.unit)
                        self.assertTrue(any(states(sentence, form) for form in forms), f"none of {forms}")
                # Quoted notes are the article's words too.
                for quote in re.findall(r"“([^”]+)”", point.note):
                    self.assertIn(normalize_text(quote), sentence)
                if re.fullmatch(r"\d{4}", point.label):
                    self.assertTrue(states(sentence, point.label), point.label)

    def test_values_as_stated(self):
        values = {(p.series.slug, p.label): (p.value, p.value_high) for p in DataPoint.objects.select_related("series")}
        D = Decimal
        self.assertEqual(values["detroit-population", "1950"], (D("1800000"), None))
        self.assertEqual(values["detroit-population", "Today"], (D("700000"), None))
        self.assertEqual(values["detroit-population-fall", "1950–2008"], (D("58"), None))
        self.assertEqual(values["liaoning-gdp-rank", "2017"], (D("12"), None))
        self.assertEqual(values["liaoning-debt-to-equity", "National average, 2016"], (D("1.61"), None))
        self.assertEqual(values["liaoning-industrial-investment", "2010"], (D("7302.59"), None))
        self.assertEqual(values["northeast-share-of-china", "Total output value"], (D("12"), D("14")))
        self.assertEqual(values["northeast-zone-counts", "Provincial economic industrial parks"], (D("114"), None))


class TextualFormTests(TestCase):
    def test_forms(self):
        self.assertIn("1.8 million", textual_forms("1800000", "people"))
        self.assertIn("700,000", textual_forms("700000", "people"))
        self.assertIn("second", textual_forms("2", "rank"))
        self.assertIn("12th", textual_forms("12", "rank"))
        self.assertEqual(textual_forms("64.5", "% of output value"), {"64.5%"})
        self.assertFalse(states("there are 114 parks", "1"))
        self.assertFalse(states("from 1.56 in 2000", "1"))
        self.assertTrue(states("and 1 national-level zone", "1"))


class SeriesLoaderTests(TestCase):
    def setUp(self):
        self.article = make_article()
        self.paths = make_section(self.article, "paths-for-updating-the-rust-belt", body="Intro.")

    def load(self, force=False):
        report = LoadReport()
        load_series(report, force=force)
        return report

    def test_without_the_article_nothing_is_loaded(self):
        self.article.delete()
        self.assertFalse(self.load().changed_anything)
        self.assertEqual(DataSeries.objects.count(), 0)

    def test_idempotent(self):
        first = self.load()
        self.assertEqual(len(first.created), 9 + 26)
        second = self.load()
        self.assertFalse(second.changed_anything)
        self.assertEqual(len(second.unchanged), 9 + 26)

    def test_admin_edits_are_kept_unless_forced(self):
        self.load()
        point = DataPoint.objects.get(series__slug="liaoning-debt-to-equity", label="Liaoning, 2016")
        point.value = Decimal("2.4")
        point.save()
        self.assertEqual(len(self.load().kept), 1)
        point.refresh_from_db()
        self.assertEqual(point.value, Decimal("2.4"))
        self.load(force=True)
        point.refresh_from_db()
        self.assertEqual(point.value, Decimal("2.3"))

    def test_links_the_deepest_section_containing_the_sentence(self):
        sentence = (
            "In 1999, the proportion of heavy industry output value was 64.5%, reaching a new high of 83.5% in 2004, "
            "and returning to 80.5% in 2010."
        )
        wrapped = sentence.replace("64.5%, ", "64.5%,\n")  # Markdown may wrap lines
        co_city = make_section(self.article, "co-city", parent=self.paths, body=f"Some text.\n\n{wrapped} More.")
        self.load()
        self.assertEqual(DataSeries.objects.get(slug="liaoning-heavy-industry-share").section, co_city)
        # Not stated anywhere: the configured section is the fallback.
        self.assertEqual(DataSeries.objects.get(slug="liaoning-debt-to-equity").section, self.paths)

    def test_section_stating_matches_curly_and_straight_quotes(self):
        section = make_section(self.article, "s1", body='He said "first son of the republic," then left.')
        self.assertEqual(section_stating([section], "He said “first son of the republic,” then left.", "x"), section)
