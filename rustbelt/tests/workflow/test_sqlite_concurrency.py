import shutil
import tempfile
import threading
import time
from pathlib import Path

from django.conf import settings
from django.db import OperationalError, connections, transaction
from django.test import TransactionTestCase

THREADS = 8
WRITES_PER_THREAD = 10


class SQLiteConcurrentWritesTests(TransactionTestCase):
    """Several threads write at once to a real SQLite file opened with the project's SQLite options.

    Runs on every backend (it makes its own SQLite database), so the shipped options are always checked.
    """

    def open_database(self, options):
        folder = tempfile.mkdtemp(prefix="rb-sqlite-")
        self.addCleanup(shutil.rmtree, folder, ignore_errors=True)
        alias = f"concurrency_{id(options)}_{time.monotonic_ns()}"
        connections.settings[alias] = {
            **connections["default"].settings_dict,
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(Path(folder) / "concurrency.sqlite3"),
            "OPTIONS": options,
            "CONN_MAX_AGE": 0,
            "TEST": {},
            "USER": "",
            "PASSWORD": "",
            "HOST": "",
            "PORT": "",
        }
        self.addCleanup(connections.settings.pop, alias)
        # Declare the throwaway alias so Django's test isolation lets the threads connect to it.
        test_class = type(self)
        self.addCleanup(setattr, test_class, "databases", test_class.databases)
        test_class.databases = test_class.databases | {alias}
        with connections[alias].cursor() as cursor:
            cursor.execute("CREATE TABLE edit (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
        connections[alias].close()
        return alias

    def write_from_threads(self, alias):
        errors, start = [], threading.Barrier(THREADS)

        def writer(number):
            try:
                start.wait()
                for index in range(WRITES_PER_THREAD):
                    with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
                        cursor.execute("SELECT count(*) FROM edit")  # read, then write: an admin save's shape
                        cursor.execute("INSERT INTO edit (body) VALUES (%s)", [f"thread {number} write {index}"])
                        time.sleep(0.005)  # hold the write lock a moment, as a slow admin save would
            except OperationalError as error:
                errors.append(str(error))
            finally:
                connections[alias].close()

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return errors

    def test_every_concurrent_write_succeeds_with_the_project_options(self):
        alias = self.open_database(settings.SQLITE_OPTIONS)
        errors = self.write_from_threads(alias)
        self.assertEqual(errors, [])
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT count(*) FROM edit")
            self.assertEqual(cursor.fetchone()[0], THREADS * WRITES_PER_THREAD)
            cursor.execute("PRAGMA journal_mode")
            self.assertEqual(cursor.fetchone()[0], "wal")
        connections[alias].close()

    def test_without_those_options_writers_collide(self):
        # The control: SQLite's defaults (deferred transactions, no waiting) fail under the same load,
        # which shows the test above really exercises concurrent writers.
        alias = self.open_database({"timeout": 0})
        errors = self.write_from_threads(alias)
        self.assertTrue(any("database is locked" in error for error in errors), errors)
