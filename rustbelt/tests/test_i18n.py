"""The site in English and Simplified Chinese: URLs, switcher, hreflang, translations, search, exports."""

import csv
import io
import json
import re
from html.parser import HTMLParser

import polib
from django.conf import settings
from django.test import Client, TestCase, override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import strip_tags
from openpyxl import load_workbook

from articles.models import Section, TranslationStatus
from articles.tests.factories import make_article, make_section
from parks.models import Park
from publishing.testing import load_shipped_content, make_superuser

ZH_PO = settings.BASE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
ARTICLE_SLUG = "industrial-real-estate-park-revitalization-in-major-rust-belts"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")
# Code samples are code in any language.
SKIPPED_TAGS = {"script", "style", "pre", "code"}
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
READ_ATTRIBUTES = ("aria-label", "placeholder", "alt", "title")


def zh(name, *args, query=""):
    with translation.override("zh-hans"):
        return reverse(name, args=args) + query


def en(name, *args, query=""):
    # The test client leaves the last request's language active, so say which one.
    with translation.override("en"):
        return reverse(name, args=args) + query


class InterfaceText(HTMLParser):
    """The text a reader gets as interface: visible text and labels, without passages marked lang="en"."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []  # for each open element: is its content skipped?
        self.parts = []
        self.labels = set()  # whole text nodes and attribute values: where one-word labels stand

    @property
    def skipping(self):
        return bool(self.stack) and self.stack[-1]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        skip = self.skipping or tag in SKIPPED_TAGS or (attrs.get("lang") or "").lower().startswith("en")
        if not skip:
            self.parts.extend(attrs[name] for name in READ_ATTRIBUTES if attrs.get(name))
            self.labels.update(attrs[name].strip() for name in READ_ATTRIBUTES if attrs.get(name))
        if tag not in VOID_TAGS:
            self.stack.append(skip)

    def handle_endtag(self, tag):
        if tag not in VOID_TAGS and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)
            self.labels.add(data.strip(" \n.,:;()“”·"))

    @classmethod
    def of(cls, html):
        parser = cls()
        parser.feed(html)
        return " ".join(" ".join(parser.parts).split()), parser.labels


def english_msgids():
    """Every English interface string of the catalogue that a reader could recognise as English."""
    return sorted(
        {
            entry.msgid
            for entry in polib.pofile(str(ZH_PO))
            if re.search("[A-Za-z]{2}", PLACEHOLDER.sub("", entry.msgid))
        },
        key=len,
        reverse=True,
    )


def untranslated_in(page, msgids):
    """The catalogue's English strings that show in the page's interface text.

    A message of several words counts wherever it appears (its longest literal piece, for messages
    with placeholders); a one-word message ("Park", "Level") only as a whole label, so the same word
    inside a park's English name does not count.
    """
    text, labels = page
    found = []
    for msgid in msgids:
        piece = max(PLACEHOLDER.split(msgid), key=len).strip(" .,:;()“”")
        if not re.search("[A-Za-z]{2}", piece):
            continue
        if " " in piece:
            if re.search(rf"(?<![A-Za-z]){re.escape(piece)}(?![A-Za-z])", text):
                found.append(piece)
        elif piece in labels:
            found.append(piece)
    return found


class CatalogueFileTests(TestCase):
    def test_every_message_is_translated_and_none_is_fuzzy(self):
        po = polib.pofile(str(ZH_PO))
        self.assertEqual([entry.msgid for entry in po.untranslated_entries()], [])
        self.assertEqual([entry.msgid for entry in po.fuzzy_entries()], [])
        self.assertGreater(len(po), 300)

    def test_translations_keep_their_placeholders(self):
        for entry in polib.pofile(str(ZH_PO)):
            translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
            for text in translations:
                with self.subTest(msgid=entry.msgid):
                    self.assertEqual(sorted(PLACEHOLDER.findall(text)), sorted(PLACEHOLDER.findall(entry.msgid)))

    def test_the_compiled_catalogue_is_the_one_in_git(self):
        # `make` compiles the .po; a stale .mo would show old wording.
        with translation.override("zh-hans"):
            self.assertEqual(translation.gettext("Parks catalogue"), "园区名录")
            self.assertEqual(translation.gettext("Planned area (km²)"), "规划面积（平方千米）")


class ChinesePagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_shipped_content()
        cls.msgids = english_msgids()

    def assert_all_chinese(self, url, status=200):
        response = self.client.get(url)
        self.assertEqual(response.status_code, status, url)
        html = response.content.decode()
        self.assertIn('<html lang="zh-Hans">', html)
        self.assertEqual(untranslated_in(InterfaceText.of(html), self.msgids), [], url)
        return response

    def test_every_page_type_has_no_untranslated_interface_string(self):
        park = Park.objects.get(slug="jilin-etdz")
        pages = [
            zh("home"),
            zh("articles:detail", ARTICLE_SLUG),
            zh("articles:figures", ARTICLE_SLUG),
            zh("parks:list"),
            zh("parks:list", query="?province=jilin&zone_type=etdz&ordering=-area&page=1"),
            zh("parks:list", query="?page=99"),
            zh("parks:list", query="?province=heilongjiang&path=co-city&view=table&ordering=-name-zh"),
            zh("parks:methodology"),
            zh("parks:detail", park.slug),
            zh("parks:province", "heilongjiang"),
            zh("parks:path", "co-city"),
            zh("parks:coverage"),
            zh("search", query="?q=长春"),
            zh("search", query="?q=Harbin+HTZ"),
        ]
        for url in pages:
            with self.subTest(url=url):
                self.assert_all_chinese(url)

    def test_error_pages_and_messages_are_chinese_too(self):
        self.assert_all_chinese(zh("parks:list", query="?province=atlantis&level=galactic"), status=400)
        self.assert_all_chinese(zh("search", query="?q=!!!"), status=400)
        self.assert_all_chinese("/zh-hans/no-such-page/", status=404)
        self.assert_all_chinese(zh("parks:detail", "no-such-park"), status=404)

    def test_the_unprefixed_data_page_follows_the_chosen_language(self):
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
        response = self.assert_all_chinese(reverse("data:index"))
        # One address for both languages: no alternates, but a switcher that sets the language it follows.
        self.assertNotContains(response, 'hreflang="zh-Hans"')
        self.assertContains(response, '<input type="hidden" name="next" value="/data/">', html=True)
        self.assertContains(
            response,
            '<button type="submit" class="link-button" name="language" value="en" lang="en">English</button>',
            html=True,
        )
        switched = self.client.post("/i18n/setlang/", {"language": "en", "next": "/data/"})
        self.assertRedirects(switched, "/data/", fetch_redirect_response=False)
        self.assertContains(self.client.get("/data/"), '<html lang="en">')

    def test_the_api_reference_has_the_switcher_and_a_chinese_frame(self):
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
        response = self.client.get(reverse("api:docs"))
        self.assertContains(response, '<html lang="zh-Hans">')
        self.assertContains(response, "<title>API 参考 · 锈带园区</title>", html=True)
        self.assertContains(response, '<form class="language-switcher" action="/i18n/setlang/" method="post">')
        self.assertContains(response, '<a href="/data/">数据</a>', html=True)
        # Swagger UI's own text is English, and marked so.
        self.assertContains(response, '<div id="swagger-ui" lang="en">')
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        self.assertContains(
            self.client.get(reverse("api:docs")), "<title>API reference · Rust Belt Parks</title>", html=True
        )

    def test_the_check_finds_english(self):
        # The test above would fail on an untranslated string: English pages are full of them.
        html = self.client.get(en("parks:list")).content.decode().replace('<html lang="en">', "<html>")
        self.assertIn("Parks catalogue", untranslated_in(InterfaceText.of(html), self.msgids))
        self.assertIn("Show parks", untranslated_in(InterfaceText.of(html), self.msgids))

    def test_catalogue_values_are_chinese_on_chinese_pages(self):
        response = self.client.get(zh("parks:detail", "jilin-etdz"))
        self.assertContains(response, "<h1>吉林经济技术开发区</h1>", html=True)
        self.assertContains(
            response,
            '<p class="park-name-zh lede" lang="en" translate="no">Jilin Economic and Technological Development Zone</p>',
            html=True,
        )
        self.assertContains(response, "<dd>经济技术开发区</dd>", html=True)  # zone type
        # The level is a sourced fact: its footnote markers sit beside it.
        level = response.content.decode().split('<div id="fact-level">', 1)[1].split("</div>", 1)[0]
        self.assertEqual(strip_tags(level).split()[:2], ["级别", "国家级"])
        self.assertIn('href="#source-1"', level)
        self.assertContains(response, "<dd>吉林</dd>", html=True)  # city
        self.assertContains(response, ">吉林省</a>")
        self.assertContains(response, ">城市化</a>")
        self.assertContains(response, ">精细化工</a>")
        # Path and industry names and the sources' English titles are the editors' translations, and the page
        # says so: the path, the industries and each of the four sources with a translated title.
        self.assertContains(response, "（编者译）", count=6)
        english = self.client.get(en("parks:detail", "jilin-etdz"))
        self.assertContains(english, ">fine chemicals</a>")
        self.assertNotContains(english, "编者译")

    def test_coverage_shows_the_official_counts_label_as_a_translation(self):
        response = self.client.get(zh("parks:coverage"))
        self.assertContains(response, "“国家级经济技术开发区”（编者译）")
        self.assertContains(response, "国家级")

    @override_settings(AGGREGATE_CACHE_SECONDS=600)
    def test_cached_facets_and_matrix_are_kept_per_language(self):
        english = self.client.get(en("parks:list"))
        chinese = self.client.get(zh("parks:list"))
        self.assertContains(english, "Heilongjiang <span")
        self.assertContains(chinese, '<option value="heilongjiang">黑龙江省（')
        self.assertContains(chinese, '<th scope="row">黑龙江省</th>', html=True)
        self.assertContains(chinese, 'href="/zh-hans/parks/?province=heilongjiang&amp;path=urbanization"')
        self.assertNotContains(chinese, 'href="/en/parks/?province=')


class LanguageUrlTests(TestCase):
    def test_old_addresses_redirect_to_the_visitors_language(self):
        response = self.client.get("/parks/?province=jilin", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9,en;q=0.5")
        self.assertRedirects(response, "/zh-hans/parks/?province=jilin", fetch_redirect_response=False)
        response = self.client.get("/parks/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8")
        self.assertRedirects(response, "/en/parks/", fetch_redirect_response=False)
        self.assertRedirects(self.client.get("/"), "/en/", fetch_redirect_response=False)

    def test_the_cookie_choice_wins_over_accept_language(self):
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
        response = self.client.get("/search/?q=x", HTTP_ACCEPT_LANGUAGE="en")
        self.assertRedirects(response, "/zh-hans/search/?q=x", fetch_redirect_response=False)

    def test_machine_and_staff_addresses_stay_unprefixed(self):
        self.assertEqual(self.client.get("/healthz").status_code, 200)
        self.assertEqual(reverse("admin:index"), "/admin/")
        self.assertEqual(self.client.get("/sitemap.xml").status_code, 200)
        self.assertEqual(self.client.get("/en/healthz").status_code, 404)

    def test_html_lang_follows_the_page(self):
        self.assertContains(self.client.get("/en/"), '<html lang="en">')
        self.assertContains(self.client.get("/zh-hans/"), '<html lang="zh-Hans">')
        self.assertContains(self.client.get("/zh-hans/nope/"), '<html lang="zh-Hans">', status_code=404)


class SwitcherAndAlternatesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_shipped_content()

    def test_every_page_type_has_the_switcher_in_both_languages(self):
        pages = [
            ("home",),
            ("articles:detail", ARTICLE_SLUG),
            ("articles:figures", ARTICLE_SLUG),
            ("parks:list",),
            ("parks:detail", "jilin-etdz"),
            ("parks:province", "inner-mongolia"),
            ("parks:path", "co-city"),
            ("parks:coverage",),
            ("parks:methodology",),
            ("releases:list",),
        ]
        urls = [f(*page) for page in pages for f in (en, zh)]
        urls += [zh("search", query="?q=哈尔滨"), reverse("data:index"), reverse("api:docs")]
        for url in urls:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertContains(response, '<form class="language-switcher" action="/i18n/setlang/" method="post">')
                self.assertContains(response, 'name="language" value=')

    def test_switcher_posts_the_current_page_with_its_filters(self):
        response = self.client.get("/en/parks/?province=jilin&path=co-city&page=1")
        self.assertContains(response, '<form class="language-switcher" action="/i18n/setlang/" method="post">')
        self.assertContains(
            response, '<input type="hidden" name="next" value="/en/parks/?province=jilin&amp;path=co-city&amp;page=1">'
        )
        self.assertContains(
            response,
            '<button type="submit" class="link-button" name="language" value="zh-hans" lang="zh-Hans">简体中文</button>',
            html=True,
        )
        self.assertContains(
            response, '<span class="current-language" lang="en" aria-current="true">English</span>', html=True
        )
        self.assertContains(response, 'src="/static/rustbelt/language.js"')

    def test_switching_keeps_page_filters_and_anchor_and_remembers_the_choice(self):
        # The anchor is added to `next` by language.js (the server never sees it).
        response = self.client.post(
            reverse("set_language"),
            {"language": "zh-hans", "next": f"/en/articles/{ARTICLE_SLUG}/?x=1#paths-for-updating-the-rust-belt"},
        )
        self.assertRedirects(
            response,
            f"/zh-hans/articles/{ARTICLE_SLUG}/?x=1#paths-for-updating-the-rust-belt",
            fetch_redirect_response=False,
        )
        self.assertEqual(response.cookies[settings.LANGUAGE_COOKIE_NAME].value, "zh-hans")
        back = self.client.post(reverse("set_language"), {"language": "en", "next": "/zh-hans/parks/?province=jilin"})
        self.assertRedirects(back, "/en/parks/?province=jilin", fetch_redirect_response=False)
        # An outside address is not followed.
        away = self.client.post(reverse("set_language"), {"language": "en", "next": "https://evil.example/"})
        self.assertNotIn("evil", away.get("Location", ""))

    def test_hreflang_alternates_point_at_each_other(self):
        path = "/parks/provinces/jilin/"
        english = self.client.get("/en" + path).content.decode()
        chinese = self.client.get("/zh-hans" + path).content.decode()
        for html in (english, chinese):
            self.assertIn(f'<link rel="alternate" hreflang="en" href="http://testserver/en{path}">', html)
            self.assertIn(f'<link rel="alternate" hreflang="zh-Hans" href="http://testserver/zh-hans{path}">', html)
            self.assertIn(f'<link rel="alternate" hreflang="x-default" href="http://testserver/en{path}">', html)
        # The query string is part of the page.
        self.assertContains(
            self.client.get("/en/parks/?level=national"),
            '<link rel="alternate" hreflang="zh-Hans" href="http://testserver/zh-hans/parks/?level=national">',
        )

    def test_sitemap_lists_both_languages_with_alternates(self):
        xml = self.client.get("/sitemap.xml").content.decode()
        for prefix in ("en", "zh-hans"):
            self.assertIn(f"<loc>http://testserver/{prefix}/parks/jilin-etdz/</loc>", xml)
            self.assertIn(f"<loc>http://testserver/{prefix}/articles/{ARTICLE_SLUG}/</loc>", xml)
        self.assertIn(
            '<xhtml:link rel="alternate" hreflang="zh-hans" href="http://testserver/zh-hans/parks/jilin-etdz/"/>', xml
        )
        self.assertIn(
            '<xhtml:link rel="alternate" hreflang="x-default" href="http://testserver/parks/jilin-etdz/"/>', xml
        )


class ArticleInChineseTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_article(slug="a", title="Rust belts")
        cls.section = make_section(
            cls.article,
            title="Paths for updating",
            slug="paths",
            title_zh_hans="锈带更新路径",
            summary_zh_hans="本节提出三条发展路径。",
        )

    def test_chinese_page_introduces_the_english_article(self):
        response = self.client.get(zh("articles:detail", "a"))
        self.assertContains(response, "本文为中文原文的英译本。")
        self.assertContains(response, '<article class="article" lang="en">')
        english = self.client.get(en("articles:detail", "a"))
        self.assertNotContains(english, "英译本")

    def test_section_titles_in_chinese_are_marked_as_the_editors_translation(self):
        response = self.client.get(zh("articles:detail", "a"))
        self.assertContains(
            response,
            '<h2 id="paths"><span lang="zh-Hans">锈带更新路径<span class="editors-mark" title="标题为编者所译">'
            '<span aria-hidden="true">编</span><span class="visually-hidden">（标题为编者所译）</span></span></span>'
            ' <span class="original-title" lang="en">Paths for updating</span></h2>',
            html=True,
        )
        self.assertNotContains(self.client.get(en("articles:detail", "a")), "锈带更新路径")

    def test_a_summary_is_shown_only_once_reviewed(self):
        self.assertNotContains(self.client.get(zh("articles:detail", "a")), "本节提出三条发展路径")
        Section.objects.filter(pk=self.section.pk).update(summary_status_zh_hans=TranslationStatus.REVIEWED)
        response = self.client.get(zh("articles:detail", "a"))
        self.assertContains(response, '<p class="section-summary" lang="zh-Hans">')
        self.assertContains(response, "本节提出三条发展路径。")
        self.assertNotContains(self.client.get(en("articles:detail", "a")), "本节提出三条发展路径")

    def test_researchers_edit_the_chinese_fields_in_the_admin(self):
        researcher = make_superuser()
        self.client.force_login(researcher)
        response = self.client.get(reverse("admin:articles_section_change", args=[self.section.pk]))
        for field in ("title_en", "title_zh_hans", "summary_zh_hans", "summary_status_zh_hans"):
            self.assertContains(response, f'name="{field}"')
        response = self.client.post(
            reverse("admin:articles_section_change", args=[self.section.pk]),
            {
                "article": self.article.pk,
                "order": 0,
                "title_en": "Paths for updating",
                "slug": "paths",
                "body": "Text.",
                "title_zh_hans": "锈带更新路径",
                "summary_zh_hans": "研究人员审阅过的摘要。",
                "summary_status_zh_hans": "reviewed",
                "base_version": self.section.version,
            },
        )
        self.assertEqual(response.status_code, 302)
        self.client.logout()
        self.assertContains(self.client.get(zh("articles:detail", "a")), "研究人员审阅过的摘要。")
        # The history records the Chinese fields like any other.
        self.assertEqual(self.section.history.first().summary_status_zh_hans, "reviewed")

        # Editing the reviewed text without reviewing it again sends it back to draft: not shown.
        self.client.force_login(researcher)
        section = Section.objects.get(pk=self.section.pk)
        response = self.client.post(
            reverse("admin:articles_section_change", args=[section.pk]),
            {
                "article": self.article.pk,
                "order": 0,
                "title_en": "Paths for updating",
                "slug": "paths",
                "body": "Text.",
                "title_zh_hans": "锈带更新路径",
                "summary_zh_hans": "改过但未审阅的摘要。",
                "summary_status_zh_hans": "reviewed",
                "base_version": section.version,
            },
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Section.objects.get(pk=section.pk).summary_status_zh_hans, TranslationStatus.DRAFT)
        self.client.logout()
        self.assertNotContains(self.client.get(zh("articles:detail", "a")), "改过但未审阅的摘要")


class BilingualSearchTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_shipped_content()
        article = make_article(slug="city-notes", title="City notes")
        make_section(
            article, slug="changchun", title="Cities", body="Changchun built its first automobile works in 1953."
        )

    def results(self, query, language="en"):
        response = self.client.get(zh("search") if language == "zh-hans" else en("search"), {"q": query})
        self.assertEqual(response.status_code, 200)
        return [result.url for result in response.context["results"]]

    def test_chinese_place_names_find_english_passages(self):
        self.assertIn("/zh-hans/articles/city-notes/#changchun", self.results("长春", "zh-hans"))
        # The shipped article's passages about Liaoning and Daqing, from Chinese queries.
        liaoning = self.results("辽宁")
        self.assertIn(
            f"/en/articles/{ARTICLE_SLUG}/#industrial-real-estate-park-development-in-chinas-rust-belt", liaoning
        )
        self.assertTrue(any("#" in url for url in self.results("大庆")))

    def test_english_place_names_find_chinese_names(self):
        self.assertIn("/en/articles/city-notes/#changchun", self.results("Changchun"))
        self.assertIn("/zh-hans/parks/harbin-htz/", self.results("Harbin", "zh-hans"))

    def test_harbins_high_tech_zone_by_any_of_its_names(self):
        for query in ("Harbin HTZ", "哈尔滨高新区", "哈尔滨高新技术产业开发区", "harbin high-tech zone", "哈尔滨 HTZ"):
            for language in ("en", "zh-hans"):
                with self.subTest(query=query, language=language):
                    urls = self.results(query, language)
                    prefix = "/en" if language == "en" else "/zh-hans"
                    self.assertEqual(urls[0], f"{prefix}/parks/harbin-htz/")
                    self.assertNotIn(f"{prefix}/parks/harbin-etdz/", urls)

    def test_economic_zones_by_their_chinese_abbreviation(self):
        urls = self.results("哈尔滨经开区")
        self.assertIn("/en/parks/harbin-etdz/", urls)
        self.assertNotIn("/en/parks/harbin-htz/", urls)
        self.assertIn("/en/parks/harbin-etdz/", self.results("Harbin ETDZ"))

    def test_results_show_the_pages_language_first(self):
        response = self.client.get(zh("search"), {"q": "Harbin HTZ"})
        self.assertContains(response, "哈尔滨")
        self.assertEqual(
            str(response.context["results"][0].title).split("（")[0],
            "<mark>哈尔滨</mark><mark>高新技术产业开发区</mark>",
        )
        self.assertContains(response, "同时搜索了：")


class ChineseExportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_shipped_content()

    def csv_rows(self, url):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        body = b"".join(response.streaming_content).decode("utf-8-sig")
        return list(csv.reader(io.StringIO(body)))

    def test_csv_with_lang_has_chinese_values_under_the_machine_names(self):
        rows = self.csv_rows(en("parks:export-csv") + "?province=jilin&lang=zh-hans")
        header = rows[0]
        # The column names scripts rely on, in every language (the Data page and the workbook give labels).
        self.assertEqual(header[:6], ["slug", "name_en", "name_zh", "article_name", "province", "city"])
        jilin = dict(zip(header, next(row for row in rows if row[0] == "jilin-etdz")))
        self.assertEqual(jilin["province"], "吉林省")
        self.assertEqual(jilin["city"], "吉林")
        self.assertEqual(jilin["zone_type"], "经济技术开发区")
        self.assertEqual(jilin["level"], "国家级")
        self.assertEqual(jilin["path"], "城市化")
        self.assertEqual(jilin["industries"], "品牌食品; 精细化工; 特种纤维及化纤纺织")
        self.assertEqual(jilin["permalink"], "http://testserver/zh-hans/parks/jilin-etdz/")

    def test_the_chinese_workbook_has_chinese_headers_and_numbers_as_numbers(self):
        response = self.client.get(zh("parks:export-xlsx") + "?province=jilin")
        rows = list(load_workbook(io.BytesIO(response.content), read_only=True)["园区"].values)
        self.assertEqual(rows[0][:6], ("网址标识", "英文名称", "中文名称", "文中名称", "省份", "城市"))
        jilin = dict(zip(rows[0], next(row for row in rows if row[0] == "jilin-etdz")))
        self.assertEqual(jilin["省份"], "吉林省")
        self.assertEqual(jilin["面积（平方千米）"], 20.4)
        self.assertIn("级别来源", rows[0])
        self.assertIn("许可", rows[0])

    def test_the_chinese_pages_download_links_give_chinese(self):
        self.assertContains(self.client.get(zh("parks:list")), 'href="/zh-hans/parks/export.csv"')
        rows = self.csv_rows(zh("parks:export-csv"))
        self.assertIn("吉林省", {cell for row in rows[1:] for cell in row})
        # ?lang= wins over the prefix.
        rows = self.csv_rows(zh("parks:export-csv") + "?lang=en")
        self.assertNotIn("吉林省", {cell for row in rows[1:] for cell in row})

    def test_json_metadata_in_both_languages(self):
        response = self.client.get(en("parks:export-json") + "?lang=zh-hans&level=national")
        data = json.loads(b"".join(response.streaming_content))
        self.assertEqual(data["metadata"]["language"], "zh-hans")
        self.assertEqual(data["metadata"]["title"], "锈带园区：中国东北产业园区")
        self.assertEqual(
            data["metadata"]["translations"]["en"]["title"], "Rust Belt Parks: industrial parks of Northeast China"
        )
        self.assertEqual(data["metadata"]["translations"]["zh-hans"]["columns"]["province"], "省份")
        self.assertEqual(data["metadata"]["filters"], {"level": "national"})
        jilin = next(park for park in data["parks"] if park["slug"] == "jilin-etdz")
        self.assertEqual(jilin["zone_type_label"], "经济技术开发区")

    def test_json_values_are_codes_in_every_language_with_labels_beside_them(self):
        parks = {}
        for language in ("en", "zh-hans"):
            response = self.client.get(en("parks:export-json") + f"?lang={language}&province=jilin")
            parks[language] = next(
                park
                for park in json.loads(b"".join(response.streaming_content))["parks"]
                if park["slug"] == "jilin-etdz"
            )
        english, chinese = parks["en"], parks["zh-hans"]
        for name, code in [
            ("zone_type", "etdz"),
            ("level", "national"),
            ("province", "jilin"),
            ("path", "urbanization"),
        ]:
            with self.subTest(name=name):
                self.assertEqual(english[name], code)
                self.assertEqual(chinese[name], code)
        self.assertIn("fine-chemicals", chinese["industries"])
        self.assertEqual(english["industries"], chinese["industries"])
        self.assertEqual((english["province_label"], chinese["province_label"]), ("Jilin", "吉林省"))
        self.assertEqual((english["path_label"], chinese["path_label"]), ("Urbanization", "城市化"))
        self.assertIn("精细化工", chinese["industries_labels"])

    def test_matrix_downloads_in_chinese(self):
        response = self.client.get(en("parks:matrix-csv") + "?lang=zh-hans")
        self.assertTrue(response.content.decode().startswith("省份,省份（中文）,城市化"))

    def test_an_unknown_language_is_a_clear_400(self):
        response = self.client.get(en("parks:export-csv") + "?lang=klingon")
        self.assertEqual(response.status_code, 400)
        self.assertIn("zh-hans", response.content.decode())


class ChineseAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_shipped_content()

    def test_the_admin_speaks_the_researchers_language(self):
        self.client.force_login(make_superuser())
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
        park = Park.objects.get(slug="jilin-etdz")
        response = self.client.get(reverse("admin:parks_park_change", args=[park.pk]))
        self.assertContains(response, '<html lang="zh-hans"')
        for label in ("英文名称", "城市（中文）", "开发区类型", "获批国家级年份", "无法确定具体园区时留空。"):
            self.assertContains(response, label)
        response = self.client.get(reverse("admin:articles_section_changelist"))
        self.assertContains(response, "中文摘要状态")


class LanguageIsolationTests(TestCase):
    """A Chinese request in one test must not leave Chinese active for the next (the runner resets it)."""

    def test_1_a_chinese_request(self):
        response = self.client.get(zh("home"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(translation.get_language(), "zh-hans")  # LocaleMiddleware left it active

    def test_2_the_next_test_starts_in_english(self):
        self.assertEqual(translation.get_language(), "en")
        self.assertTrue(reverse("home").startswith("/en/"))


class SwitcherFromAnyPageTests(TestCase):
    """The switcher takes any visitor (no cookie, either Accept-Language) to the same page in the other
    language, from every page type and in both directions."""

    PAGES = [
        "/",
        f"/articles/{ARTICLE_SLUG}/",
        f"/articles/{ARTICLE_SLUG}/figures/",
        "/parks/?province=jilin&path=co-city",
        "/parks/jilin-etdz/",
        "/parks/provinces/jilin/",
        "/parks/paths/co-city/",
        "/parks/coverage/",
        "/parks/methodology/",
        "/search/?q=jilin",
    ]

    @classmethod
    def setUpTestData(cls):
        load_shipped_content()

    def test_every_page_type_in_both_directions_for_any_visitor(self):
        prefixes = {"en": "/en", "zh-hans": "/zh-hans"}
        for page in self.PAGES:
            for source, target in [("en", "zh-hans"), ("zh-hans", "en")]:
                for accept_language in ["en", "zh-hans", "zh-CN,zh;q=0.9", ""]:
                    with self.subTest(page=page, source=source, accept_language=accept_language):
                        visitor = Client(HTTP_ACCEPT_LANGUAGE=accept_language)  # no cookie
                        shown = visitor.get(prefixes[source] + page)
                        self.assertEqual(shown.status_code, 200)
                        self.assertContains(shown, f'name="language" value="{target}"')
                        response = visitor.post(
                            reverse("set_language"), {"language": target, "next": prefixes[source] + page}
                        )
                        self.assertRedirects(response, prefixes[target] + page, fetch_redirect_response=False)
                        self.assertEqual(response.cookies[settings.LANGUAGE_COOKIE_NAME].value, target)
                        self.assertEqual(visitor.get(response["Location"]).status_code, 200)
