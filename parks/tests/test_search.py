from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from parks.models import Park, Province, pinyin_key
from parks.search import did_you_mean
from parks.tests.factories import bulk_parks, make_park, make_province
from publishing.testing import load_shipped_content


def slugs(text):
    return set(Park.objects.search(text).values_list("slug", flat=True))


class PinyinKeyTests(TestCase):
    def test_tones_spaces_apostrophes_and_case_do_not_count(self):
        for written in ["哈尔滨", "haerbin", "Ha'erbin", "Hā'ěrbīn", "ha er bin", "HAERBIN", "Ha’erbin"]:
            with self.subTest(written=written):
                self.assertEqual(pinyin_key(written), "haerbin")
        self.assertEqual(pinyin_key("绿"), "lv")
        self.assertEqual(pinyin_key("lǜ"), "lv")

    def test_saving_fills_the_key_from_the_chinese_name_city_and_short_forms(self):
        park = make_park("Harbin HTZ", name_zh="哈尔滨高新技术产业开发区", city_zh="哈尔滨", aliases="哈高新")
        self.assertEqual(park.pinyin, "haerbingaoxinjishuchanyekaifaqu haerbin hagaoxin")
        park.name_zh = "大庆"
        park.save(update_fields=["name_zh"])
        park.refresh_from_db()
        self.assertTrue(park.pinyin.startswith("daqing "))
        self.assertEqual(Province.objects.get(slug="jilin").pinyin, "jilinsheng")


class ParkSearchTests(TestCase):
    """Against the shipped catalogue: what a reader types, and the parks it finds."""

    @classmethod
    def setUpTestData(cls):
        load_shipped_content()

    def harbin(self):
        return set(Park.objects.filter(city="Harbin").values_list("slug", flat=True))

    def test_pinyin_with_or_without_tones_spaces_and_apostrophes(self):
        harbin = self.harbin()
        self.assertGreaterEqual(len(harbin), 4)
        for written in ["哈尔滨", "Harbin", "haerbin", "Ha'erbin", "Hā'ěrbīn", "ha er bin", "HaErBin"]:
            with self.subTest(written=written):
                self.assertEqual(slugs(written), harbin)

    def test_english_chinese_and_pinyin_find_the_same_parks(self):
        self.assertEqual(slugs("吉林"), slugs("Jilin"))
        self.assertEqual(slugs("大庆"), slugs("Daqing"))
        self.assertEqual(slugs("Daqing"), {"daqing-htz", "daqing-etdz"})

    def test_abbreviations_and_chinese_short_forms_find_the_zone_type(self):
        etdz = set(Park.objects.filter(zone_type="etdz").values_list("slug", flat=True))
        self.assertGreater(len(etdz), 15)
        for written in ["ETDZ", "etdz", "经开区", "经济技术开发区"]:
            with self.subTest(written=written):
                self.assertEqual(slugs(written), etdz)
        self.assertEqual(slugs("BECZ"), slugs("边合区"))
        self.assertEqual(
            slugs("BECZ"),
            {"manzhouli-becz", "hunchun-becz", "heihe-becz", "suifenhe-becz", "dandong-becz", "helong-becz"},
        )
        self.assertEqual(slugs("CBZ"), set(Park.objects.filter(zone_type="bonded").values_list("slug", flat=True)))
        self.assertEqual(slugs("综保区"), slugs("CBZ"))
        self.assertEqual(slugs("Harbin HTZ"), {"harbin-htz"})
        self.assertEqual(slugs("长春高新区"), {"changchun-htz", "changchun-jingyue-htz"})

    def test_short_forms_in_common_use_find_their_zone(self):
        self.assertEqual(slugs("哈高新"), {"harbin-htz"})
        self.assertEqual(slugs("哈高新区"), {"harbin-htz"})
        self.assertEqual(slugs("大连开发区"), {"dalian-etdz"})
        self.assertEqual(slugs("汽开区"), {"changchun-automotive-etdz"})

    def test_did_you_mean_the_nearest_name(self):
        self.assertEqual(slugs("Harbn"), set())
        self.assertEqual(did_you_mean("Harbn"), "Harbin")
        self.assertEqual(did_you_mean("Harbn HTZ"), "Harbin HTZ")
        self.assertEqual(did_you_mean("Hunchn"), "Hunchun")
        # Nothing near: no suggestion rather than a random one.
        self.assertEqual(did_you_mean("zzzqqq"), "")
        self.assertEqual(did_you_mean("Harbin"), "")

    def test_hostile_text_is_only_text(self):
        for written in ['"; DROP TABLE parks_park; --', "%_%", "' OR 1=1 --"]:
            with self.subTest(written=written):
                self.assertEqual(slugs(written), set())
        self.assertGreater(Park.objects.count(), 40)


class PinyinOrderTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        # Code point order would be 吉 (U+5409), 哈 (U+54C8), 大 (U+5927), 长 (U+957F), 阿 (U+963F).
        for name_en, name_zh in [("Jilin Park", "吉林园区"), ("Changchun Park", "长春园区")]:
            make_park(name_en, name_zh=name_zh)
        # The province filter offers provinces with a published zone: one each.
        for name_en, name_zh, province in [
            ("Harbin Park", "哈尔滨园区", make_province("heilongjiang", "Heilongjiang", "黑龙江省")),
            ("Dalian Park", "大连园区", make_province("liaoning", "Liaoning", "辽宁省")),
            ("Aershan Park", "阿尔山园区", make_province("inner-mongolia", "Inner Mongolia", "内蒙古自治区")),
        ]:
            make_park(name_en, name_zh=name_zh, province=province)

    def test_chinese_catalogue_lists_sort_by_pinyin(self):
        expected = ["阿尔山园区", "长春园区", "大连园区", "哈尔滨园区", "吉林园区"]
        with translation.override("zh-hans"):
            for query in ["", "?ordering=name", "?ordering=name-zh"]:
                with self.subTest(query=query):
                    response = self.client.get(reverse("parks:list") + query)
                    self.assertEqual([park.name_zh for park in response.context["page_obj"]], expected)
            response = self.client.get(reverse("parks:list") + "?ordering=-name")
            self.assertEqual([park.name_zh for park in response.context["page_obj"]], expected[::-1])
            response = self.client.get(reverse("parks:province", args=["jilin"]))
            self.assertEqual([park.name_zh for park in response.context["parks"]], ["长春园区", "吉林园区"])
            response = self.client.get(reverse("parks:list"))
            self.assertEqual(
                [choice.label for choice in response.context["province_facet"].choices],
                ["黑龙江省", "吉林省", "辽宁省", "内蒙古自治区"],
            )
        # English pages keep the English alphabet.
        response = self.client.get(reverse("parks:list"))
        self.assertEqual(
            [park.name_en for park in response.context["page_obj"]],
            ["Aershan Park", "Changchun Park", "Dalian Park", "Harbin Park", "Jilin Park"],
        )

    def test_parks_saved_in_bulk_are_still_found_by_name(self):
        bulk_parks(3, make_province("jilin"))
        self.assertEqual(len(slugs("bulk park")), 3)
