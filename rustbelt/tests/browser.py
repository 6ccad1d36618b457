"""A real headless Chromium (Debian's chromium + chromium-driver) for the browser tests."""

import io
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.core.management import call_command
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
AXE_SCRIPT = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
# The machine has no network: nothing in Chrome may try to phone home, and map tiles will fail.
CHROME_ARGUMENTS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1280,900",
]
BLOCKING_IMPACTS = {"serious", "critical"}


class BrowserTestCase(StaticLiveServerTestCase):
    """One browser per class (fast); the site's content loaded before each test."""

    # Keeps data migrations (the Researchers group) for the tests that run after these.
    serialized_rollback = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.profile = tempfile.mkdtemp(prefix="rustbelt-chrome-")
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for argument in CHROME_ARGUMENTS + [f"--user-data-dir={cls.profile}"]:
            options.add_argument(argument)
        try:
            cls.browser = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
        except Exception:
            shutil.rmtree(cls.profile, ignore_errors=True)
            super().tearDownClass()
            raise
        cls.browser.set_page_load_timeout(30)

    @classmethod
    def tearDownClass(cls):
        cls.browser.quit()
        shutil.rmtree(cls.profile, ignore_errors=True)
        super().tearDownClass()

    def setUp(self):
        call_command("load_content", verbosity=0, stdout=io.StringIO())

    def tearDown(self):
        if self.has_failed():
            ARTIFACTS.mkdir(exist_ok=True)
            self.browser.save_screenshot(str(ARTIFACTS / f"{self.id()}.png"))
            (ARTIFACTS / f"{self.id()}.html").write_text(self.browser.page_source, encoding="utf-8")
        super().tearDown()

    def has_failed(self):
        # unittest reports a failure (or failed subtest) to the result before tearDown runs.
        result = self._outcome.result
        return any(
            test is self or getattr(test, "test_case", None) is self
            for test, _ in getattr(result, "failures", []) + getattr(result, "errors", [])
        )

    def open(self, path):
        self.browser.get(self.live_server_url + path)

    def wait_until(self, condition, timeout=10, message=""):
        return WebDriverWait(self.browser, timeout).until(condition, message)

    def active_element(self):
        return self.browser.switch_to.active_element

    def is_in_viewport(self, element):
        return self.browser.execute_script(
            "const box = arguments[0].getBoundingClientRect();"
            "return box.top >= 0 && box.top < window.innerHeight;",
            element,
        )

    def axe_violations(self):
        """Serious and critical axe-core violations on the current page, as readable lines."""
        self.browser.execute_script(AXE_SCRIPT.read_text(encoding="utf-8"))
        violations = self.browser.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document).then(r => done(r.violations), e => done([{id: 'axe-error', impact: 'critical',"
            " help: String(e), nodes: []}]));"
        )
        return [
            f"{violation['id']} ({violation['impact']}): {violation['help']} — "
            + "; ".join(node["target"][0] if node.get("target") else "?" for node in violation["nodes"][:5])
            for violation in violations
            if violation["impact"] in BLOCKING_IMPACTS
        ]
