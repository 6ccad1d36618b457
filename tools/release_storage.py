"""How long making a release takes and how much it stores at N parks: a fresh database with N synthetic parks,
release 1.0, ten parks edited, release 1.1; prints each release's time, records, database growth and files.

    DJANGO_SETTINGS_MODULE=tools.settings python -m tools.release_storage 10000

A new SQLite database by default; with DATABASE_URL set, that database (empty: it is migrated and filled). The
time is that of `freeze`, all the admin's *Releases → Add* does beyond saving the form.
"""

import os
import sys
import tempfile
import time
from pathlib import Path

RELEASE_TABLES = ("releases_release", "releases_frozen", "releases_releaseentry", "releases_releasefile")


LARGE_FILE = 100_000  # bytes: the files listed one by one


def database_bytes(connection):
    """The database's size in use (SQLite), or its release tables' with their indexes (PostgreSQL)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT sum(pg_total_relation_size(name::regclass)) FROM unnest(%s::text[]) AS name",
                [list(RELEASE_TABLES)],
            )
            return int(cursor.fetchone()[0])
        cursor.execute("PRAGMA page_count")
        pages = cursor.fetchone()[0]
        cursor.execute("PRAGMA freelist_count")
        pages -= cursor.fetchone()[0]
        cursor.execute("PRAGMA page_size")
        return pages * cursor.fetchone()[0]


def main(count):
    folder = Path(tempfile.mkdtemp(prefix="release-storage-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{folder / 'db.sqlite3'}")
    os.environ["DJANGO_RELEASE_FILES_ROOT"] = str(folder / "releases")
    os.environ["DJANGO_DATA_FILES_ROOT"] = str(folder / "data")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.urls import reverse

    from parks.models import Park
    from releases.models import Frozen, Release
    from releases.snapshot import freeze
    from tools.benchmark import populate

    call_command("migrate", verbosity=0)
    call_command("load_content", verbosity=0)
    populate(count)
    print(f"{Park.objects.published().count()} published parks, {connection.vendor}")
    reverse("releases:list")  # the URLs are loaded, as in a running server
    for number in ("1.0", "1.1"):
        if number == "1.1":
            for park in Park.objects.order_by("slug")[:10]:
                Park.objects.filter(pk=park.pk).update(city=f"{park.city} (corrected)")
        before, records = database_bytes(connection), Frozen.objects.count()
        started, cpu_started = time.perf_counter(), time.process_time()
        with transaction.atomic():
            release = Release(number=number, notes="Storage measurement.", notes_zh="存储测量。")
            release.save()
            freeze(release, "http://localhost")
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
        files = {file.name: file.size for file in release.files.all()}
        print(
            f"release {number}: made in {seconds:.1f} s ({cpu_seconds:.1f} s of this process's CPU time, load "
            f"{os.getloadavg()[0]:.1f}); {Frozen.objects.count() - records} new frozen records, "
            f"{release.entries.count()} entries; database +{(database_bytes(connection) - before) / 1e6:.2f} MB; "
            f"{len(files)} files {sum(files.values()) / 1e6:.2f} MB, of which "
            + ", ".join(f"{name} {size / 1e6:.2f} MB" for name, size in files.items() if size >= LARGE_FILE)
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10000)
