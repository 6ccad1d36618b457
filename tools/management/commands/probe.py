"""`make probe`: the deployed build behind the shipped nginx, attacked over HTTP (tools/probe.py); prints
each probe as safe or broke and exits non-zero if any broke."""

import time

from django.core.management.base import BaseCommand, CommandError

from tools.probe import PROBES, ProbeSite, report, run_probes


class Command(BaseCommand):
    help = "Start the deployed build behind deploy/nginx.conf and replay the known attacks on it."

    def add_arguments(self, parser):
        parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these probes, e.g. slow-clients")

    def handle(self, *args, only=None, **options):
        probes = [
            probe for probe in PROBES if not only or probe.__name__.removeprefix("probe_").replace("_", "-") in only
        ]
        started = time.monotonic()
        with ProbeSite() as site:
            self.stdout.write(f"Deployed build ready in {time.monotonic() - started:.0f} s; probing.")
            probing = time.monotonic()
            results = run_probes(site, probes)
            self.stdout.write(report(site, results, time.monotonic() - probing))
        if not all(verdict.safe for _, verdict, _ in results):
            raise CommandError("Some probes broke.")
