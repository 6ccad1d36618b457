from decimal import Decimal

from django.test import Client, TestCase
from django.urls import reverse

from articles.tests.factories import make_article, make_section
from parks.models import Park
from parks.tests.factories import make_park
from publishing.testing import admin_form_data, make_staff


def open_form(user, url, form_id):
    """A researcher's own browser session with the admin form open: (client, form data)."""
    client = Client()
    client.force_login(user)
    return client, admin_form_data(client.get(url), form_id)


class ParkOptimisticLockingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.rita = make_staff("rita", "Researchers")
        cls.ravi = make_staff("ravi", "Researchers")

    def test_second_save_from_a_stale_form_is_refused_with_what_changed(self):
        park = make_park(slug="jilin-etdz", city="Jilin", area_km2="20.40")
        url = reverse("admin:parks_park_change", args=[park.pk])
        first, first_data = open_form(self.rita, url, "park_form")
        second, second_data = open_form(self.ravi, url, "park_form")

        response = first.post(url, {**first_data, "city": "Jilin City", "area_km2": "21.00"})
        self.assertRedirects(response, reverse("admin:parks_park_changelist"))

        response = second.post(url, {**second_data, "city": "Jilin (overwritten)"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "rita saved this park")
        self.assertContains(response, "your changes were NOT saved")
        self.assertContains(response, "city: Jilin → Jilin City")
        self.assertContains(response, "21.00")
        park.refresh_from_db()
        self.assertEqual((park.city, park.area_km2, park.version), ("Jilin City", Decimal("21"), 2))

    def test_reloading_after_a_refusal_lets_the_edit_through(self):
        park = make_park(slug="jilin-etdz", city="Jilin")
        url = reverse("admin:parks_park_change", args=[park.pk])
        first, first_data = open_form(self.rita, url, "park_form")
        second, second_data = open_form(self.ravi, url, "park_form")
        first.post(url, {**first_data, "city": "Jilin City"})
        second.post(url, {**second_data, "notes": "Checked against the 2010 letter."})
        fresh = admin_form_data(second.get(url), "park_form")
        response = second.post(url, {**fresh, "notes": "Checked against the 2010 letter."})
        self.assertRedirects(response, reverse("admin:parks_park_changelist"))
        park.refresh_from_db()
        self.assertEqual((park.city, park.notes, park.version), ("Jilin City", "Checked against the 2010 letter.", 3))

    def test_form_without_a_version_is_refused(self):
        park = make_park(slug="jilin-etdz", city="Jilin")
        url = reverse("admin:parks_park_change", args=[park.pk])
        client, data = open_form(self.rita, url, "park_form")
        del data["base_version"]
        response = client.post(url, {**data, "city": "Elsewhere"})
        self.assertContains(response, "your changes were NOT saved")
        self.assertEqual(Park.objects.get(pk=park.pk).city, "Jilin")

    def test_loader_style_saves_keep_working(self):
        park = make_park(slug="jilin-etdz", city="Jilin")
        park.city = "Jilin City"
        park.save()  # load_content and scripts save without a version check
        self.assertEqual(Park.objects.get(pk=park.pk).city, "Jilin City")


class SectionInlineLockingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.rita = make_staff("rita", "Researchers")
        cls.ravi = make_staff("ravi", "Researchers")

    def test_stale_section_in_the_article_form_is_refused(self):
        article = make_article()
        section = make_section(article, body="Original text.")
        url = reverse("admin:articles_article_change", args=[article.pk])
        first, first_data = open_form(self.rita, url, "article_form")
        second, second_data = open_form(self.ravi, url, "article_form")
        self.assertEqual(first_data["sections-0-body"], "Original text.")

        response = first.post(url, {**first_data, "sections-0-body": "Rita's text."})
        self.assertRedirects(response, reverse("admin:articles_article_changelist"))
        response = second.post(url, {**second_data, "sections-0-body": "Ravi's text."})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "rita saved this section")
        self.assertContains(response, "Original text. → Rita&#x27;s text.")
        section.refresh_from_db()
        self.assertEqual(section.body, "Rita's text.")

    def test_section_change_form_is_locked_too(self):
        article = make_article()
        section = make_section(article, title="Major rust belts")
        url = reverse("admin:articles_section_change", args=[section.pk])
        first, first_data = open_form(self.rita, url, "section_form")
        second, second_data = open_form(self.ravi, url, "section_form")
        first.post(url, {**first_data, "title_en": "Major rust belts in the world"})
        response = second.post(url, {**second_data, "title_en": "Rust belts"})
        self.assertContains(response, "title: Major rust belts → Major rust belts in the world")
        section.refresh_from_db()
        self.assertEqual(section.title_en, "Major rust belts in the world")
