"""Numbers and dates as each language writes them; years and machine-read values never localized."""

import csv
import io
from datetime import UTC, datetime

from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from parks.models import Park
from parks.tests.factories import cite_every_fact, make_official_count, make_park, make_source


def url(language, name, *args):
    with translation.override(language):
        return reverse(name, args=args)


class LocaleFormatTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.park = make_park(slug="jilin-etdz", established_year=1992, area_km2="1234.50")
        cite_every_fact(cls.park, make_source())  # a fact is shown only with its source
        Park.objects.filter(pk=cls.park.pk).update(updated_at=datetime(2026, 11, 29, 12, 0, tzinfo=UTC))
        # A count large enough to need grouping (test data, not the article's figure).
        make_official_count(count=10045)

    def test_counts_are_grouped_in_both_languages(self):
        for language in ("en", "zh-hans"):
            with self.subTest(language=language):
                response = self.client.get(url(language, "parks:coverage"))
                self.assertContains(response, '<span class="official-count">10,045</span>', html=True)
                self.assertNotContains(response, "10045")

    def test_the_catalogue_groups_its_number_of_parks(self):
        province = self.park.province
        Park.objects.bulk_create(
            Park(
                name_en=f"Zone {number}",
                slug=f"zone-{number}",
                province=province,
                zone_type="etdz",
                level="national",
                is_published=True,
            )
            for number in range(1233)
        )
        for language, found, download in (
            ("en", "<strong>1,234</strong> parks found.", "Download these 1,234 parks:"),
            ("zh-hans", "找到 <strong>1,234</strong> 个园区。", "下载这 1,234 个园区："),
        ):
            with self.subTest(language=language):
                response = self.client.get(url(language, "parks:list"))
                self.assertContains(response, found)
                self.assertContains(response, download)

    def test_dates_follow_the_language_and_years_stay_plain(self):
        for language, shown in (("en", "Nov. 29, 2026"), ("zh-hans", "2026年11月29日")):
            with self.subTest(language=language):
                response = self.client.get(url(language, "parks:detail", "jilin-etdz"))
                self.assertContains(response, f'<time datetime="2026-11-29">{shown}</time>', html=True)
                self.assertContains(response, "1992")
                self.assertNotContains(response, "1,992")

    def test_downloads_keep_machine_readable_numbers(self):
        for language in ("en", "zh-hans"):
            with self.subTest(language=language):
                response = self.client.get(url(language, "parks:export-csv"))
                content = b"".join(response.streaming_content).decode("utf-8-sig")
                rows = list(csv.reader(io.StringIO(content)))
                values = set(rows[1])
                self.assertIn("1992", values)
                self.assertTrue({"1234.5", "1234.50"} & values, rows[1])
