from decimal import Decimal
from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from articles.content import load_article
from parks.content import ARTICLE_CITATION, load_catalogue, split_list
from parks.models import (
    DevelopmentPath,
    FactSource,
    Industry,
    MissingZone,
    OfficialCount,
    Park,
    Province,
    Source,
    ZoneTotal,
)
from publishing.loading import LoadReport, current_values, fingerprint


def load_content(*args):
    output = StringIO()
    call_command("load_content", *args, stdout=output)
    return output.getvalue()


class CatalogueLoaderTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_content()

    def test_loads_every_row_of_the_fact_sheet(self):
        self.assertEqual(Province.objects.count(), 4)
        # The fact sheet's 45 rows less its 4 stand-ins for the article's wording, plus 29 sourced additions.
        self.assertEqual(Park.objects.count(), 70)
        self.assertEqual(Park.objects.exclude(path=None).count(), 20)
        self.assertEqual(
            list(DevelopmentPath.objects.values_list("slug", "name")),
            [
                ("urbanization", "Urbanization"),
                ("re-urbanization", "Re-urbanization"),
                ("co-city", "Co-city development"),
            ],
        )

    def test_paths_link_to_the_article_subsections(self):
        for development_path in DevelopmentPath.objects.all():
            self.assertEqual(development_path.article_section.slug, development_path.slug)
            self.assertEqual(development_path.article_section.parent.slug, "paths-for-updating-the-rust-belt")

    def test_every_park_on_a_path_has_the_articles_wording(self):
        self.assertFalse(Park.objects.exclude(path=None).filter(article_name="").exists())
        self.assertFalse(Park.objects.filter(path=None).exclude(article_name="").exists())
        tonghua = Park.objects.get(slug="tonghua-medical-htz")
        self.assertEqual(tonghua.article_name, "Tonghua Pharmaceutical High-tech Industrial Park")

    def test_status_links_the_zone_it_became_with_its_source(self):
        epz = Park.objects.get(slug="hunchun-epz")
        self.assertEqual((epz.status, epz.status_year), ("upgraded", 2018))
        self.assertEqual(epz.successor.slug, "hunchun-comprehensive-bonded-zone")
        note = epz.fact_sources.get(fact="status")
        self.assertIn("April 2018", note.note)
        self.assertTrue(note.source.url.startswith("http"))

    def test_years_found_since_fill_empty_cells_with_their_source(self):
        shenyang = Park.objects.get(slug="shenyang-etdz")
        self.assertEqual((shenyang.established_year, shenyang.national_year), (1988, 1993))
        self.assertTrue(shenyang.fact_sources.filter(fact="national_year").exists())

    def test_new_zones_carry_sourced_chinese_names_and_approximate_positions(self):
        added = Park.objects.filter(slug__in=["dandong-becz", "helong-becz", "harbin-new-area", "dalian-bonded-zone"])
        self.assertEqual(added.count(), 4)
        for park in added:
            with self.subTest(park=park.slug):
                self.assertTrue(park.name_zh)
                self.assertTrue(park.fact_sources.filter(fact="name_zh").exists())
                self.assertTrue(park.fact_sources.filter(fact="national_year").exists())
                self.assertTrue(park.coordinates_approximate)

    def test_no_reader_facing_note_names_the_fact_sheet(self):
        for model, field in ((FactSource, "note"), (Park, "notes"), (MissingZone, "note"), (ZoneTotal, "note")):
            with self.subTest(model=model.__name__):
                self.assertFalse(
                    model.objects.filter(**{f"{field}__iregex": r"fact sheet|readme|(^|[^a-z])issue"}).exists()
                )

    def test_row_facts_are_copied_and_empty_cells_stay_empty(self):
        jilin = Park.objects.get(slug="jilin-etdz")
        self.assertEqual(jilin.name_zh, "吉林经济技术开发区")
        self.assertEqual((jilin.established_year, jilin.national_year), (1998, 2010))
        self.assertEqual(jilin.area_km2, Decimal("20.4"))
        self.assertEqual(jilin.path.slug, "urbanization")
        self.assertEqual(jilin.confidence, "high")
        anshan = Park.objects.get(slug="anshan-htz")
        self.assertIsNone(anshan.established_year)
        self.assertIsNone(anshan.area_km2)
        # Industries repeating the article's group-level list are not loaded as the zone's own.
        self.assertEqual(Park.objects.get(slug="yanji-htz").industries.count(), 0)
        # Four decimal places survive the database.
        self.assertEqual(Park.objects.get(slug="tonghua-medical-htz").area_km2, Decimal("12.7082"))

    def test_industries_are_slugified_and_shared(self):
        fine_chemicals = Industry.objects.get(slug="fine-chemicals")
        self.assertEqual(fine_chemicals.name, "fine chemicals")
        self.assertIn("jilin-etdz", fine_chemicals.parks.values_list("slug", flat=True))
        self.assertEqual(Park.objects.get(slug="jilin-etdz").industries.count(), 3)

    def test_sources_are_split_into_whole_citations(self):
        citations = list(Park.objects.get(slug="jilin-etdz").sources.values_list("citation", flat=True))
        self.assertEqual(len(citations), 3)
        # The article's citation contains commas and quotes: it stays one source.
        self.assertIn(
            "Jia Xiaobing, 'Industrial Real Estate Park Revitalization in Major Rust Belts' "
            "(Introduction to Park Industrial Real Estate, ep. 89)",
            citations,
        )
        self.assertEqual(Source.objects.filter(citation__startswith="Jia Xiaobing").count(), 1)

    def test_split_list_keeps_semicolons_inside_parentheses(self):
        self.assertEqual(split_list("A (x; y); B ;; "), ["A (x; y)", "B"])

    def test_official_counts_are_the_articles_section_3(self):
        counts = {(count.level, count.zone_type): count.count for count in OfficialCount.objects.all()}
        self.assertEqual(
            counts,
            {
                ("national", "etdz"): 8,
                ("national", "becz"): 4,
                ("national", "htz"): 7,
                ("national", "mutual-trade"): 2,
                ("national", "bonded"): 1,
                ("national", "epz"): 1,
                ("provincial", "etdz"): 114,
            },
        )
        label = OfficialCount.objects.get(level="national", zone_type="htz").label
        self.assertEqual(label, "national-level high-tech industrial parks")

    def test_second_run_changes_nothing(self):
        output = load_content()
        self.assertIn("0 created, 0 updated", output)
        self.assertEqual(Park.objects.count(), 70)

    def test_a_missing_zone_the_file_no_longer_lists_is_withdrawn_unless_a_researcher_touched_it(self):
        # Loaded as shipped earlier, since catalogued: it must not stay on the Coverage page as missing.
        province = Province.objects.get(slug="liaoning")
        shipped = MissingZone.objects.create(name_en="Jinzhou ETDZ (old row)", province=province, zone_type="etdz")
        shipped.content_fingerprint = fingerprint(
            {"name_en": shipped.name_en, **current_values(shipped, ("name_zh", "province_id", "zone_type", "note"))}
        )
        shipped.save()
        entered = MissingZone.objects.create(name_en="A zone a researcher entered", province=province, zone_type="htz")
        output = load_content()
        self.assertFalse(MissingZone.objects.filter(pk=shipped.pk).exists())
        self.assertTrue(MissingZone.objects.filter(pk=entered.pk).exists())
        self.assertIn("1 skipped", output)

    def test_a_citation_the_content_no_longer_gives_is_withdrawn_unless_a_researcher_added_or_edited_it(self):
        park = Park.objects.get(slug="daqing-htz")
        source = Source.objects.get(citation=ARTICLE_CITATION)

        def cite(fact, note, as_loaded):
            fact_source = FactSource.objects.create(park=park, fact=fact, source=source, note=note)
            if as_loaded:
                # As an earlier load left it: the values it loaded, fingerprinted (before the Chinese note existed).
                fact_source.content_fingerprint = fingerprint(
                    {"park_id": park.pk, "fact": fact, "source_id": source.pk, "note": note}
                )
                fact_source.save()
            return fact_source

        removed = cite("area", "Gives the area (a citation since found wrong).", as_loaded=True)
        edited = cite("industries", "Names its industries.", as_loaded=True)
        edited.note = "A researcher's own wording."
        edited.save()
        entered = cite("established_year", "A researcher's own citation.", as_loaded=False)

        output = load_content()

        self.assertFalse(FactSource.objects.filter(pk=removed.pk).exists())
        self.assertEqual(FactSource.history.filter(id=removed.pk).latest().history_type, "-")
        self.assertTrue(FactSource.objects.filter(pk=edited.pk).exists())
        self.assertTrue(FactSource.objects.filter(pk=entered.pk).exists())
        self.assertIn("1 updated", output)
        self.assertIn("1 skipped", output)
        # What the park page shows: the withdrawn citation's note is gone, the researcher's stays.
        response = self.client.get(park.get_absolute_url())
        self.assertNotContains(response, "a citation since found wrong")
        self.assertContains(response, "A researcher&#x27;s own wording.")

    def test_liaoning_zones_that_are_now_catalogued_are_not_missing(self):
        for slug in ("jinzhou-etdz", "shenyang-huishan-etdz", "tieling-etdz", "liaoning-ftz-dalian-area"):
            with self.subTest(park=slug):
                park = Park.objects.get(slug=slug)
                self.assertTrue(park.fact_sources.filter(fact="level").exists())
                self.assertTrue(park.fact_sources.filter(fact="name_zh").exists())
                self.assertFalse(MissingZone.objects.filter(name_zh=park.name_zh).exists())
        dalian = Park.objects.get(slug="liaoning-ftz-dalian-area")
        self.assertEqual(
            (dalian.national_year, dalian.area_km2, dalian.area_kind), (2017, Decimal("59.96"), "approved")
        )
        # The 2018 list names it among provincial zones: not a missing national zone.
        self.assertFalse(MissingZone.objects.filter(name_en__icontains="Financial").exists())

    def test_dalians_comprehensive_bonded_zones_are_catalogued_with_their_sources_and_no_longer_missing(self):
        for slug in ("dalian-dayaowan-comprehensive-bonded-zone", "dalian-wanli-comprehensive-bonded-zone"):
            with self.subTest(park=slug):
                park = Park.objects.get(slug=slug)
                self.assertEqual((park.zone_type, park.level, park.status), ("bonded", "national", "active"))
                # Neither year nor area was found: they stay unknown, and the note says so.
                self.assertEqual((park.national_year, park.area_km2), (None, None))
                self.assertIn("not found in the sources we checked", park.notes)
                for fact in ("level", "name_zh", "status"):
                    self.assertTrue(park.fact_sources.filter(fact=fact).exists(), fact)
                self.assertFalse(MissingZone.objects.filter(name_en=park.name_en).exists())
        self.assertTrue(MissingZone.objects.filter(name_en="Yingkou Comprehensive Bonded Zone").exists())

    def test_admin_edits_survive_a_rerun_unless_forced(self):
        park = Park.objects.get(slug="daqing-htz")
        park.city = "Daqing (edited)"
        park.save()
        park.industries.clear()
        load_content()
        park.refresh_from_db()
        self.assertEqual(park.city, "Daqing (edited)")
        self.assertEqual(park.industries.count(), 0)
        load_content("--force")
        park.refresh_from_db()
        self.assertEqual(park.city, "Daqing")
        self.assertEqual(park.industries.count(), 2)

    def test_unpublishing_is_not_undone_by_a_rerun(self):
        Park.objects.filter(slug="suifenhe-becz").update(is_published=False)
        load_content()
        self.assertIs(Park.objects.get(slug="suifenhe-becz").is_published, False)


class CatalogueWithoutArticleTests(TestCase):
    def test_paths_load_without_the_article_and_link_once_it_exists(self):
        load_catalogue(LoadReport())
        self.assertEqual(DevelopmentPath.objects.filter(article_section__isnull=True).count(), 3)
        self.assertEqual(Park.objects.count(), 70)
        # The article arrives later: the next run links the (unedited) paths to its subsections.
        load_article(LoadReport())
        load_catalogue(LoadReport())
        self.assertEqual(DevelopmentPath.objects.filter(article_section__isnull=True).count(), 0)
