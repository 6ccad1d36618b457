import json

from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import translation

from parks.models import Park
from parks.tests.factories import make_park, make_path, make_province


def province_option(slug, name, count, selected=False):
    # Chinese puts its count in full-width brackets with no space: 辽宁省（1）.
    count_text = f"（{count}）" if "\u4e00" <= name[:1] <= "\u9fff" else f" ({count})"
    return f'<option value="{slug}"{" selected" if selected else ""}>{name}{count_text}</option>'


# The test runner turns both caches off; here the aggregate cache is on, the page cache stays off,
# so every request runs the view and only the counts can come from the cache.
@override_settings(AGGREGATE_CACHE_SECONDS=60)
class AggregateCacheTests(TestCase):
    """Facet counts and the province x path matrix are counted once per content generation."""

    @classmethod
    def setUpTestData(cls):
        cls.jilin = make_province("jilin", name_en="Jilin")
        cls.liaoning = make_province("liaoning", name_en="Liaoning", name_zh="辽宁省")
        cls.urbanization = make_path("urbanization")
        make_park("Jilin ETDZ", province=cls.jilin, path=cls.urbanization)
        make_park("Changchun HTZ", province=cls.jilin, path=cls.urbanization, zone_type="htz")
        make_park("Siping ETDZ", province=cls.jilin)
        make_park("Dalian ETDZ", province=cls.liaoning)

    def list_page(self, query=""):
        response = self.client.get(reverse("parks:list") + query)
        self.assertEqual(response.status_code, 200)
        return response

    def matrix_total(self):
        return json.loads(self.client.get(reverse("parks:matrix-json")).content)["total"]

    def test_a_repeat_visit_counts_nothing_again(self):
        first = self.list_page("?province=jilin")
        self.assertContains(first, province_option("jilin", "Jilin", 3, selected=True), html=True)
        # Province validation and the content generation (kept in the database so every worker agrees):
        # no count, facet or matrix query, and the page's parks, map points and paths index are cached fragments.
        with self.assertNumQueries(2):
            repeat = self.list_page("?province=jilin")
        self.assertContains(repeat, province_option("jilin", "Jilin", 3, selected=True), html=True)
        self.assertContains(repeat, province_option("liaoning", "Liaoning", 1), html=True)
        self.assertContains(repeat, "Parks by province and development path")

    def test_the_number_of_matches_is_kept_per_filter_set_until_a_save(self):
        self.assertContains(self.list_page("?q=ETDZ"), "3 parks")
        self.assertContains(self.list_page("?province=jilin"), "3 parks")
        make_park("Tonghua ETDZ", province=self.jilin)  # a save: a new generation
        self.assertContains(self.list_page("?q=ETDZ"), "4 parks")
        self.assertContains(self.list_page("?province=jilin"), "4 parks")

    def test_each_filter_set_has_its_own_counts(self):
        self.assertContains(self.list_page("?path=urbanization"), province_option("jilin", "Jilin", 2), html=True)
        self.assertContains(self.list_page("?path=none"), province_option("jilin", "Jilin", 1), html=True)
        self.assertContains(self.list_page("?path=none"), province_option("liaoning", "Liaoning", 1), html=True)
        self.assertContains(self.list_page(), province_option("jilin", "Jilin", 3), html=True)

    def test_a_researchers_save_shows_new_counts_at_once(self):
        self.assertContains(self.list_page(), province_option("jilin", "Jilin", 3), html=True)
        self.assertEqual(self.matrix_total(), 4)
        make_park("Tonghua HTZ", province=self.jilin)
        self.assertContains(self.list_page(), province_option("jilin", "Jilin", 4), html=True)
        self.assertEqual(self.matrix_total(), 5)
        Park.objects.get(slug="dalian-etdz").delete()
        # Liaoning now holds no published zone, so the filter no longer offers it.
        self.assertNotContains(self.list_page(), 'value="liaoning"')
        self.assertEqual(self.matrix_total(), 4)

    def map_slugs(self, query=""):
        response = self.client.get(reverse("parks:map-data") + query)
        self.assertEqual(response.status_code, 200)
        return {row[0] for row in response.json()["parks"]}

    def test_map_data_is_built_once_per_generation_and_rebuilt_after_a_save(self):
        Park.objects.update(latitude=43.8, longitude=126.5)
        make_park("Yanji HTZ", province=self.jilin, latitude=42.9, longitude=129.5)
        self.assertEqual(len(self.map_slugs("?province=jilin")), 4)
        # Province validation and the content generation (kept in the database): the points come from the cache.
        with self.assertNumQueries(2):
            self.assertEqual(len(self.map_slugs("?province=jilin")), 4)
        self.assertEqual(self.map_slugs("?province=liaoning"), {"dalian-etdz"})
        Park.objects.get(slug="yanji-htz").delete()
        self.assertNotIn("yanji-htz", self.map_slugs("?province=jilin"))

    def test_a_save_shows_in_the_cached_cards_filters_and_index_at_once(self):
        list_page = self.list_page()
        self.assertContains(list_page, province_option("jilin", "Jilin", 3), html=True)
        self.assertContains(list_page, ">Jilin ETDZ</a></h3>")
        province_page = self.client.get(reverse("parks:province", args=["jilin"]))
        self.assertContains(province_page, ">Jilin ETDZ</a></h3>")
        self.assertContains(province_page, 'aria-current="page">Jilin</a>')
        park = Park.objects.get(slug="jilin-etdz")
        park.name_en = "Jilin Economic Zone"
        park.save()
        self.jilin.name_en = "Jilin Province"
        self.jilin.save()
        list_page = self.list_page()
        self.assertContains(list_page, ">Jilin Economic Zone</a></h3>")
        self.assertContains(list_page, ">Jilin Province</a>")  # on every Jilin card and in the index
        self.assertContains(list_page, province_option("jilin", "Jilin Province", 3), html=True)
        province_page = self.client.get(reverse("parks:province", args=["jilin"]))
        self.assertContains(province_page, ">Jilin Economic Zone</a></h3>")
        self.assertContains(province_page, 'aria-current="page">Jilin Province</a>')

    def test_each_language_has_its_own_cards_and_filters(self):
        self.assertContains(self.list_page(), "<dt>Where</dt>")
        with translation.override("zh-hans"):
            chinese = self.client.get(reverse("parks:list"))
        self.assertContains(chinese, "<dt>地点</dt>")
        self.assertContains(chinese, '<option value="liaoning">辽宁省（1）</option>', html=True)
        self.assertNotContains(chinese, "<dt>Where</dt>")

    def test_a_save_shows_in_the_cached_table_and_neighbour_lists_at_once(self):
        detail_url = reverse("parks:detail", args=["changchun-htz"])
        self.assertContains(self.list_page("?view=table"), ">Jilin ETDZ</a></th>")
        self.assertContains(self.client.get(detail_url), ">Jilin ETDZ</a></li>")
        park = Park.objects.get(slug="jilin-etdz")
        park.name_en = "Jilin Economic Zone"
        park.save()
        self.assertContains(self.list_page("?view=table"), ">Jilin Economic Zone</a></th>")
        self.assertContains(self.client.get(detail_url), ">Jilin Economic Zone</a></li>")
        park.is_published = False
        park.save()
        self.assertNotContains(self.client.get(detail_url), "Jilin Economic Zone")

    def test_a_save_shows_in_the_cached_park_record_at_once(self):
        url = reverse("parks:detail", args=["jilin-etdz"])
        self.assertNotContains(self.client.get(url), "Research notes")
        # The park, the content generation and the latest release that has the park (the "cite this
        # version" line is not cached): its facts, sources, evidence, mentions and neighbours are.
        with self.assertNumQueries(3):
            self.assertContains(self.client.get(url), ">Changchun HTZ</a></li>")
        park = Park.objects.get(slug="jilin-etdz")
        park.notes = "Checked against the provincial gazette."
        park.save()
        self.assertContains(self.client.get(url), "Checked against the provincial gazette.")

    def test_a_province_page_repeat_visit_reads_no_park_and_shows_a_save_at_once(self):
        url = reverse("parks:province", args=["jilin"])
        self.assertContains(self.client.get(url), "<strong>3</strong> parks in the catalogue")
        # The province and the content generation: the count, the page's parks and the index are cached.
        with self.assertNumQueries(2):
            repeat = self.client.get(url)
        self.assertContains(repeat, "<strong>3</strong> parks in the catalogue")
        self.assertContains(repeat, ">Siping ETDZ</a></h3>")
        make_park("Tonghua ETDZ", province=self.jilin)
        fresh = self.client.get(url)
        self.assertContains(fresh, "<strong>4</strong> parks in the catalogue")
        self.assertContains(fresh, ">Tonghua ETDZ</a></h3>")

    def test_each_page_of_results_is_its_own_fragment(self):
        for number in range(30):
            make_park(f"Bulk zone {number:02}", province=self.liaoning)
        first, second = self.list_page("?province=liaoning"), self.list_page("?province=liaoning&page=2")
        self.assertContains(first, ">Bulk zone 00</a></h3>")
        self.assertNotContains(first, ">Bulk zone 29</a></h3>")
        self.assertContains(second, ">Bulk zone 29</a></h3>")
        self.assertNotContains(second, ">Bulk zone 00</a></h3>")
        self.assertContains(self.list_page("?province=liaoning&view=table"), ">Bulk zone 00</a></th>")

    def test_a_repeat_visit_to_the_whole_catalogue_reads_only_the_generation(self):
        self.assertContains(self.list_page(), "<strong>4</strong> parks found")
        with self.assertNumQueries(1):
            self.assertContains(self.list_page(), "<strong>4</strong> parks found")
        make_park("Tonghua ETDZ", province=self.jilin)
        self.assertContains(self.list_page(), "<strong>5</strong> parks found")

    def test_the_cached_coverage_page_shows_a_save_at_once(self):
        url = reverse("parks:coverage")
        # The national ETDZs (the high-tech zone is counted on its own row).
        self.assertContains(self.client.get(url), "In the catalogue: 3.")
        with self.assertNumQueries(1):  # the content generation
            self.assertContains(self.client.get(url), "In the catalogue: 3.")
        make_park("Tonghua ETDZ", province=self.jilin)
        self.assertContains(self.client.get(url), "In the catalogue: 4.")

    def test_a_path_page_repeat_visit_reads_no_park_and_shows_a_save_at_once(self):
        url = reverse("parks:path", args=["urbanization"])
        self.assertContains(self.client.get(url), "<strong>2</strong> parks on this path")
        # The path, the content generation and its quotes (they decide which parks are listed under
        # "Other parks"): the count and the page of other parks are cached.
        with self.assertNumQueries(3):
            repeat = self.client.get(url)
        self.assertContains(repeat, "<strong>2</strong> parks on this path")
        self.assertContains(repeat, ">Changchun HTZ</a></h3>")
        make_park("Tonghua ETDZ", province=self.jilin, path=self.urbanization)
        fresh = self.client.get(url)
        self.assertContains(fresh, "<strong>3</strong> parks on this path")
        self.assertContains(fresh, ">Tonghua ETDZ</a></h3>")
