"""The side-by-side part of the benchmark (`manage.py benchmark --compare`): the site against Datasette
over the same rows and against nginx serving the same bytes, in one run, measured with wrk.

Throughput comes from `wrk` (Debian's package; `make bench` installs it with nginx and Datasette's
own virtualenv, .venv-bench, from requirements-bench.txt). Everything listens on loopback ports.
"""

import csv
import io
import re
import shutil
import sqlite3
import statistics
import subprocess
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from django.conf import settings

from tools import servers

WRK = shutil.which("wrk") or "/usr/bin/wrk"
DATASETTE = Path(settings.BASE_DIR) / ".venv-bench" / "bin" / "datasette"
ARTICLE = "/en/articles/industrial-real-estate-park-revitalization-in-major-rust-belts/"
# The site's pages straight from gunicorn (aggregate cache on): what a visitor gets for a page nginx has not cached.
SITE_PAGES = [
    ("filtered list with facets", "/en/parks/?province=jilin&path=urbanization"),
    ("JSON export, one province", "/en/parks/export.json?province=jilin"),
    ("catalogue search ?q=", "/en/parks/?q=Changchun"),
    ("map.json, one province", "/en/parks/map.json?province=jilin"),
    ("article", ARTICLE),
    ("home", "/en/"),
    ("park page", "/en/parks/synthetic-00001/"),
]
API_PARKS = ("API parks list", "/api/v1/parks/?province=jilin")
# Datasette over a table made from the site's CSV export: the same filter, five facets, the JSON of
# one province and its streamed CSV. Datasette pages its JSON (1,000 rows at most by default):
# it is started with max_returned_rows above any catalogue measured, so `_size=max` returns every
# row of the province, as the site's export does (the same rows on both sides).
DATASETTE_PAGES = [
    (
        "filtered list with facets",
        "/parks/parks?province=Jilin&path=Urbanization&_facet=province&_facet=path&_facet=zone_type"
        "&_facet=level&_facet=confidence",
    ),
    ("JSON export, one province", "/parks/parks.json?province=Jilin&_size=max&_shape=array"),
    # The API's first page of one province (50 parks, its default page size, with the filtered count and
    # a link to the next page) beside Datasette's JSON page of the same 50 rows (with its count and next token).
    (API_PARKS[0], "/parks/parks.json?province=Jilin&_size=50"),
]
DATASETTE_CSV = "/parks/parks.csv?_stream=on&_size=max"
# Above the largest one-province export the benchmark makes (a quarter of --memory-size's 100k).
DATASETTE_MAX_ROWS = 1_000_000
CACHED_PAGE = ARTICLE
NUMERIC = {
    "established_year": "INTEGER",
    "national_year": "INTEGER",
    "area_km2": "REAL",
    "latitude": "REAL",
    "longitude": "REAL",
}


def wrk(url, seconds, connections=4, threads=2, host=None):
    """req/s, latency percentiles (ms) and errors of `connections` keep-alive connections for `seconds`."""
    command = [WRK, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "30s"]
    if host:
        command += ["-H", f"Host: {host}"]
    output = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    return parse_wrk(output)


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def parse_wrk(output):
    percentiles = {
        f"p{int(float(share))}": float(value) * UNITS[unit]
        for share, value, unit in re.findall(r"^\s+(\d+(?:\.\d+)?)%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M)
    }
    latency = re.search(r"^\s+Latency\s+\S+\s+\S+\s+([\d.]+)(us|ms|s|m)", output, re.M)
    if latency:
        percentiles["max"] = float(latency[1]) * UNITS[latency[2]]
    rate = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    requests = re.search(r"(\d+) requests in", output)
    return {
        "rps": float(rate[1]) if rate else 0.0,
        **percentiles,
        "requests": int(requests[1]) if requests else 0,
        "errors": errors + (int(non_2xx[1]) if non_2xx else 0),
    }


def download_seconds(port, path, times=3, connect=None):
    """Median seconds of one client downloading the whole response, `times` times in a row."""
    timings = []
    for _ in range(times):
        status, seconds, _, body = servers.request(port, path, connect=connect)
        if status != 200 or not body:
            raise RuntimeError(f"{path} answered {status}")
        timings.append(seconds)
    return statistics.median(timings), len(body)


def csv_to_sqlite(body, database):
    """The site's CSV export as a Datasette table `parks` (no indexes: the export's rows as they are)."""
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    header, rows = rows[0], rows[1:]
    columns = ", ".join(f'"{name}" {NUMERIC.get(name, "TEXT")}' for name in header)
    with sqlite3.connect(database) as connection:
        connection.execute(f"CREATE TABLE parks ({columns})")
        connection.executemany(
            f"INSERT INTO parks VALUES ({', '.join('?' * len(header))})",
            (
                [None if (value == "" and header[i] in NUMERIC) else value for i, value in enumerate(row)]
                for row in rows
            ),
        )
    return len(rows)


class Datasette:
    def __init__(self, database):
        self.database, self.port = database, servers.free_port()

    def __enter__(self):
        self.process = subprocess.Popen(
            [
                str(DATASETTE),
                "serve",
                str(self.database),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "--setting",
                "sql_time_limit_ms",
                "20000",
                "--setting",
                "facet_time_limit_ms",
                "5000",
                "--setting",
                "max_returned_rows",
                str(DATASETTE_MAX_ROWS),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        servers.wait_for(self.port, "/-/versions.json", 30, self.process)
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=15)


def site_has(port, path):
    return servers.request(port, path)[0] == 200


def compare(target_url, environment, workers, seconds, log, label):
    """One size of one database: the site, Datasette and nginx side by side."""
    result = {"site": {}, "datasette": {}, "nginx": {}}
    folder = Path(tempfile.mkdtemp(prefix="rustbelt-compare-"))
    folder.chmod(0o755)
    try:
        static_root = folder / "static"
        (static_root / "bench").mkdir(parents=True)
        media_root = folder / "media"
        media_root.mkdir()
        with servers.gunicorn(environment(target_url), workers) as port:
            pages = SITE_PAGES + ([API_PARKS] if site_has(port, API_PARKS[1]) else [])
            for name, path in pages:
                log(f"[{label}] site: {name}")
                servers.request(port, path)  # Warm the aggregate cache and the workers.
                result["site"][name] = wrk(f"http://127.0.0.1:{port}{path}", seconds, host="127.0.0.1")
            log(f"[{label}] site: CSV of every park")
            seconds_csv, csv_bytes = download_seconds(port, "/en/parks/export.csv")
            result["site"]["CSV of every park, one download (s)"] = seconds_csv
            body = servers.request(port, "/en/parks/export.csv")[3]
        rows = csv_to_sqlite(body, folder / "parks.db")
        result["rows"], result["csv_bytes"] = rows, csv_bytes
        with Datasette(folder / "parks.db") as datasette:
            for name, path in DATASETTE_PAGES:
                if name not in result["site"]:
                    continue  # A site without the API (an older checkout): nothing to compare with.
                log(f"[{label}] datasette: {name}")
                servers.request(datasette.port, path)
                result["datasette"][name] = wrk(f"http://127.0.0.1:{datasette.port}{path}", seconds)
            log(f"[{label}] datasette: CSV of every park")
            result["datasette"]["CSV of every park, one download (s)"] = download_seconds(
                datasette.port, DATASETTE_CSV
            )[0]
        # The cached page: the article through deploy/nginx.conf's cache, beside the same bytes as a
        # static file from that nginx, and from nginx at its simplest.
        with ExitStack() as stack:
            port = stack.enter_context(servers.gunicorn(environment(target_url), workers))
            page = servers.request(port, CACHED_PAGE)[3]
            (static_root / "bench" / "page.html").write_bytes(page)
            result["cached_page_bytes"] = len(page)
            _, https_port, _ = stack.enter_context(servers.nginx(port, static_root, media_root, "localhost"))
            base = f"https://127.0.0.1:{https_port}"
            connect = servers.https_connector("localhost")
            servers.request(https_port, CACHED_PAGE, connect=connect)
            log(f"[{label}] nginx: cached page, static file of the same bytes")
            result["nginx"]["cached page through nginx's cache"] = wrk(base + CACHED_PAGE, seconds, host="localhost")
            result["nginx"]["static file of the same bytes"] = wrk(
                base + "/static/bench/page.html", seconds, host="localhost"
            )
            plain = stack.enter_context(servers.nginx_static(static_root))
            log(f"[{label}] nginx: the same bytes over plain HTTP")
            result["nginx"]["static file of the same bytes, plain HTTP"] = wrk(
                f"http://127.0.0.1:{plain}/bench/page.html", seconds
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return result


def recycling(target_url, environment, workers, seconds, log, label, settings_to_try=(1000, 20000, 0)):
    """p50/p99/max of the home page under constant load with gunicorn's max_requests at each value.

    Every request is rendered (nginx, which would answer most of them, is not in front), so
    max_requests=1000 recycles each worker several times within the measurement.
    """
    results = {}
    for max_requests in settings_to_try:
        env = {**environment(target_url), "GUNICORN_MAX_REQUESTS": str(max_requests)}
        with servers.gunicorn(env, workers) as port:
            path = "/en/"
            servers.request(port, path)
            log(f"[{label}] worker recycling: max_requests={max_requests}")
            started = time.monotonic()
            results[str(max_requests)] = {
                **wrk(f"http://127.0.0.1:{port}{path}", seconds, host="127.0.0.1"),
                "seconds": round(time.monotonic() - started, 1),
            }
    return results
