"""The Chinese article page: the English text as published, with the editors' Chinese around it."""

import re

from django.test import TestCase
from django.urls import reverse
from django.utils import translation
from django.utils.html import strip_tags

from articles.models import FEATURED_ARTICLE_SLUG, Article, EditorialNote, Section, TranslationStatus
from publishing.testing import load_shipped_content


class ChineseArticlePageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_shipped_content()
        cls.article = Article.objects.get(slug=FEATURED_ARTICLE_SLUG)

    def chinese_page(self):
        with translation.override("zh-hans"):
            return self.client.get(reverse("articles:detail", args=[self.article.slug])).content.decode()

    def test_every_section_has_a_reviewed_editors_summary_under_its_heading(self):
        html = self.chinese_page()
        summaries = re.findall(r'<p class="section-summary" lang="zh-Hans">(.*?)</p>', html, re.S)
        self.assertEqual(len(summaries), Section.objects.filter(article=self.article).count())
        self.assertTrue(all(strip_tags(summary).startswith("编者摘要（已审阅）：") for summary in summaries))
        self.assertFalse(Section.objects.exclude(summary_status_zh_hans=TranslationStatus.REVIEWED).exists())

    def test_summaries_carry_the_sections_figures(self):
        detroit = Section.objects.get(slug="detroit").summary_zh_hans
        for figure in ["180万", "70万", "58%", "25%", "2.5倍"]:
            self.assertIn(figure, detroit)
        paths = Section.objects.get(slug="industrial-real-estate-park-development-in-the-northeast-rust-belt")
        for figure in ["8个", "4个", "7个", "2个", "114个"]:
            self.assertIn(figure, paths.summary_zh_hans)

    def test_the_notices_are_in_chinese_and_say_what_the_text_is(self):
        html = self.chinese_page()
        self.assertIn("本文是中文原文的英译本，本站未收录原文", html)
        self.assertIn("本站的许可协议（CC BY 4.0）不适用于该文本。", html)
        english = self.client.get(reverse("articles:detail", args=[self.article.slug])).content.decode()
        self.assertIn("An English translation of the Chinese original", english)
        self.assertNotIn("英译本", english)

    def test_charts_are_in_chinese_with_one_language_per_axis_title(self):
        html = self.chinese_page()
        self.assertIn("各国完成工业化的年份（编者译）", html)
        ranks = html.split('id="chart-liaoning-gdp-rank"', 1)[1].split("</figure>", 1)[0]
        self.assertIn("第12位", ranks)
        self.assertNotIn("12th", strip_tags(ranks.split("<details", 1)[0]))
        # The axis title is all Chinese, marked so: no English unit beside the Chinese words.
        self.assertRegex(ranks, r'<text [^>]*lang="zh-Hans"[^>]*>位次（数值越低越好）</text>')

    def test_a_note_is_shown_in_the_editors_chinese_or_marked_as_the_english_it_is(self):
        # The same note in the sidenote, the list of notes and under its chart: each place marks it alike.
        note = EditorialNote.objects.get(key="liaoning-investment-unit")
        chinese = note.text_zh.replace("“", "&ldquo;").split("&ldquo;")[0]
        html = self.chinese_page()
        self.assertEqual(html.count(f"<span>{chinese}"), 3)
        self.assertNotIn(f'<span lang="en">{note.text[:20]}', html)
        EditorialNote.objects.filter(pk=note.pk).update(text_zh="")
        html = self.chinese_page()
        self.assertEqual(html.count(f'<span lang="en">{note.text[:20]}'), 3)
        english = self.client.get(reverse("articles:detail", args=[self.article.slug])).content.decode()
        self.assertNotIn(chinese, english)
