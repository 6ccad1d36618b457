"""Say exactly what the sources say, checked against the article as shipped.

Expectations come from the shipped article text (the Markdown in articles/content) and from the
source text shipped beside it (articles/content/source/), never from the loader's tables: an editors'
heading is a heading the source does not contain, a quote must be found in the text, a fact must carry
a source on the page a reader sees.
"""

import json
import re
from pathlib import Path

from django.test import TestCase
from django.urls import reverse
from django.utils.html import escape, strip_tags

from articles.models import Article, EditorialNote, Section
from parks.models import DevelopmentPath, Fact, Park, PathEvidence
from publishing.testing import load_shipped_content

CONTENT = Path(__file__).resolve().parents[2] / "articles/content"
SOURCE_TEXT = (CONTENT / "source/rust-belt-parks-article.txt").read_text(encoding="utf-8")
SHIPPED_MARKDOWN = "\n\n".join(path.read_text(encoding="utf-8") for path in sorted(CONTENT.glob("*.md")))
MARKDOWN_LINK = re.compile(r"\[([^\]]+)\]\([^)\s]+\)")
HEADING = re.compile(r"^## +(.+?)(?: +\{#([a-z0-9-]+)(?: \.editorial)?\})? *$", re.MULTILINE)
ARTICLE_SLUG = "industrial-real-estate-park-revitalization-in-major-rust-belts"


def plain(markdown_text):
    """The words a reader sees: link targets and bold marks removed."""
    return MARKDOWN_LINK.sub(r"\1", markdown_text).replace("**", "")


def squeeze(text):
    # The shipped text fixes the source's missing spaces ("Detroit’s80%"): compare without whitespace.
    return re.sub(r"\s+", "", text)


SHIPPED_TEXT = plain(SHIPPED_MARKDOWN)
HEADINGS = HEADING.findall(SHIPPED_MARKDOWN)  # (title, anchor)
EDITORIAL_HEADINGS = [(title, anchor) for title, anchor in HEADINGS if title not in SOURCE_TEXT]


class ShippedContentTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_shipped_content()
        cls.article = Article.objects.get(slug=ARTICLE_SLUG)

    def article_page(self):
        return self.client.get(self.article.get_absolute_url()).content.decode()

    # Translation and editorial marks ------------------------------------------------

    def test_the_article_text_is_the_sources_word_for_word(self):
        for paragraph in re.split(r"\n\s*\n", SHIPPED_MARKDOWN):
            if paragraph.startswith("## "):
                continue
            for line in plain(paragraph).splitlines():
                line = re.sub(r"^\d+\. ", "", line.strip())  # list numbers are Markdown's
                if line:
                    self.assertIn(squeeze(line), squeeze(SOURCE_TEXT), line[:80])

    def test_every_editorial_heading_is_marked_visibly_and_for_screen_readers(self):
        self.assertEqual(len(EDITORIAL_HEADINGS), 7)
        html = self.article_page()
        for title, anchor in HEADINGS:
            with self.subTest(title=title):
                heading = re.search(rf'<h[23] id="{anchor}">(.*?)</h[23]>', html, re.S).group(1)
                # The editors' mark inside the heading, its label read out with it.
                marked = 'class="editors-mark" title="Heading added by the editors"' in heading
                self.assertIs(marked, (title, anchor) in EDITORIAL_HEADINGS)
                self.assertIs(Section.objects.get(article=self.article, slug=anchor).heading_by_editors, marked)

    def test_the_page_says_it_is_a_translation_and_whose_text_it_is(self):
        html = self.article_page()
        self.assertIn("An English translation of the Chinese original; the source does not name the translator.", html)
        self.assertIn("reproduced here for research, with attribution", html)
        self.assertIn("The site’s licence (CC BY 4.0) does not cover it.", html)

    def test_editorial_notes_point_at_words_in_the_text_and_leave_it_unchanged(self):
        html = self.article_page()
        self.assertGreaterEqual(EditorialNote.objects.count(), 4)
        for note in EditorialNote.objects.select_related("section"):
            with self.subTest(note=note.key):
                self.assertIn(note.passage, plain(note.section.body))
                self.assertIn(squeeze(note.passage), squeeze(SOURCE_TEXT))
                self.assertIn(f'href="#{note.anchor}"', html)  # the marker beside the passage
                self.assertIn(f'id="{note.anchor}"', html)  # the note itself
                if note.corrected_wording:
                    # A correction shows the source's wording beside it, never silently.
                    # (The visible text: the quoted words are marked lang="en" for Chinese pages.)
                    self.assertIn(
                        f"the source reads “{note.passage}”; read “{note.corrected_wording}”", strip_tags(html)
                    )

    def test_the_doubtful_investment_figure_is_noted_on_its_paragraph_and_its_chart(self):
        html = self.article_page()
        paragraph = re.search(r"<p>[^<]*7302\.59 billion yuan in 2010.*?</p>", html, re.S).group()
        self.assertIn("note-ref", paragraph)
        self.assertIn("7302.59 billion yuan", SOURCE_TEXT)  # the text keeps it
        figures = self.client.get(reverse("articles:figures", args=[ARTICLE_SLUG])).content.decode()
        chart = re.search(r'<figure class="chart" id="chart-liaoning-industrial-investment".*?</figure>', figures, re.S)
        # The note's Chinese word is marked as Chinese (the |chinese filter).
        self.assertIn('<span lang="zh-Hans">亿元</span> (100 million yuan)', chart.group())

    # Path evidence -------------------------------------------------------------------

    def test_every_placement_is_quoted_verbatim_or_inferred_with_a_reason(self):
        placed = Park.objects.exclude(path=None)
        self.assertGreater(placed.count(), 0)
        for park in placed.prefetch_related("path_evidence", "mentions"):
            with self.subTest(park=park.slug):
                evidence = [item for item in park.path_evidence.all() if item.path_id == park.path_id]
                self.assertTrue(evidence, "no evidence for the placement")
                for item in evidence:
                    self.assertIn(item.quote, SHIPPED_TEXT)
                    self.assertIn(squeeze(item.quote), squeeze(SOURCE_TEXT))
                    if item.kind == "named":
                        # The quote names the zone in the article's own words.
                        self.assertTrue(any(mention.wording in item.quote for mention in park.mentions.all()))
                    else:
                        self.assertTrue(item.reason.strip())
                        self.assertTrue(item.confidence)

    def test_the_two_placements_the_article_does_not_word_are_inferred(self):
        section_4 = plain(Section.objects.get(article=self.article, slug="re-urbanization").body)
        for slug, words in (
            ("dongning-poltavka-mutual-trade-zone", "Dongning"),
            ("manzhouli-comprehensive-bonded-zone", "Manzhouli Comprehensive Bonded Zone"),
        ):
            self.assertNotIn(words, section_4)
            kinds = set(PathEvidence.objects.filter(park__slug=slug).values_list("kind", flat=True))
            self.assertEqual(kinds, {"inferred"})

    def test_path_pages_give_each_quote_once_and_each_zone_once(self):
        for path in DevelopmentPath.objects.all():
            html = self.client.get(path.get_absolute_url()).content.decode()
            for item in PathEvidence.objects.filter(path=path):
                with self.subTest(path=path.slug, park=item.park.slug):
                    self.assertEqual(html.count(escape(item.quote)), 1)
                    self.assertEqual(html.count(f'href="{item.park.get_absolute_url()}"'), 1)
        html = self.client.get(reverse("parks:path", args=["re-urbanization"])).content.decode()
        named = html.split('class="path-evidence-parks path-evidence-named"', 1)[1].split("</ul>", 1)[0]
        inferred = html.split('class="path-evidence-parks path-evidence-inferred-parks"', 1)[1].split("</ul>", 1)[0]
        self.assertIn("/parks/heihe-becz/", named)
        self.assertNotIn("/parks/dongning-poltavka-mutual-trade-zone/", named)
        self.assertIn("/parks/dongning-poltavka-mutual-trade-zone/", inferred)
        self.assertIn("low confidence", inferred)

    # Mentions, not stand-ins ---------------------------------------------------------------

    def test_no_park_record_is_a_stand_in(self):
        # Every zone the article's links point at is a real zone: a type and a level from a source.
        for slug in set(re.findall(r"\(park:([a-z0-9-]+)\)", SHIPPED_MARKDOWN)):
            with self.subTest(slug=slug):
                park = Park.objects.get(slug=slug)
                self.assertNotEqual(park.zone_type, "other")
                self.assertTrue(park.level)
                self.assertTrue(park.fact_sources.filter(fact=Fact.LEVEL).exists())
        self.assertFalse(Park.objects.filter(level="").exists())
        self.assertFalse(Park.objects.filter(slug__endswith="-zone", zone_type="other").exists())

    def test_the_articles_unmatched_wording_is_a_mention_of_the_real_zone(self):
        response = self.client.get(reverse("parks:detail", args=["songyuan-etdz"]))
        self.assertContains(response, "“Songyuan High-tech Industrial Park”")
        self.assertContains(response, "Inferred by the editors")
        self.assertEqual(Park.objects.get(slug="songyuan-etdz").path.slug, "co-city")

    # A source for every fact -----------------------------------------------------------

    def test_every_fact_on_every_park_page_has_a_source_or_says_unknown(self):
        for park in Park.objects.published():
            with self.subTest(park=park.slug):
                html = self.client.get(park.get_absolute_url()).content.decode()
                for fact in Fact:
                    row = html.split(f'<div id="fact-{fact.value}">', 1)[1].split("</div>", 1)[0]
                    sourced = re.findall(r'href="#source-(\d+)"', row)
                    self.assertTrue(sourced or "Unknown" in row, f"{fact}: {row}")
                    for number in sourced:
                        self.assertIn(f'<li id="source-{number}">', html)

    def test_industries_are_the_articles_words_or_sourced(self):
        for slug in ("urbanization", "re-urbanization"):
            path_page = self.client.get(reverse("parks:path", args=[slug])).content.decode()
            quoted = re.search(r"Leading industries, in the article’s words: “(.*?)”", strip_tags(path_page)).group(1)
            self.assertIn(quoted, SHIPPED_TEXT)
        self.assertIn("wood processing, tourism, commerce, logistics, and light industry", path_page)
        for park in Park.objects.filter(industries__isnull=False).distinct():
            self.assertTrue(park.fact_sources.filter(fact=Fact.INDUSTRIES).exists(), park.slug)

    def test_exports_carry_provenance_per_fact_and_their_licence(self):
        response = self.client.get(reverse("parks:export-json"))
        data = json.loads(b"".join(response.streaming_content))
        self.assertIn("CC BY 4.0", data["metadata"]["licence_note"])
        jilin = next(park for park in data["parks"] if park["slug"] == "jilin-etdz")
        self.assertEqual(set(jilin["provenance"]), {fact.value for fact in Fact})
        self.assertIn("Xinhua", jilin["provenance"]["area"][0]["source"])
        csv_text = b"".join(self.client.get(reverse("parks:export-csv")).streaming_content).decode("utf-8-sig")
        header = csv_text.splitlines()[0].split(",")
        for fact in Fact:
            self.assertIn(f"{fact.value}_sources", header)
        self.assertIn("licence", header)
