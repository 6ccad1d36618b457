"""`make screenshots`: full-page PNGs of every page type at a phone and a desktop width, from the deployed build."""

import shutil
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from tools.deployed import DeployedSite, headless_chromium, page_types, set_viewport

WIDTHS = (390, 1280)


class Command(BaseCommand):
    help = "Write PNGs of every page type at 390 and 1280 px, from the site as deployed (debug off, gunicorn)."

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(Path(settings.BASE_DIR) / "screenshots"))

    def handle(self, *args, output, **options):
        folder = Path(output)
        folder.mkdir(parents=True, exist_ok=True)
        site = DeployedSite().start()
        profile = tempfile.mkdtemp(prefix="rustbelt-chrome-")
        browser = headless_chromium(profile)
        try:
            for width in WIDTHS:
                for name, path in page_types().items():
                    self.capture(browser, site.url + path, width, folder / f"{name}-{width}.png")
        finally:
            browser.quit()
            shutil.rmtree(profile, ignore_errors=True)
            site.stop()

    def capture(self, browser, url, width, path):
        set_viewport(browser, width)
        browser.get(url)
        time.sleep(0.5)  # the map's outlines and markers draw after load
        height = browser.execute_script("return document.documentElement.scrollHeight")
        # The whole page in one image: a viewport as tall as the document.
        set_viewport(browser, width, min(height, 16000))
        time.sleep(0.2)
        browser.save_screenshot(str(path))
        self.stdout.write(f"{path}")
