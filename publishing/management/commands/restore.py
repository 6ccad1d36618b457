from django.core.management.base import BaseCommand

from publishing.backups import restore_backup


class Command(BaseCommand):
    help = (
        "Restore a zip made by `backup` into this (migrated) database and MEDIA_ROOT, in one transaction. "
        "Refuses a database that already has content unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The backup zip")
        parser.add_argument(
            "--force", action="store_true", help="Delete the content already in this database and replace it."
        )

    def handle(self, path, force=False, **options):
        manifest = restore_backup(path, force=force)
        rows = sum(manifest["counts"].values())
        self.stdout.write(self.style.SUCCESS(
            f"Restored {rows} rows and {len(manifest['media'])} media files from {path} "
            f"(made {manifest['created_at']} on {manifest['database']})."
        ))
