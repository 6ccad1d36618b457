from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from publishing.generation import one_invalidation
from publishing.loading import LoadReport


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
        # One transaction: a failing row leaves the database as it was. Each content app loads its own
        # files, in settings.CONTENT_APPS order (the catalogue's paths link to the article's sections).
        # One new content generation at the end, not one per saved record.
        with transaction.atomic(), one_invalidation():
            for label in settings.CONTENT_APPS:
                apps.get_app_config(label).load_content(report, force=force)
        # Skipped records are always listed: a researcher may want to compare them or use --force.
        listed = {"created": "created", "updated": "updated", "unchanged": "unchanged"} if verbosity >= 2 else {}
        if verbosity >= 1:
            listed["kept"] = "skipped (edited in the admin)"
        for kind, wording in listed.items():
            for label in getattr(report, kind):
                self.stdout.write(f"  {wording}: {label}")
        self.stdout.write(self.style.SUCCESS(f"Content loaded: {report.summary()}."))
