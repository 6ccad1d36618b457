"""The API reference and the Data page in a real headless Chromium, under the site's strict CSP."""

from django.urls import reverse
from selenium.webdriver.common.by import By

from tools.tests.browser import BrowserTestCase

# Collects CSP violations from the first script on: anything our policy blocks shows up here.
RECORD_CSP_VIOLATIONS = (
    "window.cspViolations = [];"
    "document.addEventListener('securitypolicyviolation',"
    " e => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));"
)


class ApiReferenceTests(BrowserTestCase):
    def setUp(self):
        super().setUp()
        self.browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_CSP_VIOLATIONS})

    def test_swagger_ui_renders_every_operation_without_csp_violations(self):
        self.open(reverse("api:docs"))
        self.wait_until(
            lambda browser: len(browser.find_elements(By.CSS_SELECTOR, ".opblock")) >= 14,
            timeout=20,
            message="Swagger UI did not list the operations",
        )
        self.assertIn("/api/v1/parks/", self.browser.find_element(By.ID, "swagger-ui").text)
        self.assertEqual(self.browser.execute_script("return window.cspViolations"), [])

    def test_data_page_is_accessible_and_fits_a_phone(self):
        self.browser.set_window_size(360, 800)
        try:
            self.open(reverse("data:index"))
            self.assertEqual(self.axe_violations(), [])
            width = self.browser.execute_script("return document.documentElement.scrollWidth")
            self.assertLessEqual(width, self.browser.execute_script("return document.documentElement.clientWidth"))
            self.assertEqual(self.browser.execute_script("return window.cspViolations"), [])
        finally:
            self.browser.set_window_size(1280, 900)
