"""Readers meet no internal names: no "fact sheet", "README" or "issue" on any page, note or download."""

import io
import re
import zipfile

from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import translation

from parks.models import Park
from publishing.testing import load_shipped_content

# A ticket ("issue 13", "issue #24") is internal; the article's own "issues" (of unemployment…) are not.
INTERNAL_WORDS = re.compile(rb"fact[ -]sheets?|readme|issues?\s*(?:no\.\s*)?#?\s*\d+", re.IGNORECASE)


@override_settings(AGGREGATE_CACHE_SECONDS=0)
class ReaderWordsTests(TestCase):
    """Every park page, the coverage and method pages, and every download, in both languages."""

    @classmethod
    def setUpTestData(cls):
        load_shipped_content()

    def urls(self):
        parks = Park.objects.published().values_list("slug", flat=True)
        pages = [reverse("parks:detail", args=[slug]) for slug in parks]
        pages += [
            reverse(name)
            for name in (
                "parks:list",
                "parks:coverage",
                "parks:methodology",
                "parks:export-csv",
                "parks:export-json",
                "parks:export-xlsx",
                "parks:matrix-csv",
                "parks:matrix-json",
                "data:index",
                "data:datapackage",
                "data:sqlite",
                "api:park-list",
                "api:source-list",
                "api:missing-zone-list",
                "api:coverage",
            )
        ]
        return pages

    def body(self, response):
        content = b"".join(response.streaming_content) if response.streaming else response.content
        if content.startswith(b"PK"):  # a workbook: its sheets are XML inside a zip
            with zipfile.ZipFile(io.BytesIO(content)) as workbook:
                return b"".join(workbook.read(name) for name in workbook.namelist())
        return content

    def test_no_internal_words_in_either_language(self):
        for language in ("en", "zh-hans"):
            with translation.override(language):
                urls = self.urls()
            self.assertGreater(len(urls), 70)
            for url in urls:
                with self.subTest(url=url):
                    response = self.client.get(url, HTTP_ACCEPT="application/json" if "/api/" in url else "*/*")
                    self.assertEqual(response.status_code, 200)
                    found = INTERNAL_WORDS.findall(self.body(response))
                    self.assertEqual(found, [], url)
