"""deploy/nginx.conf in front of gunicorn, both real, on loopback ports (Debian's nginx; `make test` installs it)."""

import gzip
import http.client
import json
import os
import secrets
import shutil
import ssl
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from unittest import skipUnless

from django.conf import settings
from django.test import SimpleTestCase, tag
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tools import servers
from tools.deployed import CHROMIUM, headless_chromium

SESSION_SCRIPT = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
user = get_user_model().objects.create_superuser("nginx-test", "nginx-test@example.org", None)
session = SessionStore()
session.update({SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
                HASH_SESSION_KEY: user.get_session_auth_hash()})
session.save()
print(session.session_key)
"""
# A researcher's save outside the admin: the model's signals start a new content generation.
RENAME_SCRIPT = """
from parks.models import Park
park = Park.objects.order_by("slug").first()
park.name_en = "Renamed for the cache test"
park.save()
"""
FIRST_PARK_SCRIPT = 'from parks.models import Park; print(Park.objects.order_by("slug").first().get_absolute_url())'

SECURITY_HEADERS = [
    "Content-Type",
    "Content-Security-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "Strict-Transport-Security",
    "ETag",
    "Last-Modified",
]


@skipUnless(os.path.exists(servers.NGINX), "needs nginx (make test installs it as root: apt-get install nginx)")
@tag("deployed")
class NginxInFrontTests(SimpleTestCase):
    """What deploy/nginx.conf promises: static and media from disk, anonymous pages micro-cached,
    nothing personal cached, the site's headers intact, HTTPS known to Django."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.folder = Path(tempfile.mkdtemp(prefix="rustbelt-nginx-test-"))
        cls.folder.chmod(0o755)
        cls.static_root, cls.media_root = cls.folder / "static", cls.folder / "media"
        (cls.media_root / "figures").mkdir(parents=True)
        (cls.media_root / "figures" / "uploaded.png").write_bytes(b"\x89PNG\r\n\x1a\n not really a picture")
        cls.access_log = cls.folder / "gunicorn-access.log"
        env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
        env.update(
            {
                "DATABASE_URL": f"sqlite:///{cls.folder / 'site.sqlite3'}",
                "DJANGO_DEBUG": "0",
                "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
                "DJANGO_ALLOWED_HOSTS": "localhost,127.0.0.1",  # 127.0.0.1: the start-up probe
                "DJANGO_BEHIND_PROXY": "1",
                "DJANGO_STATIC_ROOT": str(cls.static_root),
                "DJANGO_MEDIA_ROOT": str(cls.media_root),
                "DJANGO_CACHE_PREFIX": f"nginx-test-{secrets.token_hex(4)}",
            }
        )
        for command in (
            ["migrate", "--noinput", "-v", "0"],
            ["load_content", "-v", "0"],
            ["collectstatic", "--noinput", "-v", "0"],
        ):
            cls.manage(env, *command)
        cls.env = env
        cls.session = cls.manage(env, "shell", "-c", SESSION_SCRIPT).split()[-1]
        cls.servers = [servers.gunicorn(env, workers=1, access_log=str(cls.access_log))]
        try:
            gunicorn_port = cls.servers[0].__enter__()
            cls.servers.append(servers.nginx(gunicorn_port, cls.static_root, cls.media_root))
            cls.http_port, cls.https_port, cls.nginx_run_dir = cls.servers[1].__enter__()
        except Exception:
            cls.tearDownClass()
            raise
        cls.connect = staticmethod(servers.https_connector("localhost"))
        cls.tls = ssl.create_default_context()
        cls.tls.check_hostname, cls.tls.verify_mode = False, ssl.CERT_NONE  # the test's self-signed certificate

    @classmethod
    def tearDownClass(cls):
        for server in reversed(getattr(cls, "servers", [])):
            server.__exit__(None, None, None)
        shutil.rmtree(cls.folder, ignore_errors=True)
        super().tearDownClass()

    @staticmethod
    def manage(env, *args):
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
        )
        if result.returncode:
            raise RuntimeError(f"manage.py {args[0]} failed: {result.stderr[-2000:]}")
        return result.stdout

    def get(self, path, signed_in=False, headers=None):
        headers = dict(headers or {})
        if signed_in:
            headers["Cookie"] = f"sessionid={self.session}"
        status, _, response, body = servers.request(self.https_port, path, connect=self.connect, headers=headers)
        return status, response, body

    def assert_upstream_hits(self, path, expected):
        """gunicorn was asked for this path `expected` times (its access log, written just after answering)."""
        deadline = time.monotonic() + 3
        while True:
            hits = sum(f'"GET {path} ' in line for line in self.access_log.read_text().splitlines())
            if hits >= expected or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        time.sleep(0.1)  # One more line would be a late one, not a missing one.
        hits = sum(f'"GET {path} ' in line for line in self.access_log.read_text().splitlines())
        self.assertEqual(hits, expected, f"gunicorn answered {path} {hits} times")

    def test_static_files_are_served_by_nginx_with_far_future_caching(self):
        manifest = json.loads((self.static_root / "staticfiles.json").read_text())["paths"]
        hashed = manifest["parks/parks.css"]
        status, response, body = self.get(f"/static/{hashed}")
        self.assertEqual(status, 200)
        self.assertEqual(body, (self.static_root / hashed).read_bytes())
        self.assertEqual(response.getheader("Cache-Control"), "public, max-age=31536000, immutable")
        self.assertEqual(response.getheader("Content-Type"), "text/css")
        self.assert_upstream_hits(f"/static/{hashed}", 0)
        # whitenoise's precompressed copy, when the client takes gzip.
        _, compressed, _ = self.get(f"/static/{hashed}", headers={"Accept-Encoding": "gzip"})
        self.assertEqual(compressed.getheader("Content-Encoding"), "gzip")

    def test_media_files_are_served_by_nginx(self):
        status, response, body = self.get("/media/figures/uploaded.png")
        self.assertEqual(status, 200)
        self.assertTrue(body.startswith(b"\x89PNG"))
        self.assertEqual(response.getheader("X-Content-Type-Options"), "nosniff")
        self.assert_upstream_hits("/media/figures/uploaded.png", 0)

    def test_an_anonymous_page_is_cached_with_its_headers_intact(self):
        path = "/en/parks/?province=jilin"
        status, first, first_body = self.get(path)
        self.assertEqual(status, 200)
        self.assertEqual(first.getheader("X-Cache-Status"), "MISS")
        status, second, second_body = self.get(path)
        self.assertEqual(status, 200)
        self.assertEqual(second.getheader("X-Cache-Status"), "HIT")
        self.assertEqual(second_body, first_body)
        for header in SECURITY_HEADERS:
            self.assertIsNotNone(first.getheader(header), header)
            self.assertEqual(second.getheader(header), first.getheader(header), header)
        self.assert_upstream_hits(path, 1)

    def test_django_knows_the_request_came_over_https(self):
        status, response, body = self.get(
            "/en/articles/industrial-real-estate-park-revitalization-in-major-rust-belts/"
        )
        self.assertEqual(status, 200)
        # X-Forwarded-Proto reached Django: HSTS is only sent on secure requests, and links are https.
        self.assertIn("max-age=", response.getheader("Strict-Transport-Security"))
        self.assertIn(b'content="https://localhost/en/articles/', body)

    def test_plain_http_is_redirected_to_https(self):
        status, _, response, _ = servers.request(self.http_port, "/en/parks/", headers={"Host": "localhost"})
        self.assertEqual(status, 301)
        self.assertEqual(response.getheader("Location"), "https://localhost/en/parks/")

    def test_other_host_names_get_no_answer(self):
        connection = self.connect(self.https_port)
        connection.host_header = "evil.example"
        with self.assertRaises(ConnectionError):
            servers.request(self.https_port, "/", connection=connection)

    def test_a_signed_in_page_is_never_cached(self):
        path = "/en/parks/?province=liaoning"
        for _ in range(2):
            status, response, body = self.get(path, signed_in=True)
            self.assertEqual(status, 200)
            self.assertEqual(response.getheader("X-Cache-Status"), "BYPASS")
        self.assert_upstream_hits(path, 2)
        # What the signed-in visitor got was not stored for anyone else either.
        _, anonymous, _ = self.get(path)
        self.assertEqual(anonymous.getheader("X-Cache-Status"), "MISS")
        self.assert_upstream_hits(path, 3)

    def test_the_admin_is_never_cached(self):
        for _ in range(2):
            status, response, body = self.get("/admin/", signed_in=True)
            self.assertEqual(status, 200)
            self.assertIn(b"Site administration", body)
            self.assertNotEqual(response.getheader("X-Cache-Status"), "HIT")
            self.assertIn("private", response.getheader("Cache-Control"))
        for _ in range(2):
            status, response, _ = self.get("/admin/login/")
            self.assertEqual(status, 200)
            self.assertNotEqual(response.getheader("X-Cache-Status"), "HIT")
            self.assertIn("csrftoken=", response.getheader("Set-Cookie"))
        self.assert_upstream_hits("/admin/login/", 2)

    def test_the_table_view_is_a_table_for_everyone(self):
        for _ in range(2):  # stored, then from the cache
            status, _, body = self.get("/en/parks/?view=table")
            self.assertEqual(status, 200)
            self.assertIn(b"park-results-table", body)
            self.assertNotIn(b'class="park-cards"', body)
        _, _, cards = self.get("/en/parks/")
        self.assertIn(b'class="park-cards"', cards)

    @skipUnless(os.path.exists(CHROMIUM), "needs chromium (make test installs it as root)")
    def test_a_visitor_without_a_session_switches_to_the_table_in_a_browser(self):
        # The page cache in front: cards first (stored), then the table by its link, then the table again from the cache.
        profile = tempfile.mkdtemp(prefix="rustbelt-nginx-chrome-")
        self.addCleanup(shutil.rmtree, profile, ignore_errors=True)
        browser = headless_chromium(profile, ["--ignore-certificate-errors"])
        self.addCleanup(browser.quit)
        origin = f"https://localhost:{self.https_port}"
        for _ in range(2):
            browser.get(origin + "/en/parks/")
            self.assertTrue(browser.find_elements(By.CSS_SELECTOR, ".park-card"))
        browser.find_element(By.CSS_SELECTOR, ".view-switch a[href*='view=table']").click()
        WebDriverWait(browser, 10).until(lambda browser: "view=table" in browser.current_url)
        for _ in range(2):
            rows = browser.find_elements(By.CSS_SELECTOR, ".park-table tbody tr")
            self.assertGreater(len(rows), 10)
            self.assertEqual(browser.find_elements(By.CSS_SELECTOR, ".park-card"), [])
            browser.refresh()
        self.assert_upstream_hits("/en/parks/?view=table", 1)

    def test_nothing_secret_is_compressed(self):
        gzipped = {"Accept-Encoding": "gzip"}
        for path, signed_in in (("/admin/login/?next=/admin/", False), ("/en/parks/", True), ("/admin/", True)):
            with self.subTest(path=path, signed_in=signed_in):
                status, response, body = self.get(path, signed_in=signed_in, headers=gzipped)
                self.assertEqual(status, 200)
                self.assertIsNone(response.getheader("Content-Encoding"))
                self.assertIn(b"</html>", body)
        _, response, body = self.get("/admin/login/?next=/admin/", headers=gzipped)
        self.assertIn(b"csrfmiddlewaretoken", body)
        # Public pages still travel compressed.
        _, response, body = self.get("/en/parks/?province=heilongjiang", headers=gzipped)
        self.assertEqual(response.getheader("Content-Encoding"), "gzip")
        self.assertNotIn(b"csrfmiddlewaretoken", gzip.decompress(body))

    def test_a_save_shows_within_the_documented_delay(self):
        path = self.manage(self.env, "shell", "-c", FIRST_PARK_SCRIPT).split()[-1]
        cached_at = time.monotonic()
        _, first, before = self.get(path)
        self.assertNotIn(b"Renamed for the cache test", before)
        self.assertIn(f"max-age={settings.PUBLIC_PAGE_MAX_AGE}", first.getheader("Cache-Control"))
        self.manage(self.env, "shell", "-c", RENAME_SCRIPT)
        saved_at = time.monotonic()
        # Within the delay the kept copy is served (on a busy machine the save itself may outlast the delay).
        if saved_at < cached_at + settings.PUBLIC_PAGE_MAX_AGE - 1:
            self.assertEqual(self.get(path)[1].getheader("X-Cache-Status"), "HIT")
        time.sleep(max(0.0, saved_at + settings.PUBLIC_PAGE_MAX_AGE + 0.2 - time.monotonic()))
        for _ in range(3):  # never the old page again
            status, _, body = self.get(path)
            self.assertEqual(status, 200)
            self.assertIn(b"Renamed for the cache test", body)

    def test_a_long_url_never_gets_a_502(self):
        for length in (4000, 8000):
            with self.subTest(length=length):
                # Unprefixed: the site redirects to the English page, repeating the URL in Location.
                status, response, _ = self.get("/parks/?q=" + "x" * length)
                self.assertIn(status, (302, 414))
        status, _, _ = self.get("/en/parks/?q=" + "x" * 20000)
        self.assertEqual(status, 414)

    def test_a_page_that_follows_the_language_cookie_keeps_to_it(self):
        for _ in range(2):
            _, _, chinese = self.get("/data/", headers={"Cookie": "django_language=zh-hans"})
            self.assertIn(b'<html lang="zh', chinese)
            _, _, english = self.get("/data/", headers={"Accept-Language": "en"})
            self.assertIn(b'<html lang="en"', english)

    def test_2000_slow_connections_from_one_address_leave_the_site_up(self):
        with servers.slow_connections(self.https_port, 2000) as slow:
            self.assertEqual(len(slow), 2000)
            # Of the 1,000 that sent their headers, one address may hold 100: the rest are refused.
            self.assertGreater(servers.refused_with_429(slow), 500)
            # Other addresses are served as usual meanwhile.
            for source in ("127.0.0.2", "127.0.0.3"):
                connection = http.client.HTTPSConnection(
                    "127.0.0.1", self.https_port, timeout=10, context=self.tls, source_address=(source, 0)
                )
                connection.request("GET", "/en/", headers={"Host": "localhost"})
                self.assertEqual(connection.getresponse().status, 200)
                connection.close()
        self.assertNotIn("worker_connections are not enough", (self.nginx_run_dir / "error.log").read_text())
