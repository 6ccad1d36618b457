from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rustbelt.publishing.backups import create_backup


class Command(BaseCommand):
    help = "Back up the content, its history, accounts and media files into one zip (restore with `restore`)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Where to write the zip, e.g. backups/rustbelt-2026-11-29.zip")

    def handle(self, path, **options):
        destination = Path(path)
        if destination.is_dir():
            raise CommandError(f"{destination} is a folder; give the zip's file name.")
        destination.parent.mkdir(parents=True, exist_ok=True)
        manifest = create_backup(destination)
        rows = sum(manifest["counts"].values())
        self.stdout.write(self.style.SUCCESS(
            f"Backed up {rows} rows and {len(manifest['media'])} media files to {destination}."
        ))
