"""A database that accepts connections but never answers costs a request one connect timeout, not two."""

import json
import os
import socket
import subprocess
import sys
import threading
import unittest

from django.conf import settings
from django.test import SimpleTestCase

try:
    import psycopg  # noqa: F401
except ImportError:  # pragma: no cover - the PostgreSQL driver is in requirements.txt
    psycopg = None

# Run as deployed (DEBUG off) against PostgreSQL at a socket that never answers; a visitor with a session
# cookie, so the session is read from the database as the page asks who the visitor is.
REQUESTS = """
import json, sys
import django
django.setup()
from django.test import Client
client = Client(raise_request_exception=False)
client.cookies["sessionid"] = "a" * 32
statuses = [client.get(url, secure=True).status_code for url in sys.argv[1:]]
print(json.dumps(statuses))
"""


@unittest.skipIf(psycopg is None, "needs the PostgreSQL driver")
class HangingDatabaseTests(SimpleTestCase):
    def test_each_request_tries_to_connect_once(self):
        listener = socket.create_server(("127.0.0.1", 0), backlog=16)
        self.addCleanup(listener.close)
        accepted = []

        def accept():
            try:
                while True:
                    accepted.append(listener.accept()[0])  # held open, never answered
            except OSError:
                pass  # the listener was closed

        threading.Thread(target=accept, daemon=True).start()
        port = listener.getsockname()[1]
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "rustbelt.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "a-long-enough-key-for-a-test-run-of-the-deployed-settings-0123456789",
            "DJANGO_ALLOWED_HOSTS": "testserver",
            "DATABASE_URL": f"postgres://nobody@127.0.0.1:{port}/rustbelt",
            "DJANGO_DB_CONNECT_TIMEOUT": "2",  # psycopg's shortest
        }
        urls = ["/en/parks/some-park/", "/healthz", "/robots.txt"]
        result = subprocess.run(
            [sys.executable, "-c", REQUESTS, *urls],
            cwd=settings.BASE_DIR,
            env=environment,
            capture_output=True,
            text=True,
            timeout=60,
        )
        self.assertEqual(result.returncode, 0, result.stderr[-2000:])
        self.assertEqual(json.loads(result.stdout.splitlines()[-1]), [500, 503, 500])
        for connection in accepted:
            connection.close()
        self.assertEqual(len(accepted), len(urls))
