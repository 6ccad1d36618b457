"""What shared caches may keep (Cache-Control), conditional GETs, and one content generation per save."""

from email.utils import parsedate_to_datetime
from unittest import mock

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.test import TestCase
from django.urls import reverse
from django.utils.http import http_date

from articles.models import Section
from articles.tests.factories import make_article, make_section
from parks.models import Industry
from parks.tests.factories import make_park, make_province
from publishing import generation
from publishing.models import ContentGeneration
from publishing.testing import admin_form_data, make_superuser


def article_with_a_section(**fields):
    article = make_article(title=fields.pop("title", "Revitalization"), slug="revitalization", **fields)
    make_section(article, "major", title="Major rust belts", body="The Ruhr.", order=1)
    return article


class CacheControlTests(TestCase):
    def setUp(self):
        self.url = article_with_a_section().get_absolute_url()

    def test_anonymous_public_pages_may_be_kept_a_few_seconds_by_any_cache(self):
        for url in (self.url, reverse("home"), reverse("parks:list") + "?view=table", reverse("search") + "?q=ruhr"):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
                self.assertEqual(cache_control, {"public", f"max-age={settings.PUBLIC_PAGE_MAX_AGE}"})
                self.assertFalse(response.cookies)

    def test_each_page_says_what_it_shows_anew(self):
        self.assertContains(self.client.get(self.url), "Major rust belts")
        Section.objects.update(title="Rust belts of the world")  # no signal: Django renders every request
        self.assertContains(self.client.get(self.url), "Rust belts of the world")

    def test_signed_in_pages_are_kept_by_no_cache(self):
        self.client.force_login(get_user_model().objects.create_user("editor", is_staff=True))
        for url in (self.url, reverse("parks:list"), reverse("admin:index")):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertIn("private", response["Cache-Control"])
                self.assertIn("no-store", response["Cache-Control"])
                self.assertFalse(response.has_header("Last-Modified"))

    def test_a_page_with_a_csrf_token_is_private(self):
        response = self.client.get(reverse("admin:login"))
        self.assertContains(response, "csrfmiddlewaretoken")
        self.assertIn("private", response["Cache-Control"])

    def test_a_page_that_follows_the_language_cookie_is_private(self):
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
        response = self.client.get(reverse("data:index"))
        self.assertEqual(response.status_code, 200)
        self.assertIn("private", response["Cache-Control"])

    def test_posts_get_no_cache_control_of_their_own(self):
        response = self.client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
        self.assertNotIn("public", response.get("Cache-Control", ""))


class ConditionalGetTests(TestCase):
    def setUp(self):
        self.article = article_with_a_section()
        self.url = self.article.get_absolute_url()

    def test_etag_gives_304(self):
        etag = self.client.get(self.url)["ETag"]
        response = self.client.get(self.url, headers={"if-none-match": etag})
        self.assertEqual(response.status_code, 304)
        self.assertEqual(response.content, b"")

    def test_last_modified_is_the_content_generation_and_moves_with_a_save(self):
        last_modified = self.client.get(self.url)["Last-Modified"]
        self.assertEqual(last_modified, http_date(generation.current_generation().changed_at))
        self.assertEqual(self.client.get(self.url, headers={"if-modified-since": last_modified}).status_code, 304)
        section = self.article.sections.get()
        section.body = "The Ruhr and Pittsburgh."
        section.save()
        response = self.client.get(self.url, headers={"if-modified-since": last_modified})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Pittsburgh")
        self.assertGreater(parsedate_to_datetime(response["Last-Modified"]), parsedate_to_datetime(last_modified))

    def test_saves_within_one_second_still_move_last_modified(self):
        first = generation.current_generation().changed_at
        generation.invalidate()
        generation.invalidate()
        self.assertEqual(generation.current_generation().changed_at, first + 2)

    def test_old_if_modified_since_gets_the_page(self):
        response = self.client.get(self.url, headers={"if-modified-since": http_date(0)})
        self.assertEqual(response.status_code, 200)


class OneGenerationPerSaveTests(TestCase):
    def setUp(self):
        self.park = make_park("Siping ETDZ", province=make_province("jilin", name_en="Jilin"))
        self.client.force_login(make_superuser())

    def advances_during(self, action):
        with mock.patch.object(
            ContentGeneration.objects, "advance", wraps=ContentGeneration.objects.advance
        ) as advance:
            action()
        return advance.call_count

    def test_an_admin_save_starts_one_new_generation(self):
        url = reverse("admin:parks_park_change", args=[self.park.pk])
        data = admin_form_data(self.client.get(url), "park_form")
        # The record, its history record and its links (industries) each send signals.
        industry = Industry.objects.create(name="Automotive", name_zh="汽车", slug="automotive")
        data.update(name_en="Siping Economic Zone", industries=[str(industry.pk)])
        response = None

        def save():
            nonlocal response
            response = self.client.post(url, data)

        self.assertEqual(self.advances_during(save), 1)
        self.assertEqual(response.status_code, 302)
        self.park.refresh_from_db()
        self.assertEqual(self.park.name_en, "Siping Economic Zone")
        self.assertEqual(list(self.park.industries.all()), [industry])

    def test_a_save_outside_the_site_starts_one_new_generation(self):
        self.park.name_en = "Siping Economic Zone"
        self.assertEqual(self.advances_during(self.park.save), 1)

    def test_a_post_that_saves_no_content_starts_none(self):
        post = lambda: self.client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})  # noqa: E731
        self.assertEqual(self.advances_during(post), 0)


class ResetBetweenTestsTests(TestCase):
    def test_reset_between_tests_empties_the_cache(self):
        before = generation.current_generation()
        cache.set("unrelated", 1)
        generation.reset_for_test()
        self.assertNotEqual(generation.current_generation().token, before.token)
        if isinstance(caches["default"], LocMemCache):
            self.assertIsNone(cache.get("unrelated"))  # A shared Redis keeps other programs' keys.
