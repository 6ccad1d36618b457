"""Every Chinese page of the deployed build, crawled: no English a Chinese reader meets unmarked.

English may stay only inside lang="en", and only as a quotation (of the article or a source), a title or
a name (tools/english_runs.py says how each is marked). Everything else a reader sees is Chinese.
"""

import re
import urllib.error
import urllib.request
from urllib.parse import parse_qs, quote, urljoin, urlsplit

from django.test import SimpleTestCase, tag

from tools.english_runs import article_text, english_runs
from tools.tests.browser import deployed_site

# The Chinese site's pages, and the two unprefixed ones a Chinese reader reaches from them in Chinese.
START = ["/zh-hans/", "/data/", "/api/v1/docs/"]
# Pages with a query string, one of each kind a reader reaches (the crawl follows no query string, so that
# it stays fast): the catalogue as a table, filtered, sorted, searched (a Chinese name, an English one,
# pinyin, a misspelling that gets a suggestion, nothing found) and paged; the site search likewise.
QUERY_PAGES = [
    "/zh-hans/parks/?view=table",
    "/zh-hans/parks/?view=table&page=2",
    "/zh-hans/parks/?view=table&ordering=-name-zh",
    "/zh-hans/parks/?page=2",
    "/zh-hans/parks/?province=jilin&path=co-city",
    "/zh-hans/parks/?zone_type=etdz&level=national",
    "/zh-hans/parks/?industry=petrochemicals",
    "/zh-hans/parks/?path=none",
    "/zh-hans/parks/?q=哈尔滨",
    "/zh-hans/parks/?q=Harbin",
    "/zh-hans/parks/?q=haerbin",
    "/zh-hans/parks/?q=harbn",
    "/zh-hans/parks/?q=Jilin&view=table",
    "/zh-hans/parks/provinces/liaoning/?page=2",
    "/zh-hans/search/?q=哈尔滨",
    "/zh-hans/search/?q=Harbin",
    "/zh-hans/search/?q=harbn",
    "/zh-hans/search/?q=rust+belt",
    "/zh-hans/search/?q=qwertyuiop",
]
LINK = re.compile(r'href="([^"#]+)')
# Downloads and citation files are data, not pages.
NOT_PAGES = re.compile(r"\.(csv|json|xlsx|png|svg|sqlite|bib|ris|txt|xml|pdf)$|/cite\.|/static/|/media/")


def fetch(url):
    request = urllib.request.Request(url, headers={"Accept-Language": "zh-Hans", "Cookie": "django_language=zh-hans"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            kind = response.headers.get("Content-Type", "")
            return response.status, kind, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, "", ""


@tag("deployed")
class ChineseCrawlTests(SimpleTestCase):
    @classmethod
    def setUpTestRun(cls):
        deployed_site()  # before the test processes of --parallel start, so that they share it

    def crawl(self):
        """(path, html) of every Chinese page reachable from the Chinese home page without a query string, then
        of the pages with one in QUERY_PAGES."""
        site = deployed_site()
        queue, seen = list(START), set()
        while queue:
            path = queue.pop(0)
            if path in seen:
                continue
            seen.add(path)
            status, kind, html = fetch(site.url + quote(path, safe="/?=&+"))
            if status != 200 or "text/html" not in kind:
                continue
            yield path, html
            if path in QUERY_PAGES:
                continue
            for href in LINK.findall(html):
                link = urlsplit(urljoin(path, href.replace("&amp;", "&")))
                if link.netloc or link.query or NOT_PAGES.search(link.path):
                    continue
                if link.path.startswith("/zh-hans/") and link.path not in seen:
                    queue.append(link.path)
            if not queue and not seen.issuperset(QUERY_PAGES):
                queue.extend(QUERY_PAGES)

    def test_the_pages_with_query_strings_are_there(self):
        site = deployed_site()
        for path in QUERY_PAGES:
            with self.subTest(path=path):
                status, kind, html = fetch(site.url + quote(path, safe="/?=&+"))
                self.assertEqual((status, "text/html" in kind), (200, True))

    def test_no_chinese_page_shows_english_outside_quotations_titles_and_names(self):
        quoted = article_text()
        found, pages = {}, set()
        for path, html in self.crawl():
            pages.add(path)
            # What the reader typed into a search box, the page may say back as typed.
            typed = parse_qs(urlsplit(path).query).get("q", [""])[0]
            for run in english_runs(html, quoted, typed):
                found.setdefault(run, path)
        self.assertGreater(len(pages), 100)  # the home page, the article, every park, province and path, and more
        self.assertLessEqual(set(QUERY_PAGES), pages)
        report = "\n".join(f"{path}: {run[:100]}" for run, path in sorted(found.items(), key=lambda item: item[1]))
        self.assertEqual(found, {}, f"\n{len(found)} English runs on Chinese pages:\n{report}")


class EnglishRunsTests(SimpleTestCase):
    """The check itself: what it counts as English a Chinese reader meets, and what it lets stand."""

    def test_finds_english_prose_and_attributes(self):
        html = '<html lang="zh-Hans"><p>城市 city centre approx.</p><img alt="A map"></html>'
        self.assertEqual(english_runs(html), ["city centre approx.", "A map"])

    def test_lang_en_alone_is_not_enough(self):
        self.assertEqual(english_runs('<p lang="en">Research notes in English.</p>'), ["Research notes in English."])

    def test_quotations_titles_names_and_the_articles_words_stand(self):
        html = (
            '<p><q lang="en">a new high</q> <cite lang="en">China Daily</cite> '
            '<span lang="en" translate="no">Jia Xiaobing</span> <span lang="en">the Rust Belt region</span> '
            "CSV JSON API</p>"
        )
        self.assertEqual(english_runs(html, "Today the Rust Belt region is poor."), [])

    def test_the_head_is_read_as_a_share_card_shows_it(self):
        html = (
            "<html><head><title>Parks in Jilin · 锈带园区</title>"
            '<meta name="description" content="吉林省的园区"><meta property="og:description" content="Catalogue entry">'
            '<meta name="citation_title" content="Harbin ETDZ"><meta property="og:url" content="https://example.org/">'
            '<script type="application/ld+json">{"@type": "Place", "name": "Harbin ETDZ", "alternateName": "哈尔滨",'
            ' "distribution": [{"@type": "DataDownload", "name": "export.csv"}],'
            ' "citation": {"@type": "ScholarlyArticle", "inLanguage": "en", "name": "An English title"}}</script>'
            "</head><body></body></html>"
        )
        self.assertEqual(english_runs(html), ["Parks in Jilin", "Catalogue entry", "Harbin ETDZ"])

    def test_head_text_stands_where_the_page_marks_the_same_words_as_a_name_or_title(self):
        html = (
            '<html><head><title>Harbin ETDZ · 锈带园区</title><meta property="og:title" content="Harbin ETDZ（哈经开区）">'
            '</head><body><h1>哈经开区 <span lang="en" translate="no">Harbin ETDZ</span></h1></body></html>'
        )
        self.assertEqual(english_runs(html), [])
        self.assertEqual(
            english_runs(html.replace(' translate="no"', "")), ["Harbin ETDZ", "Harbin ETDZ", "Harbin ETDZ"]
        )

    def test_the_words_a_reader_typed_may_be_said_back(self):
        html = "<title>搜索：Harbin</title><h2>“Harbin”的 1 个结果</h2><p>Harbin Zone</p>"
        self.assertEqual(english_runs(html, typed="Harbin"), ["Harbin Zone"])
        self.assertEqual(english_runs(html), ["Harbin", "Harbin Zone", "Harbin"])

    def test_code_and_scripts_are_not_text(self):
        self.assertEqual(english_runs("<pre><code>read.csv(url)</code></pre><script>let x = 1</script>"), [])
