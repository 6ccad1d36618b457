from decimal import Decimal

from django.core.exceptions import ValidationError
from django.test import TestCase
from django.utils import timezone

from parks.models import Park
from parks.tests.factories import make_park


class ParkValidationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.saved = make_park()

    def errors(self, **fields):
        park = Park.objects.get(pk=self.saved.pk)
        for name, value in fields.items():
            setattr(park, name, value)
        with self.assertRaises(ValidationError) as raised:
            park.full_clean()
        return raised.exception.message_dict

    def test_years_outside_1980_to_now_are_rejected(self):
        next_year = timezone.now().year + 1
        errors = self.errors(established_year=1970, national_year=next_year)
        self.assertEqual(errors["established_year"], [f"Enter a year between 1980 and {next_year - 1}."])
        self.assertIn("national_year", errors)

    def test_national_year_before_establishment_is_rejected(self):
        errors = self.errors(established_year=2005, national_year=2000)
        self.assertEqual(
            errors["national_year"], ["A zone cannot be raised to national level before it was established."]
        )

    def test_area_must_be_positive(self):
        self.assertEqual(self.errors(area_km2=0)["area_km2"], ["The area must be a positive number of km²."])

    def test_coordinates_must_be_in_the_northeast_and_come_in_pairs(self):
        self.assertIn("latitude", self.errors(latitude=10, longitude=125))
        self.assertEqual(self.errors(latitude=43)["longitude"], ["Give both latitude and longitude, or neither."])

    def test_a_valid_park_passes(self):
        park = Park.objects.get(pk=self.saved.pk)
        park.established_year, park.national_year, park.area_km2 = 1998, 2010, Decimal("20.4")
        park.latitude, park.longitude = Decimal("43.84"), Decimal("126.55")
        park.full_clean()
        self.assertIs(park.has_coordinates, True)


class ParkQuerySetTests(TestCase):
    def test_search_matches_both_languages_article_name_and_city(self):
        park = make_park(
            name_zh="吉林经济技术开发区", article_name="Jilin Economic and Technological Industrial Park", city="Jilin"
        )
        for text in ("吉林", "industrial park", "jilin", "economic and"):
            with self.subTest(text=text):
                self.assertEqual(list(Park.objects.search(text)), [park])
        self.assertEqual(list(Park.objects.search("Harbin")), [])
