"""The scale-out path in docs/deploying.md, run for real: two gunicorn servers on two loopback ports over one
PostgreSQL database and one Redis. Runs in the PostgreSQL + Redis CI run (`.ci/run`)."""

import http.client
import http.cookiejar
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse
import urllib.request
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.test import TransactionTestCase
from django.urls import reverse

from parks.tests.factories import make_park, make_province
from publishing.testing import admin_form_data, free_port

PASSWORD = "a-long-test-password-9"


class RedisSwitch:
    """A TCP relay in front of the real Redis: `stop()` is Redis going away for every server at once."""

    def __init__(self, host, port):
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets, self.running = [], True
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while self.running:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self.pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def stop(self):
        self.running = False
        try:
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept(); close() alone would not
        except OSError:
            pass
        self.listener.close()
        for sock in self.sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()


class Server:
    """One gunicorn server as docs/deploying.md deploys it (debug off), on its own loopback port."""

    def __init__(self, env):
        self.port = free_port()
        self.log = tempfile.NamedTemporaryFile(prefix="gunicorn-", suffix=".log", delete=False)
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "rustbelt.wsgi",
                "-c",
                "gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
                "--access-logfile",
                "/dev/null",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=self.log,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                if self.request("GET", "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"gunicorn did not start:\n{self.errors()}")
            time.sleep(0.3)

    def request(self, method, path, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            # Behind the proxy both servers get the site's own Host header.
            conn.request(method, path, headers={"Host": "localhost", **(headers or {})})
            response = conn.getresponse()
            # http.client reads no body for HEAD; what gunicorn sent shows in its log instead.
            return response.status, dict(response.getheaders()), response.read()
        finally:
            conn.close()

    def errors(self):
        return Path(self.log.name).read_text(errors="replace")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)
        os.unlink(self.log.name)


class Browser:
    """A signed-out or signed-in visitor with cookies, posting the admin's forms like a browser."""

    def __init__(self, server):
        self.server = server
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def url(self, path):
        return f"http://127.0.0.1:{self.server.port}{path}"

    def open(self, path, data=None):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(self.url(path), body, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def form(self, path, form_id=None):
        status, content = self.open(path)
        assert status == 200, (path, status)
        return admin_form_data(type("Page", (), {"content": content})(), form_id=form_id)

    def sign_in(self, username, password):
        data = self.form("/admin/login/?next=/admin/", form_id="login-form")
        return self.open("/admin/login/?next=/admin/", {**data, "username": username, "password": password})


@unittest.skipUnless(
    connection.vendor == "postgresql" and os.environ.get("REDIS_URL"),
    "needs the shared PostgreSQL and Redis of a real deployment: run with DATABASE_URL=postgres://… REDIS_URL=redis://…",
)
class TwoServersTests(TransactionTestCase):
    def setUp(self):
        redis_url = urllib.parse.urlsplit(os.environ["REDIS_URL"])
        self.redis = RedisSwitch(redis_url.hostname or "127.0.0.1", redis_url.port or 6379)
        self.addCleanup(self.redis.stop)
        database = connection.settings_dict
        env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{database['USER']}:{database['PASSWORD'] or ''}@{database['HOST']}:"
            f"{database['PORT'] or 5432}/{database['NAME']}",
            "REDIS_URL": f"redis://127.0.0.1:{self.redis.port}{redis_url.path or '/0'}",
            "DJANGO_CACHE_PREFIX": f"two-servers-{secrets.token_hex(4)}",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SITE_URL": "https://parks.example.org",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_SECURE_COOKIES": "0",
            "DJANGO_HSTS_SECONDS": "0",
            "DJANGO_PLAIN_STATIC": "1",
            "DJANGO_AGGREGATE_CACHE_SECONDS": "600",
            "DJANGO_CACHE_TIMEOUT_SECONDS": "0.5",
        }
        self.jilin = make_province("jilin", name_en="Jilin")
        self.liaoning = make_province("liaoning", name_en="Liaoning")
        self.park = make_park("Siping ETDZ", province=self.jilin)
        # The filter offers a province only once a published zone is in it.
        make_park("Dalian ETDZ", province=self.liaoning)
        # The test runner hashes with MD5, which the servers (production settings) do not accept.
        hasher = PBKDF2PasswordHasher()
        get_user_model().objects.create(
            username="eddie", is_staff=True, is_superuser=True, password=hasher.encode(PASSWORD, hasher.salt())
        )
        self.a, self.b = Server(env), Server(env)
        self.addCleanup(self.b.stop)
        self.addCleanup(self.a.stop)

    def test_two_servers_stay_in_step(self):
        path, catalogue = self.park.get_absolute_url(), reverse("parks:list")
        # Same page, same validators on both servers, GET and HEAD alike.
        status_a, headers_a, body_a = self.a.request("GET", path)
        status_b, headers_b, body_b = self.b.request("GET", path)
        self.assertEqual((status_a, status_b), (200, 200))
        self.assertEqual(headers_a["ETag"], headers_b["ETag"])
        self.assertEqual(headers_a["Last-Modified"], headers_b["Last-Modified"])
        status, head, _ = self.b.request("HEAD", path)
        self.assertEqual(
            (status, head["ETag"], head["Last-Modified"]), (200, headers_a["ETag"], headers_a["Last-Modified"])
        )
        self.assertEqual(self.b.request("GET", path, {"If-None-Match": headers_a["ETag"]})[0], 304)
        status, _, liaoning_before = self.b.request("GET", f"{catalogue}?province=liaoning")
        self.assertEqual(status, 200)
        self.assertNotIn(b"Siping ETDZ", liaoning_before)

        # A researcher's save through server A ...
        editor = Browser(self.a)
        status, body = editor.sign_in("eddie", PASSWORD)
        self.assertEqual(status, 200)
        self.assertIn(b"Log out", body)
        change = f"/admin/parks/park/{self.park.pk}/change/"
        data = editor.form(change, form_id="park_form")
        data.update(name_en="Siping Economic Zone", province=str(self.liaoning.pk))
        status, body = editor.open(change, data)
        self.assertEqual(status, 200, body[-3000:])
        self.assertNotIn(b"errornote", body)

        # ... is on server B's next anonymous request: the page, and the counts of the catalogue.
        status, headers, body = self.b.request("GET", path, {"If-Modified-Since": headers_a["Last-Modified"]})
        self.assertEqual(status, 200)
        self.assertIn(b"Siping Economic Zone", body)
        status, _, liaoning_after = self.b.request("GET", f"{catalogue}?province=liaoning")
        self.assertEqual(status, 200)
        self.assertIn(b"Siping Economic Zone", liaoning_after)
        self.assertIn(b"Liaoning (2)", liaoning_after)
        self.assertEqual(headers["Last-Modified"], self.a.request("GET", path)[1]["Last-Modified"])

        # A sign-in locked out on A is locked out on B.
        for _ in range(settings.AXES_FAILURE_LIMIT):
            Browser(self.a).sign_in("eddie", "wrong password")
        self.assertEqual(Browser(self.b).sign_in("eddie", PASSWORD)[0], 429)

        # Redis stops: both servers keep answering from the database, and say they are degraded.
        self.redis.stop()
        for server in (self.a, self.b):
            for page in (path, reverse("home"), catalogue, f"{catalogue}?province=liaoning"):
                self.assertEqual(server.request("GET", page)[0], 200, page)
            status, _, body = server.request("GET", "/healthz")
            self.assertEqual(status, 200)
            self.assertIn(b'"degraded"', body)
        for server in (self.a, self.b):
            log = server.errors()
            self.assertNotIn("Internal Server Error", log)
            self.assertNotIn("sent body bytes", log)
