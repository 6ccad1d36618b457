"""The probe suite (tools/probe.py) against the deployed build behind the shipped nginx: 0 broke.

On CI's second pass (DATABASE_URL on PostgreSQL, REDIS_URL set) the build runs on PostgreSQL with Redis.
"""

import os
import sys
import time
from unittest import skipUnless

from django.test import SimpleTestCase, tag

from tools import servers
from tools.probe import PROBES, ProbeSite, report, run_probes


@skipUnless(os.path.exists(servers.NGINX), "needs nginx (make test installs it as root: apt-get install nginx)")
@tag("deployed")
class ProbeSuiteTests(SimpleTestCase):
    def test_every_probe_is_safe(self):
        with ProbeSite() as site:
            started = time.monotonic()
            results = run_probes(site)
            printed = report(site, results, time.monotonic() - started)
        sys.stderr.write("\n" + printed + "\n")
        self.assertEqual(len(results), len(PROBES))
        self.assertEqual([probe.__name__ for probe, verdict, _ in results if not verdict.safe], [], printed)
