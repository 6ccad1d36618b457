from django.test import TestCase
from django.urls import reverse

from parks.models import Fact, FactSource, MissingZone, OfficialCount, Park, Source, ZoneTotal
from parks.provenance import UNSOURCED, park_record
from parks.tests.factories import make_official_count, make_park, make_province, make_source
from publishing.testing import load_shipped_content


# Query counts and repeat visits need real renders: the anonymous page cache would answer them.
class CoveragePageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        make_official_count("etdz", "national", 8, source="The article, section 3", notes="Far below the real totals.")
        make_official_count("htz", "national", 7, label="national-level high-tech industrial parks")
        make_park("Jilin ETDZ")
        make_park("Panjin ETDZ")
        make_park("Hidden ETDZ", is_published=False)
        make_park("Hegang zone", zone_type="other", level="")
        ZoneTotal.objects.create(province=make_province(), zone_type="etdz", count=5)
        cls.url = reverse("parks:coverage")

    def row(self, response, row_id):
        html = response.content.decode()
        return html.split(f'<tr id="{row_id}">', 1)[1].split("</tr>", 1)[0]

    def test_shows_each_official_count_beside_the_catalogue_count(self):
        response = self.client.get(self.url)
        etdz = self.row(response, "national-etdz")
        self.assertIn('<span class="official-count">8</span>', etdz)
        self.assertIn('<span class="catalogue-count">2</span>', etdz)
        self.assertIn(
            "The catalogue holds 2 of the region’s national zones of this type; the article counts 8 in the "
            "Northeast Rust Belt (section 3, date not given).",
            etdz,
        )
        htz = self.row(response, "national-htz")
        self.assertIn('<span class="official-count">7</span>', htz)
        self.assertIn('<span class="catalogue-count">0</span>', htz)
        self.assertContains(response, "Far below the real totals.")
        self.assertContains(response, "The article, section 3")

    def test_links_each_row_to_its_parks_and_shows_types_without_an_official_count(self):
        response = self.client.get(self.url)
        # Rows of a known level send the reader to those parks in the catalogue, not a list of thousands.
        self.assertContains(
            response,
            '<a href="/en/parks/?zone_type=etdz&amp;level=national">Filter, map and download them</a>',
            html=True,
        )
        self.assertNotIn("Jilin ETDZ", self.row(response, "national-etdz"))
        self.assertNotContains(response, "zone_type=htz&amp;level=national")  # none catalogued
        # The catalogue's filters cannot select parks of no known level: those are listed.
        self.assertContains(response, '<a href="/en/parks/hegang-zone/">Hegang zone</a>', html=True)
        self.assertNotContains(response, "Hidden ETDZ")
        other = self.row(response, "unknown-other")
        self.assertIn("the article gives no count for them", other)
        self.assertIn('<span class="catalogue-count">1</span>', other)

    def test_updates_when_a_park_is_added(self):
        make_park("Daqing ETDZ", zone_type="etdz", level="national")
        etdz = self.row(self.client.get(self.url), "national-etdz")
        self.assertIn('<span class="catalogue-count">3</span>', etdz)
        self.assertIn("The catalogue holds 3 of the region’s national zones of this type; the article counts 8", etdz)

    def test_updates_when_a_researcher_edits_a_count(self):
        OfficialCount.objects.filter(zone_type="etdz").update(count=2)
        self.assertIn("the article counts 2 in", self.row(self.client.get(self.url), "national-etdz"))

    def test_query_count_does_not_grow_with_parks(self):
        # Official counts, parks counted by type and level, parks of no known level, totals, national
        # parks counted and (where few) named by province, missing zones by province, unidentified
        # mentions, missing zones, the content generation (Last-Modified).
        with self.assertNumQueries(10):
            self.client.get(self.url)
        for n in range(5):
            make_park(f"Extra {n}", zone_type="htz")
        with self.assertNumQueries(10):
            self.client.get(self.url)


class ProvinceCoverageTests(TestCase):
    """Per province and type: the published total with its source, the catalogue's count, the missing by name."""

    @classmethod
    def setUpTestData(cls):
        jilin = make_province("jilin")
        liaoning = make_province("liaoning")
        catalogue = make_source("National catalogue summary", url="https://example.org/catalogue", language="zh")
        ZoneTotal.objects.create(province=jilin, zone_type="etdz", count=3, source=catalogue, note="Lists three.")
        ZoneTotal.objects.create(province=liaoning, zone_type="becz", note="No published total was found.")
        make_park("Jilin ETDZ", province=jilin)
        make_park("Changchun ETDZ", province=jilin)
        make_park("Inner Mongolia ETDZ", province=make_province("inner-mongolia"))
        MissingZone.objects.create(
            name_en="Siping ETDZ", name_zh="四平经济技术开发区", province=jilin, zone_type="etdz"
        )
        cls.url = reverse("parks:coverage")

    def row(self, html, row_id):
        return html.split(f'<tr id="{row_id}">', 1)[1].split("</tr>", 1)[0]

    def test_total_with_its_source_beside_the_catalogued_and_missing_zones(self):
        html = self.client.get(self.url).content.decode()
        etdz = self.row(html, "jilin-etdz")
        self.assertIn('<span class="known-total">3</span>', etdz)
        # The title as recorded (English), whatever the language of the document.
        self.assertIn(
            '<cite lang="en"><a href="https://example.org/catalogue">National catalogue summary</a></cite>', etdz
        )
        self.assertIn('<span class="catalogue-count">2</span>', etdz)
        self.assertIn('<a href="/en/parks/jilin-etdz/">Jilin ETDZ</a>', etdz)
        self.assertIn("Siping ETDZ", etdz)

    def test_says_when_no_total_was_found(self):
        becz = self.row(self.client.get(self.url).content.decode(), "liaoning-becz")
        self.assertIn("No published total found", becz)
        self.assertIn("No published total was found.", becz)
        self.assertIn("None known by name", becz)

    def test_only_the_provinces_with_totals_are_counted(self):
        html = self.client.get(self.url).content.decode()
        self.assertNotIn('<tr id="inner-mongolia-etdz">', html)

    def test_in_chinese_the_missing_zone_has_its_chinese_name(self):
        html = self.client.get("/zh-hans" + self.url[3:]).content.decode()
        self.assertIn('<span lang="zh-Hans">四平经济技术开发区</span>', self.row(html, "jilin-etdz"))
        self.assertIn("本名录不收录省级开发区", html)


class ShippedCoverageTests(TestCase):
    """The coverage page over the shipped catalogue and the article's counts, and the catalogue's sources (load_content)."""

    @classmethod
    def setUpTestData(cls):
        load_shipped_content()

    def test_every_official_count_beside_the_catalogue_count(self):
        html = self.client.get(reverse("parks:coverage")).content.decode()
        self.assertEqual(OfficialCount.objects.count(), 7)
        for official in OfficialCount.objects.all():
            with self.subTest(f"{official.level} {official.zone_type}"):
                row = html.split(f'<tr id="{official.level}-{official.zone_type}">', 1)[1].split("</tr>", 1)[0]
                parks = Park.objects.published().filter(zone_type=official.zone_type, level=official.level)
                catalogued = parks.count()
                self.assertIn(f'<span class="official-count">{official.count}</span>', row)
                self.assertIn(f'<span class="catalogue-count">{catalogued}</span>', row)
                # Never a signed difference ("+10") that reads as a surplus over an official total.
                self.assertNotRegex(row, r"<td[^>]*>[+-]\d+</td>")
                self.assertIn(f"The catalogue holds {catalogued} of the region’s", row)
                self.assertIn(f"the article counts {official.count} in the Northeast Rust Belt", row)

    def test_unidentified_mentions_are_listed_not_counted(self):
        response = self.client.get(reverse("parks:coverage"))
        html = response.content.decode()
        unidentified = html.split('id="unidentified-heading"', 1)[1].split("</section>", 1)[0]
        self.assertIn(
            '<q lang="en"><a href="/en/articles/industrial-real-estate-park-revitalization-in-major-rust-belts/#re-urbanization">Hegang</a></q>',
            unidentified,
        )
        self.assertFalse(Park.objects.filter(zone_type="other").exists())

    def test_says_the_catalogue_is_partial_and_names_missing_zones(self):
        for url in (reverse("parks:coverage"), reverse("parks:list"), reverse("home")):
            with self.subTest(url=url):
                self.assertContains(self.client.get(url), "The catalogue is partial.")
        response = self.client.get(reverse("parks:coverage"))
        for name in ("Tieling", "Shenyang Huishan", "Jinzhou", "Yingkou Comprehensive Bonded Zone"):
            self.assertContains(response, name)

    def test_liaoning_totals_with_their_source_and_the_zones_still_missing(self):
        html = self.client.get(reverse("parks:coverage")).content.decode()
        row = html.split('<tr id="liaoning-etdz">', 1)[1].split("</tr>", 1)[0]
        self.assertIn('<span class="known-total">10</span>', row)
        self.assertIn('<span class="catalogue-count">10</span>', row)
        self.assertIn("GB/T 37028-2018", row)
        self.assertIn("Guo Ban Han [2024] No. 83", row)
        self.assertIn("/parks/shenyang-financial-commercial-etdz/", row)
        bonded = html.split('<tr id="liaoning-bonded">', 1)[1].split("</tr>", 1)[0]
        for name in ("Yingkou Comprehensive Bonded Zone", "Dalian Dayaowan Comprehensive Bonded Zone"):
            self.assertIn(name, bonded)

    def test_heilongjiang_totals_from_the_national_catalogue(self):
        html = self.client.get(reverse("parks:coverage")).content.decode()
        row = html.split('<tr id="heilongjiang-etdz">', 1)[1].split("</tr>", 1)[0]
        self.assertIn('<span class="known-total">8</span>', row)
        self.assertIn("China Development Zone Audit Announcement Catalogue (2018)", row)
        self.assertIn('<span class="catalogue-count">8</span>', row)
        self.assertIn("The catalogue does not cover provincial-level zones.", html)

    def test_known_discrepancies_from_the_fact_sheet_are_shown(self):
        response = self.client.get(reverse("parks:coverage"))
        for words in ("Mudanjiang", "Songyuan", "Hegang", "Suifenhe", "Hunchun BECZ", "Hohhot ETDZ", "2018"):
            self.assertContains(response, words)

    def test_no_shown_value_lacks_a_source(self):
        for park in Park.objects.published():
            rows = park_record(park).facts
            with self.subTest(park=park.slug):
                self.assertEqual([row.fact for row in rows if row.value is not None and not row.markers], [])

    def test_every_published_park_has_a_chinese_name_with_its_source(self):
        # Any level: a Chinese page titles every park in Chinese, and the name is a fact like any other.
        published = Park.objects.published()
        self.assertEqual(list(published.filter(name_zh="").values_list("slug", flat=True)), [])
        cited = FactSource.objects.filter(fact=Fact.NAME_ZH).values_list("park__slug", flat=True)
        self.assertEqual(set(published.values_list("slug", flat=True)) - set(cited), set())

    def test_a_value_names_the_source_that_gives_it_not_a_list_to_choose_from(self):
        vague = FactSource.objects.filter(note__contains="which one was not recorded")
        self.assertEqual(list(vague.values_list("park__slug", "fact")), [])
        response = self.client.get(reverse("parks:detail", args=["daqing-htz"]))
        self.assertContains(response, "Approved as a national high-tech zone by the State Council in November 1992.")
        self.assertNotContains(response, str(UNSOURCED))

    def test_most_sources_link_to_the_document(self):
        linked, total = Source.objects.exclude(url="").count(), Source.objects.count()
        self.assertGreaterEqual(linked / total, 0.8, f"{linked} of {total} sources have a URL")

    def test_liaoning_etdz_total_shows_the_provincial_assessment_beside_the_list(self):
        # Two sources disagree before 2024 (9 named, 10 counted): the page shows both.
        html = self.client.get(reverse("parks:coverage")).content.decode()
        row = html.split('<tr id="liaoning-etdz">', 1)[1].split("</tr>", 1)[0]
        self.assertIn("names 9:", row)
        self.assertIn("assessment of 2019 also counted 10", row)


class OfficialCountAdminTests(TestCase):
    def test_researcher_corrects_a_count_from_the_list_and_the_page_follows(self):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group

        official = make_official_count("htz", "national", 7)
        user = get_user_model().objects.create_user("rita", is_staff=True)
        user.groups.add(Group.objects.get(name="Researchers"))
        self.client.force_login(user)
        url = reverse("admin:parks_officialcount_changelist")
        response = self.client.get(url)
        self.assertContains(response, 'name="form-0-count"')
        data = {
            "form-TOTAL_FORMS": 1,
            "form-INITIAL_FORMS": 1,
            "form-MIN_NUM_FORMS": 0,
            "form-MAX_NUM_FORMS": 1000,
            "form-0-id": official.pk,
            "form-0-count": 9,
            "_save": "Save",
            "form-0-base_version": official.version,  # the version the list showed (issue 17: no lost edits)
        }
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302)
        official.refresh_from_db()
        self.assertEqual(official.count, 9)
        page = self.client.get(reverse("parks:coverage"))
        self.assertContains(page, '<span class="official-count">9</span>', html=True)
