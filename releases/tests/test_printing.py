import subprocess
import tempfile
from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from articles.models import FEATURED_ARTICLE_SLUG, DataSeries, Section
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
    makes_pdfs = True  # WeasyPrint for real: the PDF builds in CI

    @classmethod
    def setUpTestData(cls):
        call_command("load_content", stdout=StringIO())
        cls.editor = make_staff("eddie", "Editors")

    def test_making_a_release_prints_its_article_to_pdf_in_both_page_languages(self):
        self.client.force_login(self.editor)
        release = make_release(self.client, "1.0")
        self.client.logout()
        # Made with the release, not on a first request.
        self.assertEqual(
            set(release.files.filter(name__endswith=".pdf").values_list("name", flat=True)),
            {f"{FEATURED_ARTICLE_SLUG}.en.pdf", f"{FEATURED_ARTICLE_SLUG}.zh-hans.pdf"},
        )
        Section.objects.filter(slug="detroit").update(title_en="Renamed after the release")
        DataSeries.objects.filter(slug="detroit-population").update(name="Chart renamed after the release")
        for language, words in (("en", "release 1.0"), ("zh-hans", "版本 1.0")):
            with self.subTest(language=language):
                url = f"/en/releases/1.0/articles/{FEATURED_ARTICLE_SLUG}/{language}.pdf"
                response = self.client.get(url)
                self.assertEqual(response["Content-Type"], "application/pdf")
                content = b"".join(response.streaming_content)
                self.assertTrue(content.startswith(b"%PDF-"))
                text = " ".join(pdf_text(content).split())
                self.assertIn("Detroit: the Fall of the Motor City", text)
                self.assertNotIn("Renamed after the release", text)
                self.assertIn(words, text)
                self.assertIn("Editors’ notes" if language == "en" else "编者注", text)
                # The charts as they were, drawn and with their numbers.
                self.assertIn("Detroit’s population, 1950 and today", text)
                self.assertIn("1,800,000", text)
                self.assertNotIn("Chart renamed after the release", text)
                self.assertEqual(stored_bytes(release, f"{FEATURED_ARTICLE_SLUG}.{language}.pdf"), content)
        self.assertEqual(self.client.get(f"/en/releases/1.0/articles/{FEATURED_ARTICLE_SLUG}/fr.pdf").status_code, 404)
        self.assertEqual(Release.objects.get().files.filter(name__endswith=".pdf").count(), 2)


def stored_bytes(release, name):
    with release.files.get(name=name).file.open("rb") as handle:
        return handle.read()


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
