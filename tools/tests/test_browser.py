"""What a reader does, in a real headless Chromium: read, filter, use the map, use the keyboard."""

from django.urls import reverse
from django.utils import translation
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select

from tools.deployed import ARTICLE_SLUG, page_types, set_viewport
from tools.tests.browser import BrowserTestCase

PATHS_SECTION = "paths-for-updating-the-rust-belt"


class ReadingTests(BrowserTestCase):
    def test_read_the_article_and_follow_the_table_of_contents(self):
        self.open(reverse("home"))
        self.browser.find_element(By.LINK_TEXT, "Read the article").click()
        self.wait_until(EC.url_contains(ARTICLE_SLUG))
        self.assertIn("Rust Belts", self.browser.find_element(By.TAG_NAME, "h1").text)

        for anchor in [PATHS_SECTION, "co-city"]:
            with self.subTest(anchor=anchor):
                toc_link = self.browser.find_element(By.CSS_SELECTOR, f'nav.toc a[href="#{anchor}"]')
                toc_link.click()
                self.wait_until(EC.url_contains(f"#{anchor}"))
                heading = self.browser.find_element(By.ID, anchor)
                self.wait_until(
                    lambda browser, heading=heading: self.is_in_viewport(heading),
                    message=f"#{anchor} not scrolled into view",
                )
                self.assertEqual(heading.tag_name in {"h2", "h3"}, True)

    def test_site_search_from_the_header(self):
        self.open(reverse("home"))
        box = self.browser.find_element(By.ID, "site-search-q")
        box.send_keys("吉林", Keys.ENTER)
        self.wait_until(EC.url_contains("/search/"))
        # The gazetteer also finds the article's passages about Jilin; open the first park.
        results = self.browser.find_elements(By.CSS_SELECTOR, '.search-results a[href*="/parks/"]')
        self.assertGreater(len(results), 0)
        results[0].click()
        self.wait_until(EC.url_contains("/parks/"))
        self.assertIn("吉林", self.browser.find_element(By.TAG_NAME, "main").text)


class SearchBoxesTests(BrowserTestCase):
    """The header's box and the catalogue's box find the same parks for the same words."""

    QUERIES = ["吉林", "Harbin", "haerbin", "Ha'erbin", "ETDZ", "经开区", "哈高新"]

    def park_paths(self, selector):
        return {link.get_attribute("pathname") for link in self.browser.find_elements(By.CSS_SELECTOR, selector)}

    def header_search(self, words):
        self.open(reverse("home"))
        self.browser.find_element(By.ID, "site-search-q").send_keys(words, Keys.ENTER)
        self.wait_until(EC.url_contains("/search/"))
        return self.park_paths('.search-results h3 a[href*="/parks/"]')

    def catalogue_search(self, words):
        self.open(reverse("parks:list"))
        box = self.browser.find_element(By.CSS_SELECTOR, "form.park-filters input[name=q]")
        box.send_keys(words, Keys.ENTER)
        self.wait_until(EC.url_contains("q="))
        found = self.park_paths(".park-card h3 a")
        # Every match is on this one page: the count above the cards is the number of cards.
        self.assertIn(f"{len(found)} park", self.browser.find_element(By.CSS_SELECTOR, ".result-count").text)
        return found

    def test_the_same_words_find_the_same_parks_in_both_boxes(self):
        for words in self.QUERIES:
            with self.subTest(words=words):
                found = self.catalogue_search(words)
                self.assertTrue(found)
                self.assertEqual(self.header_search(words), found)

    def test_a_misspelling_gets_a_link_to_the_right_one_in_both_boxes(self):
        for search in [self.header_search, self.catalogue_search]:
            with self.subTest(box=search.__name__):
                self.assertEqual(search("Harbn"), set())
                self.browser.find_element(By.CSS_SELECTOR, ".did-you-mean a").click()
                self.wait_until(EC.url_contains("q=Harbin"))
                self.assertIn("/en/parks/harbin-htz/", self.park_paths('a[href*="/parks/harbin"]'))


class CatalogueTests(BrowserTestCase):
    def park_names(self):
        return [link.text for link in self.browser.find_elements(By.CSS_SELECTOR, ".park-card h3 a")]

    def test_filter_parks_by_province_and_path(self):
        self.open(reverse("parks:list"))
        all_parks = self.park_names()
        Select(self.browser.find_element(By.CSS_SELECTOR, "form.park-filters select[name=province]")).select_by_value(
            "jilin"
        )
        Select(self.browser.find_element(By.CSS_SELECTOR, "form.park-filters select[name=path]")).select_by_value(
            "urbanization"
        )
        self.browser.find_element(By.CSS_SELECTOR, "form.park-filters button[type=submit]").click()
        self.wait_until(EC.url_contains("province=jilin"))
        self.assertIn("path=urbanization", self.browser.current_url)
        filtered = self.park_names()
        self.assertGreater(len(filtered), 0)
        self.assertLess(len(filtered), len(all_parks))
        for card in self.browser.find_elements(By.CSS_SELECTOR, ".park-card"):
            self.assertIn("Jilin", card.text)
            self.assertIn("Urbanization", card.text)
        self.assertIn(f"{len(filtered)} park", self.browser.find_element(By.CSS_SELECTOR, ".result-count").text)

    def test_open_a_park_from_the_map_without_tiles(self):
        # The deployed build sets no tile server: the outlines carry the map, and markers and links work.
        self.open(reverse("parks:list") + "?province=jilin")
        self.wait_until(EC.element_to_be_clickable((By.CSS_SELECTOR, ".park-marker")))
        self.topmost(".park-marker").click()
        link = self.wait_until(EC.element_to_be_clickable((By.CSS_SELECTOR, ".leaflet-popup-content a")))
        name, href = link.text, link.get_attribute("href")
        link.click()
        self.wait_until(EC.url_to_be(href))
        self.assertIn("/parks/", href)
        self.assertIn(name, self.browser.find_element(By.TAG_NAME, "h1").text)

    def topmost(self, selector):
        """An element matching `selector` on the map that nothing else covers."""
        return self.browser.execute_script(
            "document.getElementById('park-map').scrollIntoView({block: 'center'});"
            "return [...document.querySelectorAll(arguments[0])].find(element => {"
            "  const box = element.getBoundingClientRect();"
            "  return element.contains(document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2));"
            "});",
            selector,
        )

    def map_counts(self):
        """Parks drawn (single markers plus the numbers on cluster badges) and province outlines."""
        return self.browser.execute_script(
            "const clusters = [...document.querySelectorAll('#park-map .park-cluster')];"
            "return {parks: document.querySelectorAll('#park-map .park-marker').length"
            "  + clusters.reduce((sum, badge) => sum + parseInt(badge.textContent, 10), 0),"
            " outlines: document.querySelectorAll('#park-map path.province-outline').length,"
            " brokenImages: [...document.querySelectorAll('#park-map img:not(.leaflet-tile)')]"
            "  .filter(image => !image.complete || image.naturalWidth === 0).map(image => image.src)};"
        )

    def test_every_park_and_the_province_outlines_are_drawn_with_no_network(self):
        self.open(reverse("parks:list"))
        listed = int(self.browser.find_element(By.CSS_SELECTOR, ".result-count strong").text)
        self.wait_until(lambda browser: self.map_counts()["outlines"] == 4, message="province outlines not drawn")
        counts = self.map_counts()
        self.assertEqual(counts["parks"], listed)
        self.assertEqual(counts["brokenImages"], [])
        status = self.browser.find_element(By.ID, "park-map-status").text
        self.assertIn(f"{listed} parks on the map", status)
        self.assertNotIn("markers still work", status)

    def test_parks_sharing_one_point_can_each_be_opened(self):
        # Five Harbin zones share the city centre's coordinates.
        self.open(reverse("parks:list") + "?province=heilongjiang&q=harbin")
        badge = self.wait_until(EC.element_to_be_clickable((By.CSS_SELECTOR, ".park-cluster")))
        shared = int(badge.text.split()[0])
        self.assertGreaterEqual(shared, 2)
        self.topmost(".park-cluster").click()
        self.wait_until(
            lambda browser: len(browser.find_elements(By.CSS_SELECTOR, ".park-marker")) >= shared,
            message="the group did not spread into its markers",
        )
        # Once spread (an animation), every marker is uncovered, so each can be clicked.
        uncovered_titles = (
            "return [...document.querySelectorAll('.park-marker')].filter(marker => {"
            "  const box = marker.getBoundingClientRect();"
            "  return marker.contains(document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2));"
            "}).map(marker => marker.title);"
        )
        self.wait_until(
            lambda browser: len(set(browser.execute_script(uncovered_titles))) == shared,
            message="some markers of the group stay covered",
        )

    def test_approximate_positions_are_hollow_and_said_in_the_popup(self):
        self.open(reverse("parks:detail", args=["jilin-etdz"]))
        marker = self.wait_until(EC.element_to_be_clickable((By.CSS_SELECTOR, ".park-marker")))
        self.assertIn("park-marker-approx", marker.get_attribute("class"))
        fill = self.browser.execute_script("return getComputedStyle(arguments[0]).backgroundColor", marker)
        self.assertIn(fill, {"rgba(255, 255, 255, 0.85)", "rgba(0, 0, 0, 0)"})
        marker.click()
        popup = self.wait_until(EC.visibility_of_element_located((By.CSS_SELECTOR, ".leaflet-popup-content")))
        self.assertIn("Approximate position (city centre approx.)", popup.text)

    def test_map_fallback_list_links_to_parks(self):
        self.open(reverse("parks:list"))
        # Once the map script has drawn and said so: a click while the page still moves can miss the summary.
        self.wait_until(lambda browser: "on the map" in browser.find_element(By.ID, "park-map-status").text)
        self.browser.find_element(By.CSS_SELECTOR, ".park-map-list summary").click()
        link = self.wait_until(EC.element_to_be_clickable((By.CSS_SELECTOR, ".park-map-list a")))
        href = link.get_attribute("href")
        link.click()
        self.wait_until(EC.url_to_be(href))
        self.assertEqual(self.browser.find_elements(By.CSS_SELECTOR, "h1") != [], True)


class ChartTests(BrowserTestCase):
    # Rendered size of each chart label: its font size in drawing units times the drawing's scale.
    CHART_TEXT_SIZES = (
        "return [...document.querySelectorAll('svg.chart-svg')].flatMap(svg => {"
        "  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;"
        "  return [...svg.querySelectorAll('text')].map(text => parseFloat(getComputedStyle(text).fontSize) * scale);"
        "});"
    )

    def chart_text_sizes(self, page):
        self.open(page)
        sizes = self.browser.execute_script(self.CHART_TEXT_SIZES)
        self.assertGreater(len(sizes), 20)
        return sizes

    def test_chart_text_is_readable_on_a_phone(self):
        self.at_width(360)
        for page in [reverse("articles:figures", args=[ARTICLE_SLUG]), reverse("articles:detail", args=[ARTICLE_SLUG])]:
            with self.subTest(page=page):
                self.assertGreaterEqual(min(self.chart_text_sizes(page)), 11)

    def test_chart_text_is_never_larger_than_the_body_text_on_a_desktop(self):
        for page in [reverse("articles:figures", args=[ARTICLE_SLUG]), reverse("articles:detail", args=[ARTICLE_SLUG])]:
            with self.subTest(page=page):
                sizes = self.chart_text_sizes(page)
                body = self.browser.execute_script("return parseFloat(getComputedStyle(document.body).fontSize);")
                self.assertLessEqual(max(sizes), body)

    def test_each_chart_follows_the_paragraph_that_states_its_numbers(self):
        self.open(reverse("articles:detail", args=[ARTICLE_SLUG]))
        previous = self.browser.execute_script(
            "return [...document.querySelectorAll('.article-body figure.chart')]"
            ".map(figure => figure.previousElementSibling.tagName + ' ' + figure.previousElementSibling.textContent.slice(-40));"
        )
        self.assertEqual(len(previous), 9)
        for text in previous:
            self.assertTrue(text.startswith(("P ", "FIGURE ")), text)


class DeployedBuildTests(BrowserTestCase):
    def test_every_same_site_resource_loads_on_every_page_type(self):
        # Hashed static names (collectstatic's manifest) break any URL a script derives by itself.
        for kind, page in page_types().items():
            with self.subTest(page=kind):
                self.open(page)
                self.browser.execute_script("return new Promise(resolve => setTimeout(resolve, 300));")
                failed = self.browser.execute_script(
                    "return performance.getEntriesByType('resource')"
                    ".filter(entry => entry.name.startsWith(location.origin) && entry.responseStatus >= 400)"
                    ".map(entry => entry.responseStatus + ' ' + entry.name);"
                )
                self.assertEqual(failed, [])


class KeyboardTests(BrowserTestCase):
    def press(self, *keys):
        self.active_element().send_keys(*keys)

    def tab_until(self, matches, limit=80):
        for _ in range(limit):
            self.press(Keys.TAB)
            if self.browser.execute_script("return arguments[0].matches(arguments[1])", self.active_element(), matches):
                return self.active_element()
        self.fail(f"Tab never reached {matches}")

    def test_skip_link_moves_focus_to_main(self):
        self.open(reverse("home"))
        self.browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
        skip = self.active_element()
        self.assertEqual(skip.get_attribute("class"), "skip-link")
        self.assertTrue(skip.is_displayed())
        skip.send_keys(Keys.ENTER)
        self.wait_until(
            lambda browser: self.active_element().get_attribute("id") == "main", message="focus not on main"
        )

    def test_open_a_park_from_the_map_with_the_keyboard(self):
        self.open(reverse("parks:detail", args=["jilin-etdz"]))
        self.wait_until(EC.presence_of_element_located((By.CSS_SELECTOR, ".park-marker")))
        self.browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
        marker = self.tab_until(".park-marker")
        self.assertIn("Jilin Economic and Technological Development Zone", marker.get_attribute("title"))
        self.press(Keys.ENTER)
        link = self.wait_until(EC.visibility_of_element_located((By.CSS_SELECTOR, ".leaflet-popup-content a")))
        self.assertEqual(
            link.get_attribute("href"), self.live_server_url + reverse("parks:detail", args=["jilin-etdz"])
        )

    def test_filter_form_with_the_keyboard_only(self):
        self.open(reverse("parks:list"))
        self.browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
        self.tab_until("form.park-filters select[name=province]")
        self.press("Jilin")
        self.tab_until("form.park-filters button[type=submit]")
        self.press(Keys.ENTER)
        self.wait_until(EC.url_contains("province=jilin"))
        for card in self.browser.find_elements(By.CSS_SELECTOR, ".park-card"):
            self.assertIn("Jilin", card.text)


class AccessibilityTests(BrowserTestCase):
    def test_axe_finds_no_violations_on_any_page_type(self):
        for kind, page in page_types().items():
            with self.subTest(page=kind):
                self.open(page)
                self.assertEqual(self.axe_violations(), [])


class LandmarkAndLanguageTests(BrowserTestCase):
    def test_search_landmarks_have_distinct_names(self):
        for kind in ["search", "catalogue"]:
            with self.subTest(page=kind):
                self.open(page_types()[kind])
                names = self.browser.execute_script(
                    "return [...document.querySelectorAll('[role=search], search')]"
                    ".map(landmark => landmark.getAttribute('aria-label'));"
                )
                self.assertEqual(len(names), 2)
                self.assertNotIn(None, names)
                self.assertEqual(len(set(names)), 2)

    def test_every_run_of_chinese_is_marked_as_chinese(self):
        # Screen readers switch voice and browsers pick Chinese fonts only inside lang="zh…".
        # getAttribute, not .lang: SVG elements (a chart's <desc>) have no lang property.
        for kind, page in page_types().items():
            with self.subTest(page=kind):
                self.open(page)
                unmarked = self.browser.execute_script(
                    "const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);"
                    "const found = [];"
                    "while (walker.nextNode()) {"
                    "  const node = walker.currentNode;"
                    "  if (!/[\\u3400-\\u9fff]/.test(node.textContent)) continue;"
                    "  const marked = node.parentElement.closest('[lang]');"
                    "  if (!marked || !marked.getAttribute('lang').startsWith('zh')) found.push(node.textContent.trim().slice(0, 40));"
                    "}"
                    "return found;"
                )
                self.assertEqual(unmarked, [])


class PhoneTests(BrowserTestCase):
    def test_the_catalogue_shows_parks_first_on_a_phone(self):
        # The filters fold away and the matrix moved below, so the first park is on the first screen.
        self.at_width(390)
        self.open(reverse("parks:list"))
        first_card = self.browser.execute_script(
            "return document.querySelector('.park-card').getBoundingClientRect().top + window.scrollY;"
        )
        self.assertLess(first_card, 900)
        self.assertIs(self.browser.execute_script("return document.getElementById('park-filters').open;"), False)

    def test_tables_of_prose_stand_row_by_row_on_a_phone(self):
        # Five columns in 390 px were a scroller with one word a line; each row is now a block of
        # labelled values, every one of them on the screen.
        self.at_width(390)
        pages = (
            # page, its table, cells a row, and a labelled cell of the first row
            (reverse("parks:coverage"), "table.coverage", 5, (3, "In the catalogue")),
            (reverse("data:index"), "section[aria-labelledby=tables] table", 3, (2, "Licence")),
        )
        for page, table, cells, (labelled, label) in pages:
            with self.subTest(page=page):
                self.open(page)
                scroller = self.browser.find_element(By.CSS_SELECTOR, f"{table} caption").find_element(
                    By.XPATH, "../.."
                )
                overflow = self.browser.execute_script(
                    "return arguments[0].scrollWidth - arguments[0].clientWidth;", scroller
                )
                self.assertLessEqual(overflow, 0)
                boxes = self.browser.execute_script(
                    "return [...document.querySelector(arguments[0] + ' tbody tr').children].map(cell => {"
                    "  const box = cell.getBoundingClientRect();"
                    "  return {top: box.top, bottom: box.bottom, right: box.right, label: getComputedStyle(cell, '::before').content};"
                    "});",
                    table,
                )
                self.assertEqual(len(boxes), cells)
                for above, below in zip(boxes, boxes[1:]):
                    self.assertLessEqual(above["bottom"], below["top"] + 1)  # one under the other
                self.assertTrue(all(box["right"] <= 390 for box in boxes))
                self.assertIn(label, boxes[labelled]["label"])

    def test_no_page_scrolls_sideways_on_a_phone(self):
        for width in [360, 390]:
            self.at_width(width)
            for kind, page in page_types().items():
                with self.subTest(page=kind, width=width):
                    self.open(page)
                    self.assertEqual(self.viewport_width(), width)
                    self.assertLessEqual(self.document_width(), width)


class ChinesePagesInTheBrowserTests(BrowserTestCase):
    """The Chinese pages with Noto CJK installed: no sideways scroll at 360 px, no axe violations."""

    def chinese(self, name, *args, query=""):
        with translation.override("zh-hans"):
            return reverse(name, args=args) + query

    def test_chinese_pages_fit_a_phone_and_pass_axe(self):
        pages = [
            self.chinese("home"),
            self.chinese("articles:detail", ARTICLE_SLUG),
            self.chinese("parks:list", query="?province=jilin&path=urbanization"),
            self.chinese("parks:detail", "harbin-htz"),
            self.chinese("parks:coverage"),
            self.chinese("search", query="?q=哈尔滨高新区"),
        ]
        self.browser.set_window_size(360, 800)
        try:
            for page in pages:
                with self.subTest(page=page):
                    self.open(page)
                    self.assertEqual(self.browser.find_element(By.TAG_NAME, "html").get_attribute("lang"), "zh-Hans")
                    overflow = self.browser.execute_script(
                        "return document.documentElement.scrollWidth - document.documentElement.clientWidth;"
                    )
                    self.assertLessEqual(overflow, 0)
                    self.assertEqual(self.axe_violations(), [])
        finally:
            self.browser.set_window_size(1280, 900)

    def test_the_catalogue_table_keeps_words_and_names_whole_on_a_phone(self):
        # Squeezed into 390 px, its columns broke 吉林省 and 长春 a character a line and 1995 into 19/95; the
        # table scrolls sideways in its box instead, and the page itself does not.
        self.browser.set_window_size(390, 800)
        try:
            self.open(self.chinese("parks:list", query="?view=table&province=jilin"))
            lines = self.browser.execute_script(
                "return [...document.querySelectorAll('.park-table tbody td')].map(cell => {"
                "  const range = document.createRange(); range.selectNodeContents(cell);"
                "  const tops = new Set([...range.getClientRects()].map(box => Math.round(box.top)));"
                "  return [cell.textContent.trim(), tops.size];"
                "});"
            )
            self.assertGreater(len(lines), 50)
            self.assertIn(["吉林省", 1], lines)
            self.assertEqual([text for text, count in lines if count > 1], [])
            overflow = self.browser.execute_script(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth;"
            )
            self.assertLessEqual(overflow, 0)
        finally:
            self.browser.set_window_size(1280, 900)

    def test_switching_language_keeps_the_section_anchor(self):
        self.open(reverse("articles:detail", args=[ARTICLE_SLUG]) + "#detroit")
        self.browser.find_element(By.CSS_SELECTOR, '.language-switcher button[value="zh-hans"]').click()
        self.wait_until(EC.url_contains("/zh-hans/"))
        self.assertTrue(self.browser.current_url.endswith(f"/zh-hans/articles/{ARTICLE_SLUG}/#detroit"))
        self.assertIn("本文为中文原文的英译本", self.browser.find_element(By.TAG_NAME, "main").text)

    def test_a_reader_without_a_cookie_on_a_shared_chinese_link_switches_to_english_and_back(self):
        # The browser asks for English (Accept-Language); the link it was given is the Chinese page.
        self.open("/robots.txt")
        self.browser.delete_all_cookies()
        park = self.chinese("parks:detail", "harbin-htz")
        self.open(park)
        self.assertEqual(self.browser.find_element(By.TAG_NAME, "html").get_attribute("lang"), "zh-Hans")
        self.browser.find_element(By.CSS_SELECTOR, '.language-switcher button[value="en"]').click()
        self.wait_until(EC.url_contains("/en/"), message=self.browser.current_url)
        self.assertTrue(self.browser.current_url.endswith(reverse("parks:detail", args=["harbin-htz"])))
        self.assertEqual(self.browser.find_element(By.TAG_NAME, "html").get_attribute("lang"), "en")
        self.browser.find_element(By.CSS_SELECTOR, '.language-switcher button[value="zh-hans"]').click()
        self.wait_until(EC.url_contains("/zh-hans/"), message=self.browser.current_url)
        self.assertTrue(self.browser.current_url.endswith(park))


ARTICLE = f"/en/articles/{ARTICLE_SLUG}/"
FIGURES = f"/en/articles/{ARTICLE_SLUG}/figures/"

# Every pair of chart labels whose drawn boxes overlap (getBBox in the drawing's units), per drawing.
OVERLAPPING_CHART_TEXT = (
    "const found = [];"
    "for (const svg of document.querySelectorAll('svg.chart-svg')) {"
    "  const boxes = [...svg.querySelectorAll('text')].filter(t => t.textContent.trim())"
    "    .map(t => { const b = t.getBBox(); return {text: t.textContent, x: b.x, y: b.y, r: b.x + b.width, b: b.y + b.height}; });"
    "  boxes.forEach((one, i) => boxes.slice(i + 1).forEach(other => {"
    "    if (one.x < other.r && other.x < one.r && one.y < other.b && other.y < one.b)"
    "      found.push(svg.getAttribute('aria-labelledby') + ': ' + one.text + ' / ' + other.text);"
    "  }));"
    "}"
    "return found;"
)


class ArticleReadingTests(BrowserTestCase):
    def phone(self, height=844):
        set_viewport(self.browser, 390, height)
        self.addCleanup(self.browser.execute_cdp_cmd, "Emulation.clearDeviceMetricsOverride", {})

    def desktop(self, height=700):
        set_viewport(self.browser, 1280, height)
        self.addCleanup(self.browser.execute_cdp_cmd, "Emulation.clearDeviceMetricsOverride", {})

    def test_the_first_sentence_is_on_the_first_screen_of_a_phone(self):
        self.phone()
        self.open(ARTICLE)
        # The article's own first sentence, not a control above it: its bottom line on the first screen.
        bottom = self.browser.execute_script(
            "const first = [...document.querySelectorAll('.article-body p')]"
            "  .find(p => p.textContent.startsWith('The Rust Belt originally referred'));"
            "return first.getBoundingClientRect().top + window.scrollY + parseFloat(getComputedStyle(first).lineHeight);"
        )
        self.assertLess(bottom, 844)
        self.assertIs(self.browser.execute_script("return document.querySelector('.article-about').open;"), False)

    def test_the_contents_stay_reachable_and_mark_the_section_being_read(self):
        for size, name in [((390, 844), "phone"), ((1280, 700), "desktop")]:
            with self.subTest(size=name):
                set_viewport(self.browser, *size)
                self.open(ARTICLE + "#co-city")
                summary = self.browser.find_element(By.CSS_SELECTOR, ".toc-panel > summary")
                self.wait_until(
                    lambda browser: (
                        browser.execute_script(
                            "const link = document.querySelector('.toc a[aria-current]'); return link && link.getAttribute('href');"
                        )
                        == "#co-city"
                    ),
                    message="the section being read is not marked",
                )
                box = self.browser.execute_script(
                    "const b = arguments[0].getBoundingClientRect(); return [b.top, b.bottom, window.innerHeight];",
                    summary,
                )
                self.assertGreaterEqual(box[0], 0)
                self.assertLessEqual(box[1], box[2])
                if name == "phone":
                    summary.click()
                    link = self.wait_until(EC.element_to_be_clickable((By.CSS_SELECTOR, '.toc a[href="#detroit"]')))
                    link.click()
                    self.wait_until(lambda browser: self.is_in_viewport(browser.find_element(By.ID, "detroit")))
                    self.assertIs(
                        self.browser.execute_script("return document.getElementById('toc-panel').open;"), False
                    )
                else:
                    # The whole contents panel fits a 700 px window; its list scrolls inside it.
                    bottom = self.browser.execute_script(
                        "return document.getElementById('toc-panel').getBoundingClientRect().bottom;"
                    )
                    self.assertLessEqual(bottom, 700)
                    notes = self.browser.find_element(By.CSS_SELECTOR, '.toc a[href="#editors-notes"]')
                    self.browser.execute_script("arguments[0].scrollIntoView({block: 'nearest'});", notes)
                    self.assertTrue(notes.is_displayed())
        self.browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

    def test_notes_are_numbered_in_order_and_open_in_place_by_keyboard(self):
        self.phone()
        self.open(ARTICLE)
        numbers = self.browser.execute_script(
            "return [...document.querySelectorAll('.note-ref a')].map(a => a.firstChild.textContent);"
        )
        self.assertEqual(numbers, [f"[{n}" for n in range(1, len(numbers) + 1)])
        self.assertGreaterEqual(len(numbers), 5)
        listed = self.browser.execute_script(
            "return [...document.querySelectorAll('#editors-notes ~ ol > li')].map(li => li.value);"
        )
        self.assertEqual(listed, list(range(1, len(numbers) + 1)))

        marker = self.browser.find_element(By.CSS_SELECTOR, ".note-ref a")
        note = self.browser.find_element(By.ID, marker.get_attribute("aria-controls"))
        self.assertFalse(note.is_displayed())
        self.browser.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].focus();", marker)
        self.active_element().send_keys(Keys.ENTER)
        self.wait_until(lambda browser: note.is_displayed(), message="the note did not open")
        self.assertEqual(marker.get_attribute("aria-expanded"), "true")
        self.assertIn("American Motors", note.text)
        self.assertEqual(self.active_element(), marker)  # the page did not jump to the list
        self.active_element().send_keys(Keys.ESCAPE)
        self.wait_until(lambda browser: not note.is_displayed(), message="Escape did not close the note")
        self.assertEqual(marker.get_attribute("aria-expanded"), "false")

    def test_notes_stand_in_the_margin_beside_their_line_on_a_wide_screen(self):
        set_viewport(self.browser, 1440, 900)
        self.addCleanup(self.browser.execute_cdp_cmd, "Emulation.clearDeviceMetricsOverride", {})
        self.open(ARTICLE)
        boxes = self.browser.execute_script(
            "const marker = document.querySelector('.note-ref a'), note = document.getElementById(marker.dataset.sidenote);"
            "const text = document.querySelector('.article-body').getBoundingClientRect();"
            "const m = marker.getBoundingClientRect(), n = note.getBoundingClientRect();"
            "return {markerTop: m.top, noteTop: n.top, noteLeft: n.left, textRight: text.right, noteRight: n.right,"
            " width: document.documentElement.clientWidth};"
        )
        self.assertGreaterEqual(boxes["noteLeft"], boxes["textRight"])
        self.assertLessEqual(boxes["noteRight"], boxes["width"])
        self.assertLess(abs(boxes["noteTop"] - boxes["markerTop"]), 40)

    def test_no_chart_text_overlaps_another(self):
        for width in [360, 390, 1280]:
            for page in [FIGURES, ARTICLE, "/zh-hans" + FIGURES.removeprefix("/en")]:
                with self.subTest(width=width, page=page):
                    self.at_width(width)
                    self.open(page)
                    self.assertGreater(
                        self.browser.execute_script("return document.querySelectorAll('svg.chart-svg text').length;"),
                        50,
                    )
                    self.assertEqual(self.browser.execute_script(OVERLAPPING_CHART_TEXT), [])

    def test_a_chart_downloads_as_png(self):
        self.open(FIGURES)
        # The download is a link the script clicks: catch it and read the file it offers.
        self.browser.execute_script(
            "window.downloaded = null;"
            "const objectUrl = URL.createObjectURL;"
            "URL.createObjectURL = blob => { window.offered = blob; return objectUrl(blob); };"
            "HTMLAnchorElement.prototype.click = function () { window.downloaded = {name: this.download, href: this.href}; };"
        )
        self.browser.find_element(By.CSS_SELECTOR, "figure.chart details summary").click()
        self.browser.find_element(By.CSS_SELECTOR, "button[data-chart-png]").click()
        self.wait_until(lambda browser: browser.execute_script("return window.downloaded;"), message="no PNG offered")
        download = self.browser.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "const blob = window.offered;"
            "createImageBitmap(blob).then(image =>"
            "  done({name: window.downloaded.name, type: blob.type, width: image.width, height: image.height}));"
        )
        self.assertTrue(download["name"].endswith(".png"))
        self.assertEqual(download["type"], "image/png")
        self.assertGreater(download["width"], 1000)  # three times the drawing's size


class OtherHostsBlockedTests(BrowserTestCase):
    """As in mainland China, where foreign hosts are often blocked: every host but the site's own is routed
    to an address that never answers, so a page asking one would wait (and time out) rather than fail fast."""

    browser_arguments = ["--host-resolver-rules=MAP * 192.0.2.1, EXCLUDE 127.0.0.1, EXCLUDE localhost"]

    # Every address the page loads from (scripts, styles, images, frames, icons), wherever it failed or not.
    LOADED_ADDRESSES = (
        "return [...document.querySelectorAll('[src], link[href]:not([rel~=alternate]):not([rel=canonical])')]"
        ".map(element => element.src || element.href);"
    )

    def test_every_page_loads_in_full_from_the_site_alone(self):
        self.browser.set_page_load_timeout(10)
        self.addCleanup(self.browser.set_page_load_timeout, 30)
        for kind, page in page_types().items():
            with self.subTest(page=kind):
                self.open(page)  # within 10 s: nothing waits for a host that never answers
                self.assertEqual(self.browser.execute_script("return document.readyState;"), "complete")
                origin = self.browser.execute_script("return location.origin;")
                foreign = [
                    address
                    for address in self.browser.execute_script(self.LOADED_ADDRESSES)
                    if not address.startswith((origin + "/", "data:", "blob:"))
                ]
                self.assertEqual(foreign, [])

    def test_the_map_is_whole_without_tiles(self):
        self.open(reverse("parks:list") + "?province=jilin")
        self.wait_until(lambda browser: "on the map" in browser.find_element(By.ID, "park-map-status").text)
        self.wait_until(
            lambda browser: browser.find_elements(By.CSS_SELECTOR, "#park-map path.province-outline"),
            message="no province outlines",
        )
        self.assertEqual(self.browser.find_elements(By.CSS_SELECTOR, "#park-map img.leaflet-tile"), [])
        self.assertNotIn("could not", self.browser.find_element(By.ID, "park-map-status").text)
        # Without tiles the outlines are the land: filled, not a faint wash over a missing picture.
        fill = self.browser.execute_script(
            "return document.querySelector('#park-map path.province-outline').getAttribute('fill-opacity');"
        )
        self.assertEqual(fill, "1")
        # With no tiles, the provinces' names are the map's place names.
        names = self.browser.execute_script(
            "return [...document.querySelectorAll('#park-map .province-name')].map(name => name.textContent);"
        )
        self.assertEqual(sorted(names), ["Heilongjiang", "Inner Mongolia", "Jilin", "Liaoning"])


class CatalogueByKeyboardAndPhoneTests(BrowserTestCase):
    def test_the_table_view_for_a_visitor_without_a_session(self):
        self.browser.delete_all_cookies()
        self.open(reverse("parks:list") + "?view=table")
        names = lambda: [cell.text for cell in self.browser.find_elements(By.CSS_SELECTOR, ".park-table tbody th")]  # noqa: E731
        first = names()
        self.assertGreater(len(first), 10)
        self.browser.find_element(By.CSS_SELECTOR, ".park-table thead th:first-child a").click()
        self.wait_until(EC.url_contains("ordering=-name"))
        self.assertIn("view=table", self.browser.current_url)
        self.assertEqual(names(), sorted(names(), key=str.casefold, reverse=True))
        self.assertEqual(
            self.browser.find_element(By.CSS_SELECTOR, ".park-table thead th:first-child").get_attribute("aria-sort"),
            "descending",
        )

    def test_a_phone_chooses_between_the_list_and_the_map(self):
        self.at_width(390)
        self.open(reverse("parks:list") + "?province=jilin")
        switch = self.browser.find_element(By.CSS_SELECTOR, ".map-list-switch")
        top = self.browser.execute_script("return arguments[0].getBoundingClientRect().top + window.scrollY;", switch)
        card = self.browser.execute_script(
            "return document.querySelector('.park-card').getBoundingClientRect().top + window.scrollY;"
        )
        self.assertLess(top, card)
        self.assertFalse(self.browser.find_element(By.ID, "park-map").is_displayed())
        switch.find_element(By.CSS_SELECTOR, "[data-show=map]").click()
        self.wait_until(lambda browser: browser.find_element(By.ID, "park-map").is_displayed())
        self.assertFalse(self.browser.find_element(By.CSS_SELECTOR, ".park-card").is_displayed())
        self.wait_until(lambda browser: browser.find_elements(By.CSS_SELECTOR, ".park-marker, .park-cluster"))
        width = self.browser.execute_script("return document.getElementById('park-map').getBoundingClientRect().width;")
        self.assertGreater(width, 300)

    def test_a_narrow_filter_names_its_parks_on_the_map(self):
        self.open(reverse("parks:list") + "?province=heilongjiang&path=co-city")
        listed = int(self.browser.find_element(By.CSS_SELECTOR, ".result-count strong").text)
        self.assertLessEqual(listed, 8)
        self.wait_until(
            lambda browser: browser.find_elements(By.CSS_SELECTOR, ".park-label"), message="no names on the map"
        )
        labels = self.browser.execute_script(
            "return [...document.querySelectorAll('.park-label')].map(label => label.textContent);"
        )
        clusters = self.browser.execute_script(
            "return [...document.querySelectorAll('.park-cluster')].reduce((sum, badge) => sum + parseInt(badge.textContent, 10), 0);"
        )
        # Every park is named, except those sharing one point with another (a numbered group).
        self.assertEqual(len(labels) + clusters, listed)
        self.assertGreater(len(labels), 0)

    def test_the_map_by_keyboard(self):
        self.open(reverse("parks:list") + "?province=jilin")
        self.wait_until(lambda browser: "on the map" in browser.find_element(By.ID, "park-map-status").text)
        # The markers take Tab in the list's order.
        order = self.browser.execute_script(
            "const listed = [...document.querySelectorAll('.park-map-list li a')].map(a => a.textContent.trim());"
            "return [...document.querySelectorAll('#park-map .park-marker')].map(m => listed.findIndex(name => m.title.startsWith(name)));"
        )
        self.assertEqual(order, sorted(order))
        # A skip link takes the keyboard past the list to the map.
        self.browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
        presses = 1
        while not self.browser.execute_script("return arguments[0].matches('.skip-to-map')", self.active_element()):
            self.active_element().send_keys(Keys.TAB)
            presses += 1
            self.assertLess(presses, 40, "the skip link to the map is not near the top")
        self.active_element().send_keys(Keys.ENTER)
        for _ in range(10):
            self.active_element().send_keys(Keys.TAB)
            if self.browser.execute_script("return arguments[0].matches('.park-marker')", self.active_element()):
                break
        marker = self.active_element()
        self.assertIn("park-marker", marker.get_attribute("class"))
        marker.send_keys(Keys.ENTER)
        link = self.wait_until(EC.visibility_of_element_located((By.CSS_SELECTOR, ".leaflet-popup-content a")))
        self.wait_until(
            lambda browser: self.active_element() == link, message="Enter did not move focus into the popup"
        )
        self.wait_until(
            lambda browser: self.browser.execute_script(
                "const map = document.getElementById('park-map').getBoundingClientRect();"
                "const popup = document.querySelector('.leaflet-popup').getBoundingClientRect();"
                "return popup.left >= map.left && popup.right <= map.right && popup.top >= map.top && popup.bottom <= map.bottom;"
            ),
            message="the popup is clipped at the map's edge",
        )
        self.active_element().send_keys(Keys.ESCAPE)
        self.wait_until(
            lambda browser: not browser.find_elements(By.CSS_SELECTOR, ".leaflet-popup"),
            message="Escape left the popup open",
        )
        self.assertEqual(self.active_element(), marker)
