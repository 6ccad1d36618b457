"""Backups that restore even when taken during saves, checked before they are reported, kept private,
and complete down to the admin log and the microsecond."""

import json
import os
import stat
import threading
import time
import unittest
import zipfile
from datetime import UTC, datetime
from unittest import mock

from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import close_old_connections, connection
from django.test import TestCase, TransactionTestCase

from parks.models import Industry, Park
from parks.tests.factories import make_industry, make_park
from publishing.backups import restore_backup
from publishing.testing import make_staff
from rustbelt.tests.workflow.test_backup import BackupTestMixin, run


class BackupSafetyTests(BackupTestMixin, TestCase):
    def test_the_zip_is_readable_by_its_owner_only(self):
        make_park()
        archive = self.folder / "site.zip"
        run("backup", archive, verify=False)
        self.assertEqual(stat.S_IMODE(os.stat(archive).st_mode), 0o600)

    def test_admin_log_and_microseconds_survive_the_round_trip(self):
        editor = make_staff("eddie", "Editors")
        park = make_park()
        precise = datetime(2026, 11, 29, 3, 4, 5, 123456, tzinfo=UTC)
        park.history.update(history_date=precise)
        LogEntry.objects.create(
            user=editor,
            content_type=ContentType.objects.get_for_model(Park),
            object_id=str(park.pk),
            object_repr=str(park),
            action_flag=ADDITION,
            change_message="Added by hand",
        )
        archive = self.folder / "site.zip"
        output = run("backup", archive)
        self.assertIn("Verified: it restores into a scratch database.", output)
        rows = json.loads(zipfile.ZipFile(archive).read("data.json"))
        self.assertIn("admin.logentry", {row["model"] for row in rows})

        LogEntry.objects.all().delete()
        with self.captureOnCommitCallbacks(execute=True):
            restore_backup(archive, force=True)
        self.assertEqual(Park.objects.get().history.get().history_date, precise)
        self.assertEqual(LogEntry.objects.get().change_message, "Added by hand")

    def test_a_backup_that_does_not_restore_is_refused_and_not_kept(self):
        make_park()
        archive = self.folder / "site.zip"
        # A manifest that disagrees with the data, as a dump outside one snapshot could produce.
        with mock.patch("publishing.backups.content_counts", return_value={"parks.Park": 99}):
            with self.assertRaisesMessage(CommandError, "The backup does not restore, so it was not kept"):
                run("backup", archive)
        self.assertEqual(list(self.folder.glob("site.zip*")), [])


class ModelsMatchMigrationsTests(TestCase):
    # A backup is verified in a database whose tables are made from the models, not by the migrations.
    def test_the_migrations_describe_the_models(self):
        call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@unittest.skipUnless(
    connection.vendor == "postgresql",
    "needs a second connection writing during the backup: run with DATABASE_URL=postgres://…",
)
class BackupDuringSavesTests(BackupTestMixin, TransactionTestCase):
    """Industries are created, linked and deleted every few milliseconds while backups run."""

    def churn(self, stop):
        park = Park.objects.get()
        n = 0
        while not stop.is_set():
            n += 1
            industry = make_industry(f"churn {n}")
            park.industries.add(industry)
            if n > 1:
                Industry.objects.filter(name=f"churn {n - 1}").delete()
            time.sleep(0.005)
        close_old_connections()

    def test_every_backup_restores(self):
        make_park()
        stop = threading.Event()
        writer = threading.Thread(target=self.churn, args=(stop,))
        writer.start()
        try:
            for n in range(3):
                # verify=True (the default) restores each one into a scratch database.
                self.assertIn("Verified", run("backup", self.folder / f"site-{n}.zip"))
        finally:
            stop.set()
            writer.join()
