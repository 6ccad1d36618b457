import json
import os
import platform

from django.core.management.base import BaseCommand, CommandError

from rustbelt import benchmark


class Command(BaseCommand):
    help = (
        "Benchmark the public pages on synthetic catalogues (N synthetic parks + the researched ones), "
        "each in a new database: queries per page, CSV export memory, and p50/p95 latency from gunicorn."
    )

    def add_arguments(self, parser):
        parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
        parser.add_argument("--backends", nargs="+", choices=["sqlite", "postgresql"], default=["sqlite"])
        parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432/postgres",
                            help="A PostgreSQL database to connect to while creating and dropping the benchmark ones.")
        parser.add_argument("--requests", type=int, default=200, help="Requests per page and mode.")
        parser.add_argument("--concurrency", type=int, default=4, help="Client threads.")
        parser.add_argument("--workers", type=int, default=4, help="Gunicorn workers.")
        parser.add_argument("--cached", action="store_true", help="Also measure with the page cache on.")
        parser.add_argument(
            "--cold", action="store_true",
            help="Also measure with the aggregate cache off too: facet counts and matrix counted on every request.",
        )
        parser.add_argument("--json", help="Also write the raw results to this file.")
        # Used by the command itself, in a subprocess bound to one benchmark database.
        parser.add_argument("--internal-measure", type=int, help=argparse_suppress())

    def handle(self, *args, **options):
        if options["internal_measure"] is not None:
            self.stdout.write(json.dumps(benchmark.measure_in_process(options["internal_measure"])))
            return
        if min(options["sizes"]) < 1 or options["requests"] < options["concurrency"]:
            raise CommandError("Sizes must be positive and --requests at least --concurrency.")
        results = benchmark.run(
            options["sizes"], options["backends"], options["requests"], options["concurrency"],
            options["workers"], options["postgres_url"], options["cached"], log=self.log, cold=options["cold"],
        )
        self.stdout.write(report(results, options))
        if options["json"]:
            with open(options["json"], "w", encoding="utf-8") as output:
                json.dump(results, output, indent=2, default=str)

    def log(self, text):
        self.stderr.write(text)


MODE_LABELS = {
    "uncached": "page cache off, aggregate cache on",
    "cold": "page and aggregate caches off",
    "cached": "page cache on",
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
        rows = [r for r in results if r["backend"] == backend]
        sizes = " | ".join(f"{r['measured']['parks']:,} parks" for r in rows)
        lines += [f"### {backend}: queries per page, aggregate cache off / on", "", f"| Page | {sizes} |",
                  "|---" * (len(rows) + 1) + "|"]
        for label, _ in benchmark.endpoints():
            cells = " | ".join(queries_cell(r["measured"]["pages"][label]) for r in rows)
            lines.append(f"| {label} | {cells} |")
        modes = list(dict.fromkeys(mode for r in rows for mode in r["latency"]))
        for mode in modes:
            lines += ["", f"### {backend}: latency, {MODE_LABELS[mode]} (p50 / p95 ms)", "",
                      f"| Page | {sizes} |", "|---" * (len(rows) + 1) + "|"]
            for label, _ in benchmark.endpoints():
                cells = " | ".join(latency_cell(r["latency"][mode][label]) for r in rows)
                lines.append(f"| {label} | {cells} |")
        lines += ["", f"### {backend}: CSV export of every park, peak Python memory while streaming (tracemalloc)", "",
                  "| Parks | Rows | Peak |", "|---|---|---|"]
        for r in rows:
            m = r["measured"]
            lines.append(f"| {m['parks']:,} | {m['csv_rows']:,} | {m['csv_peak_bytes'] / 1024:,.0f} KiB |")
        lines.append("")
    return "\n".join(lines)
