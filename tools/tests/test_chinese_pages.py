"""Every Chinese page of the deployed build, crawled: no English a Chinese reader meets unmarked.

English may stay only inside lang="en", and only as a quotation (of the article or a source), a title or
a name (tools/english_runs.py says how each is marked). Everything else a reader sees is Chinese.
"""

import re
import urllib.error
import urllib.request
from urllib.parse import urljoin, urlsplit

from django.test import SimpleTestCase, tag

from tools.english_runs import article_text, english_runs
from tools.tests.browser import deployed_site

# The Chinese site's pages, and the two unprefixed ones a Chinese reader reaches from them in Chinese.
START = ["/zh-hans/", "/data/", "/api/v1/docs/"]
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
        """(path, html) of every Chinese page reachable from the Chinese home page, without query strings."""
        site = deployed_site()
        queue, seen = list(START), set()
        while queue:
            path = queue.pop(0)
            if path in seen:
                continue
            seen.add(path)
            status, kind, html = fetch(site.url + path)
            if status != 200 or "text/html" not in kind:
                continue
            yield path, html
            for href in LINK.findall(html):
                link = urlsplit(urljoin(path, href.replace("&amp;", "&")))
                if link.netloc or link.query or NOT_PAGES.search(link.path):
                    continue
                if link.path.startswith("/zh-hans/") and link.path not in seen:
                    queue.append(link.path)

    def test_no_chinese_page_shows_english_outside_quotations_titles_and_names(self):
        quoted = article_text()
        found, pages = {}, 0
        for path, html in self.crawl():
            pages += 1
            for run in english_runs(html, quoted):
                found.setdefault(run, path)
        self.assertGreater(pages, 100)  # the home page, the article, every park, province and path, and more
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

    def test_code_and_scripts_are_not_text(self):
        self.assertEqual(english_runs("<pre><code>read.csv(url)</code></pre><script>let x = 1</script>"), [])
