from django.test import TestCase
from django.urls import reverse

from parks.models import Park, Source
from parks.tests.factories import bulk_parks, make_industry, make_path, make_province


class QueryCountTests(TestCase):
    """The list page and the exports cost the same number of queries for 20 and for 500 parks."""

    def make_parks(self, count):
        bulk_parks(
            count,
            make_province("jilin"),
            path=make_path("urbanization"),
            industry=make_industry("fine chemicals"),
            source=Source.objects.get_or_create(citation="A source")[0],
        )

    def assert_same_queries(self, url, expected, streamed=False):
        for count in (20, 500):
            with self.subTest(parks=count):
                self.make_parks(count)
                with self.assertNumQueries(expected):
                    response = self.client.get(url)
                    body = b"".join(response.streaming_content) if streamed else response.content
                self.assertEqual(response.status_code, 200)
                self.assertIn(b"Bulk park 0019", body)
                Park.objects.all().delete()

    # Province, path and industry validation (1 each), count, the five facets' GROUP BYs and the
    # choices of the province, path and industry facets (8), page (its map points too), path index,
    # the province x path matrix (issue 7). The test runner turns the aggregate cache off, so this is
    # the count of a first visit; AggregateCacheTests cover the repeat visit.
    def test_list_page_with_filters(self):
        self.assert_same_queries(
            reverse("parks:list") + "?province=jilin&path=urbanization&industry=fine-chemicals&q=bulk", 15
        )

    def test_list_page_without_filters(self):
        self.assert_same_queries(reverse("parks:list"), 12)

    # Province validation, parks, industries, sources (prefetched per chunk of 2,000).
    def test_csv_export(self):
        self.assert_same_queries(reverse("parks:export-csv") + "?province=jilin", 4, streamed=True)

    # As the CSV, plus the count in the metadata.
    def test_json_export(self):
        self.assert_same_queries(reverse("parks:export-json") + "?province=jilin", 5, streamed=True)
