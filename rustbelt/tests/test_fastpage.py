"""The WSGI layer in front of Django (rustbelt/fastpage.py): a kept page is the bytes Django sent."""

import gzip
import io
import sys
from contextlib import contextmanager
from unittest import mock

from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import TestCase, override_settings

from articles.models import Section
from rustbelt.fastpage import CachedPageApplication
from publishing.models import ContentGeneration
from rustbelt.tests.test_cache import article_with_a_section
from rustbelt.wsgi import application, django_application


@contextmanager
def connection_kept():
    # As Django's test client: the test's transaction must survive the request's start and end signals.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


class CountingDjango:
    """Django's WSGI application, counting the requests that reach it."""

    def __init__(self):
        self.calls = 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return django_application(environ, start_response)


class FastPageTestCase(TestCase):
    """Requests to the WSGI layer in front of a Django that counts what reaches it."""

    def setUp(self):
        self.url = article_with_a_section().get_absolute_url()
        self.django = CountingDjango()
        self.application = CachedPageApplication(self.django)

    def get(self, path=None, method="GET", **headers):
        environ = {
            "REQUEST_METHOD": method, "PATH_INFO": path or self.url, "QUERY_STRING": "", "SCRIPT_NAME": "",
            "SERVER_NAME": "testserver", "SERVER_PORT": "80", "HTTP_HOST": "testserver", "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr,
            **headers,
        }
        answer = {}

        def start_response(status, response_headers, exc_info=None):
            answer["status"], answer["headers"] = status, dict(response_headers)

        with connection_kept():
            chunks = self.application(environ, start_response)
            body = b"".join(chunks)
            if hasattr(chunks, "close"):
                chunks.close()
        return answer["status"], answer["headers"], body


@override_settings(PAGE_CACHE_SECONDS=600, PAGE_CACHE_RECHECK_SECONDS=0, ALLOWED_HOSTS=["testserver", "other.example"])
class CachedPageApplicationTests(FastPageTestCase):
    def test_the_deployed_application_has_the_layer(self):
        self.assertIsInstance(application, CachedPageApplication)

    def test_a_second_visit_gets_the_same_bytes_and_headers_without_django(self):
        first = self.get()
        self.assertEqual(first[0], "200 OK")
        self.assertIn(b"Major rust belts", first[2])
        with self.assertNumQueries(1):  # the content generation (PAGE_CACHE_RECHECK_SECONDS=0: every request)
            second = self.get()
        self.assertEqual(self.django.calls, 1)
        self.assertEqual(second, first)
        for header in ("Content-Security-Policy", "X-Frame-Options", "ETag", "Last-Modified", "X-Content-Type-Options"):
            self.assertIn(header, second[1])

    def test_gzip_and_plain_are_kept_apart(self):
        plain = self.get()
        compressed = self.get(HTTP_ACCEPT_ENCODING="gzip, deflate")
        self.assertEqual(compressed[1]["Content-Encoding"], "gzip")
        self.assertEqual(gzip.decompress(compressed[2]), plain[2])
        self.assertEqual(self.get(HTTP_ACCEPT_ENCODING="gzip, deflate"), compressed)
        self.assertEqual(self.get(), plain)
        self.assertEqual(self.django.calls, 2)

    def test_a_save_shows_at_once(self):
        self.get()
        section = Section.objects.get()
        section.title = "Rust belts of the world"
        section.save()  # a new content generation
        status, _, body = self.get()
        self.assertIn(b"Rust belts of the world", body)
        self.assertEqual(self.django.calls, 2)

    def test_sessions_heads_conditional_requests_and_other_hosts_go_to_django(self):
        first = self.get()
        self.get()
        self.assertEqual(self.django.calls, 1)
        Section.objects.update(title="Seen only by staff")  # no signal: the kept page stays
        with_session = self.get(HTTP_COOKIE=f"{settings.SESSION_COOKIE_NAME}=not-a-session")
        self.assertEqual(self.django.calls, 2)
        self.assertEqual(with_session[0], "200 OK")
        self.get(HTTP_COOKIE="messages=pending")
        self.assertEqual(self.get(method="HEAD")[2], b"")
        self.assertEqual(self.get(HTTP_IF_NONE_MATCH=first[1]["ETag"])[0], "304 Not Modified")
        self.assertEqual(self.django.calls, 5)
        # Another host is another page (absolute links), answered by Django first.
        self.get(HTTP_HOST="other.example")
        self.assertEqual(self.django.calls, 6)
        # A host Django refuses is never kept, however often it is asked.
        with self.assertLogs("django.security.DisallowedHost", "ERROR"):
            self.assertTrue(self.get(HTTP_HOST="evil.example")[0].startswith("400"))
            self.assertTrue(self.get(HTTP_HOST="evil.example")[0].startswith("400"))
        self.assertEqual(self.django.calls, 8)

    def test_pages_the_page_cache_does_not_keep_are_never_kept(self):
        for _ in range(2):
            self.get("/admin/login/")
            self.get("/en/no-such-page/")
        self.assertEqual(self.django.calls, 4)

    @override_settings(PAGE_CACHE_SECONDS=0)
    def test_nothing_is_kept_when_the_page_cache_is_off(self):
        with mock.patch("rustbelt.fastpage.cache", wraps=cache) as kept:
            self.get()
            self.get()
        self.assertEqual(self.django.calls, 2)
        kept.set.assert_not_called()


@override_settings(PAGE_CACHE_SECONDS=600, PAGE_CACHE_RECHECK_SECONDS=60)
class GenerationRecheckTests(FastPageTestCase):
    """Under load a worker trusts the generation it read for PAGE_CACHE_RECHECK_SECONDS."""

    def test_hits_within_the_interval_read_nothing_from_the_database(self):
        first = self.get()
        self.get()  # the first hit reads the generation
        with self.assertNumQueries(0):
            for _ in range(3):
                self.assertEqual(self.get(), first)
        self.assertEqual(self.django.calls, 1)

    def test_a_save_through_this_process_shows_at_once(self):
        self.get()
        self.get()
        section = Section.objects.get()
        section.title = "Rust belts of the world"
        section.save()
        self.assertIn(b"Rust belts of the world", self.get()[2])
        self.assertEqual(self.django.calls, 2)

    def test_a_save_elsewhere_shows_once_the_interval_has_passed(self):
        first = self.get()
        self.get()
        # Another worker or server saves: the generation changes in the database only.
        Section.objects.update(title="Rust belts of the world")
        ContentGeneration.objects.advance()
        self.assertEqual(self.get(), first)
        with mock.patch("publishing.generation.time.monotonic", return_value=10**9):
            status, _, body = self.get()
        self.assertIn(b"Rust belts of the world", body)
        self.assertEqual(self.django.calls, 2)
