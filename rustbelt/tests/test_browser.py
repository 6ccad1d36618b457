"""What a reader does, in a real headless Chromium: read, filter, use the map, use the keyboard."""

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select

from django.urls import reverse
from django.utils import translation

from rustbelt.tests.browser import BrowserTestCase

ARTICLE_SLUG = "industrial-real-estate-park-revitalization-in-major-rust-belts"
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
                self.wait_until(lambda browser: self.is_in_viewport(heading), message=f"#{anchor} not scrolled into view")
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


class CatalogueTests(BrowserTestCase):
    def park_names(self):
        return [link.text for link in self.browser.find_elements(By.CSS_SELECTOR, ".park-card h3 a")]

    def test_filter_parks_by_province_and_path(self):
        self.open(reverse("parks:list"))
        all_parks = self.park_names()
        Select(self.browser.find_element(By.CSS_SELECTOR, "form.park-filters select[name=province]")).select_by_value("jilin")
        Select(self.browser.find_element(By.CSS_SELECTOR, "form.park-filters select[name=path]")).select_by_value("urbanization")
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
        # The test machine has no network, so tiles fail; markers and links must still work.
        self.open(reverse("parks:list") + "?province=jilin")
        self.wait_until(EC.element_to_be_clickable((By.CSS_SELECTOR, ".leaflet-marker-icon")))
        self.topmost_marker().click()
        link = self.wait_until(EC.element_to_be_clickable((By.CSS_SELECTOR, ".leaflet-popup-content a")))
        name, href = link.text, link.get_attribute("href")
        link.click()
        self.wait_until(EC.url_to_be(href))
        self.assertIn("/parks/", href)
        self.assertIn(name, self.browser.find_element(By.TAG_NAME, "h1").text)

    def topmost_marker(self):
        # Parks in one city share a point; click a marker that no other marker covers.
        return self.browser.execute_script(
            "document.getElementById('park-map').scrollIntoView({block: 'center'});"
            "return [...document.querySelectorAll('.leaflet-marker-icon')].find(marker => {"
            "  const box = marker.getBoundingClientRect();"
            "  return document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2) === marker;"
            "});"
        )

    def test_map_fallback_list_links_to_parks(self):
        self.open(reverse("parks:list"))
        self.browser.find_element(By.CSS_SELECTOR, ".park-map-list summary").click()
        link = self.browser.find_element(By.CSS_SELECTOR, ".park-map-list a")
        href = link.get_attribute("href")
        link.click()
        self.wait_until(EC.url_to_be(href))
        self.assertEqual(self.browser.find_elements(By.CSS_SELECTOR, "h1") != [], True)


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
        self.wait_until(lambda browser: self.active_element().get_attribute("id") == "main", message="focus not on main")

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
    def test_axe_finds_no_serious_or_critical_violations(self):
        pages = [
            reverse("home"),
            reverse("articles:detail", args=[ARTICLE_SLUG]),
            reverse("parks:list"),
            reverse("parks:list") + "?province=jilin&path=urbanization",
            reverse("parks:detail", args=[self.first_park_slug()]),
            reverse("search") + "?q=jilin",
        ]
        for page in pages:
            with self.subTest(page=page):
                self.open(page)
                self.assertEqual(self.axe_violations(), [])

    def first_park_slug(self):
        from parks.models import Park

        return Park.objects.published().order_by("name_en").values_list("slug", flat=True).first()


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

    def test_switching_language_keeps_the_section_anchor(self):
        self.open(reverse("articles:detail", args=[ARTICLE_SLUG]) + "#detroit")
        self.browser.find_element(By.CSS_SELECTOR, '.language-switcher button[value="zh-hans"]').click()
        self.wait_until(EC.url_contains("/zh-hans/"))
        self.assertTrue(self.browser.current_url.endswith(f"/zh-hans/articles/{ARTICLE_SLUG}/#detroit"))
        self.assertIn("本文以英文发表", self.browser.find_element(By.TAG_NAME, "main").text)
