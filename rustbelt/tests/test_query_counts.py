"""Every public page and download costs the same number of queries for 20 and for 500 extra parks."""

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from parks.models import DevelopmentPath, Industry, Park, Province, Source
from parks.tests.factories import bulk_parks
from publishing.testing import load_shipped_content

ARTICLE = "/en/articles/industrial-real-estate-park-revitalization-in-major-rust-belts/"
# (page, queries). The test runner turns the aggregate cache off, so these are the counts of a first
# visit; parks/tests/test_aggregate_cache.py and articles/tests/test_rendering.py cover repeats. Every
# page and download reads the content generation once, for its Last-Modified (rustbelt/cache.py).
PAGES = [
    ("/en/", 2),
    ("/en/search/?q=bulk", 4),
    ("/sitemap.xml", 4),
    # +2: the sections' editorial notes and the charts' editorial notes (one prefetch each).
    # +1: the latest release that has the article (its "cite this version").
    (ARTICLE, 11),
    # +1 each: the charts' editorial notes (prefetched by DataSeries.objects.for_charts()).
    (ARTICLE + "figures/", 5),
    (ARTICLE + "figures/detroit-population.csv", 5),
    (ARTICLE + "figures/detroit-population.svg", 5),
    (ARTICLE + "cite.bib", 2),
    ("/en/parks/", 13),
    # +1 with a search: the gazetteer's place names and short forms (cached between saves outside tests).
    ("/en/parks/?province=jilin&path=urbanization&q=bulk&ordering=-area", 16),
    # +3: the park's fact sources (sources joined), its path evidence and its article mentions; the
    # park's own source list is not read (the page lists the sources each fact cites).
    # +1: the latest release that has the park.
    ("/en/parks/bulk-park-0001/", 9),
    ("/en/parks/bulk-park-0001/cite.ris", 2),
    ("/en/parks/provinces/jilin/", 6),
    # +2: the path's evidence (named and inferred together) and its count of parks.
    ("/en/parks/paths/urbanization/", 8),
    ("/en/parks/map.json", 2),
    ("/en/parks/map.json?province=jilin&q=bulk", 4),
    # +1 each: the per-fact sources (one query per chunk of 2,000 parks, like industries).
    ("/en/parks/export.csv", 5),
    ("/en/parks/export.csv?province=jilin&ordering=-area", 6),
    # +1: the industries' slugs (the JSON gives codes beside the labels).
    ("/en/parks/export.json?province=jilin", 8),
    ("/en/parks/matrix.csv", 2),
    ("/en/parks/matrix.json", 2),
    # Official counts, counts by type and level, parks of no known level, totals, national parks counted
    # and (where few) named by province, missing zones by province, unmatched mentions, missing zones,
    # the content generation.
    ("/en/parks/coverage/", 10),
    # The API's Last-Modified is the content generation's start: one more query than its rows need.
    # +1: the page's per-fact sources.
    ("/api/v1/parks/?province=jilin", 15),
    # The park, industries, sources, fact sources, path evidence, mentions, the generation.
    ("/api/v1/parks/bulk-park-0001/", 7),
    ("/api/v1/paths/", 3),
    ("/api/v1/sources/", 2),
    ("/api/v1/missing-zones/", 2),
    # The article, its sections with their parents, its editorial notes, the generation.
    (ARTICLE.replace("/en/", "/api/v1/"), 4),
]


class EveryPageQueryCountTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_shipped_content()

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
