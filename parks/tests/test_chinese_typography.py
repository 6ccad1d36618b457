"""Chinese pages punctuate like Chinese text: full-width colons, brackets and full stops around the
interface's own words, never an English ': ' or '.' left between two Chinese phrases."""

import re
from html.parser import HTMLParser

from django.conf import settings
from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from parks.models import Province
from parks.tests.factories import cite_every_fact, make_mention, make_park, make_path, make_province, make_source


class ChinesePunctuationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.park = make_park("Jilin Economic and Technological Development Zone", slug="jilin-etdz", confidence="high")
        make_mention(cls.park, "Jilin", confidence="high", reason="Named in the list of 2010 upgrades.")

    def get(self, name, *args, language):
        with translation.override(language):
            return self.client.get(reverse(name, args=args))

    def test_the_park_page_joins_chinese_phrases_with_chinese_punctuation(self):
        response = self.get("parks:detail", "jilin-etdz", language="zh-hans")
        self.assertContains(response, '可信度高：<span lang="en">Named in the list of 2010 upgrades.</span>')
        self.assertContains(response, '（<a href="/zh-hans/parks/methodology/#confidence">各等级的含义</a>）')

    def test_the_english_park_page_keeps_english_punctuation(self):
        response = self.get("parks:detail", "jilin-etdz", language="en")
        self.assertContains(response, 'high confidence: <span lang="en">Named in the list of 2010 upgrades.</span>')
        self.assertContains(response, '(<a href="/en/parks/methodology/#confidence">what the levels mean</a>)')

    def test_a_sentence_ending_in_a_link_ends_with_a_chinese_full_stop(self):
        response = self.get("parks:list", language="zh-hans")
        self.assertContains(response, "名录的编制方法</a>。</p>")
        self.assertNotContains(response, "</a>.</p>")


class ChineseText(HTMLParser):
    """The text of a Chinese page outside passages marked lang="en" (quotations, English notes), scripts and styles."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skipped = []  # for each open element: is its text skipped?
        self.parts = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID_TAGS:
            return
        lang = (dict(attrs).get("lang") or "").lower()
        skipped = bool(self.skipped and self.skipped[-1]) or tag in ("script", "style") or lang.startswith("en")
        self.skipped.append(skipped)

    def handle_endtag(self, tag):
        if tag not in VOID_TAGS and self.skipped:
            self.skipped.pop()

    def handle_data(self, data):
        self.parts.append("\n" if self.skipped and self.skipped[-1] else data)


VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
CJK = "\u4e00-\u9fff（）：，；。《》“”"
# An English bracket, colon, semicolon or comma touching Chinese (a space between allowed).
HALF_WIDTH_BESIDE_CHINESE = re.compile(rf"[{CJK}] ?[():;,]|[():;,] ?[\u4e00-\u9fff]")


def chinese_text(html):
    parser = ChineseText()
    parser.feed(html)
    return "".join(parser.parts)


class ChinesePagesPunctuateInChineseTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        province = Province.objects.create(
            slug="heilongjiang", name_en="Heilongjiang", name_zh="黑龙江省", capital="Harbin"
        )
        path = make_path("urbanization", name_zh="城市化")
        park = make_park(
            "Harbin Economic and Technological Development Zone",
            slug="harbin-etdz",
            name_zh="哈尔滨经济技术开发区",
            province=province,
            path=path,
            city="Harbin",
            city_zh="哈尔滨",
            established_year=1991,
            national_year=1993,
            area_km2=10,
            area_kind="planned",
            latitude=45.8,
            longitude=126.53,
            coordinates_approximate=True,
            coord_note="city centre approx.",
            confidence="high",
        )
        cite_every_fact(park, make_source())
        make_mention(park, "Harbin", confidence="high", reason="Named in the list.")

    def pages(self):
        with translation.override("zh-hans"):
            urls = [
                reverse("parks:list"),
                reverse("parks:list") + "?view=table&province=heilongjiang",
                reverse("parks:detail", args=["harbin-etdz"]),
                reverse("parks:province", args=["heilongjiang"]),
                reverse("parks:path", args=["urbanization"]),
                reverse("parks:coverage"),
                reverse("parks:methodology"),
            ]
        for url in urls:
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
            yield url, chinese_text(response.content.decode())

    def test_no_english_bracket_colon_or_comma_touches_chinese(self):
        found = {
            url: [text[max(0, m.start() - 8) : m.end() + 8] for m in HALF_WIDTH_BESIDE_CHINESE.finditer(text)]
            for url, text in self.pages()
        }
        self.assertEqual({url: hits for url, hits in found.items() if hits}, {})

    def test_no_doubled_colon(self):
        for url, text in self.pages():
            with self.subTest(url=url):
                self.assertNotRegex(text, "：\\s*[^\\s]{0,4}：\\s*[^\\s]{0,4}：|：：|:：|：:")

    def test_the_area_and_the_approximate_position_are_bracketed_in_chinese(self):
        with translation.override("zh-hans"):
            response = self.client.get(reverse("parks:detail", args=["harbin-etdz"]))
        self.assertContains(response, "10 km²（规划面积）")
        self.assertContains(response, "北纬 45.8°，东经 126.53°（近似）")

    def test_the_check_finds_an_english_bracket_beside_chinese(self):
        self.assertTrue(HALF_WIDTH_BESIDE_CHINESE.search("地图上的园区列表 (1)"))
        self.assertFalse(HALF_WIDTH_BESIDE_CHINESE.search("地图上的园区列表（1）"))


class ChineseNamesStayWholeTests(TestCase):
    """Tables and headings break a Chinese name only where it does not fit at all, never 黑/龙江省 or 长/春."""

    def test_the_stylesheet_keeps_chinese_names_whole_where_they_stand(self):
        css = (settings.BASE_DIR / "rustbelt" / "static" / "rustbelt" / "site.css").read_text(encoding="utf-8")
        rule = re.search(r":lang\(zh\) :is\(([^)]*)\)[^{]*\{([^}]*)\}", css)
        self.assertIsNotNone(rule)
        selectors, declarations = rule.groups()
        for element in ("th", ".park-table td", ".matrix td", "h1", ".park-name-zh"):
            self.assertIn(element, selectors)
        self.assertIn("word-break: keep-all", declarations)
        self.assertIn("overflow-wrap: anywhere", declarations)

    def test_the_chinese_names_of_the_table_and_matrix_sit_in_those_cells(self):
        province = make_province("heilongjiang")
        make_park("Harbin ETDZ", name_zh="哈尔滨经济技术开发区", province=province, city="Changchun", city_zh="长春")
        with translation.override("zh-hans"):
            table = self.client.get(reverse("parks:list") + "?view=table").content.decode()
        self.assertRegex(table, r'<td lang="zh-Hans">哈尔滨经济技术开发区</td>')
        self.assertRegex(table, r"<td>长春</td>")
        self.assertRegex(table, r'<th scope="row">黑龙江省</th>')
