from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from publishing.backups import create_backup


class Command(BaseCommand):
    help = "Back up the content, its history, accounts and media files into one zip (restore with `restore`)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Where to write the zip, e.g. backups/rustbelt-2026-11-29.zip")
        parser.add_argument(
            "--no-verify",
            dest="verify",
            action="store_false",
            help="Skip restoring the new backup into a scratch database before reporting success.",
        )

    def handle(self, path, verify=True, **options):
        destination = Path(path)
        if destination.is_dir():
            raise CommandError(f"{destination} is a folder; give the zip's file name.")
        destination.parent.mkdir(parents=True, exist_ok=True)
        manifest = create_backup(destination, verify=verify)
        rows = sum(manifest["counts"].values())
        checked = " Verified: it restores into a scratch database." if verify else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {rows} rows and {len(manifest['media'])} media files to {destination}.{checked}"
            )
        )
