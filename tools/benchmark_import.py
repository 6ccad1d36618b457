"""Benchmark the admin's park import: `manage.py benchmark --import-rows 1000 5000`.

For each backend, a fresh database (as rustbelt/benchmark.py makes them) with the shipped content. The
file is the admin's own CSV export of the shipped parks, its rows repeated with new slugs and names
(industries, sources, provinces and paths as the export gives them) up to the size measured. Each size
is timed three ways, all as a researcher does it:
  * in process (the Django test client, in a subprocess bound to the database): the preview (dry run)
    and the confirmed import of new parks, then of the same parks with every row edited (updates);
  * through gunicorn (gunicorn.conf.py, so its request timeout applies): the same preview and import
    over HTTP, signed in through the admin's login form.
"""

import http.client
import json
import secrets
import shutil
import tempfile
import time
import urllib.parse
import uuid
from http.cookies import SimpleCookie
from pathlib import Path
from types import SimpleNamespace

from tools import benchmark, servers

IMPORT_URL = "/admin/parks/park/import/"
CONFIRM_URL = "/admin/parks/park/process_import/"
USERNAME = "benchmark-importer"


def import_file(export_csv, rows, tag):
    """`rows` rows of the admin's export, repeated with new slugs and names (CSV bytes)."""
    import csv
    import io

    shipped = list(csv.DictReader(io.StringIO(export_csv)))
    output = io.StringIO()
    writer = csv.DictWriter(output, list(shipped[0]), lineterminator="\n")
    writer.writeheader()
    for number in range(rows):
        row = dict(shipped[number % len(shipped)])
        row["slug"] = f"{tag}-{number:05d}-{row['slug']}"[:120]
        row["name_en"] = f"{row['name_en']} ({tag} {number})"[:255]
        writer.writerow(row)
    return output.getvalue()


def edited(content):
    """The same file with every park's city changed: each row is an update."""
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(content)))
    output = io.StringIO()
    writer = csv.DictWriter(output, list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, "city": (row["city"] + " (edited)")[:100]})
    return output.getvalue()


# --- In the subprocess bound to the benchmark database ---------------------------------------


def ensure_user(password):
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(
        username=USERNAME, defaults={"is_staff": True, "is_superuser": True}
    )
    user.set_password(password)
    user.save()
    return user


def measure_in_process(sizes, password):
    """Seconds for the preview and the confirmed import of each size (new parks, then updates)."""
    from django.test import Client

    from parks.models import Park
    from publishing.testing import admin_form_data

    client = Client()  # "testserver" is among the benchmark's allowed hosts (benchmark.environment)
    client.force_login(ensure_user(password))
    export = client.post(
        "/admin/parks/park/export/",
        {**admin_form_data(client.get("/admin/parks/park/export/"), action=""), "format": "0"},
    ).content.decode()
    results = {"shipped_parks": Park.objects.count(), "sizes": {}}
    for rows in sizes:
        content = import_file(export, rows, f"inproc{rows}")
        measured = {"bytes": len(content.encode())}
        for label, text, expected in (
            ("new", content, f"{rows} new, 0 updated"),
            ("update", edited(content), f"0 new, {rows} updated"),
        ):
            started = time.perf_counter()
            preview = client.post(
                IMPORT_URL,
                {
                    **admin_form_data(client.get(IMPORT_URL), action=""),
                    "format": "0",
                    "import_file": named_file(text),
                },
            )
            preview_seconds = time.perf_counter() - started
            data = admin_form_data(preview, action=CONFIRM_URL)  # the browser's work, not timed
            started = time.perf_counter()
            response = client.post(CONFIRM_URL, data)
            confirm_seconds = time.perf_counter() - started
            message = finished_message(client.get(response["Location"]).content.decode())
            if expected not in message:
                raise RuntimeError(f"{rows} rows ({label}): {message or preview.content.decode()[:2000]}")
            measured[label] = {"preview": preview_seconds, "confirm": confirm_seconds}
        results["sizes"][str(rows)] = measured
    return results


def named_file(text):
    import io

    upload = io.BytesIO(text.encode())
    upload.name = "parks.csv"
    return upload


def finished_message(html):
    start = html.find("Import finished")
    return html[start : html.find("<", start)] if start >= 0 else ""


# --- Through gunicorn ----------------------------------------------------------------------------


class Browser:
    """Just enough of a browser for the admin over HTTP: cookies, CSRF, forms, multipart uploads."""

    def __init__(self, port):
        self.port, self.cookies = port, {}

    def send(self, method, path, body=None, content_type=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
        headers = {"Host": "127.0.0.1", "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if content_type:
            headers["Content-Type"] = content_type
        started = time.perf_counter()
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read()
        seconds = time.perf_counter() - started
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        connection.close()
        return SimpleNamespace(
            status=response.status, content=content, seconds=seconds, location=response.headers.get("Location")
        )

    def form(self, path, action=None, form_id=None):
        from publishing.testing import admin_form_data

        return admin_form_data(self.send("GET", path), form_id=form_id, action=action)

    def post(self, path, data):
        return self.send("POST", path, urllib.parse.urlencode(data, doseq=True), "application/x-www-form-urlencoded")

    def upload(self, path, data, name, content):
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
            for key, value in data.items()
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="parks.csv"\r\n'
            f"Content-Type: text/csv\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
        parts.append(f"--{boundary}--\r\n".encode())
        return self.send("POST", path, b"".join(parts), f"multipart/form-data; boundary={boundary}")


def measure_through_gunicorn(port, sizes, password):
    from publishing.testing import admin_form_data

    browser = Browser(port)
    login = browser.post(
        "/admin/login/",
        {
            **browser.form("/admin/login/", form_id="login-form"),
            "username": USERNAME,
            "password": password,
            "next": "/admin/",
        },
    )
    if login.status != 302:
        raise RuntimeError(f"Sign-in failed: HTTP {login.status}")
    export_url = "/admin/parks/park/export/"
    export_csv = browser.post(export_url, {**browser.form(export_url, action=""), "format": "0"}).content.decode()
    results = {}
    for rows in sizes:
        content = import_file(export_csv, rows, f"http{rows}")
        preview = browser.upload(
            IMPORT_URL, {**browser.form(IMPORT_URL, action=""), "format": "0"}, "import_file", content.encode()
        )
        confirm = browser.post(CONFIRM_URL, admin_form_data(preview, action=CONFIRM_URL))
        message = finished_message(browser.send("GET", confirm.location or "/admin/").content.decode())
        if f"{rows} new" not in message:
            raise RuntimeError(f"{rows} rows through gunicorn: HTTP {preview.status}, {confirm.status}: {message}")
        results[str(rows)] = {
            "preview": preview.seconds,
            "preview_status": preview.status,
            "confirm": confirm.seconds,
            "confirm_status": confirm.status,
        }
    return results


# --- In the parent -------------------------------------------------------------------------------


def run(sizes, backends, postgres_url, log, gunicorn=True):
    results = []
    workdir = Path(tempfile.mkdtemp(prefix="rustbelt-import-bench-"))
    password = secrets.token_urlsafe(16)
    try:
        for backend in backends:
            target = benchmark.Target(backend, "import", workdir, postgres_url)
            target.create()
            try:
                env = {**benchmark.environment(target.url), "BENCH_IMPORT_PASSWORD": password}
                log(f"[{backend} import] migrate, load_content")
                benchmark.manage(env, "migrate", "--noinput", "-v", "0")
                benchmark.manage(env, "load_content", "-v", "0")
                log(f"[{backend} import] in process: {', '.join(map(str, sizes))} rows")
                measured = json.loads(
                    benchmark.manage(env, "benchmark", "--internal-import", *map(str, sizes)).splitlines()[-1]
                )
                result = {"backend": backend, "in_process": measured}
                if gunicorn:
                    log(f"[{backend} import] through gunicorn")
                    with servers.gunicorn(env, workers=2) as port:
                        result["gunicorn"] = measure_through_gunicorn(port, sizes, password)
                results.append(result)
            finally:
                target.drop()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return results


def report(results):
    lines = []
    for result in results:
        measured = result["in_process"]
        lines += [
            f"### {result['backend']}: admin park import, seconds per request",
            "",
            "| Rows (file size) | Preview, new parks | Import, new parks | Preview, updates | Import, updates "
            "| Through gunicorn: preview / import (new) |",
            "|---|---|---|---|---|---|",
        ]
        for rows, m in measured["sizes"].items():
            http = result.get("gunicorn", {}).get(rows)
            http_cell = (
                f"{http['preview']:.2f} / {http['confirm']:.2f} (HTTP {http['preview_status']}, "
                f"{http['confirm_status']})"
                if http
                else "not run"
            )
            lines.append(
                f"| {int(rows):,} ({m['bytes'] / 1e6:.1f} MB) | {cell(m['new']['preview'], rows)} | "
                f"{cell(m['new']['confirm'], rows)} | {cell(m['update']['preview'], rows)} | "
                f"{cell(m['update']['confirm'], rows)} | {http_cell} |"
            )
        lines.append("")
    return "\n".join(lines)


def cell(seconds, rows):
    return f"{seconds:.2f} s ({int(rows) / seconds:,.0f} rows/s)"
