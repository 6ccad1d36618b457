from django.core.management.base import BaseCommand

from publishing.imports import expire_pending_imports


class Command(BaseCommand):
    help = "Delete import previews not confirmed within settings.IMPORT_PENDING_MAX_AGE seconds (run it from cron)."

    def handle(self, *args, **options):
        deleted = expire_pending_imports()
        if options["verbosity"] > 0:
            self.stdout.write(f"{deleted} expired import preview(s) deleted.")
