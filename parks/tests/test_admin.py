from django.contrib.auth.models import Permission
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parks.models import Park
from parks.tests.factories import make_industry, make_park, make_path, make_province
from publishing.testing import make_staff, make_superuser


class ParkAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = make_superuser()
        cls.province = make_province()
        cls.path = make_path()
        cls.park = make_park(name_zh="吉林经济技术开发区", path=cls.path, city="Jilin")
        make_park("Daqing HTZ", slug="daqing-htz", name_zh="大庆高新技术产业开发区")

    def setUp(self):
        self.client.force_login(self.admin)

    def test_changelist_shows_columns_and_searches_chinese(self):
        response = self.client.get(reverse("admin:parks_park_changelist") + "?q=吉林")
        self.assertContains(response, "吉林经济技术开发区")
        self.assertNotContains(response, "大庆高新技术产业开发区")
        self.assertContains(response, "Urbanization")

    def test_changelist_query_count_does_not_grow_with_parks(self):
        # Session, user, count, filtered count, page with province and path, and the list filters' choices.
        url = reverse("admin:parks_park_changelist")
        self.client.get(url)
        with CaptureQueriesContext(connection) as few:
            self.client.get(url)
        for number in range(20):
            make_park(f"Extra park {number}", path=self.path)
        with self.assertNumQueries(len(few.captured_queries)):
            self.client.get(url)

    def test_bulk_unpublish_and_publish_with_a_message(self):
        url = reverse("admin:parks_park_changelist")
        ids = [str(pk) for pk in Park.objects.values_list("pk", flat=True)]
        response = self.client.post(url, {"action": "unpublish", "_selected_action": ids}, follow=True)
        self.assertContains(response, "2 parks unpublished.")
        self.assertFalse(Park.objects.filter(is_published=True).exists())
        response = self.client.post(url, {"action": "publish", "_selected_action": ids[:1]}, follow=True)
        self.assertContains(response, "1 park published.")
        self.assertEqual(Park.objects.filter(is_published=True).count(), 1)
        # Each change is in the park's history.
        self.assertEqual(self.park.history.filter(is_published=False).count(), 1)

    def test_bulk_publishing_needs_the_publish_permission(self):
        researcher = make_staff()
        researcher.user_permissions.add(
            *Permission.objects.filter(codename__in=["view_park", "change_park"], content_type__app_label="parks")
        )
        self.client.force_login(researcher)
        url = reverse("admin:parks_park_changelist")
        self.assertNotContains(self.client.get(url), "Unpublish the selected parks")
        self.client.post(url, {"action": "unpublish", "_selected_action": [self.park.pk]})
        self.assertIs(Park.objects.get(pk=self.park.pk).is_published, True)

    def valid_park_form(self, **overrides):
        data = {
            "name_en": "Siping Hongzui ETDZ",
            "name_zh": "四平红嘴经济技术开发区",
            "article_name": "",
            "slug": "siping-hongzui-etdz",
            "province": self.province.pk,
            "city": "Siping",
            "zone_type": "etdz",
            "level": "national",
            "path": "",
            "established_year": "",
            "national_year": "2010",
            "area_km2": "",
            "area_note": "",
            "latitude": "43.17",
            "longitude": "124.35",
            "coord_note": "",
            "industries": [make_industry().pk],
            "description": "",
            "photo_alt": "",
            "confidence": "medium",
            "notes": "",
            "is_published": "on",
        }
        data.update(overrides)
        return data

    def test_adding_a_valid_park(self):
        response = self.client.post(reverse("admin:parks_park_add"), self.valid_park_form())
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Park.objects.get(slug="siping-hongzui-etdz").industries.count(), 1)

    def test_invalid_park_shows_the_models_messages_and_saves_nothing(self):
        form = self.valid_park_form(established_year="2015", national_year="2010", area_km2="-3", latitude="10")
        response = self.client.post(reverse("admin:parks_park_add"), form)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "A zone cannot be raised to national level before it was established.")
        self.assertContains(response, "The area must be a positive number of km²")
        self.assertContains(response, "Ensure this value is greater than or equal to 37.")
        self.assertFalse(Park.objects.filter(slug="siping-hongzui-etdz").exists())

    def test_other_catalogue_admins_load(self):
        for name in ("province", "developmentpath", "industry", "source", "officialcount"):
            with self.subTest(model=name):
                self.assertEqual(self.client.get(reverse(f"admin:parks_{name}_changelist")).status_code, 200)
                self.assertEqual(self.client.get(reverse(f"admin:parks_{name}_add")).status_code, 200)
