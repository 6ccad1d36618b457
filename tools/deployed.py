"""The site as docs/deploying.md deploys it, started in a scratch folder for the browser tests and screenshots.

Debug off, `collectstatic` with the manifest storage (hashed names), gunicorn on a free loopback
port. Django's StaticLiveServerTestCase serves the unhashed source files, so it cannot catch a
broken hashed URL; this can.
"""

import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import translation

ARTICLE_SLUG = "industrial-real-estate-park-revitalization-in-major-rust-belts"


def page_types():
    """One URL of every kind of public page, by a short name (the shipped content is loaded).

    Public pages sit under a language prefix (/en/, /zh-hans/): the English one of every kind, and
    the Chinese pages whose layout differs most (longer labels, Chinese values, the switcher).
    """
    with translation.override("en"):
        pages = {
            "home": reverse("home"),
            "article": reverse("articles:detail", args=[ARTICLE_SLUG]),
            "figures": reverse("articles:figures", args=[ARTICLE_SLUG]),
            "catalogue": reverse("parks:list"),
            "filtered-catalogue": reverse("parks:list") + "?province=heilongjiang&path=co-city",
            "catalogue-table": reverse("parks:list") + "?province=jilin&view=table",
            "park": reverse("parks:detail", args=["jilin-etdz"]),
            "province": reverse("parks:province", args=["heilongjiang"]),
            "path": reverse("parks:path", args=["urbanization"]),
            "coverage": reverse("parks:coverage"),
            "methodology": reverse("parks:methodology"),
            "search": reverse("search") + "?q=jilin",
            # The Data page has one unprefixed address for both languages.
            "data": reverse("data:index"),
            "catalogue-search-in-chinese": reverse("parks:list") + "?" + urlencode({"q": "吉林"}),
            "not-found": reverse("parks:list") + "no-such-park/",
        }
    with translation.override("zh-hans"):
        pages.update(
            {
                "zh-home": reverse("home"),
                "zh-article": reverse("articles:detail", args=[ARTICLE_SLUG]),
                "zh-filtered-catalogue": reverse("parks:list") + "?province=heilongjiang&path=co-city",
                "zh-catalogue-table": reverse("parks:list") + "?province=jilin&view=table",
                "zh-park": reverse("parks:detail", args=["jilin-etdz"]),
                "zh-methodology": reverse("parks:methodology"),
                "zh-coverage": reverse("parks:coverage"),
            }
        )
    return pages


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class DeployedSite:
    """A scratch SQLite database with the shipped content, collected static files and gunicorn."""

    def __init__(self, workers=2):
        self.workers = workers
        self.folder = Path(tempfile.mkdtemp(prefix="rustbelt-deployed-"))
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None
        self.environment = {
            **{name: value for name, value in os.environ.items() if not name.startswith(("DJANGO_", "GUNICORN_"))},
            "DATABASE_URL": f"sqlite:///{self.folder / 'site.sqlite3'}",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_STATIC_ROOT": str(self.folder / "staticfiles"),
            "DJANGO_MEDIA_ROOT": str(self.folder / "media"),
            "DJANGO_DATA_FILES_ROOT": str(self.folder / "data"),
            # Plain HTTP on loopback: no TLS proxy in front, so no redirect, secure cookies or HSTS.
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_SECURE_COOKIES": "0",
            "DJANGO_HSTS_SECONDS": "0",
            # Its own namespace if REDIS_URL is set, so it never shares pages with the test run.
            "DJANGO_CACHE_PREFIX": f"deployed-{secrets.token_hex(4)}",
        }

    def manage(self, *args):
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=self.environment,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")

    def start(self):
        try:
            self.manage("migrate", "--noinput")
            self.manage("load_content")
            self.manage("collectstatic", "--noinput")
            self.process = subprocess.Popen(
                [
                    str(Path(sys.executable).with_name("gunicorn")),
                    "rustbelt.wsgi",
                    "-c",
                    "gunicorn.conf.py",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    str(self.workers),
                    "--access-logfile",
                    "/dev/null",
                    "--error-logfile",
                    str(self.folder / "gunicorn.log"),
                ],
                cwd=settings.BASE_DIR,
                env=self.environment,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            self.wait_until_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def wait_until_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not start:\n{self.log()[-3000:]}")

    def log(self):
        path = self.folder / "gunicorn.log"
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        shutil.rmtree(self.folder, ignore_errors=True)


CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
# The machine may have no network: nothing in Chrome may try to phone home, and map tiles may fail.
CHROME_ARGUMENTS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
    "--window-size=1280,900",
]


def headless_chromium(profile, arguments=()):
    """Debian's chromium through chromedriver, with its profile in `profile` and any further `arguments`."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in [*CHROME_ARGUMENTS, f"--user-data-dir={profile}", *arguments]:
        options.add_argument(argument)
    browser = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    browser.set_page_load_timeout(30)
    return browser


def set_viewport(browser, width, height=900):
    """The layout viewport exactly `width` CSS px wide, as on a phone (the window size includes chrome)."""
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
    )
