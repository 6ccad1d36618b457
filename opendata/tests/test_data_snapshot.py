"""The dataset file under concurrent edits: built from one database snapshot, published atomically, and never
removed while a request may still send it."""

import os
import shutil
import sqlite3
import tempfile
import threading
import time
import unittest
from pathlib import Path
from unittest import mock

from django.db import close_old_connections, connection
from django.test import Client, TestCase, TransactionTestCase, override_settings
from django.urls import reverse

from opendata import dataset
from parks.models import Park
from parks.tests.factories import make_industry, make_park

build_or_open = dataset.current_sqlite


class DataRootMixin:
    def setUp(self):
        super().setUp()
        self.data_root = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.data_root, ignore_errors=True)
        settings_override = override_settings(DATA_FILES_ROOT=self.data_root)
        settings_override.enable()
        self.addCleanup(settings_override.disable)

    def download(self, name="sqlite"):
        url = reverse("data:sqlite") if name == "sqlite" else reverse("data:table", args=[name])
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        return b"".join(response.streaming_content) if response.streaming else response.content

    def check_sqlite(self, content):
        path = self.data_root / f"downloaded-{time.monotonic_ns()}.sqlite"
        path.write_bytes(content)
        with sqlite3.connect(path) as database:
            self.assertEqual(database.execute("PRAGMA integrity_check").fetchone(), ("ok",))
            self.assertEqual(database.execute("PRAGMA foreign_key_check").fetchall(), [])
            parks = database.execute("SELECT COUNT(*) FROM parks").fetchone()[0]
        database.close()
        path.unlink()
        return parks


class FileReplacedWhileServedTests(DataRootMixin, TestCase):
    def save_elsewhere(self):
        """Another worker, between this request's reading the generation and its opening the file: a save,
        then a download that builds the newer file."""
        park = Park.objects.get()
        park.name_en += " (renamed)"
        park.save()
        with mock.patch("opendata.dataset.current_sqlite", build_or_open):
            self.download()

    def resolve_then_save(self, *args):
        resolved = build_or_open(*args)
        self.save_elsewhere()
        return resolved

    def test_the_file_of_a_generation_just_replaced_is_still_sent_whole(self):
        make_park()
        self.download()  # the first generation's file exists
        for name in ("sqlite", "parks"):
            with self.subTest(name), mock.patch("opendata.dataset.current_sqlite", self.resolve_then_save):
                content = self.download(name)
                if name == "sqlite":
                    self.assertEqual(self.check_sqlite(content), 1)
                else:
                    self.assertEqual(len(content.decode().splitlines()), 2)

    def test_superseded_files_are_removed_after_the_grace_period_only(self):
        park = make_park()
        self.download()
        park.save()
        self.download()
        files = sorted(self.data_root.glob(f"{dataset.FILE_PREFIX}*.sqlite"), key=os.path.getmtime)
        self.assertEqual(len(files), 2)  # the replaced one is kept for requests that may still open it
        long_ago = time.time() - dataset.SUPERSEDED_GRACE_SECONDS - 60
        for age, path in zip((60, 0), files):
            os.utime(path, (long_ago - age, long_ago - age))
        abandoned = self.data_root / f".{dataset.FILE_PREFIX}x.sqlite.0.partial"
        abandoned.write_bytes(b"")
        os.utime(abandoned, (long_ago, long_ago))
        park.save()
        self.download()
        remaining = set(self.data_root.glob(f"{dataset.FILE_PREFIX}*.sqlite"))
        self.assertNotIn(files[0], remaining)
        self.assertIn(files[1], remaining)  # replaced only now
        self.assertFalse(abandoned.exists())

    def test_a_failed_build_leaves_no_partial_file(self):
        make_park()
        with mock.patch("opendata.dataset.fact_sources", side_effect=RuntimeError("database went away")):
            with self.assertRaises(RuntimeError), self.assertLogs("django.request", "ERROR"):
                self.download()
        self.assertEqual(list(self.data_root.iterdir()), [])


@unittest.skipUnless(
    connection.vendor == "postgresql",
    "needs a second connection saving during the build: run with DATABASE_URL=postgres://…",
)
class SavesDuringDownloadsTests(DataRootMixin, TransactionTestCase):
    def save_park(self, number):
        try:
            park = make_park(f"Saved meanwhile {number}")
            park.industries.add(make_industry(f"industry {number}"))
        finally:
            close_old_connections()

    def test_a_park_saved_while_the_file_is_built_is_in_every_table_or_none(self):
        make_park().industries.add(make_industry())
        real_parks = dataset.parks

        def parks_then_a_save():
            yield from real_parks()
            # The parks table is read; another connection now saves a park with an industry.
            saver = threading.Thread(target=self.save_park, args=(1,))
            saver.start()
            saver.join()

        with mock.patch("opendata.dataset.parks", parks_then_a_save):
            content = self.download()
        self.assertEqual(self.check_sqlite(content), 1)
        self.assertEqual(self.check_sqlite(self.download()), 2)  # the save made a new generation

    def test_fifty_downloads_from_two_workers_while_parks_are_saved(self):
        make_park().industries.add(make_industry())
        stop, saved, errors = threading.Event(), [], []

        def keep_saving():
            while not stop.is_set() and len(saved) < 1000:
                self.save_park(len(saved))
                saved.append(1)

        def download(worker):
            client = Client()
            try:
                for number in range(25):
                    name = "park_industries" if (number + worker) % 2 else "sqlite"
                    url = reverse("data:sqlite") if name == "sqlite" else reverse("data:table", args=[name])
                    try:
                        response = client.get(url)
                        content = b"".join(response.streaming_content) if response.streaming else response.content
                        if response.status_code != 200:
                            errors.append(f"{url}: {response.status_code}")
                        elif name == "sqlite":
                            self.check_sqlite(content)
                    except Exception as error:  # noqa: BLE001 - counted: the assertion below names them
                        errors.append(f"{url}: {error!r}")
            finally:
                close_old_connections()

        saver = threading.Thread(target=keep_saving)
        workers = [threading.Thread(target=download, args=(worker,)) for worker in range(2)]
        saver.start()
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        stop.set()
        saver.join()
        self.assertGreater(len(saved), 5)
        self.assertEqual(errors, [])
