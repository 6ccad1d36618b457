import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
import zipfile
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import TestCase, override_settings

from articles.models import Figure, Section
from articles.tests.factories import make_article, make_section
from parks.models import Park
from parks.tests.factories import make_industry, make_park
from publishing import testing as images
from publishing.backups import clear_content, content_counts
from publishing.testing import make_staff

PROJECT = Path(settings.BASE_DIR)


def canonical_rows(data):
    """Rows as comparable text: many-to-many lists sorted (their order is the database's)."""
    rows = set()
    for row in json.loads(data):
        fields = {name: sorted(value) if isinstance(value, list) else value for name, value in row["fields"].items()}
        rows.add(json.dumps({"model": row["model"], "pk": row.get("pk"), "fields": fields}, sort_keys=True))
    return rows


def run(command, path, **options):
    output = io.StringIO()
    call_command(command, str(path), stdout=output, **options)
    return output.getvalue()


def media_bytes(archive_path):
    with zipfile.ZipFile(archive_path) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name.startswith("media/")}


class BackupTestMixin:
    # The backups here skip their verification (a restore into a scratch database in a new process,
    # seconds each): test_backup_safety.py tests that verification, and these tests restore for real.
    def setUp(self):
        super().setUp()
        self.folder = Path(tempfile.mkdtemp(prefix="rb-backup-"))
        self.addCleanup(shutil.rmtree, self.folder, ignore_errors=True)
        self.media_root = self.folder / "media"
        self.media_root.mkdir()
        media = override_settings(MEDIA_ROOT=str(self.media_root))
        media.enable()
        self.addCleanup(media.disable)

    def media_contents(self):
        return {path.relative_to(self.media_root): path.read_bytes() for path in self.media_root.rglob("*.jpg")}

    def make_content(self):
        editor = make_staff("eddie", "Editors")
        article = make_article(status="published")
        parent = make_section(
            article, title="Paths for updating the rust belt", slug="paths-for-updating-the-rust-belt"
        )
        make_section(
            article,
            parent=parent,
            title="Co-city",
            slug="co-city",
            body="Share **the city**.",
            title_zh_hans="共建城市",
            summary_zh_hans="研究人员的摘要。",
            summary_status_zh_hans="reviewed",
        )
        with self.captureOnCommitCallbacks(execute=True):
            Figure.objects.create(
                article=article,
                section=parent,
                image=images.upload(images.photo_bytes()),
                alt_text="Map of the rust belts",
                caption="Figure 1",
            )
            park = make_park(
                slug="jilin-etdz",
                photo=images.upload(images.jpeg_with_gps_and_rotation()),
                photo_alt="Gate",
                area_km2="20.40",
                latitude="43.84000",
                longitude="126.55000",
                name_zh="吉林经开区",
            )
        park.industries.set([make_industry("Fine chemicals")])
        park.city = "Jilin City"
        park._history_user = editor
        park.save()
        return park


class BackupRestoreTests(BackupTestMixin, TestCase):
    def test_round_trip_restores_rows_history_and_image_bytes(self):
        park = self.make_content()
        archive = self.folder / "site.zip"
        run("backup", archive, verify=False)
        before = canonical_rows(zipfile.ZipFile(archive).read("data.json"))
        files_before = self.media_contents()
        self.assertEqual(len(files_before), 5)  # figure + 2 copies, photo (800 px wide once upright) + 1
        counts_before = content_counts()

        with self.captureOnCommitCallbacks(execute=True):
            clear_content()
        self.assertFalse(Park.objects.exists())
        self.assertEqual(list(self.media_root.rglob("*.jpg")), [])

        with self.captureOnCommitCallbacks(execute=True):
            output = run("restore", archive)
        self.assertIn("Restored 18 rows and 5 media files", output)
        self.assertEqual(content_counts(), counts_before)
        restored = Park.objects.get(pk=park.pk)
        self.assertEqual(
            (restored.city, restored.area_km2, restored.name_zh), ("Jilin City", Decimal("20.4"), "吉林经开区")
        )
        self.assertEqual(list(restored.industries.values_list("name", flat=True)), ["Fine chemicals"])
        self.assertEqual(restored.history.first().history_user.username, "eddie")
        section = Section.objects.get(slug="co-city")
        self.assertEqual(section.parent.slug, "paths-for-updating-the-rust-belt")
        # The translated columns (django-modeltranslation's) come back with the rest of the row.
        self.assertEqual(
            (section.title_en, section.title_zh_hans, section.summary_zh_hans, section.summary_status_zh_hans),
            ("Co-city", "共建城市", "研究人员的摘要。", "reviewed"),
        )
        files_after = self.media_contents()
        self.assertEqual(files_after, files_before)
        self.assertEqual(self.client.get(restored.get_absolute_url()).status_code, 200)

        again = self.folder / "again.zip"
        run("backup", again, verify=False)
        self.assertEqual(canonical_rows(zipfile.ZipFile(again).read("data.json")), before)

    def test_refuses_a_database_with_content_unless_forced(self):
        park = self.make_content()
        archive = self.folder / "site.zip"
        run("backup", archive, verify=False)
        Park.objects.filter(pk=park.pk).update(city="Edited after the backup")
        with self.assertRaisesMessage(CommandError, "This database already has content"):
            run("restore", archive)
        self.assertEqual(Park.objects.get().city, "Edited after the backup")

        with self.captureOnCommitCallbacks(execute=True):
            run("restore", archive, force=True)
        self.assertEqual(Park.objects.get().city, "Jilin City")
        self.assertEqual(len([p for p in self.media_root.rglob("*") if p.is_file()]), 5)

    def test_damaged_or_foreign_zip_changes_nothing(self):
        self.make_content()
        archive = self.folder / "site.zip"
        run("backup", archive, verify=False)
        counts = content_counts()

        evil = self.folder / "evil.zip"
        with zipfile.ZipFile(archive) as good, zipfile.ZipFile(evil, "w") as bad:
            for name in good.namelist():
                bad.writestr(name, good.read(name))
            bad.writestr("media/../../outside.txt", b"escape")
        with self.assertRaisesMessage(CommandError, "Refusing the unsafe path"):
            run("restore", evil, force=True)

        foreign = self.folder / "foreign.zip"
        with zipfile.ZipFile(foreign, "w") as other:
            other.writestr("hello.txt", "not a backup")
        with self.assertRaisesMessage(CommandError, "not a Rust Belt Parks backup"):
            run("restore", foreign, force=True)
        (self.folder / "garbage.zip").write_bytes(b"garbage")
        with self.assertRaisesMessage(CommandError, "Cannot read the backup"):
            run("restore", self.folder / "garbage.zip")
        self.assertEqual(content_counts(), counts)
        self.assertFalse((self.folder / "outside.txt").exists())


def other_database_url(folder):
    """A database of the other kind than the one under test: SQLite file, or a throwaway PostgreSQL one."""
    if connection.vendor == "postgresql":
        return f"sqlite:///{folder / 'restored.sqlite3'}", None
    import psycopg

    name = f"rb_restore_test_{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(
            "host=127.0.0.1 port=5432 user=postgres dbname=postgres", connect_timeout=3, autocommit=True
        ) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError:
        return None, None

    def drop():
        with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"postgres://postgres@127.0.0.1:5432/{name}", drop


class CrossDatabaseRoundTripTests(BackupTestMixin, TestCase):
    """Back up this test database, restore it into the other engine with the real commands, back up again."""

    def manage(self, url, media, *args):
        env = {**os.environ, "DATABASE_URL": url, "DJANGO_MEDIA_ROOT": str(media), "DJANGO_DEBUG": "1"}
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300
        )
        self.assertEqual(result.returncode, 0, result.stderr[-3000:])
        return result.stdout

    def test_backup_restores_into_the_other_database_engine(self):
        url, drop = other_database_url(self.folder)
        if url is None:
            self.skipTest("PostgreSQL is not reachable at 127.0.0.1:5432, so there is no other engine to restore into")
        if drop:
            self.addCleanup(drop)
        self.make_content()
        archive = self.folder / "site.zip"
        run("backup", archive, verify=False)

        other_media = self.folder / "other-media"
        self.manage(url, other_media, "migrate", "--noinput", "-v", "0")
        output = self.manage(url, other_media, "restore", str(archive))
        self.assertIn("Restored", output)
        again = self.folder / "again.zip"
        self.manage(url, other_media, "backup", "--no-verify", str(again))

        self.assertEqual(
            canonical_rows(zipfile.ZipFile(again).read("data.json")),
            canonical_rows(zipfile.ZipFile(archive).read("data.json")),
        )
        self.assertEqual(media_bytes(again), media_bytes(archive))
        manifest = json.loads(zipfile.ZipFile(again).read("manifest.json"))
        self.assertNotEqual(manifest["database"], connection.vendor)
