import json
import re

from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils.html import strip_tags

from parks.models import Fact, FactSource, Park, PathEvidence, Province
from parks.tests.factories import (
    bulk_parks,
    card_slugs,
    cite_every_fact,
    make_industry,
    make_mention,
    make_park,
    make_path,
    make_province,
    make_source,
)
from parks.tiles import wgs84_to_gcj02
from publishing.testing import make_staff


class ParkListTests(TestCase):
    def test_lists_published_parks_only_with_both_names(self):
        make_park("Daqing High-tech Industrial Development Zone", name_zh="大庆高新技术产业开发区", city="Daqing")
        make_park("Unchecked draft", is_published=False)
        response = self.client.get(reverse("parks:list"))
        self.assertContains(response, "Daqing High-tech Industrial Development Zone")
        self.assertContains(
            response, '<p class="park-name-zh" lang="zh-Hans" translate="no">大庆高新技术产业开发区</p>', html=True
        )
        self.assertNotContains(response, "Unchecked draft")
        self.assertContains(response, "<strong>1</strong> park found.")

    def test_active_filters_are_removable_chips_keeping_the_others(self):
        make_park(path=make_path("urbanization"))
        response = self.client.get(reverse("parks:list") + "?province=jilin&path=urbanization&q=&ordering=-name")
        content = response.content.decode()
        chips = dict(re.findall(r'<a class="chip" href="\?([^"]*)"><span class="chip-label">([^<]+):</span>', content))
        self.assertEqual(
            chips,
            {
                "path=urbanization&amp;ordering=-name": "Province",
                "province=jilin&amp;ordering=-name": "Development path",
            },
        )

    def test_export_links_carry_the_current_filters(self):
        make_park()
        response = self.client.get(reverse("parks:list") + "?province=jilin&page=1")
        self.assertContains(response, 'href="/en/parks/export.csv?province=jilin"')
        self.assertContains(response, 'href="/en/parks/export.json?province=jilin"')
        self.assertContains(response, "Download these 1 park")

    def test_pagination_edges_show_a_real_page_and_a_notice(self):
        bulk_parks(30, make_province())
        cases = {
            "?page=2": ("Page 2 of 2", None),
            "?page=-1": ("Page 1 of 2", "Page numbers start at 1"),
            "?page=0": ("Page 1 of 2", "Page numbers start at 1"),
            "?page=abc": ("Page 1 of 2", "was not understood"),
            "?page=1e10": ("Page 1 of 2", "was not understood"),
            "?page=inf": ("Page 1 of 2", "was not understood"),
            "?page=" + "9" * 5000: ("Page 1 of 2", "was not understood"),
            "?page=99999": ("Page 2 of 2", "There is no page 99999"),
        }
        for query, (page_label, notice) in cases.items():
            with self.subTest(query=query[:20]):
                response = self.client.get(reverse("parks:list") + query)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, page_label)
                if notice:
                    self.assertContains(response, notice)
                shown = card_slugs(response)
                self.assertEqual(len(shown), 24 if page_label.startswith("Page 1") else 6)

    def test_next_page_link_keeps_the_filters(self):
        bulk_parks(30, make_province())
        response = self.client.get(reverse("parks:list") + "?province=jilin")
        self.assertContains(response, 'href="?province=jilin&amp;page=2"')

    def test_script_in_a_park_name_is_escaped(self):
        make_park("<script>alert('x')</script> zone", slug="evil")
        response = self.client.get(reverse("parks:list"))
        self.assertNotContains(response, "<script>alert('x')</script>")
        self.assertContains(response, "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; zone")

    def test_map_data_lists_filtered_parks_with_coordinates_and_links_to_them(self):
        make_park(latitude=43.84, longitude=126.55)
        make_park("No coordinates park")
        response = self.client.get(reverse("parks:list"), {"q": "Jilin"})
        self.assertContains(response, 'data-points-url="/en/parks/map.json?q=Jilin"')
        data = self.client.get(reverse("parks:map-data"), {"q": "Jilin"})
        self.assertEqual(data.status_code, 200)
        # Compact: one array per park, in the order `columns` names (map.js reads it so).
        self.assertEqual(
            data.json(),
            {
                "columns": ["slug", "name", "name_zh", "lat", "lng", "approximate", "coord_note"],
                "url": "/en/parks/{slug}/",
                "parks": [
                    [
                        "jilin-economic-and-technological-development-zone",
                        "Jilin Economic and Technological Development Zone",
                        "",
                        43.84,
                        126.55,
                        False,
                        "",
                    ]
                ],
            },
        )
        # The page's fallback list holds the parks it shows, and the map has an accessible label.
        self.assertContains(response, "Parks on this page, as a list (1)")
        self.assertContains(response, 'aria-label="Map of the parks that match the filters')

    def test_map_data_refuses_filters_it_does_not_understand(self):
        response = self.client.get(reverse("parks:map-data"), {"province": "atlantis"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("Province", response.content.decode())

    def test_map_data_query_count_does_not_grow_with_parks(self):
        make_park(latitude=43.84, longitude=126.55)
        with self.assertNumQueries(2):
            self.client.get(reverse("parks:map-data"))
        Park.objects.bulk_create(
            Park(name_en=f"Park {n}", slug=f"park-{n}", province=Province.objects.first(), latitude=44, longitude=125)
            for n in range(200)
        )
        with self.assertNumQueries(2):
            self.client.get(reverse("parks:map-data"))

    @override_settings(PARKS_MAP_TILE_URL="https://tiles.example.org/{z}/{x}/{y}.png")
    def test_tile_server_comes_from_settings_and_leaflet_from_our_static_files(self):
        make_park(latitude=43.84, longitude=126.55)
        response = self.client.get(reverse("parks:list"))
        self.assertContains(response, 'data-tile-url="https://tiles.example.org/{z}/{x}/{y}.png"')
        self.assertContains(response, "/static/parks/vendor/leaflet/leaflet.js")
        self.assertNotContains(response, "unpkg.com")

    def test_by_default_the_map_asks_no_other_host(self):
        make_park(latitude=43.84, longitude=126.55)
        for url in (reverse("parks:list"), reverse("parks:detail", args=[Park.objects.get().slug])):
            response = self.client.get(url)
            self.assertContains(response, 'id="park-map"')
            self.assertNotContains(response, "data-tile-url")
            # Everything the page loads is the site's own (links to read elsewhere are not loaded).
            self.assertEqual(re.findall(r'(?:src|data-[a-z-]+)="(?:https?:)?//', response.content.decode()), [])

    @override_settings(PARKS_MAP_TILE_URL="https://tiles.example.cn/{z}/{x}/{y}.png", PARKS_MAP_TILE_CRS="gcj02")
    def test_gcj02_tiles_move_the_drawn_positions_only(self):
        park = make_park(latitude=43.84, longitude=126.55)
        drawn = self.client.get(reverse("parks:map-data")).json()["parks"][0][3:5]
        self.assertEqual(drawn, list(wgs84_to_gcj02(43.84, 126.55)))
        # Some hundreds of metres away, as GCJ-02 shifts Jilin.
        self.assertGreater(abs(drawn[1] - 126.55), 0.003)
        page = self.client.get(park.get_absolute_url())
        points = json.loads(
            re.search(r'<script id="[^"]*" type="application/json">(.*?)</script>', page.content.decode(), re.S).group(
                1
            )
        )
        self.assertEqual(points[0]["position"], drawn)
        # What the reader reads and downloads stays the stored WGS-84 position.
        self.assertEqual((points[0]["lat"], points[0]["lng"]), (43.84, 126.55))
        self.assertContains(page, "43.84, 126.55")
        export = b"".join(self.client.get(reverse("parks:export-csv")).streaming_content).decode("utf-8-sig")
        self.assertIn("43.84", export)
        self.assertNotIn(str(round(drawn[0], 4)), export)

    def test_no_inline_script_or_style_attributes(self):
        make_park(latitude=43.84, longitude=126.55, path=make_path())
        detail = reverse("parks:detail", args=["jilin-economic-and-technological-development-zone"])
        for url in [reverse("parks:list"), detail]:
            content = self.client.get(url).content.decode()
            scripts = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>", content)
            self.assertEqual(scripts, [], url)
            self.assertNotRegex(content, r"\sstyle=|\son[a-z]+=")


class ParkDetailTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.path = make_path(
            "co-city", name="Co-city development", summary="Open and independent administrative units."
        )
        cls.park = make_park(
            "Tonghua Medical High-tech Industrial Development Zone",
            slug="tonghua-medical-htz",
            name_zh="通化医药高新技术产业开发区",
            article_name="Tonghua Pharmaceutical High-tech Industrial Park",
            city="Tonghua",
            zone_type="htz",
            path=cls.path,
            established_year=2005,
            national_year=2013,
            area_km2="12.7082",
            area_note="planned area",
            area_kind="planned",
            latitude=41.73,
            longitude=125.94,
            coord_note="city centre approx.",
            coordinates_approximate=True,
            status="merged",
            status_year=2018,
            confidence="high",
            notes="China's only pharmaceutical-themed HTZ.",
            description="Known as **China Medicine City**.<script>alert(1)</script>",
        )
        cls.park.industries.add(make_industry("pharmaceuticals"))
        cls.source = make_source()
        cls.park.sources.add(cls.source)
        cite_every_fact(cls.park, cls.source)
        make_mention(cls.park, "Tonghua Pharmaceutical High-tech Industrial Park", confidence="high")
        cls.neighbour = make_park("Benxi High-tech Industrial Development Zone", slug="benxi-htz", path=cls.path)
        cls.other_path = make_park("Changchun HTZ", slug="changchun-htz")
        cls.park.successor = make_park(
            "Tonghua Comprehensive Zone", slug="tonghua-zone", province=make_province("liaoning")
        )
        cls.park.save(update_fields=["successor"])

    def test_status_with_its_year_links_to_the_zone_it_became(self):
        html = self.client.get(reverse("parks:detail", args=["tonghua-medical-htz"])).content.decode()
        status = html.split('<div id="fact-status">', 1)[1].split("</div>", 1)[0]
        self.assertIn(
            'Merged into another zone, 2018: <a href="/en/parks/tonghua-zone/">Tonghua Comprehensive Zone</a>', status
        )
        self.assertIn('<a href="#source-1">', status)

    def test_area_names_its_kind_and_coordinates_say_they_are_approximate(self):
        response = self.client.get(reverse("parks:detail", args=["tonghua-medical-htz"]))
        self.assertContains(response, "12.7082 km² (Planned area)")
        self.assertContains(response, "41.73° N, 125.94° E (approximate)")
        chinese = self.client.get("/zh-hans/parks/tonghua-medical-htz/")
        self.assertContains(chinese, "12.7082 km²（规划面积）")
        self.assertContains(chinese, "已并入其他园区（2018年）")
        self.assertContains(chinese, "北纬 41.73°，东经 125.94°（近似）")

    def test_shows_every_fact(self):
        response = self.client.get(reverse("parks:detail", args=["tonghua-medical-htz"]))
        for text in [
            "Tonghua Medical High-tech Industrial Development Zone",
            '<p class="park-name-zh lede" lang="zh-Hans" translate="no">通化医药高新技术产业开发区</p>',
            # The article's wording, quoted (<q> shows the quotation marks).
            ">Tonghua Pharmaceutical High-tech Industrial Park</a></q>",
            "Tonghua",
            "High-tech industrial development zone",
            "National",
            "2005",
            "2013",
            "12.7082 km²",
            "planned area",
            "41.73° N, 125.94° E",
            "city centre approx.",
            '<a href="/en/parks/?industry=pharmaceuticals">pharmaceuticals</a>',
            "Chinese Wikipedia",
            "High",
            "[1]",
            "China&#x27;s only pharmaceutical-themed HTZ.",
            "Open and independent administrative units.",
            '<a href="/en/parks/paths/co-city/">Co-city development</a>',
        ]:
            with self.subTest(text=text):
                self.assertContains(response, text)

    def test_description_markdown_is_rendered_and_sanitized(self):
        response = self.client.get(reverse("parks:detail", args=["tonghua-medical-htz"]))
        self.assertContains(response, "<strong>China Medicine City</strong>")
        self.assertNotContains(response, "<script>alert(1)</script>")

    def test_links_to_neighbours_of_the_same_province_and_path(self):
        response = self.client.get(reverse("parks:detail", args=["tonghua-medical-htz"]))
        self.assertContains(response, "Other parks on the Co-city development path")
        self.assertContains(response, 'href="/en/parks/benxi-htz/"', count=2)  # same province and same path
        self.assertContains(response, 'href="/en/parks/changchun-htz/"', count=1)  # same province only

    def test_shows_a_dozen_neighbours_and_links_to_all_of_them(self):
        bulk_parks(30, self.park.province, path=self.path)
        response = self.client.get(reverse("parks:detail", args=["tonghua-medical-htz"]))
        neighbours = re.search(r'<nav class="park-neighbours".*?</nav>', response.content.decode(), re.S).group()
        lists = re.findall(r"<ul>(.*?)</ul>", neighbours, re.S)
        self.assertEqual([item.count("<li>") for item in lists], [12, 12])  # province, then path
        self.assertContains(response, f'<a href="/en/parks/provinces/{self.park.province.slug}/">All parks in')
        self.assertContains(
            response, '<a href="/en/parks/paths/co-city/">All parks on the Co-city development path</a>'
        )

    def test_every_fact_carries_a_footnote_to_the_numbered_source_list(self):
        response = self.client.get(reverse("parks:detail", args=["tonghua-medical-htz"]))
        html = response.content.decode()
        for fact in Fact:
            with self.subTest(fact=fact):
                row = html.split(f'<div id="fact-{fact.value}">', 1)[1].split("</div>", 1)[0]
                self.assertIn('<a href="#source-1">', row)
        self.assertContains(response, '<li id="source-1">')
        self.assertContains(response, "Chinese Wikipedia", count=1)  # one numbered entry for all the facts it gives
        self.assertContains(response, "published under CC BY 4.0")

    def test_a_fact_without_a_source_shows_as_unknown(self):
        FactSource.objects.filter(park=self.park, fact__in=[Fact.ESTABLISHED_YEAR, Fact.AREA]).delete()
        response = self.client.get(reverse("parks:detail", args=["tonghua-medical-htz"]))
        html = response.content.decode()
        for fact in (Fact.ESTABLISHED_YEAR, Fact.AREA):
            row = html.split(f'<div id="fact-{fact.value}">', 1)[1].split("</div>", 1)[0]
            self.assertIn("Unknown (no source recorded for this value)", row)
        self.assertNotContains(response, "2005")
        self.assertNotContains(response, "12.7082")
        self.assertContains(response, "2013")  # still sourced

    def test_query_count_is_fixed(self):
        # Park with province and path (and its article section), industries, fact sources joined with
        # their sources, path evidence, mentions, the zone that succeeded it, two neighbour lists, the
        # content generation, the latest release that has it. (The park's own list of sources is not
        # read: the page lists the sources each fact cites.)
        with self.assertNumQueries(10):
            self.client.get(reverse("parks:detail", args=["tonghua-medical-htz"]))

    def test_unknown_and_unpublished_parks_are_404_except_for_staff(self):
        self.assertEqual(self.client.get(reverse("parks:detail", args=["atlantis"])).status_code, 404)
        Park.objects.filter(pk=self.park.pk).update(is_published=False)
        url = reverse("parks:detail", args=["tonghua-medical-htz"])
        self.assertEqual(self.client.get(url).status_code, 404)
        self.client.force_login(make_staff())
        response = self.client.get(url)
        self.assertContains(response, "Unpublished")


class ProvinceAndPathPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.path = make_path("urbanization", name="Urbanization", summary="Urban sub-centers around parks.")
        make_park("Jilin ETDZ", slug="jilin-etdz", path=cls.path)
        make_park("Hidden", slug="hidden", path=cls.path, is_published=False)
        make_park("Daqing HTZ", slug="daqing-htz", province=make_province("heilongjiang", name_en="Heilongjiang"))

    def test_province_page_lists_its_published_parks_and_links_to_paths(self):
        response = self.client.get(reverse("parks:province", args=["jilin"]))
        self.assertEqual(card_slugs(response), ["jilin-etdz"])
        self.assertContains(response, 'href="/en/parks/paths/urbanization/"')
        self.assertContains(response, 'href="/en/parks/provinces/heilongjiang/"')
        self.assertContains(response, 'href="/en/parks/?province=jilin"')

    def test_path_page_shows_summary_and_its_parks(self):
        response = self.client.get(reverse("parks:path", args=["urbanization"]))
        self.assertContains(response, "Urban sub-centers around parks.")
        self.assertEqual(card_slugs(response), ["jilin-etdz"])
        self.assertContains(response, 'href="/en/parks/provinces/jilin/"')

    def test_query_counts_do_not_grow_with_parks(self):
        # The province or path, the count of its parks, a page of them with province and path, the
        # province and path indexes, the content generation; a path page also lists its named and its
        # inferred evidence (one query) and its count of parks.
        pages = ((reverse("parks:province", args=["jilin"]), 6), (reverse("parks:path", args=["urbanization"]), 8))
        for url, queries in pages:
            with self.subTest(url=url):
                with self.assertNumQueries(queries):
                    self.client.get(url)
                bulk_parks(30, make_province(), path=self.path)
                with self.assertNumQueries(queries):
                    response = self.client.get(url + "?page=2")
                self.assertContains(response, "Bulk park 0029")
                Park.objects.filter(slug__startswith="bulk-").delete()

    def test_parks_come_a_page_at_a_time(self):
        bulk_parks(30, make_province(), path=self.path)
        for url in (reverse("parks:province", args=["jilin"]), reverse("parks:path", args=["urbanization"])):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertContains(response, "<strong>31</strong> parks")
                self.assertEqual(card_slugs(response), [f"bulk-park-{number:04d}" for number in range(24)])
                self.assertContains(response, 'href="?page=2" rel="next"')
                last = self.client.get(url + "?page=2")
                self.assertEqual(
                    card_slugs(last), [f"bulk-park-{number:04d}" for number in range(24, 30)] + ["jilin-etdz"]
                )
                self.assertContains(last, 'href="?page=1" rel="prev"')
                # A page number that is not one shows the nearest real page, never an error.
                self.assertEqual(card_slugs(self.client.get(url + "?page=99")), card_slugs(last))
                self.assertEqual(card_slugs(self.client.get(url + "?page=x")), card_slugs(response))

    def test_path_page_gives_each_quote_once_and_no_park_twice(self):
        quote = "Parks such as Jilin and Changchun grow into new urban areas."
        earlier = "In 1992 the Changchun and Siping zones were set up."
        changchun = make_park("Changchun ETDZ", slug="changchun-etdz", path=self.path)
        siping = make_park("Siping HTZ", slug="siping-htz", path=self.path)
        self.evidence(Park.objects.get(slug="jilin-etdz"), "named", quote)
        self.evidence(changchun, "named", quote)
        # The editors place Siping by the same passage and by another one: one quote, two kinds, two passages.
        self.evidence(siping, "inferred", quote, reason="Siping sits between the two.", order=1)
        self.evidence(siping, "inferred", earlier, reason="Siping sits between the two.", order=2)
        response = self.client.get(reverse("parks:path", args=["urbanization"]))
        html = response.content.decode()
        self.assertEqual(html.count(quote), 1)
        self.assertEqual(html.count(earlier), 1)
        under_quote = strip_tags(html.split(quote, 1)[1].split(earlier, 1)[0])
        self.assertIn("Zones the article names on this path\n", under_quote)
        self.assertLess(under_quote.index("Changchun ETDZ"), under_quote.index("Zones the editors place"))
        self.assertIn("Siping HTZ: medium confidence. Siping sits between the two.", " ".join(under_quote.split()))
        for slug in ("jilin-etdz", "changchun-etdz", "siping-htz"):
            # Each zone is listed once, and none comes again as a card.
            self.assertEqual(html.count(f'href="/en/parks/{slug}/"'), 1, slug)
        self.assertNotIn("Siping sits", html.split(earlier, 1)[1])
        # The second passage points to where its zone is listed.
        after_earlier = html.split(earlier, 1)[1].split("</section>", 1)[0]
        self.assertIn(
            'also cite this passage for zones listed above: <a href="#on-path-siping-htz">Siping HTZ</a>', after_earlier
        )
        self.assertIn('id="on-path-siping-htz"', html)
        self.assertNotContains(response, "Other parks on this path")
        self.assertNotIn("{#", strip_tags(html))  # no template comment printed as text

    def evidence(self, park, kind, quote, **fields):
        fields.setdefault("confidence", "medium" if kind == "inferred" else "high")
        PathEvidence.objects.create(
            park=park,
            path=self.path,
            kind=kind,
            quote=quote,
            article_slug="article",
            section_slug="urbanization",
            **fields,
        )

    def test_unknown_province_or_path_is_404(self):
        self.assertEqual(self.client.get(reverse("parks:province", args=["atlantis"])).status_code, 404)
        self.assertEqual(self.client.get(reverse("parks:path", args=["teleportation"])).status_code, 404)
