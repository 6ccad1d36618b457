from django.test import TestCase

from publishing.testing import load_shipped_content
from tools import benchmark, page_times


class PageTimesTests(TestCase):
    """tools/page_times.py is run by hand at 10,000 parks; this proves it renders every page type it names."""

    @classmethod
    def setUpTestData(cls):
        load_shipped_content()
        benchmark.populate(2)

    def test_times_every_page_type_in_both_languages(self):
        urls = [
            (path.format(lang=language), language)
            for _label, path in page_times.pages()
            for language in ("en", "zh-hans")
        ]
        # A page that does not answer 200 stops the measurement (SystemExit) rather than timing an error.
        results = page_times.measure(self.client, urls, runs=2, cold=False)
        self.assertEqual(set(results), set(urls))
        self.assertIn(("/zh-hans/parks/synthetic-00001/", "zh-hans"), results)
        for url, (milliseconds, queries) in results.items():
            with self.subTest(url=url):
                self.assertGreater(milliseconds, 0)
                self.assertLess(queries, 20)
