"""Where each fact comes from, in the API: per-fact sources, path evidence, mentions, editorial notes,
missing zones."""

from django.urls import reverse

from articles.models import EditorialNote
from articles.tests.factories import make_article, make_section, make_series
from opendata.tests import ApiTestCase
from parks.models import FactSource, MissingZone, PathEvidence
from parks.tests.factories import make_mention, make_park, make_path, make_province, make_source


class ProvenanceTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_article()
        cls.section = make_section(cls.article, "co-city", body="Jilin and Changchun grow **together**.")
        cls.series = make_series(cls.article, section=cls.section)
        cls.path = make_path("co-city", article_section=cls.section)
        cls.park = make_park("Jilin ETDZ", path=cls.path, established_year=1992)
        cls.draft = make_park("Unchecked draft", path=cls.path, is_published=False)
        cls.gazette = make_source("Gazette 1992", url="https://example.org/gazette", issued="1992", kind="government")
        cls.news = make_source("News report", kind="news")
        cls.private = make_source("Draft's only source")
        FactSource.objects.create(park=cls.park, fact="established_year", source=cls.gazette, note="Approved 1992.")
        FactSource.objects.create(park=cls.park, fact="level", source=cls.news)
        FactSource.objects.create(park=cls.draft, fact="level", source=cls.private)
        cls.park.sources.add(cls.gazette)
        PathEvidence.objects.create(
            park=cls.park,
            path=cls.path,
            kind="named",
            quote="Jilin and Changchun grow together.",
            article_slug=cls.article.slug,
            section_slug="co-city",
        )
        PathEvidence.objects.create(
            park=cls.draft,
            path=cls.path,
            kind="inferred",
            quote="Hidden.",
            reason="Why.",
            article_slug=cls.article.slug,
            section_slug="co-city",
        )
        make_mention(cls.park, "the Jilin zone", article_slug=cls.article.slug)
        EditorialNote.objects.create(
            section=cls.section,
            key="together",
            kind="correction",
            passage="together",
            corrected_wording="jointly",
            text="The source's word.",
            data_series=cls.series,
        )
        MissingZone.objects.create(
            name_en="Tonghua HTZ", province=make_province("jilin"), zone_type="htz", note="No source read yet."
        )

    def test_each_fact_names_its_sources_in_the_list_and_the_detail(self):
        record = self.client.get(reverse("api:park-list")).json()["results"][0]
        server = "http://testserver/api/v1/sources/"
        self.assertEqual(
            record["fact_sources"],
            [
                {
                    "fact": "established_year",
                    "source": self.gazette.pk,
                    "source_url": f"{server}{self.gazette.pk}/",
                    "note": "Approved 1992.",
                },
                {"fact": "level", "source": self.news.pk, "source_url": f"{server}{self.news.pk}/", "note": ""},
            ],
        )
        detail = self.client.get(record["url"]).json()
        self.assertEqual(detail["fact_sources"], record["fact_sources"])
        source = self.client.get(record["fact_sources"][0]["source_url"]).json()
        self.assertEqual((source["citation"], source["issued"], source["kind"]), ("Gazette 1992", "1992", "government"))
        self.assertEqual(source["document_url"], "https://example.org/gazette")

    def test_sources_list_only_those_of_published_parks(self):
        citations = [source["citation"] for source in self.client.get(reverse("api:source-list")).json()]
        self.assertEqual(citations, ["Gazette 1992", "News report"])
        response = self.client.get(reverse("api:source-detail", args=[self.private.pk]))
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response["Content-Type"], "application/problem+json")

    def test_park_detail_gives_path_evidence_and_mentions_with_links_into_the_article(self):
        detail = self.client.get(reverse("api:park-detail", args=["jilin-etdz"])).json()
        self.assertEqual(len(detail["path_evidence"]), 1)
        evidence = detail["path_evidence"][0]
        self.assertEqual(
            (evidence["path"], evidence["kind"], evidence["quote"]),
            ("co-city", "named", "Jilin and Changchun grow together."),
        )
        self.assertEqual(evidence["html_url"], f"http://testserver{self.article.get_absolute_url()}#co-city")
        self.assertEqual(self.client.get(evidence["html_url"]).status_code, 200)
        self.assertEqual([mention["wording"] for mention in detail["mentions"]], ["the Jilin zone"])

    def test_path_gives_the_evidence_of_published_parks_only(self):
        path = self.client.get(reverse("api:path-detail", args=["co-city"])).json()
        self.assertEqual([(e["park"], e["kind"]) for e in path["evidence"]], [("jilin-etdz", "named")])
        self.assertEqual(path["article_section"]["slug"], "co-city")

    def test_path_list_costs_the_same_queries_for_more_evidence(self):
        # The paths with their sections, then their published parks' evidence, and the content generation.
        with self.assertNumQueries(3):
            self.client.get(reverse("api:path-list"))
        for number in range(5):
            park = make_park(f"More {number}", path=self.path)
            PathEvidence.objects.create(
                park=park,
                path=self.path,
                kind="named",
                quote="Jilin and Changchun.",
                article_slug=self.article.slug,
                section_slug="co-city",
            )
        with self.assertNumQueries(3):
            evidence = self.client.get(reverse("api:path-list")).json()[0]["evidence"]
        self.assertEqual(len(evidence), 6)

    def test_article_gives_its_editorial_notes_beside_the_unchanged_text(self):
        article = self.client.get(reverse("api:article-detail", args=[self.article.slug])).json()
        self.assertEqual(article["sections"][0]["body"], "Jilin and Changchun grow **together**.")
        note = article["editorial_notes"][0]
        self.assertEqual(
            (note["key"], note["kind"], note["section"], note["passage"], note["corrected_wording"]),
            ("together", "correction", "co-city", "together", "jointly"),
        )
        self.assertEqual(note["data_series"], "debt")
        self.assertEqual(note["html_url"], f"http://testserver{self.article.get_absolute_url()}#note-together")
        self.assertIn('id="note-together"', self.client.get(note["html_url"]).content.decode())

    def test_missing_zones_are_listed(self):
        zones = self.client.get(reverse("api:missing-zone-list")).json()
        self.assertEqual(
            zones,
            [
                {
                    "name_en": "Tonghua HTZ",
                    "province": "jilin",
                    "zone_type": "htz",
                    "zone_type_label": "High-tech industrial development zone",
                    "note": "No source read yet.",
                }
            ],
        )
