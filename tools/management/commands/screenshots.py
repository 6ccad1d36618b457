"""`make screenshots`: whole-page PNGs of every page type, in English and Chinese, at a phone and a desktop
width, from the deployed build; a long page is saved in several images, none cut off."""

import base64
import shutil
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from tools.deployed import DeployedSite, headless_chromium, page_types, set_viewport

WIDTHS = (390, 1280)
# Chromium draws at most 16,384 px in one capture: a longer page is saved as numbered parts.
PART_HEIGHT = 8000
# The catalogue on a phone with its results shown as the map.
PHONE_MAP = (
    "catalogue-map",
    "/en/parks/?province=jilin",
    "document.querySelector('.map-list-switch [data-show=map]').click();",
)


def screenshot_pages():
    """Every page type by name, and the Chinese version of each (the Data page has one address for both)."""
    pages = dict(page_types())
    for name, path in list(pages.items()):
        if path.startswith("/en/") and f"zh-{name}" not in pages:
            pages[f"zh-{name}"] = "/zh-hans/" + path.removeprefix("/en/")
    return pages


class Command(BaseCommand):
    help = "Write whole-page PNGs of every page type in both languages at 390 and 1280 px, from the site as deployed."

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(Path(settings.BASE_DIR) / "screenshots"))
        parser.add_argument("--only", nargs="*", default=(), help="Page names to capture (default: all).")

    def handle(self, *args, output, only, **options):
        folder = Path(output)
        folder.mkdir(parents=True, exist_ok=True)
        site = DeployedSite().start()
        profile = tempfile.mkdtemp(prefix="rustbelt-chrome-")
        browser = headless_chromium(profile)
        pages = {name: (path, "") for name, path in screenshot_pages().items()}
        pages[PHONE_MAP[0]] = PHONE_MAP[1:]
        try:
            for width in WIDTHS:
                for name, (path, script) in pages.items():
                    if only and name not in only:
                        continue
                    if name == PHONE_MAP[0] and width != 390:
                        continue
                    for written in self.capture(browser, site.url + path, width, folder / f"{name}-{width}", script):
                        self.stdout.write(str(written))
        finally:
            browser.quit()
            shutil.rmtree(profile, ignore_errors=True)
            site.stop()

    def capture(self, browser, url, width, stem, script=""):
        set_viewport(browser, width)
        browser.get(url)
        time.sleep(0.5)  # the map's outlines and markers draw after load
        if script:
            browser.execute_script(script)
            time.sleep(0.5)
        height = browser.execute_script("return document.documentElement.scrollHeight")
        parts = range(0, height, PART_HEIGHT)
        for number, top in enumerate(parts, start=1):
            path = stem.with_name(f"{stem.name}.png" if len(parts) == 1 else f"{stem.name}-part{number}.png")
            shot = browser.execute_cdp_cmd(
                "Page.captureScreenshot",
                {
                    "format": "png",
                    "captureBeyondViewport": True,
                    "clip": {"x": 0, "y": top, "width": width, "height": min(PART_HEIGHT, height - top), "scale": 1},
                },
            )
            path.write_bytes(base64.b64decode(shot["data"]))
            yield path
