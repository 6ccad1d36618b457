"""Benchmark the public pages on synthetic catalogues of N parks, in a database of their own.

For each size: a fresh database (a temporary SQLite file, or a throwaway PostgreSQL database) copied
from one that `migrate` + `load_content` made once per engine, synthetic parks up to N, then
  * queries per page: the Django test client in a subprocess bound to that database;
  * CSV export memory: tracemalloc peak while consuming the streamed response, same subprocess;
  * latency: gunicorn on 127.0.0.1:<free port>, several client threads issuing real HTTP requests.
The parent process never touches the benchmark databases through Django's connections.
"""

import http.client
import json
import os
import random
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

from tools import servers

ARTICLE_SLUG = "industrial-real-estate-park-revitalization-in-major-rust-belts"
PROVINCES = ["liaoning", "jilin", "heilongjiang", "inner-mongolia"]
PATHS = ["urbanization", "re-urbanization", "co-city", None]
CITIES = ["Shenyang", "Dalian", "Changchun", "Jilin", "Harbin", "Daqing", "Hohhot", "Manzhouli", "Anshan", "Hunchun"]
ZONE_TYPES = ["etdz", "htz", "becz", "bonded", "epz", "other"]
SYNTHETIC_PREFIX = "synthetic-"


def endpoints():
    """(label, path) of every measured page type; the park detail is a synthetic park's page."""
    return [
        ("Home", "/en/"),
        ("Home, Chinese", "/zh-hans/"),
        ("Article", f"/en/articles/{ARTICLE_SLUG}/"),
        ("Article figures", f"/en/articles/{ARTICLE_SLUG}/figures/"),
        ("Park list", "/en/parks/"),
        ("Park list, table view", "/en/parks/?view=table"),
        ("Park list, province + path", "/en/parks/?province=jilin&path=urbanization"),
        ("Park list, search ?q=", "/en/parks/?q=Changchun"),
        ("Park detail", f"/en/parks/{SYNTHETIC_PREFIX}00001/"),
        ("Park detail, Chinese", f"/zh-hans/parks/{SYNTHETIC_PREFIX}00001/"),
        ("Province page", "/en/parks/provinces/jilin/"),
        ("Path page", "/en/parks/paths/urbanization/"),
        ("Coverage", "/en/parks/coverage/"),
        ("Methodology", "/en/parks/methodology/"),
        ("Site search", "/en/search/?q=Changchun"),
        ("Data page", "/data/"),
        ("API parks list", "/api/v1/parks/"),
        ("Map data (map.json, one province)", "/en/parks/map.json?province=jilin"),
        ("JSON export, one province", "/en/parks/export.json?province=jilin"),
        ("CSV export, all parks", "/en/parks/export.csv"),
    ]


# --- In the subprocess bound to the benchmark database ---------------------------------------


def populate(count):
    """`count` synthetic parks with two industries each, beside the researched catalogue."""
    from parks.models import DevelopmentPath, Industry, Park, Province

    rng = random.Random(89)  # The same catalogue on every run.
    # load_content has made these; get_or_create keeps the benchmark usable on a bare catalogue.
    provinces = {
        slug: Province.objects.get_or_create(slug=slug, defaults={"name_en": slug.title(), "name_zh": slug})[0]
        for slug in PROVINCES
    }
    paths = {
        slug: DevelopmentPath.objects.get_or_create(slug=slug, defaults={"name": slug.title(), "summary": slug})[0]
        for slug in PATHS
        if slug
    }
    industries = list(Industry.objects.all())
    parks = []
    for number in range(1, count + 1):
        province = PROVINCES[number % len(PROVINCES)]
        path = PATHS[(number // len(PROVINCES)) % len(PATHS)]
        city = CITIES[number % len(CITIES)]
        parks.append(
            Park(
                name_en=f"{city} Synthetic Zone {number:05d}",
                name_zh=f"{city}合成园区{number}",
                slug=f"{SYNTHETIC_PREFIX}{number:05d}",
                province=provinces[province],
                path=paths.get(path),
                city=city,
                zone_type=ZONE_TYPES[number % len(ZONE_TYPES)],
                level="national" if number % 3 else "provincial",
                established_year=1984 + number % 40,
                area_km2=round(rng.uniform(1, 300), 2),
                latitude=round(rng.uniform(39, 50), 5),
                longitude=round(rng.uniform(117, 131), 5),
                description=f"Synthetic park {number} for the benchmark: machinery, chemicals and logistics.",
                is_published=True,
            )
        )
    Park.objects.bulk_create(parks, batch_size=1000)
    if industries:
        through = Park.industries.through
        created = Park.objects.filter(slug__startswith=SYNTHETIC_PREFIX).values_list("pk", flat=True)
        links = [
            through(park_id=pk, industry_id=industries[(pk + offset) % len(industries)].pk)
            for pk in created
            for offset in (0, 1)
        ]
        through.objects.bulk_create(links, batch_size=2000, ignore_conflicts=True)
    # As in use: PostgreSQL's autovacuum gathers planner statistics within a minute of a bulk load
    # (SQLite gathers none unless asked). Measured right after the load, without them, PostgreSQL
    # guessed that one park matches `?q=`, scanned and sorted the whole table (12 ms at 10k parks)
    # instead of walking the name index until a page is full (1.4 ms).
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return Park.objects.count()


def measure_in_process(size):
    """Queries per page (test client) and the CSV export's peak traced memory."""
    import tracemalloc

    from django.test.utils import override_settings

    parks = populate(size)
    client = measuring_client()
    results = {}
    for label, path in endpoints():
        client.get(path)  # Warm Python-side caches (templates, URL resolver) and the aggregate cache.
        with override_settings(AGGREGATE_CACHE_SECONDS=0):
            status, queries, body_bytes = count_queries(client, path)
        results[label] = {
            "status": status,
            "queries": queries,  # Every count made afresh: a first visit.
            "queries_aggregates_cached": count_queries(client, path)[1],
            "bytes": body_bytes,
        }
    tracemalloc.start()
    response = client.get("/en/parks/export.csv")
    body = response.streaming_content if response.streaming else [response.content]
    rows = sum(chunk.count(b"\n") for chunk in body)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"parks": parks, "pages": results, "csv_rows": rows - 1, "csv_peak_bytes": peak}


def measure_memory(size):
    """Peak memory while streaming the CSV and the JSON of every park, on a catalogue of `size` parks.

    tracemalloc's peak counts what Python allocated during the download; the resident set size
    (ru_maxrss) is the whole process's peak, Django and the test client included.
    """
    import resource
    import tracemalloc

    from parks.models import Park

    # Size 0: the catalogue was filled by another process (--internal-populate), so this process's
    # peak resident set is the downloads' alone.
    parks = populate(size) if size else Park.objects.count()
    client = measuring_client()
    results = {"parks": parks}
    downloads = [("CSV", "/en/parks/export.csv"), ("JSON", "/en/parks/export.json")]
    client.get("/en/parks/export.csv?q=warm-up-nothing-matches")  # Imports, URL resolver, templates.
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for _, path in downloads:
        for _chunk in client.get(path).streaming_content:
            pass
    results["rss_growth_bytes"] = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024
    results["rss_before_bytes"] = before * 1024
    for label, path in downloads:
        tracemalloc.start()
        started = time.perf_counter()
        response = client.get(path)
        written = sum(len(chunk) for chunk in response.streaming_content)
        seconds = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        results[label] = {"bytes": written, "traced_peak_bytes": peak, "seconds_traced": seconds}
    results["max_rss_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return results


def measuring_client():
    """Django's test client, with the test environment that lets it in (its host is "testserver")."""
    from django.test import Client
    from django.test.utils import setup_test_environment

    try:
        setup_test_environment()
    except RuntimeError:
        pass  # Already set up: the test suite runs these measurements in its own process.
    return Client()


def count_queries(client, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
        body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, len(queries), len(body)


# --- In the parent: databases, gunicorn, load ---------------------------------------------------


class Target:
    """One benchmark database: created, used by subprocesses, dropped."""

    def __init__(self, backend, size, workdir, postgres_url):
        self.backend, self.size = backend, size
        if backend == "sqlite":
            self.path = workdir / f"bench-{size}.sqlite3"
            self.url = f"sqlite:///{self.path}"
        else:
            self.admin_url = postgres_url.rstrip("/")
            self.name = f"rb_bench_{size}_{os.getpid()}"
            self.url = f"{self.admin_url.rsplit('/', 1)[0]}/{self.name}"

    def create(self, template=None):
        """An empty database, or a copy of `template` (a Target no process is connected to)."""
        if self.backend == "postgresql":
            self.psql(f"DROP DATABASE IF EXISTS {self.name}")
            self.psql(f"CREATE DATABASE {self.name}" + (f" TEMPLATE {template.name}" if template else ""))
        elif template:
            shutil.copyfile(template.path, self.path)

    def drop(self):
        if self.backend == "postgresql":
            self.psql(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")

    def psql(self, statement):
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(statement)


def environment(database_url, aggregate_cache_seconds=None):
    aggregates = (
        {} if aggregate_cache_seconds is None else {"DJANGO_AGGREGATE_CACHE_SECONDS": str(aggregate_cache_seconds)}
    )
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_PLAIN_STATIC": "1",
        # Connections kept between requests, as docs/deploying.md advises for production.
        "DJANGO_CONN_MAX_AGE": os.environ.get("DJANGO_CONN_MAX_AGE", "60"),
        # wrk sends thousands of API requests a second from one address: far past a visitor's budget. The
        # throttle is tested (opendata/tests), not measured here.
        "DJANGO_API_THROTTLE_RATE": "1000000/second",
        # Each benchmark gets its own cache namespace (matters only with REDIS_URL).
        "DJANGO_CACHE_PREFIX": f"bench-{secrets.token_hex(4)}",
        **aggregates,
    }


def manage(env, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**env, "DJANGO_SETTINGS_MODULE": "tools.settings"},
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def load(port, path, requests, concurrency):
    """p50/p95 in milliseconds of `requests` GETs from `concurrency` keep-alive client threads."""
    timings, statuses, lock = [], set(), threading.Lock()
    per_thread = max(requests // concurrency, 1)

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        for _ in range(per_thread):
            status, elapsed = servers.request(port, path, connection)[:2]
            with lock:
                timings.append(elapsed * 1000)
                statuses.add(status)
        connection.close()

    for _ in range(2):
        servers.request(port, path)  # Warm-up: connections, imports, the database's caches.
    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    cuts = statistics.quantiles(timings, n=100, method="inclusive")
    return {"p50": statistics.median(timings), "p95": cuts[94], "n": len(timings), "statuses": sorted(statuses)}


# mode: aggregate cache seconds (None keeps the setting's default). Django caches no page: nginx does,
# and is measured in front of gunicorn by --compare. "uncached": the facet counts and the matrix are
# counted once per content generation, as in production. "cold": every count on every request.
MODES = {"uncached": None, "cold": 0}


def run(
    sizes,
    backends,
    requests,
    concurrency,
    workers,
    postgres_url,
    log,
    cold=False,
    compare_seconds=0,
    recycling_seconds=0,
    memory_size=0,
):
    from tools import benchmark_compare

    results = []
    workdir = Path(tempfile.mkdtemp(prefix="rustbelt-bench-"))
    try:
        for backend in backends:
            # The tables and the shipped content, made once per backend and copied for each database.
            content = Target(backend, "content", workdir, postgres_url)
            content.create()
            try:
                log(f"[{backend}] migrate, load_content")
                manage(environment(content.url), "migrate", "--noinput", "-v", "0")
                manage(environment(content.url), "load_content", "-v", "0")
                for size in sizes:
                    target = Target(backend, size, workdir, postgres_url)
                    target.create(template=content)
                    try:
                        env = environment(target.url)
                        log(f"[{backend} {size}] synthetic parks")
                        measured = json.loads(
                            manage(env, "benchmark", "--internal-measure", str(size)).splitlines()[-1]
                        )
                        modes = ["uncached"] + (["cold"] if cold else [])
                        latency = {}
                        for mode in modes:
                            latency[mode] = {}
                            with servers.gunicorn(environment(target.url, MODES[mode]), workers) as port:
                                for label, path in endpoints():
                                    log(f"[{backend} {size} {mode}] {label}")
                                    latency[mode][label] = load(port, path, requests, concurrency)
                        result = {"backend": backend, "size": size, "measured": measured, "latency": latency}
                        label = f"{backend} {size}"
                        if compare_seconds:
                            result["compare"] = benchmark_compare.compare(
                                target.url, environment, workers, compare_seconds, log, label
                            )
                        if recycling_seconds and size == max(sizes):
                            result["recycling"] = benchmark_compare.recycling(
                                target.url, environment, workers, recycling_seconds, log, label
                            )
                        results.append(result)
                    finally:
                        target.drop()
                if memory_size:
                    results.append(
                        measure_memory_in_database(backend, content, memory_size, workdir, postgres_url, log)
                    )
            finally:
                content.drop()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return results


def measure_memory_in_database(backend, content, size, workdir, postgres_url, log):
    target = Target(backend, size, workdir, postgres_url)
    target.create(template=content)
    try:
        env = environment(target.url)
        log(f"[{backend} {size}] memory while streaming every park")
        manage(env, "benchmark", "--internal-populate", str(size))
        memory = json.loads(manage(env, "benchmark", "--internal-memory", "0").splitlines()[-1])
        return {"backend": backend, "size": size, "memory": memory}
    finally:
        target.drop()
