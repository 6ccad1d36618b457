import io
import json
import os
import tempfile
from pathlib import Path
from unittest import mock

from django.core.management import call_command
from django.test import SimpleTestCase, TestCase

from tools import benchmark, benchmark_compare, benchmark_import
from tools.management.commands.benchmark import Command as BenchmarkCommand
from tools.management.commands.benchmark import report as report_of


class BenchmarkCommandTests(SimpleTestCase):
    """The benchmark is not part of the suite; this proves the command works end to end on 10 parks: its own
    database, migrate, load_content, the synthetic parks, gunicorn and the report. The aggregate-cache-off mode is
    only another environment for the same gunicorn run, and the memory run is tested in process below."""

    def test_runs_on_a_tiny_catalogue_in_its_own_database(self):
        output = io.StringIO()
        with tempfile.TemporaryDirectory() as folder:
            raw = Path(folder) / "results.json"
            call_command(
                BenchmarkCommand(),
                sizes=[10],
                requests=2,
                concurrency=1,
                workers=1,
                json=str(raw),
                stdout=output,
                stderr=io.StringIO(),
            )
            results = json.loads(raw.read_text())
        report = output.getvalue()
        self.assertIn("### sqlite: queries per page, aggregate cache off / on", report)
        self.assertIn("### sqlite: latency, from gunicorn, aggregate cache on", report)
        self.assertIn("| Park detail, Chinese |", report.split("every page type from gunicorn")[1])
        self.assertEqual(set(results[0]["latency"]), {"uncached"})
        measured = results[0]["measured"]
        self.assertGreaterEqual(measured["parks"], 10)
        self.assertEqual(measured["csv_rows"], measured["parks"])
        for label, _ in benchmark.endpoints():
            with self.subTest(page=label):
                self.assertEqual(measured["pages"][label]["status"], 200)
                self.assertGreater(measured["pages"][label]["queries"], 0)
                self.assertEqual(results[0]["latency"]["uncached"][label]["statuses"], [200])
        # The facet counts and the matrix come from the aggregate cache on a repeat visit.
        filtered = measured["pages"]["Park list, province + path"]
        self.assertLess(filtered["queries_aggregates_cached"], filtered["queries"])

        # A run with the aggregate cache off too (--cold) reports it beside the run with it on.
        results[0]["latency"]["cold"] = results[0]["latency"]["uncached"]
        options = {"requests": 2, "concurrency": 1, "workers": 1}
        self.assertIn("### sqlite: latency, from gunicorn, aggregate cache off", report_of(results, options))


class MemoryBenchmarkTests(TestCase):
    """`benchmark --memory-size N` streams every park's CSV and JSON in a process of its own; this runs that
    measurement in process, on a few parks, and reports it."""

    def test_measures_the_streamed_downloads_of_every_park(self):
        from parks.tests.factories import make_park

        for number in range(3):
            make_park(f"Memory Park {number}", slug=f"memory-park-{number}")
        output = io.StringIO()
        call_command(BenchmarkCommand(), internal_memory=0, stdout=output)
        memory = json.loads(output.getvalue())
        self.assertEqual(memory["parks"], 3)
        self.assertGreater(memory["CSV"]["bytes"], 0)
        self.assertGreater(memory["JSON"]["traced_peak_bytes"], 0)
        report = report_of(
            [{"backend": "sqlite", "size": 3, "memory": memory}], {"requests": 2, "concurrency": 1, "workers": 1}
        )
        self.assertIn("### sqlite: memory while streaming every one of 3 parks", report)


WRK_OUTPUT = """Running 8s test @ http://127.0.0.1:40001/parks/
  2 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    12.51ms    3.20ms  95.10ms   90.00%
    Req/Sec   160.12     20.01   200.00     70.00%
  Latency Distribution
     50%   11.80ms
     75%   13.02ms
     90%   15.50ms
     99%  820.00us
  2561 requests in 8.00s, 10.00MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:    320.05
Transfer/sec:      1.25MB
"""


class WrkOutputTests(SimpleTestCase):
    def test_reads_rate_percentiles_and_errors(self):
        measured = benchmark_compare.parse_wrk(WRK_OUTPUT)
        self.assertEqual(measured["rps"], 320.05)
        self.assertEqual(measured["p50"], 11.8)
        self.assertAlmostEqual(measured["p99"], 0.82)
        self.assertEqual(measured["max"], 95.1)
        self.assertEqual(measured["requests"], 2561)
        self.assertEqual(measured["errors"], 7)


class ImportBenchmarkTests(TestCase):
    """`benchmark --import-rows` times the admin's import of the admin's own export, repeated: this runs its
    in-process half on a tiny catalogue (the whole command needs migrate and load_content per backend)."""

    def test_times_the_preview_and_the_import_of_new_and_updated_parks(self):
        from parks.models import Park
        from parks.tests.factories import make_industry, make_park

        make_park("Jilin ETDZ", slug="jilin-etdz").industries.set([make_industry("fine chemicals")])
        output = io.StringIO()
        with mock.patch.dict(os.environ, {"BENCH_IMPORT_PASSWORD": "a long random test password"}):
            call_command(BenchmarkCommand(), internal_import=[3], stdout=output)
        measured = json.loads(output.getvalue())
        self.assertEqual(measured["shipped_parks"], 1)
        for kind in ("new", "update"):
            self.assertGreater(measured["sizes"]["3"][kind]["preview"], 0)
            self.assertGreater(measured["sizes"]["3"][kind]["confirm"], 0)
        self.assertEqual(Park.objects.filter(slug__startswith="inproc3-").count(), 3)
        self.assertTrue(Park.objects.filter(city__endswith="(edited)").exists())
        report = benchmark_import.report([{"backend": "sqlite", "in_process": measured}])
        self.assertIn("| 3 (0.0 MB) |", report)
