"""How much a release stores at N parks: a fresh SQLite database with N synthetic parks, release 1.0, ten
parks edited, release 1.1; prints the records, the database growth and the files of each release.

    DJANGO_SETTINGS_MODULE=tools.settings python -m tools.release_storage 10000
"""

import os
import sys
import tempfile
import time
from pathlib import Path


def database_bytes(connection):
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA page_count")
        pages = cursor.fetchone()[0]
        cursor.execute("PRAGMA freelist_count")
        pages -= cursor.fetchone()[0]
        cursor.execute("PRAGMA page_size")
        return pages * cursor.fetchone()[0]


def main(count):
    folder = Path(tempfile.mkdtemp(prefix="release-storage-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'db.sqlite3'}"
    os.environ["DJANGO_RELEASE_FILES_ROOT"] = str(folder / "releases")
    os.environ["DJANGO_DATA_FILES_ROOT"] = str(folder / "data")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from parks.models import Park
    from releases.models import Frozen, Release
    from releases.snapshot import freeze
    from tools.benchmark import populate

    call_command("migrate", verbosity=0)
    call_command("load_content", verbosity=0)
    populate(count)
    print(f"{Park.objects.published().count()} published parks")
    for number in ("1.0", "1.1"):
        if number == "1.1":
            for park in Park.objects.order_by("slug")[:10]:
                Park.objects.filter(pk=park.pk).update(city=f"{park.city} (corrected)")
        before, records = database_bytes(connection), Frozen.objects.count()
        started = time.perf_counter()
        with transaction.atomic():
            release = Release(number=number, notes="Storage measurement.", notes_zh="存储测量。")
            release.save()
            freeze(release, "http://localhost")
        seconds = time.perf_counter() - started
        files = {file.name: file.size for file in release.files.all()}
        print(
            f"release {number}: made in {seconds:.1f} s; {Frozen.objects.count() - records} new frozen records, "
            f"{release.entries.count()} entries; database +{(database_bytes(connection) - before) / 1e6:.2f} MB; "
            f"files {sum(files.values()) / 1e6:.2f} MB: "
            + ", ".join(f"{name} {size / 1e6:.2f} MB" for name, size in files.items())
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10000)
