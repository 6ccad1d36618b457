from django.core.management.base import BaseCommand

from publishing.backups import restore_backup, restore_into_scratch


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
        parser.add_argument(
            "--scratch",
            action="store_true",
            help="Only check that the backup restores: into an empty in-memory SQLite database, keeping nothing "
            "(`backup` does this itself). Needs DATABASE_URL to be SQLite.",
        )

    def handle(self, path, force=False, scratch=False, **options):
        manifest = restore_into_scratch(path) if scratch else restore_backup(path, force=force)
        rows = sum(manifest["counts"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {rows} rows and {len(manifest['media'])} media files from {path} "
                f"(made {manifest['created_at']} on {manifest['database']})."
            )
        )
