"""The probe suite: the deployed build attacked over HTTP, as an outsider or the lowest staff role would.

`ProbeSite` starts what docs/deploying.md deploys (debug off, collectstatic, gunicorn with
gunicorn.conf.py, deploy/nginx.conf in front, on the database and cache the environment names:
PostgreSQL and Redis when DATABASE_URL and REDIS_URL point there). Each function in `PROBES` replays
one attack and returns a `Verdict`: safe or broke, with a one-line reason. `run_probes` runs them all
and `report` prints tried / safe / broke. `manage.py probe` (`make probe`) and
tools/tests/test_probe.py run it.
"""

import csv
import gzip
import http.client
import io
import json
import os
import re
import secrets
import shutil
import sqlite3
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlencode

import dj_database_url
import psycopg
from django.conf import settings

from opendata import dataset
from opendata.pagination import encode_cursor
from publishing.testing import NARROW_ROW, WIDE_ROW, admin_form_data, xlsx_file
from tools import servers

HOST = "localhost"
PASSWORD = secrets.token_urlsafe(16)
# In every name and slug of the records only a draft park uses, and in nothing published.
DRAFT_MARKER = "zzdraft"
# Each starts a formula in a spreadsheet, or splits a row when a CR or LF is written unquoted.
HOSTILE = {
    "name_en": "=1+2\r=3+4 Probe zone",
    "name_zh": "\t=1+2 探测园区",
    "city": "+1+2\nCity",
    "aliases": "@SUM(1) alias",
    "notes": '-1+2 notes, "quoted"\r\n=HYPERLINK("http://attacker.test/","x")',
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"-?\d+(\.\d+)?")
SLOW_CONNECTIONS = 2000

# Run once in the deployed build's environment, before the servers start: the accounts the probes
# sign in with, a draft park whose province, path, industry and source nothing published uses, and a
# published park whose text fields start with formulas and hold CR and LF.
SETUP_SCRIPT = """
import json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import Group, User
from django.contrib.sessions.backends.db import SessionStore
from parks.models import Fact, FactSource, Park, PathEvidence, Province
from parks.tests.factories import make_industry, make_park, make_path, make_province, make_source

password, marker, hostile = {password!r}, {marker!r}, {hostile!r}


def session_of(user):
    session = SessionStore()
    session.update({{SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
                    HASH_SESSION_KEY: user.get_session_auth_hash()}})
    session.save()
    return session.session_key


admin = User.objects.create_superuser("probe-admin", "probe@example.org", password)
researcher = User.objects.create_user("probe-researcher", password=password, is_staff=True)
researcher.groups.add(Group.objects.get(name="Researchers"))
User.objects.create_user("probe-locked-out", password=password, is_staff=True)

draft = make_park(f"{{marker}} zone", slug=f"{{marker}}-zone", is_published=False,
                  province=make_province(f"{{marker}}-province"), path=make_path(f"{{marker}}-path", order=99))
draft.industries.add(make_industry(f"{{marker}} industry"))
source = make_source(f"{{marker}} source")
draft.sources.add(source)
FactSource.objects.create(park=draft, fact=Fact.LEVEL, source=source)
PathEvidence.objects.create(park=draft, path=draft.path, kind="inferred", reason="Editors' reading.")

province = Province.objects.filter(parks__is_published=True).order_by("slug").first()
poisoned = make_park(slug="probe-hostile-zone", province=province, **hostile)
poisoned.industries.add(make_industry("=1+1\\rhostile industry"))
poisoned.sources.add(make_source('=2",x,\\nhostile source'))

renamed, unpublished = Park.objects.filter(is_published=True).exclude(pk=poisoned.pk).order_by("slug")[:2]
print(json.dumps({{
    "admin": session_of(admin),
    "researcher": session_of(researcher),
    "renamed": [renamed.pk, renamed.get_absolute_url()],
    "unpublished": [unpublished.pk, unpublished.get_absolute_url()],
    "hostile": poisoned.slug,
}}))
"""

# An editor at work: parks created (with an industry each) and renamed for a few seconds.
SAVES_SCRIPT = """
import time
from parks.models import Industry, Province
from parks.tests.factories import make_park

province, industry = Province.objects.order_by("slug").first(), Industry.objects.order_by("slug").first()
print("saving", flush=True)
deadline, number = time.monotonic() + {seconds}, 0
while time.monotonic() < deadline:
    park = make_park(f"Probe concurrent park {{number}}", slug=f"probe-concurrent-{{number}}", province=province)
    park.industries.add(industry)
    park.name_en += " (renamed)"
    park.save()
    number += 1
print(number, flush=True)
"""


@dataclass
class Verdict:
    safe: bool
    reason: str


def safe(reason):
    return Verdict(True, reason)


def broke(reason):
    return Verdict(False, reason)


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def header(self, name):
        return self.headers.get(name)

    @property
    def text(self):
        return self.body.decode("utf-8", errors="replace")


class Visitor:
    """One visitor talking HTTPS to nginx: its address, its cookies, its headers."""

    def __init__(self, site, address="127.0.0.1", cookies=None, headers=None):
        self.site, self.address = site, address
        self.cookies = dict(cookies or {})
        self.headers = dict(headers or {})

    def request(self, method, path, body=None, headers=None, host=HOST):
        connection = http.client.HTTPSConnection(
            "127.0.0.1", self.site.https_port, timeout=60, context=insecure_tls(), source_address=(self.address, 0)
        )
        sent = {"Host": host, **self.headers, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            answer = Answer(response.status, response.msg, response.read())
        finally:
            connection.close()
        for cookie in answer.headers.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";")[0].partition("=")
            self.cookies[name.strip()] = value.strip()
        if answer.status >= 500:
            self.site.server_errors.append(f"{answer.status} {method} {path[:80]}")
        return answer

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, fields, referer_path=None, files=None):
        """A form post as a browser sends it, with the CSRF token of the form's page."""
        headers = {"Referer": f"https://{HOST}{referer_path or path}"}
        if files:
            boundary = secrets.token_hex(16)
            body = multipart(fields, files, boundary)
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        else:
            body = urlencode(fields, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        return self.request("POST", path, body=body, headers=headers)


def insecure_tls():
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # The probe's own self-signed certificate.
    return context


def multipart(fields, files, boundary):
    parts = []
    for name, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{item}\r\n'.encode())
    for name, (filename, content) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
    return b"".join(parts) + f"--{boundary}--\r\n".encode()


def form_of(answer, form_id=None, action=None):
    return admin_form_data(SimpleNamespace(content=answer.body), form_id=form_id, action=action)


class ProbeSite:
    """The deployed build behind the shipped nginx, on a scratch database; a context manager."""

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="rustbelt-probe-"))
        self.folder.chmod(0o755)
        self.static_root, self.media_root = self.folder / "static", self.folder / "media"
        self.gunicorn_log = self.folder / "gunicorn-error.log"
        self.http_port, self.https_port = servers.free_port(), servers.free_port()
        self.site_url = f"https://{HOST}:{self.https_port}"
        self.server_errors = []
        self.scratch_database = None
        main_database = os.environ.get("DATABASE_URL", "")
        if main_database.startswith(("postgres://", "postgresql://")):
            # On the same server, named after the configured database, dropped afterwards.
            server, _, main_name = main_database.partition("?")[0].rpartition("/")
            self.scratch_database = f"{main_name}_probe_{secrets.token_hex(4)}"
            database_url = f"{server}/{self.scratch_database}"
            self.database = "PostgreSQL"
        else:
            database_url = f"sqlite:///{self.folder / 'site.sqlite3'}"
            self.database = "SQLite"
        self.cache = "Redis" if os.environ.get("REDIS_URL") else "each worker's memory"
        self.env = {
            **{name: value for name, value in os.environ.items() if not name.startswith(("DJANGO_", "GUNICORN_"))},
            "DATABASE_URL": database_url,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": f"{HOST},127.0.0.1",  # 127.0.0.1: the start-up check, straight to gunicorn
            "DJANGO_SITE_URL": self.site_url,
            "DJANGO_BEHIND_PROXY": "1",
            "DJANGO_STATIC_ROOT": str(self.static_root),
            "DJANGO_MEDIA_ROOT": str(self.media_root),
            "DJANGO_DATA_FILES_ROOT": str(self.folder / "data"),
            "DJANGO_IMPORT_TMP_DIR": str(self.folder / "imports"),
            "DJANGO_CACHE_PREFIX": f"probe-{secrets.token_hex(4)}",
            # The probes ask the API a few hundred questions from one address within a minute.
            "DJANGO_API_THROTTLE_RATE": "100000/minute",
            "GUNICORN_ERROR_LOG": str(self.gunicorn_log),
        }
        self.stack = ExitStack()

    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def start(self):
        if self.scratch_database:
            self.postgres(f'CREATE DATABASE "{self.scratch_database}"')
        # collectstatic needs no database: it runs while the database is filled.
        collectstatic = subprocess.Popen(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=settings.BASE_DIR,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self.stack.callback(collectstatic.kill)  # if anything below fails first
        self.manage("migrate", "--noinput", "-v", "0")
        self.manage("load_content", "-v", "0")
        self.records = json.loads(
            self.manage(
                "shell", "-c", SETUP_SCRIPT.format(password=PASSWORD, marker=DRAFT_MARKER, hostile=HOSTILE)
            ).splitlines()[-1]
        )
        if collectstatic.wait():
            raise RuntimeError(f"collectstatic failed: {collectstatic.stderr.read().decode()[-2000:]}")
        gunicorn_port = self.stack.enter_context(servers.gunicorn(self.env, workers=2))
        _, _, self.nginx_run_dir = self.stack.enter_context(
            servers.nginx(
                gunicorn_port,
                self.static_root,
                self.media_root,
                HOST,
                http_port=self.http_port,
                https_port=self.https_port,
            )
        )

    def stop(self):
        self.stack.close()
        if self.scratch_database:
            self.postgres(f'DROP DATABASE IF EXISTS "{self.scratch_database}" WITH (FORCE)')
        shutil.rmtree(self.folder, ignore_errors=True)

    def postgres(self, statement):
        config = dj_database_url.parse(os.environ["DATABASE_URL"])
        with psycopg.connect(
            host=config["HOST"] or None,
            port=config["PORT"] or None,
            user=config["USER"] or None,
            password=config["PASSWORD"] or None,
            dbname="postgres",
            autocommit=True,
        ) as connection:
            connection.execute(statement)

    def manage(self, *args):
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=self.env, capture_output=True, text=True
        )
        if result.returncode:
            raise RuntimeError(f"manage.py {args[0]} failed: {result.stderr[-2000:]}")
        return result.stdout

    def visitor(self, **kwargs):
        return Visitor(self, **kwargs)

    def signed_in(self, account, **kwargs):
        """A visitor signed in as "admin" (a superuser) or "researcher" (the lowest staff role)."""
        return Visitor(self, cookies={"sessionid": self.records[account]}, **kwargs)

    def nginx_log(self):
        return (self.nginx_run_dir / "error.log").read_text(errors="replace")


# The probes. Each takes the site and returns a Verdict; the first line of its docstring names the attack.


def probe_compression(site):
    """BREACH: admin, sign-in, signed-in and CSRF-form pages asked for gzip with input reflected."""
    gzip_please = {"Accept-Encoding": "gzip, deflate, br"}
    secret_pages = [
        (site.visitor(), "/admin/login/?next=/admin/%3Creflected%3E"),
        (site.signed_in("admin"), "/admin/?q=reflected"),
        (site.signed_in("admin"), "/admin/password_change/?reflected=1"),
        (site.signed_in("admin"), "/en/parks/?q=reflected"),
        (site.visitor(), f"/en/releases/corrections/parks/{site.records['hostile']}/?reflected=1"),
    ]
    for visitor, path in secret_pages:
        answer = visitor.get(path, headers=gzip_please)
        if answer.status != 200:
            return broke(f"{path} answered {answer.status}")
        if answer.header("Content-Encoding"):
            return broke(f"{path} came back {answer.header('Content-Encoding')}-compressed with a secret in it")
    for path in ("/en/", "/en/parks/", "/data/", f"/en/parks/{site.records['hostile']}/"):
        answer = site.visitor().get(path, headers=gzip_please)
        body = gzip.decompress(answer.body) if answer.header("Content-Encoding") == "gzip" else answer.body
        if answer.header("Content-Encoding") and (b"csrfmiddlewaretoken" in body or "csrftoken" in str(answer.headers)):
            return broke(f"{path} is compressed and carries a CSRF token")
    return safe(f"{len(secret_pages)} pages with a secret uncompressed; public pages compressed carry no token")


def admin_save(site, pk, change):
    """Save a park in the admin as an editor would, after `change(form data)`; the answer's status."""
    editor = site.signed_in("admin")
    path = f"/admin/parks/park/{pk}/change/"
    data = form_of(editor.get(path), form_id="park_form")
    change(data)
    return editor.post(path, data).status


def probe_stale_pages(site):
    """Stale pages: a park renamed and another unpublished in the admin, then read as visitors."""
    renamed_pk, renamed_url = site.records["renamed"]
    unpublished_pk, unpublished_url = site.records["unpublished"]
    visitor = site.visitor()
    for path in (renamed_url, unpublished_url, renamed_url, unpublished_url):  # cached now
        visitor.get(path)
    new_name = "Renamed by the probe"
    statuses = [
        admin_save(site, renamed_pk, lambda data: data.update(name_en=new_name)),
        admin_save(site, unpublished_pk, lambda data: data.pop("is_published", None)),
    ]
    saved_at = time.monotonic()
    if statuses != [302, 302]:
        return broke(f"the admin did not save (answered {statuses})")
    time.sleep(max(0.0, saved_at + settings.PUBLIC_PAGE_MAX_AGE + 0.5 - time.monotonic()))
    for _ in range(3):
        renamed, unpublished = visitor.get(renamed_url), visitor.get(unpublished_url)
        if new_name.encode() not in renamed.body:
            return broke(f"{renamed_url} still shows the old name {settings.PUBLIC_PAGE_MAX_AGE} s after the save")
        if unpublished.status != 404:
            return broke(f"{unpublished_url} answers {unpublished.status} after it was unpublished")
    return safe(f"the save and the unpublishing show within {settings.PUBLIC_PAGE_MAX_AGE} s, never stale after")


def probe_language_cookie(site):
    """Language mix-up: /data/ asked in Chinese (cookie) and English (Accept-Language) in turn."""
    chinese = (site.visitor(cookies={"django_language": "zh-hans"}), b'<html lang="zh')
    english = (site.visitor(headers={"Accept-Language": "en"}), b'<html lang="en"')
    for order in ((chinese, english), (english, chinese)):
        for visitor, expected in order:
            if expected not in visitor.get("/data/").body:
                return broke(f"/data/ gave the other language's page to a visitor who asked for {expected[-3:]!r}")
    return safe("each visitor got /data/ in their own language, in either order")


def probe_long_urls(site):
    """Long URLs: 3,000 to 8,000 characters on pages, downloads, the API and the data files."""
    paths = [
        "/en/parks/?q=",
        "/parks/?q=",  # redirected to /en/, the URL repeated in Location
        "/en/parks/export.csv?q=",
        "/en/search/?q=",
        "/api/v1/parks/?q=",
        "/data/parks.csv?x=",
        "/data/?x=",
        f"/en/parks/{site.records['hostile']}/?x=",
        "/sitemap.xml?x=",
    ]
    seen = set()
    for path in paths:
        for length in (3000, 3450, 8000):
            status = site.visitor().get(path + "x" * (length - len(path))).status
            seen.add(status)
            if status >= 500:
                return broke(f"a {length}-character URL from {path} answered {status}")
    if site.visitor().get("/en/parks/?q=" + "x" * 20000).status != 414:
        return broke("a 20,000-character URL was not refused with 414")
    return safe(f"{len(paths) * 3} long URLs answered {sorted(seen)}, 20,000 characters 414")


def probe_slow_clients(site):
    """Slow clients: 2,000 connections from one address that never finish a request."""
    started = time.monotonic()
    with servers.slow_connections(site.https_port, SLOW_CONNECTIONS) as slow:
        opened = time.monotonic() - started
        # Visitors from other addresses meanwhile.
        answers = [site.visitor(address=f"127.0.0.{2 + n % 3}").get(f"/en/?visitor={n}").status for n in range(10)]
        answers += [site.visitor(address="127.0.0.2").get("/api/v1/parks/?page_size=1").status]
        refused = servers.refused_with_429(slow)
    not_enough = site.nginx_log().count("worker_connections are not enough")
    if answers.count(200) != len(answers) or not_enough:
        return broke(f"with {len(slow)} slow connections open: answers {answers}, 'not enough' logged {not_enough}x")
    return safe(
        f"{len(slow):,} held open in {opened:.1f} s ({refused:,} refused with 429); "
        f"{len(answers)}/{len(answers)} other visitors answered 200"
    )


def import_upload(researcher, filename, content, file_format):
    path = "/admin/parks/park/import/"
    data = form_of(researcher.get(path), action="")
    data["format"] = file_format
    return researcher.post(path, data, files={"import_file": (filename, content)})


def probe_xlsx_bombs(site):
    """XLSX bombs: four small files unpacking to 150 MB or 3 million rows, uploaded at once by a researcher."""
    xlsx = str(form_choice(site, "xlsx"))
    bombs = [
        ("wide.xlsx", xlsx_file(WIDE_ROW, 5000, dimension="A1:BXX5000")),  # 5,000 rows x 2,000 columns
        ("wide-lying.xlsx", xlsx_file(WIDE_ROW, 5000, dimension="A1:B2")),
        ("long.xlsx", xlsx_file(NARROW_ROW, 3_000_000)),  # 3,000,000 rows, no size declared
        ("long-again.xlsx", xlsx_file(NARROW_ROW, 3_000_000)),
    ]
    started = time.monotonic()
    with ThreadPoolExecutor(len(bombs) + 1) as pool:
        uploads = [
            pool.submit(import_upload, site.signed_in("researcher"), name, content, xlsx) for name, content in bombs
        ]
        time.sleep(0.2)
        public = pool.submit(lambda: site.visitor().get("/en/parks/?during=bombs"))
        answers = [upload.result() for upload in uploads]
        public_answer = public.result()
    elapsed = time.monotonic() - started
    for (name, content), answer in zip(bombs, answers):
        if answer.status != 200 or "imports are limited to" not in answer.text or "Confirm import" in answer.text:
            return broke(f"{name} ({len(content) // 1024} KB) answered {answer.status} without the limit's message")
    if public_answer.status != 200 or elapsed > 15:
        return broke(f"the public site answered {public_answer.status}; the uploads took {elapsed:.1f} s")
    sizes = ", ".join(f"{len(content) // 1024} KB" for _, content in bombs)
    return safe(f"{len(bombs)} bombs ({sizes}) refused with the limit in {elapsed:.1f} s; the site answered meanwhile")


def form_choice(site, label):
    """The value of the import form's format choice named `label` (csv, xlsx…)."""
    page = site.signed_in("researcher").get("/admin/parks/park/import/").text
    return re.search(rf'<option value="(\d+)"[^>]*>{label}</option>', page).group(1)


def probe_duplicate_columns(site):
    """Duplicate columns: an import whose header names slug twice."""
    content = b"slug,name_en,province,slug\njilin-etdz,Jilin ETDZ,jilin,other-park\n"
    answer = import_upload(site.signed_in("researcher"), "parks.csv", content, form_choice(site, "csv"))
    if answer.status == 200 and "appears 2 times" in answer.text and "Confirm import" not in answer.text:
        return safe("refused: the column appears 2 times")
    return broke(f"answered {answer.status} without refusing the file")


def served_csvs(site):
    """Every CSV the site serves: the catalogue's, the matrix, every chart's data and every /data/ table."""
    paths = ["/en/parks/export.csv", "/zh-hans/parks/export.csv", "/en/parks/matrix.csv"]
    figures = (
        site.visitor().get("/en/articles/industrial-real-estate-park-revitalization-in-major-rust-belts/figures/").text
    )
    paths += sorted(set(re.findall(r'href="(/en/articles/[^"]+\.csv)"', figures)))
    paths += [f"/data/{table.name}.csv" for table in dataset.tables()]
    return paths


def probe_csv_cells(site):
    """Formulas and CR/LF: values starting =, +, -, @, tab or CR, holding CR and LF, in every served CSV."""
    paths, quoted = served_csvs(site), 0
    for path in paths:
        answer = site.visitor().get(path)
        if answer.status != 200:
            return broke(f"{path} answered {answer.status}")
        rows = list(csv.reader(io.StringIO(answer.body.decode("utf-8-sig"), newline="")))
        for number, row in enumerate(rows[1:], start=2):
            if len(row) != len(rows[0]):
                return broke(f"{path} row {number} has {len(row)} cells, the header {len(rows[0])}: a split row")
            for cell in row:
                if cell.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(cell):
                    return broke(f"{path} row {number} holds a formula: {cell[:30]!r}")
                quoted += cell.startswith("'")
    if not quoted:
        return broke("no hostile value reached any CSV: the probe tested nothing")
    return safe(f"{len(paths)} CSVs: every row whole, {quoted} hostile cells defused, no formula")


def probe_draft_leak(site):
    """Draft leak: a draft park's own province, path, industry and source, looked for everywhere."""
    public = [
        "/en/parks/",
        "/zh-hans/parks/",
        "/en/parks/coverage/",
        "/sitemap.xml",
        "/api/v1/parks/?page_size=1",
        "/api/v1/industries/",
        "/api/v1/sources/",
        "/api/v1/provinces/",
        "/api/v1/paths/",
        "/data/datapackage.json",
        *(f"/data/{table.name}.csv" for table in dataset.tables()),
    ]
    for path in public:
        answer = site.visitor().get(path)
        if answer.status != 200 or DRAFT_MARKER in answer.text.lower():
            return broke(f"{path} answered {answer.status}" + (" naming the draft" if answer.status == 200 else ""))
    # The search page repeats the query: look for the draft's records, not the word.
    found = site.visitor().get(f"/en/search/?q={DRAFT_MARKER}").text.lower()
    if any(f"{DRAFT_MARKER}{rest}" in found for rest in ("-zone", " zone", " industry", " source", "-province")):
        return broke("the search finds the draft's records")
    for path in (f"/en/parks/{DRAFT_MARKER}-zone/", f"/api/v1/parks/{DRAFT_MARKER}-zone/"):
        if site.visitor().get(path).status != 404:
            return broke(f"the draft answers at {path}")
    answer = site.visitor().get("/data/rust-belt-parks.sqlite")
    with tempfile.NamedTemporaryFile(suffix=".sqlite") as file:
        file.write(answer.body)
        file.flush()
        with sqlite3.connect(file.name) as connection:
            dump = "\n".join(connection.iterdump())
        connection.close()
    if DRAFT_MARKER in dump.lower():
        return broke("the SQLite file holds the draft's records")
    return safe(f"{len(public) + 4} pages, searches, API lists, tables and the SQLite file: no draft record")


def probe_bad_parameters(site):
    """Bad parameters: NUL, trailing commas and empty keys on pages, downloads and the API."""
    cursor = encode_cursor("after", ["Park\x00 0", "Park\x00 0", 1])
    problems = [  # 400 with application/problem+json
        "/api/v1/parks/?ordering=name,",
        "/api/v1/parks/?ordering=,",
        "/api/v1/parks/?province=%00",
        "/api/v1/parks/?%00=1",
        f"/api/v1/parks/?cursor={cursor}",
        "/api/v1/sources/?q=a%00b",
        "/api/v1/coverage/?lang=%00",
    ]
    refused = [  # 400
        "/en/parks/?ordering=name,",
        "/en/parks/export.csv?ordering=,",
        "/en/parks/map.json?ordering=name,,area",
        "/en/?q=%00",
        "/en/parks/?province=%00",
        "/en/search/?q=%00",
        "/data/?%00=x",
        "/sitemap.xml?page=1%00",
    ]
    ignored = ["/en/parks/?=x", "/api/v1/parks/?=x&=y", "/data/?&&", "/en/parks/export.csv?&=&", "/en/search/?="]
    junk = ["/en/?lang=xx", "/en/parks/?page=1e9", "/en/parks/?section=%ff%fe", "/api/v1/parks/?page=-1"]
    wrong = []
    for path in problems:
        answer = site.visitor().get(path)
        if answer.status != 400 or answer.header("Content-Type") != "application/problem+json":
            wrong.append(f"{path} {answer.status} {answer.header('Content-Type')}")
    for path in refused:
        if (status := site.visitor().get(path).status) != 400:
            wrong.append(f"{path} {status}")
    for path in ignored:
        if (status := site.visitor().get(path).status) != 200:
            wrong.append(f"{path} {status}")
    for path in junk:
        if (status := site.visitor().get(path).status) >= 500:
            wrong.append(f"{path} {status}")
    tried = len(problems) + len(refused) + len(ignored) + len(junk)
    if wrong:
        return broke(f"{len(wrong)} of {tried} answered wrongly: {'; '.join(wrong[:3])}")
    return safe(f"{tried} requests: 400 (problem+json on the API) for bad input, empty keys ignored, no 5xx")


def probe_admin_junk(site):
    """Admin filter junk: NUL and unknown values in the park list's filters and its export."""
    editor = site.signed_in("admin")
    answers = {
        path: editor.get(path).status
        for path in (
            "/admin/parks/park/?zone_type__exact=%00",
            "/admin/parks/park/?province__id__exact=%00",
            "/admin/parks/park/?o=%00",
            "/admin/parks/park/?q=%00",
            "/admin/parks/park/export/?format=9",
            "/admin/parks/park/export/?nonsense=1",
        )
    }
    failed = {path: status for path, status in answers.items() if status >= 500}
    if failed:
        return broke(f"server errors: {failed}")
    return safe(f"{len(answers)} junk filters answered {sorted(set(answers.values()))}")


def probe_host_poisoning(site):
    """Host poisoning: another host name, a port in Host, X-Forwarded-Host."""
    try:
        site.visitor().get("/en/", host="evil.example")
        return broke("a request for evil.example was answered")
    except (http.client.RemoteDisconnected, ConnectionError):
        pass
    for host, headers in ((f"{HOST}:666", {}), (HOST, {"X-Forwarded-Host": "evil.example:666"})):
        answer = site.visitor().get(f"/en/parks/{site.records['hostile']}/?poison=1", host=host, headers=headers)
        if answer.status != 200 or b"evil.example" in answer.body or f"{HOST}:666".encode() in answer.body:
            return broke(f"Host {host} {headers}: {answer.status}, the poisoned host in the page")
        if f'content="{site.site_url}/en/parks/'.encode() not in answer.body:
            return broke(f"Host {host}: the page's own address is not from the site URL")
    return safe("other host names get no answer; pages name the site's own address whatever Host says")


def probe_sitemap_host(site):
    """Sitemap host: every <loc> and hreflang address comes from the site's URL, not the request."""
    answer = site.visitor().get("/sitemap.xml", host=f"{HOST}:666")
    addresses = re.findall(r"<loc>([^<]+)</loc>|href=\"([^\"]+)\"", answer.text)
    addresses = [loc or href for loc, href in addresses]
    foreign = [address for address in addresses if not address.startswith(site.site_url + "/")]
    if answer.status != 200 or not addresses or foreign:
        return broke(f"{answer.status}; {len(foreign)} addresses elsewhere, e.g. {foreign[:1]}")
    return safe(f"{len(addresses)} addresses, all under {site.site_url}")


def probe_language_switcher(site):
    """Language switcher: a visitor without a cookie on a shared link presses the other language."""
    cases = [("/zh-hans/parks/?province=jilin", "en", "zh-hans", "/en/parks/?province=jilin")]
    cases += [("/en/parks/coverage/", "zh-hans", "en", "/zh-hans/parks/coverage/")]
    for next_path, language, accept, expected in cases:
        visitor = site.visitor(headers={"Accept-Language": accept})
        answer = visitor.post("/i18n/setlang/", {"next": next_path, "language": language}, referer_path=next_path)
        if answer.status != 302 or answer.header("Location") != expected:
            return broke(f"{language} from {next_path}: {answer.status} to {answer.header('Location')}")
    return safe("each way, without a cookie, the switcher leads to the other language's page")


def probe_downloads_during_saves(site):
    """Data files under edits: the SQLite file and tables downloaded while parks are created and saved."""
    saver = subprocess.Popen(
        [sys.executable, "manage.py", "shell", "-c", SAVES_SCRIPT.format(seconds=6)],
        cwd=settings.BASE_DIR,
        env=site.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    for line in saver.stdout:  # the shell's own lines come first
        if line.strip() == "saving":
            break
    results, done = [], threading.Event()

    def download():
        downloader = site.signed_in("admin")  # signed in: past nginx's cache, every time
        paths = ["/data/rust-belt-parks.sqlite", "/data/park_industries.csv", "/data/parks.csv"]
        number = 0
        while not done.is_set():
            answer = downloader.get(paths[number % len(paths)])
            whole = answer.body.startswith(b"SQLite format 3\x00") if paths[number % 3].endswith("sqlite") else True
            results.append((answer.status, whole))
            number += 1

    workers = [threading.Thread(target=download) for _ in range(2)]
    for worker in workers:
        worker.start()
    saves = saver.stdout.readline().strip()
    done.set()
    for worker in workers:
        worker.join()
    if saver.wait():
        return broke(f"the editor's saves failed: {saver.stderr.read()[-300:]}")
    failed = [status for status, whole in results if status != 200 or not whole]
    if failed or not results:
        return broke(f"{len(failed)} of {len(results)} downloads failed ({sorted(set(failed))}) during {saves} saves")
    return safe(f"{len(results)} downloads during {saves} park saves: 0 errors")


def probe_login_lockout(site):
    """Sign-in lockout behind the proxy: wrong passwords with a forged X-Forwarded-For each time."""
    username = "probe-locked-out"
    attacker = site.visitor()
    for number in range(settings.AXES_FAILURE_LIMIT + 1):
        attacker.get("/admin/login/")
        attacker.headers["X-Forwarded-For"] = f"10.9.8.{number}"
        fields = {"username": username, "password": "wrong", "csrfmiddlewaretoken": attacker.cookies.get("csrftoken")}
        attacker.post("/admin/login/", fields)
    attacker.get("/admin/login/")
    fields = {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": attacker.cookies.get("csrftoken")}
    if attacker.post("/admin/login/", fields).status == 302:
        return broke("forging X-Forwarded-For escaped the lockout: the right password then signed in")
    other = site.visitor(address="127.0.0.2")
    other.get("/admin/login/")
    fields["csrfmiddlewaretoken"] = other.cookies.get("csrftoken")
    if other.post("/admin/login/", fields).status != 302:
        return broke("the lockout of one address kept the account's owner out from another")
    return safe(f"locked after {settings.AXES_FAILURE_LIMIT} failures despite forged addresses; others sign in")


def probe_no_server_errors(site):
    """Server errors: no 5xx answered, none logged by gunicorn or nginx, no worker killed."""
    time.sleep(0.3)  # the last lines of the logs
    gunicorn_log = site.gunicorn_log.read_text(errors="replace") if site.gunicorn_log.exists() else ""
    findings = [f"{len(site.server_errors)} answers 5xx ({'; '.join(site.server_errors[:2])})"] * bool(
        site.server_errors
    )
    for log, text, needles in (
        ("gunicorn", gunicorn_log, ("ERROR django.request", "WORKER TIMEOUT", "Traceback")),
        ("nginx", site.nginx_log(), ("worker_connections are not enough", "too big header", "[crit]", "[alert]")),
    ):
        findings += [f"{log} logged {text.count(needle)}x {needle!r}" for needle in needles if needle in text]
    if findings:
        return broke("; ".join(findings))
    return safe("every answer below 500; gunicorn's and nginx's logs hold no error")


PROBES = [
    probe_compression,
    probe_stale_pages,
    probe_language_cookie,
    probe_long_urls,
    probe_bad_parameters,
    probe_admin_junk,
    probe_host_poisoning,
    probe_sitemap_host,
    probe_language_switcher,
    probe_draft_leak,
    probe_csv_cells,
    probe_duplicate_columns,
    probe_xlsx_bombs,
    probe_downloads_during_saves,
    probe_login_lockout,
    probe_slow_clients,
    probe_no_server_errors,  # last: it reads what every other probe left in the logs
]


def run_probes(site, probes=PROBES):
    """[(probe, verdict, seconds)]: a probe that raises is broke, with the exception as its reason."""
    results = []
    for probe in probes:
        started = time.monotonic()
        try:
            verdict = probe(site)
        except Exception as error:  # A probe that cannot finish is a finding, not a crash of the suite.
            verdict = broke(f"the probe failed: {type(error).__name__}: {str(error)[:200]}")
        results.append((probe, verdict, time.monotonic() - started))
    return results


def report(site, results, seconds):
    lines = [
        f"Probes of the deployed build: gunicorn behind deploy/nginx.conf, {site.database}, cache in {site.cache}",
        "",
    ]
    for probe, verdict, took in results:
        name = probe.__name__.removeprefix("probe_").replace("_", "-")
        title = probe.__doc__.split(":")[0]
        lines.append(f"  {'safe ' if verdict.safe else 'BROKE'}  {name:<22} {took:5.1f} s  {title}: {verdict.reason}")
    safe_count = sum(verdict.safe for _, verdict, _ in results)
    lines += ["", f"Tried {len(results)}, safe {safe_count}, broke {len(results) - safe_count} ({seconds:.0f} s)"]
    return "\n".join(lines)
