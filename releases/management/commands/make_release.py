"""Make a release outside a web request: at thousands of parks freezing takes longer than a request may."""

from datetime import date

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.http import HttpRequest

from releases.models import Release
from releases.snapshot import freeze


def site_request():
    """A request for the site's own origin: the frozen records' links are built from it."""
    request = HttpRequest()
    request.method, request.path = "GET", "/"
    request._current_scheme_host = settings.SITE_URL or "http://localhost"
    request.user = AnonymousUser()
    return request


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
            freeze(release, site_request())
        self.stdout.write(
            f"Release {release.number}: {release.entries.count()} records, {release.files.count()} files."
        )
