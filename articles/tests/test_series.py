import re
from decimal import Decimal
from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from articles.content.series import load_series, normalize_text, section_stating
from articles.models import DataPoint, DataSeries
from articles.tests.story_factories import ARTICLE_SLUG, make_article, make_section
from rustbelt.loading import LoadReport

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
        sentence = "In 1999, the proportion of heavy industry output value was 64.5%, reaching a new high of 83.5% in 2004, and returning to 80.5% in 2010."
        wrapped = sentence.replace("64.5%, ", "64.5%,\n")  # Markdown may wrap lines
        co_city = make_section(self.article, "co-city", parent=self.paths, body=f"Some text.\n\n{wrapped} More.")
        self.load()
        self.assertEqual(DataSeries.objects.get(slug="liaoning-heavy-industry-share").section, co_city)
        # Not stated anywhere: the configured section is the fallback.
        self.assertEqual(DataSeries.objects.get(slug="liaoning-debt-to-equity").section, self.paths)

    def test_section_stating_matches_curly_and_straight_quotes(self):
        section = make_section(self.article, "s1", body="He said \"first son of the republic,\" then left.")
        self.assertEqual(section_stating([section], "He said “first son of the republic,” then left.", "x"), section)
