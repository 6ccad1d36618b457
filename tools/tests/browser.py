"""A real headless Chromium driving the deployed build (tools/deployed.py): debug off, hashed static files, gunicorn."""

import atexit
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase, tag
from django.utils import translation
from selenium.webdriver.support.ui import WebDriverWait

from tools.deployed import DeployedSite, headless_chromium, set_viewport

AXE_SCRIPT = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"

_site = None


def deployed_site():
    """One deployed site for the whole run: migrate, load_content and collectstatic take a while."""
    global _site
    if _site is None:
        _site = DeployedSite().start()
        atexit.register(_site.stop)
    return _site


@tag("deployed")
class BrowserTestCase(SimpleTestCase):
    """One browser per class, on the shared deployed site; tests read what it shows, not the test database."""

    # Further command-line arguments for this class's browser.
    browser_arguments = ()

    @classmethod
    def setUpTestRun(cls):
        deployed_site()  # before the test processes of --parallel start, so that they share it

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.site = deployed_site()
        cls.live_server_url = cls.site.url
        cls.profile = tempfile.mkdtemp(prefix="rustbelt-chrome-")
        try:
            cls.browser = headless_chromium(cls.profile, cls.browser_arguments)
        except Exception:
            shutil.rmtree(cls.profile, ignore_errors=True)
            super().tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.browser.quit()
        shutil.rmtree(cls.profile, ignore_errors=True)
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        # reverse() gives the /en/ addresses: a test client request elsewhere may have left another language active.
        translation.activate("en")
        self.addCleanup(translation.deactivate)

    def tearDown(self):
        if self.has_failed():
            ARTIFACTS.mkdir(exist_ok=True)
            self.browser.save_screenshot(str(ARTIFACTS / f"{self.id()}.png"))
            (ARTIFACTS / f"{self.id()}.html").write_text(self.browser.page_source, encoding="utf-8")
        super().tearDown()

    def has_failed(self):
        # unittest marks the outcome as soon as the test or one of its subtests fails, before tearDown; the
        # result's lists would not do, as a --parallel worker's result only records events to send back.
        return not self._outcome.success

    def open(self, path):
        self.browser.get(self.live_server_url + path)

    def wait_until(self, condition, timeout=10, message=""):
        return WebDriverWait(self.browser, timeout).until(condition, message)

    def active_element(self):
        return self.browser.switch_to.active_element

    def is_in_viewport(self, element):
        return self.browser.execute_script(
            "const box = arguments[0].getBoundingClientRect();return box.top >= 0 && box.top < window.innerHeight;",
            element,
        )

    def axe_violations(self):
        """Every axe-core violation on the current page, whatever its impact, as readable lines."""
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
        ]

    def at_width(self, width):
        """Emulate a viewport `width` CSS px wide until the test ends."""
        set_viewport(self.browser, width)
        self.addCleanup(self.browser.execute_cdp_cmd, "Emulation.clearDeviceMetricsOverride", {})

    def document_width(self):
        return self.browser.execute_script(
            "return Math.max(document.documentElement.scrollWidth, document.body.scrollWidth);"
        )

    def viewport_width(self):
        return self.browser.execute_script("return document.documentElement.clientWidth;")
