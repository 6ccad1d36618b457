from django.core.cache import cache
from django.test import TestCase

# The addresses the tests send requests from (the test client's, and the throttling tests' own).
TEST_ADDRESSES = ["127.0.0.1", "192.0.2.1", "192.0.2.2"]


class ApiTestCase(TestCase):
    """Starts every test with an empty request budget: a shared Redis keeps the counts between tests."""

    def setUp(self):
        super().setUp()
        cache.delete_many([f"throttle_api_{address}" for address in TEST_ADDRESSES])
