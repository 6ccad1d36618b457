from django.test import SimpleTestCase, TestCase
from django.urls import reverse
from django.utils import translation

from articles.tests.factories import make_article, make_section
from publishing.markdown import render_markdown

HOSTILE = """Hello <script>alert("x")</script> world.

[click me](javascript:alert(1)) and [also](JaVaScRiPt:alert(2)) and [data](data:text/html,hi)

<img src="x" onerror="alert(3)"> <p onclick="alert(4)">para</p> <a href="https://example.org" onmouseover="alert(5)">ok</a>

<iframe src="https://evil.example"></iframe> <style>body{display:none}</style>
"""


class RenderMarkdownTests(SimpleTestCase):
    def test_scripts_handlers_and_javascript_links_are_removed(self):
        html = render_markdown(HOSTILE)
        for bad in (
            "<script",
            "alert",
            "javascript:",
            "onerror",
            "onclick",
            "onmouseover",
            "<iframe",
            "<style",
            "data:",
        ):
            self.assertNotIn(bad.lower(), html.lower())
        self.assertIn("Hello", html)
        self.assertIn('<a href="https://example.org" rel="noopener noreferrer">ok</a>', html)

    def test_park_links_become_catalogue_urls(self):
        html = render_markdown("See [Daqing High-tech Industrial Park](park:daqing-htz).")
        self.assertIn(f'<a href="{reverse("parks:detail", args=["daqing-htz"])}"', html)
        self.assertIn(">Daqing High-tech Industrial Park</a>", html)

    def test_path_links_become_path_pages(self):
        html = render_markdown("[the co-city path](path:co-city)")
        self.assertIn(f'href="{reverse("parks:path", args=["co-city"])}"', html)

    def test_malformed_or_unknown_internal_links_lose_their_href(self):
        for text in (
            "[a](park:)",
            "[a](park:../../admin)",
            "[a](paths:co-city)",
            "[a](parkx:jilin)",
            '<a href="park:jilin-etdz">raw</a>',
        ):
            html = render_markdown(text)
            self.assertNotIn("href", html, text)
            self.assertIn(">a<" if text.startswith("[") else ">raw<", html)

    def test_markdown_features_survive(self):
        html = render_markdown("1. one\n2. two\n\n**bold** and *em*")
        self.assertIn("<ol>", html)
        self.assertIn("<strong>bold</strong>", html)

    def test_empty_body(self):
        self.assertEqual(render_markdown(""), "")
        self.assertEqual(render_markdown(None), "")

    def test_rendering_needs_no_database(self):
        # SimpleTestCase refuses database queries, so park: links must be resolved by URL only.
        render_markdown("[x](park:jilin-etdz) [y](path:urbanization)")


class HostileMarkdownOnThePageTests(TestCase):
    def test_hostile_section_body_is_neutralized_on_the_article_page(self):
        article = make_article(title="Hostile", slug="hostile")
        make_section(article, title="Trap", slug="trap", body=HOSTILE)
        response = self.client.get(article.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        content = response.content.decode().lower()
        for bad in ("alert(", "javascript:", "onerror", "onclick", "onmouseover", "<iframe"):
            self.assertNotIn(bad, content)
        self.assertNotIn('<script>alert("x")', content)
        self.assertIn("hello", content)

    def test_titles_are_escaped(self):
        article = make_article(title="<b>Bold</b> title", slug="bold")
        make_section(article, title="<script>alert(1)</script>", slug="s")
        response = self.client.get(article.get_absolute_url())
        self.assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")
        self.assertNotContains(response, "<script>alert(1)")


class ChineseRunsTests(SimpleTestCase):
    def test_every_run_of_chinese_is_marked_as_chinese(self):
        with translation.override("en"):
            html = str(render_markdown("The rust belt (锈带 or 铁锈地带) and **东北** [吉林](park:jilin-etdz)."))
        self.assertIn('(<span lang="zh-Hans">锈带</span> or <span lang="zh-Hans">铁锈地带</span>)', html)
        self.assertIn('<strong><span lang="zh-Hans">东北</span></strong>', html)
        self.assertIn(
            '<a href="/en/parks/jilin-etdz/" rel="noopener noreferrer"><span lang="zh-Hans">吉林</span></a>', html
        )

    def test_english_alone_gets_no_span_and_other_attributes_stay_out(self):
        self.assertNotIn("<span", str(render_markdown("Plain English text.")))
        html = str(render_markdown('<span lang="zh-Hans" onclick="x()" class="y">中文</span>'))
        self.assertNotIn("onclick", html)
        self.assertNotIn("class=", html)


class MarkChineseTests(SimpleTestCase):
    def test_plain_text_is_escaped_and_its_chinese_marked(self):
        from publishing.markdown import mark_chinese

        self.assertEqual(
            mark_chinese("<b>Jilin</b> 吉林省 ETDZ"),
            '&lt;b&gt;Jilin&lt;/b&gt; <span lang="zh-Hans">吉林省</span> ETDZ',
        )
