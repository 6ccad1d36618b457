"""The page cache under failure and abuse: a dead or silent Redis, concurrent health probes,
forged Host headers, junk query parameters, HEAD requests and edits made by another process."""

import socket
import time
from concurrent.futures import ThreadPoolExecutor

from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.handlers.base import BaseHandler
from django.test import RequestFactory, TestCase, override_settings
from django.urls import reverse

from articles.models import Article, Section, Status
from parks.tests.factories import make_park, make_province
from publishing.models import ContentGeneration
from rustbelt import health


def redis_cache(location, timeout=1.0):
    return {
        "default": {
            "BACKEND": "rustbelt.cache_backends.FailOpenRedisCache",
            "LOCATION": location,
            "KEY_PREFIX": "rustbelt-resilience-test",
            "OPTIONS": {"socket_connect_timeout": timeout, "socket_timeout": timeout},
        }
    }


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens there once the socket is closed


LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "resilience"}}


def make_article():
    article = Article.objects.create(
        title="Revitalization", slug="revitalization", author="Jia Xiaobing", status=Status.PUBLISHED
    )
    Section.objects.create(article=article, order=1, title="Major rust belts", slug="major", body="The Ruhr.")
    return article


class CacheFailsOpenTestMixin:
    def setUp(self):
        self.article = make_article()
        self.park = make_park("Jilin ETDZ", province=make_province("jilin", name_en="Jilin"))
        caches["default"]._down_until = 0  # each test meets the failure afresh

    def assert_site_works(self):
        for url in (
            reverse("home"),
            reverse("parks:list"),
            self.park.get_absolute_url(),
            self.article.get_absolute_url(),
        ):
            self.assertEqual(self.client.get(url).status_code, 200, url)

    def test_pages_answer_from_the_database(self):
        with self.assertLogs("rustbelt.cache_backends", "ERROR"):
            self.assert_site_works()

    def test_a_save_is_kept_and_shown(self):
        with self.assertLogs("rustbelt.cache_backends", "ERROR"):
            self.client.get(reverse("parks:list"))  # its counts are cached
            self.park.name_en = "Jilin Economic Zone, renamed"
            self.park.save()
            self.assertContains(self.client.get(self.park.get_absolute_url()), "Jilin Economic Zone, renamed")

    def test_admin_sign_in_works(self):
        get_user_model().objects.create_user("rita", password="a-long-test-password-9", is_staff=True)
        with self.assertLogs("rustbelt.cache_backends", "ERROR"):
            self.client.get(reverse("parks:list"))
        response = self.client.post(
            reverse("admin:login"),
            {"username": "rita", "password": "a-long-test-password-9", "next": reverse("admin:index")},
        )
        self.assertRedirects(response, reverse("admin:index"))

    def test_healthz_says_degraded(self):
        with self.assertLogs("rustbelt", "ERROR"):
            response = self.client.get(reverse("healthz"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"status": "degraded", "checks": {"database": "ok", "cache": "error"}})


@override_settings(CACHES=redis_cache(f"redis://127.0.0.1:{closed_port()}/0"), AGGREGATE_CACHE_SECONDS=600)
class StoppedRedisTests(CacheFailsOpenTestMixin, TestCase):
    """REDIS_URL pointing at a Redis that is not running."""


class SilentServer:
    """Accepts connections and never answers, like a hung Redis."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]


SILENT = SilentServer()


@override_settings(CACHES=redis_cache(f"redis://127.0.0.1:{SILENT.port}/0", timeout=0.3), AGGREGATE_CACHE_SECONDS=600)
class SilentRedisTests(CacheFailsOpenTestMixin, TestCase):
    """A Redis that accepts but never answers costs one short timeout, then is skipped for a while."""

    def test_pages_stay_fast(self):
        started = time.monotonic()
        with self.assertLogs("rustbelt.cache_backends", "ERROR"):
            for _ in range(5):
                self.assert_site_works()
        self.assertLess(time.monotonic() - started, 3)


class ConcurrentHealthProbeTests(TestCase):
    def test_concurrent_probes_never_disagree(self):
        # 8 load balancer probes at once used to overwrite each other's value under one fixed key.
        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(lambda _: health.cache_ok(), range(800)))
        self.assertEqual(results.count(False), 0)


@override_settings(CACHES=LOCMEM)
class HostPoisoningTests(TestCase):
    def setUp(self):
        caches["default"].clear()
        self.article = make_article()
        self.url = self.article.get_absolute_url()

    def test_a_forged_port_never_reaches_other_visitors(self):
        forged = self.client.get(self.url, headers={"host": "localhost:6666"})
        self.assertEqual(forged.status_code, 200)
        response = self.client.get(self.url, headers={"host": "localhost"})
        self.assertContains(response, f'<meta property="og:url" content="http://localhost{self.url}">')
        self.assertNotContains(response, "6666")

    @override_settings(SITE_URL="https://parks.example.org")
    def test_absolute_urls_come_from_the_site_url(self):
        response = self.client.get(self.url, headers={"host": "localhost:6666"})
        self.assertContains(response, f'<meta property="og:url" content="https://parks.example.org{self.url}">')
        self.assertNotContains(response, "6666")


@override_settings(CACHES=LOCMEM)
class PrivateResponsesTests(TestCase):
    def test_signed_in_and_draft_pages_are_not_for_shared_caches(self):
        article = make_article()
        article.status = Status.DRAFT
        article.save()
        self.client.force_login(get_user_model().objects.create_user("editor", is_staff=True))
        for url in (article.get_absolute_url(), reverse("parks:list")):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200)
            self.assertIn("private", response["Cache-Control"])
            self.assertIn("no-store", response["Cache-Control"])

    def test_anonymous_pages_stay_cacheable(self):
        response = self.client.get(make_article().get_absolute_url())
        self.assertNotIn("no-store", response.get("Cache-Control", ""))


@override_settings(CACHES=LOCMEM)
class ValidatorsTests(TestCase):
    def setUp(self):
        caches["default"].clear()
        self.article = make_article()
        self.url = self.article.get_absolute_url()

    def through_the_stack(self, method, **headers):
        # The test client drops HEAD bodies itself; a WSGI server like gunicorn gets whatever we send.
        handler = BaseHandler()
        handler.load_middleware()
        return handler.get_response(getattr(RequestFactory(), method)(self.url, headers=headers))

    def test_head_has_the_get_validators_and_no_body(self):
        get = self.through_the_stack("get")
        head = self.through_the_stack("head")
        self.assertEqual(head.status_code, 200)
        self.assertEqual(head["ETag"], get["ETag"])
        self.assertEqual(head["Last-Modified"], get["Last-Modified"])
        self.assertEqual(head.content, b"")
        self.assertEqual(head["Content-Length"], str(len(get.content)))
        self.assertEqual(self.through_the_stack("head", if_none_match=get["ETag"]).status_code, 304)

    def test_every_worker_sends_the_same_last_modified(self):
        first = self.client.get(self.url)["Last-Modified"]
        time.sleep(1.1)
        caches["default"].clear()  # another worker: its own empty memory cache
        self.assertEqual(self.client.get(self.url)["Last-Modified"], first)

    def test_an_edit_from_another_process_is_seen_at_once(self):
        last_modified = self.client.get(self.url)["Last-Modified"]
        time.sleep(1.1)
        # Another process saved: only the database changed, this process received no signal.
        Section.objects.filter(article=self.article).update(title="Renamed elsewhere")
        ContentGeneration.objects.advance()
        response = self.client.get(self.url, headers={"if-modified-since": last_modified})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Renamed elsewhere")
        self.assertNotEqual(response["Last-Modified"], last_modified)
