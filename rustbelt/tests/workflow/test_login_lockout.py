import logging

from axes.models import AccessAttempt
from django.conf import settings
from django.test import TestCase
from django.urls import reverse

from publishing.testing import make_staff

PASSWORD = "a-long-test-password-9"


class AdminLoginLockoutTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.rita = make_staff("rita", "Researchers")

    def setUp(self):
        # django-axes logs every failure; expected here, so keep the test output readable.
        logger = logging.getLogger("axes")
        self.addCleanup(logger.setLevel, logger.level)
        logger.setLevel(logging.ERROR)

    def sign_in(self, password):
        return self.client.post(
            reverse("admin:login"),
            {"username": "rita", "password": password, "next": reverse("admin:index")},
            REMOTE_ADDR="203.0.113.7",
        )

    def test_right_password_signs_in(self):
        response = self.sign_in(PASSWORD)
        self.assertRedirects(response, reverse("admin:index"))

    def test_locked_out_after_repeated_failures_even_with_the_right_password(self):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            response = self.sign_in("wrong")
            self.assertContains(response, "Please enter the correct username and password")
        response = self.sign_in("wrong")
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "locked", status_code=429)

        response = self.sign_in(PASSWORD)
        self.assertEqual(response.status_code, 429)
        self.assertNotIn("_auth_user_id", self.client.session)
        self.assertEqual(self.client.get(reverse("admin:index")).status_code, 302)  # still signed out

    def test_failures_below_the_limit_are_forgiven_by_a_success(self):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            self.sign_in("wrong")
        self.assertRedirects(self.sign_in(PASSWORD), reverse("admin:index"))
        self.assertFalse(AccessAttempt.objects.filter(username="rita", failures_since_start__gt=0).exists())

    def test_lockout_is_per_account_and_address(self):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            self.sign_in("wrong")
        other = self.client_class()
        response = other.post(
            reverse("admin:login"),
            {"username": "rita", "password": PASSWORD, "next": reverse("admin:index")},
            REMOTE_ADDR="198.51.100.20",
        )
        self.assertRedirects(response, reverse("admin:index"))
