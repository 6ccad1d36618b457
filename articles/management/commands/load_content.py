from django.core.management.base import BaseCommand
from django.db import transaction

from articles.content import load_article, load_editorial_notes
from articles.content.series import load_series
from parks.content import load_catalogue
from rustbelt.loading import LoadReport


class Command(BaseCommand):
    help = (
        "Load the article and the parks catalogue shipped in the project. Idempotent; records "
        "edited in the admin are kept unless --force is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Overwrite records edited in the admin with the shipped content."
        )

    def handle(self, *args, force=False, verbosity=1, **options):
        report = LoadReport()
        # One transaction: a failing row leaves the database as it was.
        with transaction.atomic():
            load_article(report, force=force)
            load_catalogue(report, force=force)
            load_series(report, force=force)
            load_editorial_notes(report, force=force)
        # Skipped records are always listed: a researcher may want to compare them or use --force.
        listed = {"created": "created", "updated": "updated", "unchanged": "unchanged"} if verbosity >= 2 else {}
        if verbosity >= 1:
            listed["kept"] = "skipped (edited in the admin)"
        for kind, wording in listed.items():
            for label in getattr(report, kind):
                self.stdout.write(f"  {wording}: {label}")
        self.stdout.write(self.style.SUCCESS(f"Content loaded: {report.summary()}."))
