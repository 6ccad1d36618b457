import json
import os
import platform

from django.core.management.base import BaseCommand, CommandError

from tools import benchmark, benchmark_import


class Command(BaseCommand):
    help = (
        "Benchmark the public pages on synthetic catalogues (N synthetic parks + the researched ones), "
        "each in a new database: queries per page, CSV export memory, and p50/p95 latency from gunicorn."
    )

    def add_arguments(self, parser):
        parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
        parser.add_argument("--backends", nargs="+", choices=["sqlite", "postgresql"], default=["sqlite"])
        parser.add_argument(
            "--postgres-url",
            default="postgres://postgres@127.0.0.1:5432/postgres",
            help="A PostgreSQL database to connect to while creating and dropping the benchmark ones.",
        )
        parser.add_argument("--requests", type=int, default=200, help="Requests per page and mode.")
        parser.add_argument("--concurrency", type=int, default=4, help="Client threads.")
        parser.add_argument("--workers", type=int, default=4, help="Gunicorn workers.")
        parser.add_argument(
            "--cold",
            action="store_true",
            help="Also measure with the aggregate cache off too: facet counts and matrix counted on every request.",
        )
        parser.add_argument("--json", help="Also write the raw results to this file.")
        parser.add_argument(
            "--compare",
            type=int,
            default=0,
            metavar="SECONDS",
            help="Also measure side by side with Datasette and nginx (wrk, SECONDS per measurement; make bench).",
        )
        parser.add_argument(
            "--recycling",
            type=int,
            default=0,
            metavar="SECONDS",
            help="Also load a park page for SECONDS with gunicorn's max_requests at 1000, 20000 and off (largest size).",
        )
        parser.add_argument(
            "--memory-size",
            type=int,
            default=0,
            help="Also measure memory while streaming the exports of this many synthetic parks.",
        )
        parser.add_argument(
            "--import-rows",
            type=int,
            nargs="+",
            metavar="ROWS",
            help="Instead of the pages, time the admin's park import of files of these sizes.",
        )
        parser.add_argument("--internal-import", type=int, nargs="+", help=argparse_suppress())
        parser.add_argument("--internal-memory", type=int, help=argparse_suppress())
        parser.add_argument("--internal-populate", type=int, help=argparse_suppress())
        # Used by the command itself, in a subprocess bound to one benchmark database.
        parser.add_argument("--internal-measure", type=int, help=argparse_suppress())

    def handle(self, *args, **options):
        if options["internal_populate"] is not None:
            self.stdout.write(json.dumps(benchmark.populate(options["internal_populate"])))
            return
        if options["internal_memory"] is not None:
            self.stdout.write(json.dumps(benchmark.measure_memory(options["internal_memory"])))
            return
        if options["internal_import"]:
            measured = benchmark_import.measure_in_process(
                options["internal_import"], os.environ["BENCH_IMPORT_PASSWORD"]
            )
            self.stdout.write(json.dumps(measured))
            return
        if options["import_rows"]:
            results = benchmark_import.run(
                options["import_rows"], options["backends"], options["postgres_url"], self.log
            )
            self.stdout.write(benchmark_import.report(results))
            return
        if options["internal_measure"] is not None:
            self.stdout.write(json.dumps(benchmark.measure_in_process(options["internal_measure"])))
            return
        if min(options["sizes"]) < 1 or options["requests"] < options["concurrency"]:
            raise CommandError("Sizes must be positive and --requests at least --concurrency.")
        results = benchmark.run(
            options["sizes"],
            options["backends"],
            options["requests"],
            options["concurrency"],
            options["workers"],
            options["postgres_url"],
            log=self.log,
            cold=options["cold"],
            compare_seconds=options["compare"],
            recycling_seconds=options["recycling"],
            memory_size=options["memory_size"],
        )
        self.stdout.write(report(results, options))
        if options["json"]:
            with open(options["json"], "w", encoding="utf-8") as output:
                json.dump(results, output, indent=2, default=str)

    def log(self, text):
        self.stderr.write(text)


MODE_LABELS = {
    "uncached": "from gunicorn, aggregate cache on",
    "cold": "from gunicorn, aggregate cache off",
}


def argparse_suppress():
    import argparse

    return argparse.SUPPRESS


def queries_cell(page):
    return f"{page['queries']} / {page['queries_aggregates_cached']} ({page['status']})"


def latency_cell(timing):
    cell = "{p50:.1f} / {p95:.1f}".format(**timing)
    # Anything but 200 means the number measured an error page: show it.
    return cell if timing["statuses"] == [200] else f"{cell} (HTTP {timing['statuses']})"


def report(results, options):
    """Markdown tables: queries per page, latency per page and size, CSV export memory."""
    lines = [
        f"Machine: {platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} CPUs. "
        f"{options['requests']} requests per page from {options['concurrency']} keep-alive client threads, "
        f"gunicorn with {options['workers']} sync workers.",
        "",
    ]
    for backend in dict.fromkeys(r["backend"] for r in results):
        memory = [r for r in results if r["backend"] == backend and "memory" in r]
        rows = [r for r in results if r["backend"] == backend and "measured" in r]
        sizes = " | ".join(f"{r['measured']['parks']:,} parks" for r in rows)
        lines += [
            f"### {backend}: queries per page, aggregate cache off / on",
            "",
            f"| Page | {sizes} |",
            "|---" * (len(rows) + 1) + "|",
        ]
        for label, _ in benchmark.endpoints():
            cells = " | ".join(queries_cell(r["measured"]["pages"][label]) for r in rows)
            lines.append(f"| {label} | {cells} |")
        modes = list(dict.fromkeys(mode for r in rows for mode in r["latency"]))
        for mode in modes:
            lines += [
                "",
                f"### {backend}: latency, {MODE_LABELS[mode]} (p50 / p95 ms)",
                "",
                f"| Page | {sizes} |",
                "|---" * (len(rows) + 1) + "|",
            ]
            for label, _ in benchmark.endpoints():
                cells = " | ".join(latency_cell(r["latency"][mode][label]) for r in rows)
                lines.append(f"| {label} | {cells} |")
        lines += [""] + page_types_report(backend, rows)
        lines += [
            f"### {backend}: CSV export of every park, peak Python memory while streaming (tracemalloc)",
            "",
            "| Parks | Rows | Peak |",
            "|---|---|---|",
        ]
        for r in rows:
            m = r["measured"]
            lines.append(f"| {m['parks']:,} | {m['csv_rows']:,} | {m['csv_peak_bytes'] / 1024:,.0f} KiB |")
        lines.append("")
        lines += comparison_report(backend, rows) + recycling_report(backend, rows) + memory_report(backend, memory)
    return "\n".join(lines)


def page_types_report(backend, rows):
    """Every page type's p50 from gunicorn beside the home page's, at each size."""
    lines = []
    for r in rows:
        latency = r["latency"]["uncached"]
        home = latency["Home"]["p50"]
        lines += [
            f"### {backend}, {r['measured']['parks']:,} parks: every page type from gunicorn, p50 beside the home page's",
            "",
            "| Page | p50 ms | × home |",
            "|---|---|---|",
        ]
        for label, _ in benchmark.endpoints():
            if label.startswith(("JSON export", "CSV export")):
                continue  # downloads, measured against Datasette instead
            lines.append(f"| {label} | {latency[label]['p50']:.1f} | **{latency[label]['p50'] / home:.2f}×** |")
        lines.append("")
    return lines


def rate(measure):
    return f"{measure['rps']:,.0f} req/s" + (f" ({measure['errors']} errors)" if measure.get("errors") else "")


def comparison_report(backend, rows):
    """Per size: the site beside Datasette and nginx, with ratios; then the targets across sizes."""
    lines = []
    for r in (r for r in rows if "compare" in r):
        c, parks = r["compare"], r["measured"]["parks"]
        site, datasette, nginx = c["site"], c["datasette"], c["nginx"]
        lines += [
            f"### {backend}, {parks:,} parks: side by side (wrk, 4 connections)",
            "",
            "| Measure | The site | Compared with | Ratio |",
            "|---|---|---|---|",
        ]
        for name in ("filtered list with facets", "JSON export, one province", "API parks list"):
            if name not in datasette:
                continue
            lines.append(
                f"| {name} | {rate(site[name])} | Datasette {rate(datasette[name])} | "
                f"**{site[name]['rps'] / datasette[name]['rps']:.2f}×** |"
            )
        csv_name = "CSV of every park, one download (s)"
        lines.append(
            f"| CSV of every park ({c['rows']:,} rows, {c['csv_bytes'] / 1e6:.1f} MB), one download | "
            f"{site[csv_name]:.3f} s | Datasette stream {datasette[csv_name]:.3f} s | "
            f"**{site[csv_name] / datasette[csv_name]:.2f}×** the time |"
        )
        article, home = site["article"], site["home"]
        lines.append(
            f"| article, from gunicorn | {rate(article)}, p50 {article['p50']:.1f} ms | "
            f"home {rate(home)}, p50 {home['p50']:.1f} ms | **{home['rps'] / article['rps']:.2f}×** "
            "the home page's time |"
        )
        static = nginx["static file of the same bytes"]
        proxied = nginx["cached page through nginx's cache"]
        lines.append(
            f"| cached page through deploy/nginx.conf (HTTPS) | {rate(proxied)} | the same nginx, same bytes "
            f"as a static file (HTTPS): {rate(static)} | **{100 * proxied['rps'] / static['rps']:.1f} %** |"
        )
        for name in ("catalogue search ?q=", "map.json, one province", "park page"):
            if name in site:
                lines.append(
                    f"| {name} | {rate(site[name])}, p50 {site[name]['p50']:.1f} ms, "
                    f"p99 {site[name]['p99']:.1f} ms | | |"
                )
        lines.append("")
    compared = [r for r in rows if "compare" in r]
    if len(compared) >= 2:
        small, large = compared[0], compared[-1]
        lines += [
            f"### {backend}: growth from {small['measured']['parks']:,} to {large['measured']['parks']:,} parks "
            "(p50 under load, wrk)",
            "",
            "| Page | p50 small | p50 large | Ratio |",
            "|---|---|---|---|",
        ]
        for name in ("catalogue search ?q=", "map.json, one province", "filtered list with facets"):
            a, b = small["compare"]["site"][name]["p50"], large["compare"]["site"][name]["p50"]
            lines.append(f"| {name} | {a:.1f} ms | {b:.1f} ms | **{b / a:.2f}×** |")
        lines.append("")
    return lines


def recycling_report(backend, rows):
    lines = []
    for r in (r for r in rows if "recycling" in r):
        lines += [
            f"### {backend}, {r['measured']['parks']:,} parks: gunicorn worker recycling under load "
            "(the home page, rendered, wrk 4 connections)",
            "",
            "| max_requests | req/s | p50 ms | p99 ms | max ms | errors |",
            "|---|---|---|---|---|---|",
        ]
        for setting, m in r["recycling"].items():
            label = "0 (off)" if setting == "0" else f"{int(setting):,} (jitter {int(setting) // 2:,})"
            lines.append(
                f"| {label} | {m['rps']:,.0f} | {m['p50']:.1f} | {m['p99']:.1f} | {m.get('max', 0):.1f} | "
                f"{m['errors']} |"
            )
        lines.append("")
    return lines


def memory_report(backend, memory):
    lines = []
    for r in memory:
        m = r["memory"]
        lines += [
            f"### {backend}: memory while streaming every one of {m['parks']:,} parks",
            "",
            "| Download | Bytes | Peak traced by tracemalloc | Time (traced) |",
            "|---|---|---|---|",
        ]
        for label in ("CSV", "JSON"):
            d = m[label]
            lines.append(
                f"| {label} | {d['bytes'] / 1e6:,.1f} MB | {d['traced_peak_bytes'] / 2**20:,.1f} MiB | "
                f"{d['seconds_traced']:.1f} s |"
            )
        lines += [
            "",
            f"The process's resident set grew by {m['rss_growth_bytes'] / 2**20:,.1f} MiB while streaming "
            f"both downloads (untraced; {m['rss_before_bytes'] / 2**20:,.0f} MiB before, Django and the "
            f"test client loaded); its peak with tracemalloc on was {m['max_rss_bytes'] / 2**20:,.0f} MiB.",
            "",
        ]
    return lines
