"""What operators rely on when things go wrong: database timeouts, error logs, sign-in lockout
behind a proxy, odd input that must not give a 500."""

import logging
import os
import socket
import subprocess
import sys
import time
import unittest
from io import StringIO
from unittest import mock

from axes.models import AccessAttempt
from django.conf import settings
from django.db import connection
from django.test import TestCase, override_settings
from django.urls import reverse

from articles.tests.factories import make_article, make_section
from parks.tests.factories import make_park
from publishing.testing import make_staff

PASSWORD = "a-long-test-password-9"


def run_django(code, **environment):
    """Run `code` in a fresh Python with the project's settings and these environment variables."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "rustbelt.settings", "DJANGO_DEBUG": "1", **environment}
    script = "import django; django.setup()\n" + code
    return subprocess.run(
        [sys.executable, "-c", script], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )


class DatabaseTimeoutTests(TestCase):
    def test_a_database_that_never_answers_fails_fast_with_a_503(self):
        silent = socket.socket()
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)  # accepts connections, never says a word
        self.addCleanup(silent.close)
        started = time.monotonic()
        result = run_django(
            "from django.test import Client\n"
            "response = Client(HTTP_HOST='localhost').get('/healthz')\n"
            "print(response.status_code, response.json()['checks']['database'])",
            DATABASE_URL=f"postgres://nobody@127.0.0.1:{silent.getsockname()[1]}/rustbelt",
            DJANGO_DB_CONNECT_TIMEOUT="2",
            REDIS_URL="",
        )
        self.assertEqual(result.stdout.split(), ["503", "error"], result.stderr[-2000:])
        self.assertLess(time.monotonic() - started, 15)

    @unittest.skipUnless(connection.vendor == "postgresql", "statement_timeout is PostgreSQL's")
    def test_statements_have_a_timeout(self):
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            self.assertEqual(cursor.fetchone()[0], "20s")


class ErrorLoggingTests(TestCase):
    def test_an_unhandled_error_is_logged_to_stderr_with_its_traceback(self):
        handler = logging.getLogger("django.request").handlers[0]
        stream = StringIO()
        original = handler.setStream(stream)
        self.addCleanup(handler.setStream, original)
        self.client.raise_request_exception = False
        with mock.patch("parks.views.ParkListView.get_queryset", side_effect=RuntimeError("catalogue exploded")):
            response = self.client.get(reverse("parks:list"))
        self.assertEqual(response.status_code, 500)
        logged = stream.getvalue()
        self.assertIn("ERROR django.request", logged)
        self.assertIn(f"Internal Server Error: {reverse('parks:list')}", logged)
        self.assertIn("Traceback", logged)
        self.assertIn("RuntimeError: catalogue exploded", logged)
        self.assertIs(original, sys.stderr)


@override_settings(AXES_CLIENT_IP_CALLABLE="publishing.clients.client_ip")
class LockoutBehindProxyTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.rita = make_staff("rita", "Researchers")

    def setUp(self):
        logger = logging.getLogger("axes")
        self.addCleanup(logger.setLevel, logger.level)
        logger.setLevel(logging.ERROR)

    def sign_in(self, password, forwarded_for):
        # Every request comes from the proxy's address; the proxy appends the visitor's to X-Forwarded-For.
        return self.client.post(
            reverse("admin:login"),
            {"username": "rita", "password": password, "next": reverse("admin:index")},
            REMOTE_ADDR="127.0.0.1",
            headers={"x-forwarded-for": forwarded_for},
        )

    def test_an_attacker_locks_only_their_own_address(self):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            response = self.sign_in("wrong", "198.51.100.66")
        self.assertEqual(response.status_code, 429)
        self.assertRedirects(self.sign_in(PASSWORD, "203.0.113.7"), reverse("admin:index"))
        self.assertEqual(set(AccessAttempt.objects.values_list("ip_address", flat=True)), {"198.51.100.66"})

    def test_a_forged_header_entry_does_not_pick_the_address(self):
        # The client wrote the first entry; the proxy appended the real address last.
        for n in range(settings.AXES_FAILURE_LIMIT):
            self.sign_in("wrong", f"203.0.113.{n}, 198.51.100.66")
        self.assertEqual(self.sign_in(PASSWORD, "198.51.100.66").status_code, 429)

    def test_the_setting_follows_django_behind_proxy(self):
        code = "from django.conf import settings; print(settings.AXES_CLIENT_IP_CALLABLE)"
        self.assertEqual(run_django(code, DJANGO_BEHIND_PROXY="1").stdout.strip(), "publishing.clients.client_ip")
        self.assertEqual(run_django(code, DJANGO_BEHIND_PROXY="0").stdout.strip(), "None")


class OddInputTests(TestCase):
    def test_a_nul_in_the_cited_section_is_a_400(self):
        article = make_article()
        make_section(article, "major-rust-belts")
        response = self.client.get(reverse("articles:cite", args=[article.slug, "bib"]), {"section": "\x00"})
        self.assertEqual(response.status_code, 400)

    def test_a_history_version_that_is_not_a_number_is_a_404(self):
        park = make_park()
        self.client.force_login(make_staff("eddie", "Editors"))
        for url in (f"/admin/parks/park/{park.pk}/history/abc/", "/admin/parks/park/abc/history/1/"):
            self.assertEqual(self.client.get(url).status_code, 404, url)
