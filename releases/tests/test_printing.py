import mimetypes
import subprocess
import tempfile
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import TestCase
from weasyprint import HTML
from weasyprint.urls import URLFetcherResponse

from articles.models import FEATURED_ARTICLE_SLUG, DataSeries, EditorialNote, Section
from parks.models import Park
from publishing.testing import load_shipped_content, make_staff
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
        load_shipped_content()
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


def static_only(url, *args, **kwargs):
    """WeasyPrint's fetcher for a page of the test server: its stylesheets from the static files, nothing else."""
    path = urlsplit(url).path
    if not path.startswith(settings.STATIC_URL):
        raise ValueError(f"Not fetched: {url}")
    found = finders.find(path.removeprefix(settings.STATIC_URL))
    with open(found, "rb") as handle:
        return URLFetcherResponse(url, body=handle.read(), headers={"Content-Type": mimetypes.guess_type(found)[0]})


class PrintStylesheetTests(TestCase):
    """The live article and park pages printed as a browser prints them (print media, the site's stylesheets)."""

    @classmethod
    def setUpTestData(cls):
        load_shipped_content()

    def printed(self, url):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        html = HTML(string=response.content.decode(), base_url=f"http://testserver{url}", url_fetcher=static_only)
        return " ".join(pdf_text(html.write_pdf()).split())

    def test_the_article_prints_without_navigation_with_its_notes_as_endnotes_and_addresses_shown(self):
        text = self.printed(f"/en/articles/{FEATURED_ARTICLE_SLUG}/")
        self.assertIn("Detroit: the Fall of the Motor City", text)
        for navigation in ("Skip to content", "Parks catalogue", "Contents", "Back to the top", "Suggest a correction"):
            self.assertNotIn(navigation, text)
        # Each note once, in the list at the end (not also beside its passage), with no link back.
        note = EditorialNote.objects.filter(data_series=None).order_by("section__order", "order").first()
        same_text = EditorialNote.objects.filter(text=note.text).count()  # two notes may say the same
        self.assertEqual(text.count(" ".join(note.text.split())), same_text)
        self.assertGreater(text.index(" ".join(note.text.split())), text.rindex("Editors’ notes"))
        self.assertNotIn("Back to the text", text)
        # Links leaving the site show their addresses; the page's own address is in its citation.
        self.assertIn(f"http://testserver/en/articles/{FEATURED_ARTICLE_SLUG}/", text.replace("- ", "-"))
        self.assertNotIn("</en/parks/", text)

    def test_a_park_page_prints_its_facts_and_the_addresses_of_its_sources(self):
        park = Park.objects.get(slug="jilin-etdz")
        text = self.printed("/zh-hans/parks/jilin-etdz/")
        self.assertIn(park.name_zh, text)
        for navigation in ("跳到正文", "English", "提出更正"):
            self.assertNotIn(navigation, text)
        source = park.sources.exclude(url="").first()
        self.assertIn(f"<{source.url}>".replace(" ", ""), text.replace(" ", ""))
        self.assertNotIn("</zh-hans/parks/", text)
