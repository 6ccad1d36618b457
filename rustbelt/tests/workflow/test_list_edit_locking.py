"""Editing from an admin list (list_editable) never overwrites someone else's newer save."""

from django.db.models import F
from django.test import TestCase
from django.urls import reverse

from articles.models import Section
from articles.tests.factories import make_article, make_section
from parks.models import OfficialCount
from parks.tests.factories import make_official_count
from publishing.testing import admin_form_data, make_staff


def someone_else_saves(model, pk, **values):
    # What another researcher's admin save leaves behind: new values and a raised version.
    model.objects.filter(pk=pk).update(version=F("version") + 1, **values)


class ListEditLockingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.researcher = make_staff("rita", "Researchers")
        cls.etdz = make_official_count("etdz", "national", 8)
        cls.htz = make_official_count("htz", "national", 5, label="national high-tech zones")

    def setUp(self):
        self.client.force_login(self.researcher)
        self.url = reverse("admin:parks_officialcount_changelist")

    def open_list(self):
        data = admin_form_data(self.client.get(self.url), form_id="changelist-form")
        data["_save"] = "Save"
        return data

    def row(self, data, count):
        return next(key[: -len("-id")] for key, value in data.items() if key.endswith("-id") and value == str(count.pk))

    def test_another_rows_newer_save_is_kept(self):
        data = self.open_list()
        someone_else_saves(OfficialCount, self.htz.pk, count=6)
        data[f"{self.row(data, self.etdz)}-count"] = "9"
        response = self.client.post(self.url, data)
        self.assertRedirects(response, self.url)
        self.assertEqual(OfficialCount.objects.get(pk=self.etdz.pk).count, 9)
        self.assertEqual(OfficialCount.objects.get(pk=self.htz.pk).count, 6)

    def test_editing_a_row_saved_meanwhile_is_refused_with_a_message(self):
        data = self.open_list()
        someone_else_saves(OfficialCount, self.htz.pk, count=6)
        data[f"{self.row(data, self.htz)}-count"] = "7"
        data[f"{self.row(data, self.etdz)}-count"] = "9"
        response = self.client.post(self.url, data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "while you were editing it, so your changes were NOT saved")
        self.assertContains(response, "national high-tech zones")
        self.assertEqual(OfficialCount.objects.get(pk=self.htz.pk).count, 6)
        self.assertEqual(OfficialCount.objects.get(pk=self.etdz.pk).count, 8)  # nothing of the list was saved

    def test_an_unchanged_list_saves_cleanly(self):
        response = self.client.post(self.url, self.open_list())
        self.assertRedirects(response, self.url)


class SectionOrderLockingTests(TestCase):
    def test_reordering_keeps_a_newer_save_of_another_section(self):
        article = make_article()
        first = make_section(article, "first", order=1)
        second = make_section(article, "second", order=2)
        self.client.force_login(make_staff("rita", "Researchers"))
        url = reverse("admin:articles_section_changelist")
        data = admin_form_data(self.client.get(url), form_id="changelist-form")
        data["_save"] = "Save"
        someone_else_saves(Section, second.pk, order=5)
        prefix = next(
            key[: -len("-id")] for key, value in data.items() if key.endswith("-id") and value == str(first.pk)
        )
        data[f"{prefix}-order"] = "3"
        self.assertRedirects(self.client.post(url, data), url)
        self.assertEqual(Section.objects.get(pk=first.pk).order, 3)
        self.assertEqual(Section.objects.get(pk=second.pk).order, 5)
