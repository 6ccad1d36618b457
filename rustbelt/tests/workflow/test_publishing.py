from django.test import TestCase
from django.urls import reverse

from articles.models import Article, Status
from articles.tests.factories import make_article
from parks.models import Park
from parks.tests.factories import make_park, make_province
from publishing.testing import admin_form_data, make_staff


class ParkPublishingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.researcher = make_staff("rita", "Researchers")
        cls.editor = make_staff("eddie", "Editors")
        cls.province = make_province()

    def change_url(self, park):
        return reverse("admin:parks_park_change", args=[park.pk])

    def test_researcher_sees_published_box_disabled(self):
        park = make_park(slug="jilin-etdz", is_published=False)
        self.client.force_login(self.researcher)
        response = self.client.get(self.change_url(park))
        self.assertContains(response, "Only editors can publish.")
        self.assertNotIn("is_published", admin_form_data(response, "park_form"))

    def test_researcher_forged_publish_is_refused_and_nothing_saved(self):
        park = make_park(slug="jilin-etdz", is_published=False, city="Jilin")
        self.client.force_login(self.researcher)
        data = admin_form_data(self.client.get(self.change_url(park)), "park_form")
        data.update(is_published="on", city="Jilin City")
        response = self.client.post(self.change_url(park), data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Only editors can publish or unpublish.")
        park.refresh_from_db()
        self.assertIs(park.is_published, False)
        self.assertEqual(park.city, "Jilin")

    def test_researcher_forged_unpublish_is_refused(self):
        park = make_park(slug="jilin-etdz", is_published=True)
        self.client.force_login(self.researcher)
        data = admin_form_data(self.client.get(self.change_url(park)), "park_form")
        data["is_published"] = ""  # a checkbox that is sent but false
        response = self.client.post(self.change_url(park), {**data, "is_published": "false"})
        self.assertContains(response, "Only editors can publish or unpublish.")
        park.refresh_from_db()
        self.assertIs(park.is_published, True)

    def test_researcher_can_edit_a_published_park_without_touching_publication(self):
        park = make_park(slug="jilin-etdz", is_published=True)
        self.client.force_login(self.researcher)
        data = admin_form_data(self.client.get(self.change_url(park)), "park_form")
        response = self.client.post(self.change_url(park), {**data, "city": "Jilin City"})
        self.assertRedirects(response, reverse("admin:parks_park_changelist"))
        park.refresh_from_db()
        self.assertEqual((park.city, park.is_published), ("Jilin City", True))

    def test_researchers_new_park_starts_unpublished(self):
        self.client.force_login(self.researcher)
        data = admin_form_data(self.client.get(reverse("admin:parks_park_add")), "park_form")
        data.update(name_en="Changchun New Area", slug="changchun-new-area", province=self.province.pk)
        response = self.client.post(reverse("admin:parks_park_add"), data)
        self.assertRedirects(response, reverse("admin:parks_park_changelist"))
        self.assertIs(Park.objects.get(slug="changchun-new-area").is_published, False)

    def test_editor_can_publish(self):
        park = make_park(slug="jilin-etdz", is_published=False)
        self.client.force_login(self.editor)
        data = admin_form_data(self.client.get(self.change_url(park)), "park_form")
        response = self.client.post(self.change_url(park), {**data, "is_published": "on"})
        self.assertRedirects(response, reverse("admin:parks_park_changelist"))
        park.refresh_from_db()
        self.assertIs(park.is_published, True)
        self.assertEqual(self.client.get(park.get_absolute_url()).status_code, 200)


class ArticlePublishingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.researcher = make_staff("rita", "Researchers")
        cls.editor = make_staff("eddie", "Editors")

    def change_url(self, article):
        return reverse("admin:articles_article_change", args=[article.pk])

    def test_researcher_can_ask_for_review_but_not_publish(self):
        article = make_article(status=Status.DRAFT)
        self.client.force_login(self.researcher)
        response = self.client.get(self.change_url(article))
        self.assertNotContains(response, '<option value="published"')
        data = admin_form_data(response, "article_form")
        response = self.client.post(self.change_url(article), {**data, "status": Status.IN_REVIEW})
        self.assertRedirects(response, reverse("admin:articles_article_changelist"))
        article.refresh_from_db()
        self.assertEqual(article.status, Status.IN_REVIEW)

    def test_researcher_forged_published_status_is_refused(self):
        article = make_article(status=Status.IN_REVIEW)
        self.client.force_login(self.researcher)
        data = admin_form_data(self.client.get(self.change_url(article)), "article_form")
        response = self.client.post(self.change_url(article), {**data, "status": Status.PUBLISHED})
        self.assertContains(response, "Only editors can publish or unpublish.")
        article.refresh_from_db()
        self.assertEqual(article.status, Status.IN_REVIEW)
        self.assertEqual(self.client.get(article.get_absolute_url()).status_code, 200)  # staff preview
        self.client.logout()
        self.assertEqual(self.client.get(article.get_absolute_url()).status_code, 404)

    def test_editor_publishes(self):
        article = make_article(status=Status.IN_REVIEW)
        self.client.force_login(self.editor)
        data = admin_form_data(self.client.get(self.change_url(article)), "article_form")
        response = self.client.post(self.change_url(article), {**data, "status": Status.PUBLISHED})
        self.assertRedirects(response, reverse("admin:articles_article_changelist"))
        article = Article.objects.get(pk=article.pk)
        self.assertEqual(article.status, Status.PUBLISHED)
        self.assertIsNotNone(article.published_at)
        self.client.logout()
        self.assertEqual(self.client.get(article.get_absolute_url()).status_code, 200)
