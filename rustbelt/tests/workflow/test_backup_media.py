"""Backups hold the media files their database names, even when a photo is replaced or a file disappears while
the backup runs; a backup that cannot hold them fails with a clear message and leaves nothing behind."""

import json
import zipfile
from pathlib import Path
from unittest import mock

from django.core.management.base import CommandError
from django.test import TestCase

from parks.models import Park
from publishing import backups
from publishing import testing as images
from rustbelt.tests.workflow.test_backup import BackupTestMixin, media_bytes, run


class BackupMediaTests(BackupTestMixin, TestCase):
    def setUp(self):
        super().setUp()
        self.park = self.make_content()
        self.archive = self.folder / "site.zip"

    def replace_photo(self):
        """An editor uploads a new photo: the old file and its copies are deleted once the save commits."""
        with self.captureOnCommitCallbacks(execute=True):
            park = Park.objects.get(pk=self.park.pk)
            park.photo = images.upload(images.photo_bytes(900, 600), name="new-gate.jpg")
            park.save()
        return park.photo.name

    def named_files(self):
        """What the backup's rows name, and what it holds."""
        with zipfile.ZipFile(self.archive) as archive:
            rows = json.loads(archive.read("data.json"))
        named = {row["fields"]["photo"] for row in rows if row["model"] == "parks.park"}
        return named, media_bytes(self.archive)

    def after_first_call(self, name, action):
        """Patch `name` in the backup module so that `action` runs once, right after its first call."""
        real, calls = getattr(backups, name), []

        def wrapper(*args, **kwargs):
            result = real(*args, **kwargs)
            if not calls:
                calls.append(action())
            return result

        return mock.patch.object(backups, name, wrapper)

    def test_a_photo_replaced_after_the_database_snapshot_is_in_the_backup(self):
        old_name = self.park.photo.name
        old_bytes = (self.media_root / old_name).read_bytes()
        # content_counts runs inside the snapshot, after the dump.
        with self.after_first_call("content_counts", self.replace_photo):
            run("backup", self.archive, verify=False)
        self.assertFalse((self.media_root / old_name).exists())  # replaced meanwhile
        named, packed = self.named_files()
        self.assertEqual(named, {old_name})
        self.assertEqual(packed[f"media/{old_name}"], old_bytes)
        backups.check_media(self.archive)

    def test_a_photo_replaced_between_the_media_copy_and_the_snapshot_is_in_the_backup(self):
        new_names = []
        with self.after_first_call("copy_media_files", lambda: new_names.append(self.replace_photo())):
            run("backup", self.archive, verify=False)
        named, packed = self.named_files()
        self.assertEqual(named, set(new_names))
        self.assertEqual(packed[f"media/{new_names[0]}"], (self.media_root / new_names[0]).read_bytes())

    def test_a_named_file_that_disappears_fails_the_backup_cleanly(self):
        photo = self.media_root / self.park.photo.name
        with self.after_first_call("media_files", photo.unlink):
            with self.assertRaisesMessage(
                CommandError,
                f"not in the media folder (removed during the backup, or lost before): {self.park.photo.name}",
            ):
                run("backup", self.archive, verify=False)
        self.assertEqual(list(self.folder.glob("site.zip*")), [])

    def test_a_file_no_row_names_that_disappears_is_left_out(self):
        rendition = next(path for path in self.media_root.rglob("*w.jpg"))
        with self.after_first_call("media_files", rendition.unlink):
            manifest = backups.create_backup(self.archive, verify=False)
        name = rendition.relative_to(self.media_root).as_posix()
        self.assertNotIn(name, manifest["media"])
        self.assertNotIn(f"media/{name}", media_bytes(self.archive))
        self.assertIn(self.park.photo.name, manifest["media"])

    def test_verification_refuses_a_backup_without_a_named_file(self):
        run("backup", self.archive, verify=False)
        stripped = self.folder / "stripped.zip"
        with zipfile.ZipFile(self.archive) as source, zipfile.ZipFile(stripped, "w") as target:
            for item in source.infolist():
                if item.filename != f"media/{self.park.photo.name}":
                    target.writestr(item, source.read(item))
        with self.assertRaisesMessage(
            CommandError, f"lacks media files its database names, so it was not kept: {self.park.photo.name}"
        ):
            backups.verify_backup(stripped)

    def test_a_write_failure_leaves_no_partial_file(self):
        with mock.patch.object(zipfile.ZipFile, "write", side_effect=OSError("No space left on device")):
            with self.assertRaises(OSError):
                run("backup", self.archive, verify=False)
        self.assertEqual(list(Path(self.folder).glob("site.zip*")), [])
