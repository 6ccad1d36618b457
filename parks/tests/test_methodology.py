"""Words for readers: the Methodology page and no researchers' notes on public pages."""

from django.test import TestCase
from django.urls import reverse

from parks.tests.factories import make_official_count, make_park


class MethodologyPageTests(TestCase):
    def test_explains_scope_sources_confidence_and_approximate_coordinates(self):
        response = self.client.get(reverse("parks:methodology"))
        self.assertEqual(response.status_code, 200)
        for anchor in ["scope", "sources", "confidence", "coordinates"]:
            self.assertContains(response, f'id="{anchor}"')
        self.assertContains(response, "city centre approx.")
        self.assertContains(response, "<dt>Low</dt>", html=False)

    def test_listed_in_the_sitemap(self):
        self.assertContains(self.client.get("/sitemap.xml"), reverse("parks:methodology"))


class NotesForReadersTests(TestCase):
    def test_park_page_links_confidence_and_approximate_coordinates_to_the_methodology(self):
        park = make_park(confidence="medium", latitude=43.84, longitude=126.55, coord_note="city centre approx.")
        response = self.client.get(park.get_absolute_url())
        self.assertContains(response, f'href="{reverse("parks:methodology")}#confidence"')
        self.assertContains(response, f'href="{reverse("parks:methodology")}#coordinates"')

    def test_column_names_and_slugs_in_notes_become_reader_words(self):
        target = make_park("Songyuan Economic and Technological Development Zone", slug="songyuan-etdz")
        park = make_park(
            "Yanji High-tech Industrial Development Zone",
            notes="Upgraded in 2010. leading_industries is the article's group-level list for the urbanization path, "
            "not park-specific. Possibly a translation slip; see songyuan-etdz.",
        )
        response = self.client.get(park.get_absolute_url())
        self.assertNotContains(response, "leading_industries")
        self.assertContains(response, "The article's list for its whole development path, not specific to this park.")
        self.assertContains(response, f'see <a href="{target.get_absolute_url()}">{target.name_en}</a>.', html=False)
        self.assertContains(response, "Upgraded in 2010.")

    def test_notes_stay_escaped(self):
        park = make_park(notes="<script>alert(1)</script> see no-such-park")
        response = self.client.get(park.get_absolute_url())
        self.assertNotContains(response, "<script>alert(1)</script>")
        self.assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt; see no-such-park")

    def test_coverage_page_does_not_send_readers_to_the_fact_sheet_readme(self):
        make_official_count(notes="Far below other totals (see the fact sheet's README). Hohhot is central.")
        response = self.client.get(reverse("parks:coverage"))
        self.assertNotContains(response, "README")
        self.assertContains(response, "Far below other totals. Hohhot is central.")
        self.assertContains(response, reverse("parks:methodology"))

    def test_catalogue_page_does_not_mention_an_unexplained_fact_sheet(self):
        response = self.client.get(reverse("parks:list"))
        self.assertNotContains(response, "fact sheet")
        self.assertContains(response, reverse("parks:methodology"))
