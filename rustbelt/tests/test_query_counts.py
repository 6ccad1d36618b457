"""Every public page and download costs the same number of queries for 20 and for 500 extra parks."""

from io import StringIO

from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from parks.models import DevelopmentPath, Industry, Park, Province, Source
from parks.tests.factories import bulk_parks

ARTICLE = "/en/articles/industrial-real-estate-park-revitalization-in-major-rust-belts/"
# (page, queries). The test runner turns the page and aggregate caches off, so these are the counts
# of a first visit; parks/tests/test_aggregate_cache.py and articles/tests/test_rendering.py cover repeats.
PAGES = [
    ("/en/", 1),
    ("/en/search/?q=bulk", 3),
    ("/sitemap.xml", 4),
    (ARTICLE, 7),
    (ARTICLE + "figures/", 3),
    (ARTICLE + "figures/detroit-population.csv", 3),
    (ARTICLE + "figures/detroit-population.svg", 3),
    (ARTICLE + "cite.bib", 1),
    ("/en/parks/", 12),
    ("/en/parks/?province=jilin&path=urbanization&q=bulk&ordering=-area", 14),
    ("/en/parks/bulk-park-0001/", 5),
    ("/en/parks/bulk-park-0001/cite.ris", 1),
    ("/en/parks/provinces/jilin/", 4),
    ("/en/parks/paths/urbanization/", 4),
    ("/en/parks/map.json", 1),
    ("/en/parks/map.json?province=jilin&q=bulk", 2),
    ("/en/parks/export.csv", 3),
    ("/en/parks/export.csv?province=jilin&ordering=-area", 4),
    ("/en/parks/export.json?province=jilin", 5),
    ("/en/parks/matrix.csv", 1),
    ("/en/parks/matrix.json", 1),
    ("/en/parks/coverage/", 2),
    # The API's Last-Modified is the content generation's start: one more query than its rows need.
    ("/api/v1/parks/?province=jilin", 14),
]


class EveryPageQueryCountTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("load_content", stdout=StringIO())

    def add_parks(self, count):
        Park.objects.filter(slug__startswith="bulk-park-").delete()
        bulk_parks(
            count,
            Province.objects.get(slug="jilin"),
            path=DevelopmentPath.objects.get(slug="urbanization"),
            industry=Industry.objects.first(),
            source=Source.objects.first(),
        )

    def test_query_counts_do_not_grow_with_the_catalogue(self):
        for count in (20, 500):
            self.add_parks(count)
            for url, expected in PAGES:
                with self.subTest(parks=count, url=url):
                    with CaptureQueriesContext(connection) as queries:
                        response = self.client.get(url)
                        body = b"".join(response.streaming_content) if response.streaming else response.content
                    self.assertEqual(response.status_code, 200)
                    self.assertTrue(body)
                    self.assertEqual(
                        len(queries), expected, "\n".join(query["sql"][:200] for query in queries.captured_queries)
                    )
