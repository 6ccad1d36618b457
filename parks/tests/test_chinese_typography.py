"""Chinese pages punctuate like Chinese text: full-width colons, brackets and full stops around the
interface's own words, never an English ': ' or '.' left between two Chinese phrases."""

from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from parks.tests.factories import make_mention, make_park


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
