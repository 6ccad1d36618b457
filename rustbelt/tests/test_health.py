from unittest import mock

from django.db import OperationalError
from django.test import TestCase
from django.urls import reverse


class HealthzTests(TestCase):
    def test_ok_when_database_and_cache_answer(self):
        response = self.client.get(reverse("healthz"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["status"], "ok")
        self.assertIn("no-store", response["Cache-Control"])

    def test_503_when_the_database_fails(self):
        with mock.patch(
            "django.db.backends.base.base.BaseDatabaseWrapper.cursor", side_effect=OperationalError("down")
        ):
            with self.assertLogs("rustbelt.health", "ERROR"):
                response = self.client.get(reverse("healthz"))
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json(), {"status": "error", "checks": {"database": "error", "cache": "ok"}})

    def test_rejects_post(self):
        self.assertEqual(self.client.post(reverse("healthz")).status_code, 405)
