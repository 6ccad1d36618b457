import os
from email.utils import parsedate_to_datetime
from unittest import mock

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.http import HttpResponse
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils.http import http_date

from articles.models import Article, Section, Status
from articles.tests.factories import make_article, make_section
from rustbelt.cache import PublicPageCacheMiddleware, is_cacheable_request
from publishing import generation


def article_with_a_section(**fields):
    article = make_article(title=fields.pop("title", "Revitalization"), slug="revitalization", **fields)
    make_section(article, "major", title="Major rust belts", body="The Ruhr.", order=1)
    return article


def fail(*args, **kwargs):
    raise AssertionError("a cached page ran this middleware")


@override_settings(PAGE_CACHE_SECONDS=600)
class PublicPageCacheTests(TestCase):
    def setUp(self):
        self.article = article_with_a_section()
        self.url = self.article.get_absolute_url()

    def test_second_anonymous_visit_is_served_from_the_cache(self):
        self.assertContains(self.client.get(self.url), "Major rust belts")
        # Only the content generation is read (from the database, so every worker agrees on it).
        with self.assertNumQueries(1):
            response = self.client.get(self.url)
        self.assertContains(response, "Major rust belts")

    def test_a_researchers_save_shows_at_once(self):
        self.client.get(self.url)
        section = self.article.sections.get()
        section.title = "Rust belts of the world"
        section.save()
        response = self.client.get(self.url)
        self.assertContains(response, "Rust belts of the world")
        self.assertNotContains(response, "Major rust belts")

    def test_deleting_and_relinking_also_invalidate(self):
        self.client.get(self.url)
        self.article.sections.get().delete()
        self.assertNotContains(self.client.get(self.url), "Major rust belts")

    def test_unpublishing_removes_the_cached_page(self):
        self.client.get(self.url)
        self.article.status = Status.DRAFT
        self.article.save()
        self.assertEqual(self.client.get(self.url).status_code, 404)

    def test_signed_in_users_bypass_the_cache(self):
        self.client.get(self.url)
        staff = get_user_model().objects.create_user("editor", is_staff=True)
        self.client.force_login(staff)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertFalse(response.has_header("Last-Modified"))

    def test_each_query_string_is_its_own_page(self):
        first = self.client.get(reverse("search"), {"q": "ruhr"})
        second = self.client.get(reverse("search"), {"q": "nowhere"})
        self.assertContains(first, "<mark>Ruhr</mark>")
        self.assertContains(second, "Nothing matches")

    def test_a_signed_in_users_write_through_the_site_invalidates(self):
        # Admin actions and imports may use queryset.update(), which sends no signal.
        self.client.get(self.url)
        Section.objects.filter(article=self.article).update(title="Renamed by an admin action")
        staff = get_user_model().objects.create_user("editor", is_staff=True)
        self.client.force_login(staff)
        self.client.post(reverse("admin:index"))
        self.client.logout()
        self.assertContains(self.client.get(self.url), "Renamed by an admin action")

    def test_posts_are_never_cached(self):
        self.client.get(reverse("home"))
        self.assertFalse(is_cacheable_request(self.client.post(reverse("home")).wsgi_request))

    def test_reset_between_tests_empties_the_cache(self):
        self.client.get(self.url)
        before = generation.current_generation()
        cache.set("unrelated", 1)
        generation.reset_for_test()
        self.assertNotEqual(generation.current_generation().token, before.token)
        if isinstance(caches["default"], LocMemCache):
            self.assertIsNone(cache.get("unrelated"))  # A shared Redis keeps other programs' keys.


@override_settings(PAGE_CACHE_SECONDS=600)
class ConditionalGetTests(TestCase):
    def setUp(self):
        self.article = article_with_a_section()
        self.url = self.article.get_absolute_url()

    def test_etag_gives_304(self):
        response = self.client.get(self.url)
        etag = response["ETag"]
        response = self.client.get(self.url, headers={"if-none-match": etag})
        self.assertEqual(response.status_code, 304)
        self.assertEqual(response.content, b"")

    def test_last_modified_gives_304_until_a_save(self):
        last_modified = self.client.get(self.url)["Last-Modified"]
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


@override_settings(
    PAGE_CACHE_SECONDS=600,
    CACHES={"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                        "LOCATION": os.environ.get("REDIS_URL", ""), "KEY_PREFIX": "rustbelt-test"}}
)
class RedisPageCacheTests(TestCase):
    """The same invalidation through Redis (run with REDIS_URL=redis://127.0.0.1:6379/0)."""

    @classmethod
    def setUpClass(cls):
        if not os.environ.get("REDIS_URL"):
            cls.skipTest(cls, "REDIS_URL is not set")
        super().setUpClass()

    def test_cached_in_redis_and_invalidated_by_a_save(self):
        generation.reset_for_test()
        article = article_with_a_section()
        self.client.get(article.get_absolute_url())
        self.assertEqual(type(caches["default"]).__name__, "RedisCache")
        with self.assertNumQueries(1):  # the content generation
            self.client.get(article.get_absolute_url())
        article.title = "Retitled in Redis"
        article.save()
        self.assertContains(self.client.get(article.get_absolute_url()), "Retitled in Redis")


@override_settings(PAGE_CACHE_SECONDS=600)
class EarlyAnswerTests(TestCase):
    """A cached page is answered before the session, authentication, CSRF and message middleware."""

    def setUp(self):
        self.url = article_with_a_section().get_absolute_url()

    def test_cache_stands_before_sessions_authentication_csrf_and_messages(self):
        position = settings.MIDDLEWARE.index
        cache_at = position("rustbelt.cache.PublicPageCacheMiddleware")
        for later in (
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
        ):
            self.assertLess(cache_at, position(later), later)

    def test_a_cached_page_loads_no_session_and_keeps_every_header(self):
        first = self.client.get(self.url)
        with mock.patch("django.contrib.sessions.middleware.SessionMiddleware.process_request", fail), \
                mock.patch("django.contrib.auth.middleware.AuthenticationMiddleware.process_request", fail), \
                mock.patch("django.middleware.csrf.CsrfViewMiddleware.process_request", fail), \
                mock.patch("django.contrib.messages.middleware.MessageMiddleware.process_request", fail):
            cached = self.client.get(self.url)
        self.assertEqual(cached.content, first.content)
        for header in ("Content-Security-Policy", "X-Frame-Options", "ETag", "Last-Modified", "X-Content-Type-Options"):
            self.assertEqual(cached[header], first[header], header)
        # The stored page's ETag still answers a revalidation.
        self.assertEqual(self.client.get(self.url, headers={"if-none-match": first["ETag"]}).status_code, 304)

    def test_a_visitor_with_a_session_is_never_served_nor_stored(self):
        self.client.get(self.url)
        self.client.cookies[settings.SESSION_COOKIE_NAME] = "not-a-session"
        self.assertFalse(is_cacheable_request(self.client.get(self.url).wsgi_request))
        staff = get_user_model().objects.create_user("editor", is_staff=True)
        self.client.force_login(staff)
        Section.objects.update(title="Seen only by staff")
        self.assertContains(self.client.get(self.url), "Seen only by staff")
        self.client.logout()
        self.client.cookies.clear()
        # Nothing the signed-in user saw was stored: the anonymous page is the old one (no signal was sent).
        self.assertContains(self.client.get(self.url), "Major rust belts")

    def test_pages_that_vary_on_more_than_the_cookie_are_not_stored(self):
        response = HttpResponse("x")
        response["Vary"] = "Cookie, Accept-Language"
        request = self.client.get(self.url).wsgi_request
        self.assertIs(PublicPageCacheMiddleware.should_store(request, response), False)
        response["Vary"] = "Cookie"
        self.assertIs(PublicPageCacheMiddleware.should_store(request, response), True)
