from django.db.models import Q
from django.test import TestCase
from django.urls import reverse

from parks.filters import ParkFilter
from parks.models import Park
from parks.tests.factories import card_slugs
from publishing.testing import load_shipped_content


def list_page(client, query=""):
    return client.get(reverse("parks:list") + query)


class FilterTests(TestCase):
    """Against the shipped catalogue: 45 parks in 4 provinces."""

    @classmethod
    def setUpTestData(cls):
        load_shipped_content()

    def slugs(self, query):
        response = list_page(self.client, query)
        self.assertEqual(response.status_code, 200)
        return set(card_slugs(response))

    def test_filters_combine(self):
        expected = set(
            Park.objects.filter(province__slug="heilongjiang", zone_type="etdz", level="national").values_list(
                "slug", flat=True
            )
        )
        self.assertEqual(len(expected), 8)
        self.assertEqual(self.slugs("?province=heilongjiang&zone_type=etdz&level=national"), expected)

    def test_industry_filter(self):
        self.assertEqual(self.slugs("?industry=pharmaceuticals"), {"tonghua-medical-htz"})

    def test_parks_without_a_path(self):
        slugs = self.slugs("?path=none&province=jilin")
        self.assertEqual(
            slugs,
            {
                "changchun-htz",
                "changchun-etdz",
                "siping-hongzui-etdz",
                "changchun-automotive-etdz",
                "changchun-jingyue-htz",
                "changchun-xinglong-comprehensive-bonded-zone",
                "changchun-new-area",
                "hunchun-comprehensive-bonded-zone",
                "helong-becz",
            },
        )

    def test_search_in_chinese_matches_chinese_names(self):
        slugs = self.slugs("?q=吉林")
        # Zones named 吉林, in the city of Jilin, or in Jilin province (吉林省).
        in_jilin = Park.objects.filter(Q(name_zh__contains="吉林") | Q(province__slug="jilin") | Q(city="Jilin"))
        self.assertEqual(slugs, set(in_jilin.values_list("slug", flat=True)))
        self.assertIn("changchun-htz", slugs)
        self.assertIn("hunchun-epz", slugs)  # 吉林珲春出口加工区
        self.assertIn("jilin-etdz", slugs)

    def test_search_matches_article_wording_and_city(self):
        self.assertEqual(self.slugs("?q=Pharmaceutical High-tech"), {"tonghua-medical-htz"})
        self.assertEqual(self.slugs("?q=hunchun"), {"hunchun-becz", "hunchun-epz", "hunchun-comprehensive-bonded-zone"})

    def test_ordering_by_area_descending(self):
        response = list_page(self.client, "?ordering=-area&zone_type=etdz")
        slugs = card_slugs(response)
        self.assertEqual(slugs[:2], ["panjin-liaodong-bay-etdz", "hohhot-etdz"])

    def test_facet_counts_equal_the_filtered_list_for_every_choice(self):
        active = {"province": "jilin", "zone_type": "htz"}
        filterset = ParkFilter(active, queryset=Park.objects.published())
        self.assertIs(filterset.is_valid(), True)
        for facet in filterset.facets():
            for choice in facet.choices:
                with self.subTest(facet=facet.name, choice=choice.value):
                    query = {**active, facet.name: choice.value}
                    expected = ParkFilter(query, queryset=Park.objects.published()).qs.count()
                    self.assertEqual(choice.count, expected)

    def test_facet_counts_are_shown_beside_each_choice(self):
        response = list_page(self.client, "?path=co-city")
        jilin_co_city = Park.objects.filter(province__slug="jilin", path__slug="co-city").count()
        self.assertContains(response, f'<option value="jilin">Jilin ({jilin_co_city})</option>', html=True)
        total_co_city = Park.objects.filter(path__slug="co-city").count()
        self.assertContains(
            response, f'<option value="co-city" selected>Co-city development ({total_co_city})</option>', html=True
        )


class InvalidParameterTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_shipped_content()

    def test_unknown_province_gives_an_empty_list_and_says_why(self):
        response = list_page(self.client, "?province=atlantis")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Some filters were not understood", status_code=400)
        self.assertContains(response, "<li>Province: Select a valid choice.", html=False, status_code=400)
        self.assertEqual(card_slugs(response), [])
        self.assertContains(response, "<strong>0</strong> parks found.", status_code=400)

    def test_unknown_ordering_is_reported(self):
        response = list_page(self.client, "?ordering=password")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Some filters were not understood", status_code=400)
        self.assertContains(response, "<li>Order by: Select a valid choice.", status_code=400)

    def test_overlong_search_is_reported(self):
        response = list_page(self.client, "?q=" + "x" * 5000)
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Ensure this value has at most 200 characters (it has 5000).", status_code=400)

    def test_hostile_parameters_never_give_a_server_error(self):
        for query in [
            "?province[]=jilin",
            "?province=jilin&province=x",
            "?path=none&path=",
            "?level=%00",
            "?zone_type=etdz'--",
            "?q=<script>alert(1)</script>",
            "?q=%25%25%25",
            "?industry=../../etc",
            "?ordering=-",
            "?ordering=name,area",
            "?page=1&page=2",
            "?q=" + "吉" * 300,
            "?q=%00",
            "?province=%00",
            "?industry=%00x",
            "?path=%00",
            "?ordering=%00",
            "?page=%00",
            "?ordering=name,",
            "?=x",
            "?&&",
        ]:
            with self.subTest(query=query):
                response = list_page(self.client, query)
                self.assertIn(response.status_code, (200, 400))
                self.assertNotContains(response, "<script>alert(1)</script>", status_code=response.status_code)
