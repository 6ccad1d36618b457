import subprocess
import tempfile
from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from articles.models import FEATURED_ARTICLE_SLUG, Section
from publishing.testing import make_staff
from releases.models import Release
from releases.tests.test_releases import ReleaseFilesFolder, make_release


def pdf_text(content):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(content)
        handle.flush()
        return subprocess.run(
            ["pdftotext", "-layout", handle.name, "-"], capture_output=True, text=True, check=True
        ).stdout


class ReleasePdfTests(ReleaseFilesFolder, TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("load_content", stdout=StringIO())
        cls.editor = make_staff("eddie", "Editors")

    def test_the_release_article_prints_to_pdf_in_both_page_languages_and_is_kept(self):
        self.client.force_login(self.editor)
        make_release(self.client, "1.0")
        self.client.logout()
        Section.objects.filter(slug="detroit").update(title_en="Renamed after the release")
        for language, words in (("en", "release 1.0"), ("zh-hans", "版本 1.0")):
            with self.subTest(language=language):
                url = f"/en/releases/1.0/articles/{FEATURED_ARTICLE_SLUG}/{language}.pdf"
                response = self.client.get(url)
                self.assertEqual(response["Content-Type"], "application/pdf")
                content = b"".join(response.streaming_content)
                self.assertTrue(content.startswith(b"%PDF-"))
                text = pdf_text(content)
                self.assertIn("Detroit: the Fall of the Motor City", text)
                self.assertNotIn("Renamed after the release", text)
                self.assertIn(words, text)
                self.assertIn("Editors’ notes" if language == "en" else "编者注", text)
                # Kept with the release: the second request serves the same file.
                self.assertEqual(b"".join(self.client.get(url).streaming_content), content)
        self.assertEqual(Release.objects.get().files.filter(name__endswith=".pdf").count(), 2)
        self.assertEqual(self.client.get(f"/en/releases/1.0/articles/{FEATURED_ARTICLE_SLUG}/fr.pdf").status_code, 404)


class PrintStylesheetTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("load_content", stdout=StringIO())

    def test_article_and_park_pages_print_without_navigation_and_with_addresses(self):
        for url in (f"/en/articles/{FEATURED_ARTICLE_SLUG}/", "/zh-hans/parks/jilin-etdz/"):
            with self.subTest(url=url):
                self.assertContains(
                    self.client.get(url), '<link rel="stylesheet" href="/static/releases/print.css" media="print">'
                )
        from django.contrib.staticfiles import finders

        stylesheet = open(finders.find("releases/print.css"), encoding="utf-8").read()
        self.assertIn(".site-header", stylesheet.split("display: none")[0])
        self.assertIn('content: " <" attr(href) ">"', stylesheet)
