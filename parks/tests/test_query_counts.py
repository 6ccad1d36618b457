from django.test import TestCase
from django.urls import reverse

from parks.models import Fact, FactSource, Park, Source
from parks.tests.factories import bulk_parks, make_industry, make_path, make_province


class QueryCountTests(TestCase):
    """The list page and the exports cost the same number of queries for 20 and for 500 parks."""

    def add_parks(self, count, first):
        source = Source.objects.get_or_create(citation="A source")[0]
        bulk_parks(
            count,
            make_province("jilin"),
            path=make_path("urbanization"),
            industry=make_industry("fine chemicals"),
            source=source,
            first=first,
        )
        # Every fact of every park cites the source, as the shipped catalogue does.
        FactSource.objects.bulk_create(
            (FactSource(park=park, fact=fact, source=source) for park in Park.objects.all() for fact in Fact),
            ignore_conflicts=True,
        )

    def assert_same_queries(self, url, expected, streamed=False):
        # 20 parks, then 480 more: deleting parks one by one (with their history) would take longer than the test.
        for first, count in ((0, 20), (20, 480)):
            with self.subTest(parks=first + count):
                self.add_parks(count, first)
                with self.assertNumQueries(expected):
                    response = self.client.get(url)
                    body = b"".join(response.streaming_content) if streamed else response.content
                self.assertEqual(response.status_code, 200)
                self.assertIn(b"Bulk park 0019", body)

    # Province, path and industry validation (1 each), count, the five facets' GROUP BYs and the
    # choices of the province, path and industry facets (8), page (its map points too), path index,
    # the province x path matrix, the search words' other names (gazetteer), the content generation
    # (Last-Modified). The test runner turns the aggregate cache off, so this is the count of a first
    # visit; AggregateCacheTests cover the repeat visit.
    def test_list_page_with_filters(self):
        self.assert_same_queries(
            reverse("parks:list") + "?province=jilin&path=urbanization&industry=fine-chemicals&q=bulk", 17
        )

    def test_list_page_without_filters(self):
        self.assert_same_queries(reverse("parks:list"), 13)

    # Province validation, parks, industries, sources, and the fact sources with their sources' citations
    # joined in (one query each per chunk of 2,000: the per-fact provenance columns), the content generation.
    def test_csv_export(self):
        self.assert_same_queries(reverse("parks:export-csv") + "?province=jilin", 6, streamed=True)

    # As the CSV, plus the count in the metadata and the industries' slugs (the JSON's codes).
    def test_json_export(self):
        self.assert_same_queries(reverse("parks:export-json") + "?province=jilin", 8, streamed=True)
