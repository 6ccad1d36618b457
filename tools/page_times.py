"""Render time of every public page type, in-process, with DEBUG off (Django caches no page).

Against an existing database (build one with `manage.py benchmark --internal-populate N` after
`migrate` and `load_content`):

    DATABASE_URL=sqlite:////tmp/speed10k.sqlite3 python -m tools.page_times --runs 15

Each URL is requested once to warm the process (templates, compiled styles, per-generation
aggregates), then timed `--runs` times with Django's test client; the table gives the median in
milliseconds, its ratio to the home page in the same language, and the queries the page makes.
`--cold` empties Django's caches before every request: the first visitor after a save.
"""

import argparse
import os
import secrets
import statistics
import sys
import time


def configure():
    # Set before Django reads its settings: the production code paths, minus what needs a deployment.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tools.settings")
    os.environ["DJANGO_DEBUG"] = "0"  # DEBUG records every query and slows every page
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(40))
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver,localhost"
    os.environ["DJANGO_SECURE_SSL_REDIRECT"] = "0"
    os.environ["DJANGO_PLAIN_STATIC"] = "1"  # no collectstatic manifest needed
    os.environ["DJANGO_API_THROTTLE_RATE"] = "1000000/minute"


def pages():
    """(label, path) of every public page type, for one language prefix."""
    from parks.models import Park
    from tools.benchmark import ARTICLE_SLUG, SYNTHETIC_PREFIX

    researched = (
        Park.objects.published()
        .exclude(slug__startswith=SYNTHETIC_PREFIX)
        .order_by("pk")
        .values_list("slug", flat=True)
        .first()
    )
    return [
        ("Home", "/{lang}/"),
        ("Article", f"/{{lang}}/articles/{ARTICLE_SLUG}/"),
        ("Article figures", f"/{{lang}}/articles/{ARTICLE_SLUG}/figures/"),
        ("Park detail (synthetic)", f"/{{lang}}/parks/{SYNTHETIC_PREFIX}00001/"),
        ("Park detail (researched)", f"/{{lang}}/parks/{researched}/"),
        ("Catalogue, cards", "/{lang}/parks/"),
        ("Catalogue, table", "/{lang}/parks/?view=table"),
        ("Catalogue, filtered", "/{lang}/parks/?province=jilin&path=urbanization"),
        ("Province page", "/{lang}/parks/provinces/jilin/"),
        ("Path page", "/{lang}/parks/paths/urbanization/"),
        ("Coverage", "/{lang}/parks/coverage/"),
        ("Methodology", "/{lang}/parks/methodology/"),
        ("Search", "/{lang}/search/?q=Changchun"),
        ("Data page", "/data/"),
        ("API parks, page 1", "/api/v1/parks/"),
        ("map.json", "/{lang}/parks/map.json"),
    ]


def measure(client, urls, runs, cold):
    """{url: (median ms, queries)}; the URLs take turns, so a busy machine slows them all alike."""
    from django.core.cache import caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def get(url, language):
        # Unprefixed pages (the Data page, the API) follow the visitor's language.
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        response.content  # noqa: B018 - reads a streamed body too
        return response

    times = {url: [] for url in urls}
    queries = {}
    for url, language in urls:
        get(url, language)  # warms the process: templates, compiled styles, per-generation aggregates
        with CaptureQueriesContext(connection) as captured:
            response = get(url, language)
        if response.status_code != 200:
            raise SystemExit(f"{url}: status {response.status_code}")
        queries[url, language] = len(captured)
    for _ in range(runs):
        for url, language in urls:
            if cold:
                for cache in caches.all():
                    cache.clear()
            start = time.perf_counter()
            get(url, language)
            times[url, language].append((time.perf_counter() - start) * 1000)
    return {key: (statistics.median(values), queries[key]) for key, values in times.items()}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--cold", action="store_true", help="empty Django's caches before every request")
    parser.add_argument("--only", help="measure only pages whose label contains this text")
    options = parser.parse_args(argv)
    configure()
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    languages = ("en", "zh-hans")
    rows = [
        (label, [(path.format(lang=language), language) for language in languages])
        for label, path in pages()
        if not options.only or options.only.lower() in label.lower() or label == "Home"
    ]
    results = measure(Client(), [url for _label, urls in rows for url in urls], options.runs, options.cold)
    home = [results[url][0] for url in rows[0][1]]
    print(f"{connection.vendor}, median of {options.runs}{', cold caches' if options.cold else ''}")
    print("| Page | en ms | en × home | zh ms | zh × home | queries en/zh |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, urls in rows:
        cells = []
        for url, home_ms in zip(urls, home, strict=True):
            cells += [f"{results[url][0]:.1f}", f"{results[url][0] / home_ms:.1f}"]
        print(f"| {label} | {' | '.join(cells)} | {'/'.join(str(results[url][1]) for url in urls)} |")


if __name__ == "__main__":
    sys.exit(main())
