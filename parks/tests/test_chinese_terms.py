"""Labels chosen per record, as the glossary says: an autonomous region has a 首府, a province a 省会; a zone
upgraded after its founding has an "upgrade" year, a zone national from the start does not."""

from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from parks.models import Province
from parks.tests.factories import cite_every_fact, make_park, make_source


def get(client, name, *args, language="zh-hans"):
    with translation.override(language):
        return client.get(reverse(name, args=args))


class CapitalTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        inner_mongolia = Province.objects.create(
            slug="inner-mongolia",
            name_en="Inner Mongolia",
            name_zh="内蒙古自治区",
            capital="Hohhot",
            capital_zh="呼和浩特",
        )
        jilin = Province.objects.create(
            slug="jilin", name_en="Jilin", name_zh="吉林省", capital="Changchun", capital_zh="长春"
        )
        # A province's page lists its published zones.
        make_park("Hohhot ETDZ", province=inner_mongolia)
        make_park("Jilin ETDZ", province=jilin)

    def test_an_autonomous_region_names_its_shoufu(self):
        response = get(self.client, "parks:province", "inner-mongolia")
        self.assertContains(response, "首府：呼和浩特")
        self.assertNotContains(response, "省会")

    def test_a_province_names_its_shenghui(self):
        self.assertContains(get(self.client, "parks:province", "jilin"), "省会：长春")

    def test_english_says_capital_for_both(self):
        self.assertContains(
            get(self.client, "parks:province", "inner-mongolia", language="en"), "Regional capital: Hohhot"
        )
        self.assertContains(get(self.client, "parks:province", "jilin", language="en"), "Capital: Changchun")


class NationalYearLabelTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        source = make_source()
        cite_every_fact(make_park("Jilin ETDZ", slug="upgraded", established_year=1998, national_year=2010), source)
        cite_every_fact(
            make_park("Daqing HTZ", slug="national-from-start", established_year=1992, national_year=1992), source
        )

    def test_a_zone_upgraded_after_its_founding_has_an_upgrade_year(self):
        response = get(self.client, "parks:detail", "upgraded")
        self.assertContains(response, "<dt>升级为国家级年份</dt>", html=True)
        self.assertContains(response, "<dt>批准设立年份</dt>", html=True)

    def test_a_zone_national_from_the_start_is_never_said_to_be_upgraded(self):
        response = get(self.client, "parks:detail", "national-from-start")
        self.assertContains(response, "<dt>获批国家级年份</dt>", html=True)
        self.assertNotContains(response, "升级为国家级")
        english = get(self.client, "parks:detail", "national-from-start", language="en")
        self.assertContains(english, "<dt>Year approved at national level</dt>", html=True)
        self.assertNotContains(english, "raised to national level")
