"""Make a release from the command line (the same release as the admin's *Releases → Add*): for scripts, and
for a catalogue grown so large that freezing it takes longer than a web request may (BENCHMARKS.md)."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from releases.models import Release
from releases.snapshot import freeze


class Command(BaseCommand):
    help = "Make a release (number, date, notes in English and Chinese) of what is published now."

    def add_arguments(self, parser):
        parser.add_argument("number", help="1.0, 1.1, …")
        parser.add_argument("--date", type=date.fromisoformat, default=None, help="YYYY-MM-DD (default: today)")
        parser.add_argument("--notes", required=True, help="The release notes in English.")
        parser.add_argument("--notes-zh", required=True, help="The release notes in Chinese.")

    def handle(self, *args, number, date, notes, notes_zh, **options):
        release = Release(number=number, notes=notes, notes_zh=notes_zh)
        if date:
            release.date = date
        try:
            release.full_clean()
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        with transaction.atomic():
            release.save()
            # The frozen records' links start with the site's own address.
            freeze(release, settings.SITE_URL or "http://localhost")
        self.stdout.write(
            f"Release {release.number}: {release.entries.count()} records, {release.files.count()} files."
        )
