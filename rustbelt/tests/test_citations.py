"""'Cite this' for the article, its sections and the parks: every download parsed by a real parser.

The article's and sections' expectations come from the shipped article (load_content) and from the
source text shipped beside it, not from the citation code: the author, series and publisher are read
from the source's header line, and the editors' headings are the headings the source does not contain.
"""

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import bibtexparser
import rispy
from bibtexparser.bparser import BibTexParser
from django.template import Context, Template
from django.test import RequestFactory, TestCase
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Section, Status
from articles.tests.factories import make_article
from parks.models import Park
from parks.tests.factories import make_park
from publishing.citations import bibtex_escape, cite
from publishing.testing import load_shipped_content

ARTICLE_SLUG = "industrial-real-estate-park-revitalization-in-major-rust-belts"
ARTICLE_URL = f"http://testserver/en/articles/{ARTICLE_SLUG}/"
SOURCE_TEXT = (Path(__file__).resolve().parents[2] / "articles/content/source/rust-belt-parks-article.txt").read_text(
    encoding="utf-8"
)
# Dates the site knows but the source does not give (when loaded, published, saved): set far from today so
# a citation that used one would show it.
SITE_PUBLISHED = datetime(2021, 3, 4, 12, tzinfo=UTC)
SITE_SAVED = datetime(2022, 5, 6, 12, tzinfo=UTC)
# Any date or year a download could carry: 2026-11-29, 2026/11/29, 2026-11, or a lone year.
DATE_LIKE = re.compile(r"(?<![\d.])(?:19|20)\d{2}(?:[-/]\d{2}(?:[-/]\d{2})?)?(?![\d.])")


def parse_bibtex(text):
    parser = BibTexParser(common_strings=False)
    parser.ignore_nonstandard_types = False  # @online and @dataset are biblatex types
    entries = bibtexparser.loads(text, parser=parser).entries
    assert len(entries) == 1, entries
    return entries[0]


def parse_ris(text):
    entries = rispy.loads(text)
    assert len(entries) == 1, entries
    return entries[0]


def parse_csl(text):
    items = json.loads(text)
    assert len(items) == 1, items
    return items[0]


def dates_in(values):
    """Every date-like string in the values of a parsed download (URLs left out: they hold no dates)."""
    found = set()
    for value in values:
        if isinstance(value, (list, tuple)):
            found |= dates_in(value)
        elif isinstance(value, dict):
            found |= dates_in(value.values())
        elif isinstance(value, str) and not value.startswith("http"):
            found |= {match.replace("/", "-") for match in DATE_LIKE.findall(value)}
    return found


def csl_dates(item):
    """CSL date variables as 'YYYY-MM-DD' strings (a CSL date is date-parts, not text)."""
    return {
        "-".join(f"{part:02d}" if index else str(part) for index, part in enumerate(value["date-parts"][0]))
        for value in item.values()
        if isinstance(value, dict) and "date-parts" in value
    }


def allowed(*dates):
    """The dates and every shorter form of them (a year, a year-month)."""
    forms = set()
    for day in dates:
        forms |= {day, day[:7], day[:4]}
    return forms


class ShippedArticleCitationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_shipped_content()
        Article.objects.filter(slug=ARTICLE_SLUG).update(published_at=SITE_PUBLISHED, updated_at=SITE_SAVED)
        Section.objects.update(updated_at=SITE_SAVED)
        cls.article = Article.objects.get(slug=ARTICLE_SLUG)
        cls.today = f"{timezone.localdate():%Y-%m-%d}"

    def download(self, fmt, section=None):
        response = self.client.get(
            reverse("articles:cite", args=[ARTICLE_SLUG, fmt]), {"section": section} if section else {}
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment;", response["Content-Disposition"])
        return response.content.decode()

    def every_download(self, section=None):
        return (
            parse_bibtex(self.download("bib", section)),
            parse_ris(self.download("ris", section)),
            parse_csl(self.download("json", section)),
        )

    def test_downloads_parse_and_name_author_container_number_publisher_and_translation(self):
        # The source's header: "Author: Jia Xiaobing, Commercial Real Estate Series Article “Introduction to
        # Park Industrial Real Estate” Episode 89" and its last line names the original publisher.
        header = SOURCE_TEXT.splitlines()[1]
        publisher = SOURCE_TEXT.rsplit("Source:", 1)[1].strip()
        bib, ris, csl = self.every_download()
        self.assertIn("Jia Xiaobing", header)
        self.assertEqual(bib["author"], "Jia, Xiaobing")
        self.assertEqual(ris["authors"], ["Jia, Xiaobing"])
        self.assertEqual(csl["author"], [{"family": "Jia", "given": "Xiaobing"}])
        for container in (bib["series"], ris["secondary_title"], csl["container-title"]):
            self.assertIn("Commercial Real Estate Series", container)
            self.assertIn("Introduction to Park Industrial Real Estate", container)
        self.assertIn("Episode 89", header)
        self.assertEqual((bib["number"], ris["number"], csl["number"]), ("89", "89", "89"))
        self.assertEqual({bib["publisher"], ris["publisher"], csl["publisher"]}, {publisher})
        for note in (bib["note"], ris["notes"][0], csl["note"]):
            self.assertIn("English translation of the Chinese original", note)
        self.assertEqual(csl["URL"], ARTICLE_URL)
        self.assertEqual(ris["urls"], [ARTICLE_URL])
        self.assertEqual(bib["url"], ARTICLE_URL)

    def test_no_date_that_is_not_data(self):
        # The source gives no date: only the access date may appear, in every format.
        for section in (None, "detroit", "urbanization"):
            with self.subTest(section=section):
                bib, ris, csl = self.every_download(section)
                self.assertEqual(dates_in(bib.values()), {self.today})
                self.assertEqual(dates_in(ris.values()), {self.today})
                self.assertEqual(dates_in(csl.values()) | csl_dates(csl), {self.today})
                self.assertNotIn("issued", csl)
                self.assertNotIn("date", bib)
        citation = cite(self.article, RequestFactory().get("/"))
        self.assertIn("(n.d.)", citation.apa)
        self.assertIn(
            f"Retrieved {timezone.localdate():%B} {timezone.localdate().day}, {timezone.localdate().year}", citation.apa
        )
        self.assertEqual(DATE_LIKE.findall(citation.apa.split("Retrieved")[0]), [])
        self.assertEqual({match.replace("/", "-") for match in DATE_LIKE.findall(citation.gbt7714)}, {self.today})

    def test_a_date_a_researcher_enters_is_used_and_only_it(self):
        Article.objects.filter(pk=self.article.pk).update(issued="2020-11")
        bib, ris, csl = self.every_download()
        expected = allowed("2020-11", self.today)
        for found in (dates_in(bib.values()), dates_in(ris.values()), dates_in(csl.values()) | csl_dates(csl)):
            self.assertLessEqual(found, expected)
            self.assertIn("2020-11", found)
        self.assertEqual(csl["issued"], {"date-parts": [[2020, 11]]})
        self.assertIn("(2020, November)", cite(Article.objects.get(pk=self.article.pk), RequestFactory().get("/")).apa)

    def test_editorial_headings_never_stand_as_the_authors_title(self):
        editorial = [
            section
            for section in Section.objects.filter(article=self.article, parent__isnull=False)
            if section.title not in SOURCE_TEXT
        ]
        self.assertEqual(len(editorial), 7)
        for section in editorial:
            with self.subTest(section=section.slug):
                bib, ris, csl = self.every_download(section.slug)
                for title in (bib["title"], ris["title"], csl["title"]):
                    self.assertEqual(title, self.article.title)
                downloads = json.dumps([bib, ris, csl], ensure_ascii=False)
                self.assertNotIn(section.title, downloads)
                readable = cite(section, RequestFactory().get("/"))
                self.assertNotIn(section.title, readable.apa + readable.gbt7714 + readable.locator)
                self.assertRegex(csl["section"], r"^section \d$")

    def test_a_section_is_the_article_with_the_section_as_locator(self):
        bib, ris, csl = self.every_download("urbanization")
        self.assertEqual(csl["URL"], ARTICLE_URL + "#urbanization")
        self.assertEqual(csl["section"], "section 4, “Urbanization”")
        self.assertEqual(ris["section"], "section 4, “Urbanization”")
        self.assertEqual(bib["chapter"], "section 4, “Urbanization”")
        self.assertEqual(bib["title"], self.article.title)

    def test_article_citation_carries_the_rights_holders_terms_not_the_sites_licence(self):
        bib, ris, csl = self.every_download()
        for rights in (bib["rights"], ris["custom5"], csl["license"]):
            self.assertIn("Jia Xiaobing", rights)
            self.assertIn("does not cover it", rights)
        page = self.client.get(self.article.get_absolute_url())
        self.assertContains(page, "reproduced here for research, with attribution")
        self.assertContains(page, "An English translation of the Chinese original")

    def test_bad_input_is_404(self):
        self.assertEqual(self.client.get(reverse("articles:cite", args=[ARTICLE_SLUG, "docx"])).status_code, 404)
        response = self.client.get(reverse("articles:cite", args=[ARTICLE_SLUG, "bib"]), {"section": "nope"})
        self.assertEqual(response.status_code, 404)
        draft = make_article(title="Draft", slug="draft", status=Status.DRAFT)
        self.assertEqual(self.client.get(reverse("articles:cite", args=[draft.slug, "bib"])).status_code, 404)

    def test_meta_tags_carry_no_date(self):
        head = self.client.get(self.article.get_absolute_url()).content.decode().split("</head>", 1)[0]
        self.assertIn('<meta name="citation_author" content="Jia, Xiaobing">', head)
        self.assertNotIn("citation_publication_date", head)
        self.assertNotIn("citation_online_date", head)


class ParkCitationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.park = make_park("Jilin ETDZ", name_zh="吉林经济技术开发区")

    def test_cites_the_catalogue_with_the_records_last_modified_date_as_version(self):
        # Created (the old "issued") and last modified on different days, neither of them today.
        Park.objects.filter(pk=self.park.pk).update(created_at=SITE_PUBLISHED, updated_at=SITE_SAVED)
        version = "2022-05-06"
        today = f"{timezone.localdate():%Y-%m-%d}"
        bib = parse_bibtex(self.client.get("/en/parks/jilin-etdz/cite.bib").content.decode())
        ris = parse_ris(self.client.get("/en/parks/jilin-etdz/cite.ris").content.decode())
        csl = parse_csl(self.client.get("/en/parks/jilin-etdz/cite.json").content.decode())
        self.assertEqual(bib["ENTRYTYPE"], "dataset")
        self.assertEqual(ris["type_of_reference"], "DATA")
        self.assertEqual(csl["type"], "dataset")
        self.assertEqual((bib["version"], ris["edition"], csl["version"]), (version, version, version))
        self.assertEqual(bib["author"], "{Rust Belt Parks}")
        self.assertEqual(csl["author"], [{"literal": "Rust Belt Parks"}])
        self.assertEqual(csl["publisher"], "Rust Belt Parks")
        self.assertIn("CC BY 4.0", csl["license"])
        for found in (dates_in(bib.values()), dates_in(ris.values()), dates_in(csl.values()) | csl_dates(csl)):
            self.assertLessEqual(found, {version, today})

    def test_park_page_cite_block(self):
        html = Template("{% load citations %}{% cite_block obj %}").render(
            Context({"obj": self.park, "request": RequestFactory().get("/")})
        )
        self.assertIn("Cite this park", html)
        self.assertIn('Jilin ETDZ (<span lang="zh-Hans">吉林经济技术开发区</span>) [Dataset]', html)
        self.assertIn("[DS/OL]", html)
        self.assertIn('rel="license">CC BY 4.0</a>', html)
        for fmt in ("bib", "ris", "json"):
            self.assertIn(f'href="/en/parks/jilin-etdz/cite.{fmt}"', html)

    def test_a_chinese_page_cites_the_site_as_xiudai_yuanqu(self):
        response = self.client.get("/zh-hans/parks/jilin-etdz/")
        self.assertContains(response, '<meta name="citation_author" content="锈带园区">')
        self.assertContains(response, '<meta property="og:site_name" content="锈带园区">')
        self.assertContains(response, '<span lang="zh-Hans">锈带园区</span>. Jilin ETDZ')  # GB/T 7714: author first
        self.assertNotContains(response, "Rust Belt Parks. Jilin ETDZ")
        csl = parse_csl(self.client.get("/zh-hans/parks/jilin-etdz/cite.json").content.decode())
        self.assertEqual(csl["author"], [{"literal": "锈带园区"}])

    def test_unpublished_park_has_no_citation(self):
        make_park("Hidden zone", is_published=False)
        self.assertEqual(self.client.get("/en/parks/hidden-zone/cite.bib").status_code, 404)

    def test_park_page_offers_its_citation_and_meta_tags(self):
        response = self.client.get(self.park.get_absolute_url())
        head = response.content.decode().split("</head>", 1)[0]
        self.assertIn('<meta name="citation_title" content="Jilin ETDZ (吉林经济技术开发区)">', head)
        self.assertIn('<meta name="citation_public_url" content="http://testserver/en/parks/jilin-etdz/">', head)
        self.assertIn('<meta property="og:type" content="website">', head)
        self.assertContains(response, '<h2 id="cite-rustbeltparks-jilin-etdz">Cite this park</h2>', html=True)
        self.assertContains(response, 'href="/en/parks/jilin-etdz/cite.ris"')
        self.assertNotContains(response, "style=")


class BibtexEscapeTests(TestCase):
    def test_special_characters_are_escaped_and_the_file_still_parses(self):
        self.assertEqual(bibtex_escape("R&D {50%} $_#"), r"R\&D \{50\%\} \$\_\#")
        article = make_article(title="Parks & {zones} at 50%", slug="parks-and-zones")
        bib = parse_bibtex(self.client.get(reverse("articles:cite", args=[article.slug, "bib"])).content.decode())
        self.assertEqual(bib["title"], r"Parks \& \{zones\} at 50\%")
