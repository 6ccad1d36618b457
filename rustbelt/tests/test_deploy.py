import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
from functools import partial
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.test import SimpleTestCase, TestCase
from django.urls import reverse

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "example.org",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://example.org",
    "DJANGO_SITE_URL": "https://example.org",
}


class DeployCheckTests(SimpleTestCase):
    def run_manage(self, *args, **env):
        environment = {**os.environ, **PRODUCTION_ENV, **env}
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
        )

    def test_check_deploy_reports_no_issues_with_production_environment(self):
        result = self.run_manage("check", "--deploy", "--fail-level", "WARNING")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("System check identified no issues", result.stdout)

    def test_check_deploy_fails_with_debug_settings(self):
        # Proves the check above can fail: the development settings are not deployable.
        result = self.run_manage("check", "--deploy", "--fail-level", "WARNING", DJANGO_DEBUG="1")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("security.W018", result.stdout + result.stderr)

    def test_check_deploy_asks_for_the_site_url(self):
        result = self.run_manage("check", "--deploy", "--fail-level", "WARNING", DJANGO_SITE_URL="")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("rustbelt.W001", result.stdout + result.stderr)

    def test_a_configured_tile_server_is_the_one_outside_host_images_may_come_from(self):
        script = "from django.conf import settings as s; print(s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'])"
        result = self.run_manage(
            "shell",
            "-c",
            script,
            PARKS_MAP_TILE_URL="https://webrd0{s}.is.autonavi.com/appmaptile?style=8&x={x}&y={y}&z={z}",
            PARKS_MAP_TILE_ATTRIBUTION="&copy; AutoNavi",
        )
        self.assertEqual(
            result.stdout.strip().splitlines()[-1], "[\"'self'\", 'data:', 'https://*.is.autonavi.com']", result.stderr
        )

    def test_proxy_and_redirect_toggles_come_from_the_environment(self):
        script = "from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, s.SECURE_PROXY_SSL_HEADER, s.SECURE_HSTS_SECONDS)"
        result = self.run_manage(
            "shell", "-c", script, DJANGO_SECURE_SSL_REDIRECT="0", DJANGO_BEHIND_PROXY="1", DJANGO_HSTS_SECONDS="600"
        )
        self.assertEqual(
            result.stdout.strip().splitlines()[-1], "False ('HTTP_X_FORWARDED_PROTO', 'https') 600", result.stderr
        )


class SecretKeyTests(SimpleTestCase):
    """Outside development the servers refuse to start without a key; key-free commands still run."""

    def run_python(self, *args):
        environment = {
            name: value for name, value in os.environ.items() if name not in ("DJANGO_DEBUG", "DJANGO_SECRET_KEY")
        }
        return subprocess.run(
            [sys.executable, *args], cwd=settings.BASE_DIR, env=environment, capture_output=True, text=True, timeout=120
        )

    def test_servers_refuse_to_start_without_a_secret_key(self):
        for module in ("rustbelt.wsgi", "rustbelt.asgi"):
            with self.subTest(module=module):
                result = self.run_python("-c", f"import {module}")
                self.assertNotEqual(result.returncode, 0)
                self.assertIn("DJANGO_SECRET_KEY is not set", result.stderr)

    def test_system_checks_run_without_a_secret_key(self):
        result = self.run_python("manage.py", "check")
        self.assertEqual(result.returncode, 0, result.stderr)


class CollectstaticTests(SimpleTestCase):
    def test_production_static_files_are_hashed_compressed_and_cached_for_a_year(self):
        with tempfile.TemporaryDirectory() as static_root:
            env = {
                **os.environ,
                **PRODUCTION_ENV,
                "DJANGO_STATIC_ROOT": static_root,
                "DJANGO_ALLOWED_HOSTS": "testserver",
            }
            run = partial(subprocess.run, cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=180)
            # The site's own files only: compressing the big third-party bundles (the API reference's
            # Swagger UI, the admin's and DRF's) takes most of a minute, and the deployed build that
            # the browser tests use (tools/deployed.py) collects every file the same way.
            ignored = [f"--ignore={folder}" for folder in ("drf_spectacular_sidecar", "rest_framework", "admin")]
            result = run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0", *ignored])
            self.assertEqual(result.returncode, 0, result.stderr)
            manifest = json.loads((Path(static_root) / "staticfiles.json").read_text())
            hashed_css = manifest["paths"]["rustbelt/site.css"]
            self.assertRegex(hashed_css, r"^rustbelt/site\.[0-9a-f]{12}\.css$")
            self.assertTrue((Path(static_root) / f"{hashed_css}.gz").exists())
            # gunicorn would serve the same WSGI app; the test client is enough to see whitenoise's headers.
            script = (
                "from django.test import Client; from django.templatetags.static import static; "
                "r = Client().get(static('rustbelt/site.css'), secure=True); print(r.status_code, r['Cache-Control'], static('rustbelt/site.css'))"
            )
            result = run([sys.executable, "manage.py", "shell", "-c", script])
            self.assertEqual(
                result.stdout.strip().splitlines()[-1],
                f"200 max-age=315360000, public, immutable /static/{hashed_css}",
                result.stderr,
            )


class SecurityHeaderTests(TestCase):
    def assert_security_headers(self, response):
        csp = response["Content-Security-Policy"]
        directives = dict((part.split()[0], part.split()[1:]) for part in (p.strip() for p in csp.split(";")) if part)
        self.assertEqual(directives["script-src"], ["'self'"])
        self.assertEqual(directives["style-src"], ["'self'"])
        self.assertEqual(directives["frame-ancestors"], ["'none'"])
        # No map tiles unless configured: no page asks another host for anything.
        self.assertEqual(directives["img-src"], ["'self'", "data:"])
        self.assertNotIn("unsafe-inline", csp)
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertEqual(response["X-Frame-Options"], "DENY")
        self.assertEqual(response["Referrer-Policy"], "strict-origin-when-cross-origin")
        self.assertEqual(response["Cross-Origin-Opener-Policy"], "same-origin")

    def test_public_pages_send_security_headers(self):
        for url in [reverse("home"), reverse("parks:list"), reverse("search") + "?q=jilin", "/no-such-page/"]:
            with self.subTest(url=url):
                self.assert_security_headers(self.client.get(url))

    def test_admin_allows_inline_styles_for_third_party_admin_templates(self):
        response = self.client.get(reverse("admin:login"))
        self.assertIn("'unsafe-inline'", response["Content-Security-Policy"])

    def test_static_files_are_served_by_whitenoise(self):
        self.assertLess(
            settings.MIDDLEWARE.index("django.middleware.security.SecurityMiddleware"),
            settings.MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware"),
        )


# Inline code the Content-Security-Policy would block: scripts with a body, style attributes or
# <style> blocks, and on*= event handlers. JSON data blocks are not executed, so they are allowed.
SCRIPT_RE = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
DATA_SCRIPT_RE = re.compile(r"""type\s*=\s*["']application/(ld\+)?json["']""", re.IGNORECASE)
TAG_RE = re.compile(r"<[a-zA-Z][^<>]*>", re.DOTALL)
STYLE_ATTRIBUTE_RE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
HANDLER_RE = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
STYLE_BLOCK_RE = re.compile(r"<style\b", re.IGNORECASE)


def project_templates():
    folders = [Path(folder) for engine in settings.TEMPLATES for folder in engine.get("DIRS", [])]
    folders += [
        Path(config.path) / "templates"
        for config in apps.get_app_configs()
        if Path(config.path).is_relative_to(settings.BASE_DIR) and ".venv" not in Path(config.path).parts
    ]
    return sorted(path for folder in folders if folder.is_dir() for path in folder.rglob("*.html"))


def inline_code_offences(text):
    offences = []
    for attributes, body in SCRIPT_RE.findall(text):
        if body.strip() and not DATA_SCRIPT_RE.search(attributes):
            offences.append("inline <script>")
    if STYLE_BLOCK_RE.search(text):
        offences.append("<style> block")
    for tag in TAG_RE.findall(text):
        if STYLE_ATTRIBUTE_RE.search(tag):
            offences.append(f"style attribute in {tag[:60]}")
        if HANDLER_RE.search(tag):
            offences.append(f"event handler in {tag[:60]}")
    return offences


class NoInlineCodeInTemplatesTests(SimpleTestCase):
    def test_scanner_catches_each_kind_of_inline_code(self):
        self.assertEqual(len(inline_code_offences("<script>alert(1)</script>")), 1)
        self.assertEqual(len(inline_code_offences('<p style="color: red">')), 1)
        self.assertEqual(len(inline_code_offences('<a href="#"\n   onclick="go()">')), 1)
        self.assertEqual(len(inline_code_offences("<style>p{}</style>")), 1)
        self.assertEqual(inline_code_offences('<script src="/static/x.js"></script>'), [])
        self.assertEqual(inline_code_offences('<script type="application/json" id="d">{}</script>'), [])
        self.assertEqual(inline_code_offences("<p>Styles on one page; only=1</p>"), [])

    def test_templates_have_no_inline_scripts_styles_or_handlers(self):
        templates = project_templates()
        self.assertIn(Path(settings.BASE_DIR) / "templates" / "base.html", templates)
        offenders = [
            f"{path.relative_to(settings.BASE_DIR)}: {offence}"
            for path in templates
            # A release's article for WeasyPrint is drawn into a PDF, never served to a browser.
            if not path.name.endswith("_print.html")
            for offence in inline_code_offences(path.read_text(encoding="utf-8"))
        ]
        self.assertEqual(offenders, [], "Move these to static files (the CSP blocks them):\n" + "\n".join(offenders))
