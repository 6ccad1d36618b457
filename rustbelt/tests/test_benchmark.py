import io
import json
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.test import SimpleTestCase

from rustbelt import benchmark


class BenchmarkCommandTests(SimpleTestCase):
    """The benchmark is not part of the suite; this proves the command works end to end on 10 parks."""

    def test_runs_on_a_tiny_catalogue_in_its_own_database(self):
        output = io.StringIO()
        with tempfile.TemporaryDirectory() as folder:
            raw = Path(folder) / "results.json"
            call_command("benchmark", sizes=[10], requests=4, concurrency=2, workers=1, json=str(raw), cold=True,
                         stdout=output, stderr=io.StringIO())
            results = json.loads(raw.read_text())
        report = output.getvalue()
        self.assertIn("### sqlite: queries per page, aggregate cache off / on", report)
        self.assertIn("### sqlite: latency, page cache off, aggregate cache on", report)
        self.assertIn("### sqlite: latency, page and aggregate caches off", report)
        self.assertEqual(set(results[0]["latency"]), {"uncached", "cold"})
        measured = results[0]["measured"]
        self.assertGreaterEqual(measured["parks"], 10)
        self.assertEqual(measured["csv_rows"], measured["parks"])
        for label, _ in benchmark.endpoints():
            with self.subTest(page=label):
                self.assertEqual(measured["pages"][label]["status"], 200)
                self.assertGreater(measured["pages"][label]["queries"], 0)
        # The facet counts and the matrix come from the aggregate cache on a repeat visit.
        filtered = measured["pages"]["Park list, province + path"]
        self.assertLess(filtered["queries_aggregates_cached"], filtered["queries"])
