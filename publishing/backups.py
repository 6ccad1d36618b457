"""Whole-site backups: content, history, accounts and media files in one zip, portable between SQLite and PostgreSQL.

Layout of the zip: `manifest.json` (format, date, counts, media checksums), `data.json` (dumpdata with natural
keys for accounts, so permissions and groups match whatever database it is restored into), `media/...`.
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import PROTECT, FileField
from django.test.utils import override_settings
from django.utils import timezone

from publishing.generation import one_invalidation

# Without one snapshot, rows deleted between two models' dumps left references that could not be restored.
from publishing.snapshots import one_snapshot

FORMAT = "rustbelt-backup"
FORMAT_VERSION = 1
# Accounts come along so history keeps its "who", and the admin log its entries; permissions and
# content types are rebuilt by `migrate`.
ACCOUNT_MODELS = ["auth.user", "auth.group", "admin.logentry"]
# Django's JSON with full-precision datetimes (publishing/serializers.py).
SERIALIZATION_FORMAT = "rustbelt-json"
serializers.register_serializer(SERIALIZATION_FORMAT, "publishing.serializers")


def content_models():
    """Every model of the content apps (settings.CONTENT_APPS), their history included."""
    return [model for label in settings.CONTENT_APPS for model in apps.get_app_config(label).get_models()]


def content_counts():
    return {model._meta.label: model._base_manager.count() for model in content_models()}


def sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def media_files():
    root = Path(settings.MEDIA_ROOT)
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def create_backup(destination, verify=True):
    """Write the zip (readable by its owner only); returns the manifest.

    Media are copied before the database snapshot: a photo replaced meanwhile is then either copied already
    or named by the snapshot and copied right after it, so every file the snapshot names is in the zip.
    With `verify`, the zip is first checked and restored into a scratch database, and only a backup that
    restores is put under its real name. On any failure nothing is left behind.
    """
    partial = Path(f"{destination}.partial")
    try:
        with tempfile.TemporaryDirectory() as folder:
            copies = Path(folder) / "media"
            copied = copy_media_files(media_files(), copies)
            data = Path(folder) / "data.json"
            with one_snapshot():
                call_command(
                    "dumpdata",
                    *ACCOUNT_MODELS,
                    *settings.CONTENT_APPS,
                    format=SERIALIZATION_FORMAT,
                    natural_foreign=True,
                    natural_primary=True,
                    use_base_manager=True,
                    output=str(data),
                    verbosity=0,
                )
                counts = content_counts()
            named = referenced_media(data.read_bytes())
            root = Path(settings.MEDIA_ROOT)
            copied |= copy_media_files([root / name for name in sorted(named - copied)], copies)
            if lost := sorted(named - copied):
                raise CommandError(
                    "The database names media files that are not in the media folder (removed during the "
                    f"backup, or lost before): {', '.join(lost)}. No backup was kept: run it again, and if "
                    "the same files are named, put them back or clear the fields that name them."
                )
            manifest = {
                "format": FORMAT,
                "version": FORMAT_VERSION,
                "created_at": timezone.now().isoformat(),
                "database": connection.vendor,
                "counts": counts,
                "media": {name: sha256(copies / name) for name in sorted(copied)},
            }
            # It holds password hashes: never readable by other users, not even for a moment.
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.fchmod(descriptor, 0o600)
            with os.fdopen(descriptor, "wb") as file, zipfile.ZipFile(file, "w", zipfile.ZIP_DEFLATED) as archive:
                archive.writestr("manifest.json", json.dumps(manifest, indent=2))
                archive.write(data, "data.json")
                for name in sorted(copied):
                    archive.write(copies / name, f"media/{name}")
        if verify:
            verify_backup(partial)
        partial.replace(destination)  # never leave a half-written or unverified backup under the real name
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return manifest


def copy_media_files(paths, folder):
    """Copy these media files into `folder` (same relative names); returns the names copied."""
    root = Path(settings.MEDIA_ROOT)
    copied = set()
    for path in paths:
        name = path.relative_to(root).as_posix()
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            shutil.copyfile(path, target)
        except FileNotFoundError:
            continue  # removed since it was listed (a replaced photo): needed only if the snapshot names it
        copied.add(name)
    return copied


def file_fields():
    """{model label: its file fields} of the content models (history left out: it names replaced files)."""
    fields = {}
    for model in content_models():
        names = [field.name for field in model._meta.concrete_fields if isinstance(field, FileField)]
        if names and not is_historical(model):
            fields[model._meta.label_lower] = names
    return fields


def referenced_media(data):
    """The media files the rows of a data.json name."""
    fields = file_fields()
    return {
        row["fields"][name]
        for row in json.loads(data)
        if row["model"] in fields
        for name in fields[row["model"]]
        if row["fields"].get(name)
    }


def check_media(path):
    """CommandError unless every media file the backup's rows name is in it."""
    with zipfile.ZipFile(path) as archive:
        packed = {name.removeprefix("media/") for name in archive.namelist() if name.startswith("media/")}
        missing = sorted(referenced_media(archive.read("data.json")) - packed)
    if missing:
        raise CommandError(f"The backup lacks media files its database names, so it was not kept: {', '.join(missing)}")


def verify_backup(path):
    """Check that the zip holds every media file its rows name, and restore it into a scratch database with
    the real restore (`restore --scratch`); CommandError if either fails.

    Backups are portable between engines, so an in-memory SQLite database is a scratch database that needs
    no server rights. A separate process keeps this one's database connection and settings untouched.
    """
    check_media(path)
    with tempfile.TemporaryDirectory(prefix="rustbelt-verify-") as folder:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{Path(folder) / 'unused.sqlite3'}", "REDIS_URL": ""}
        result = subprocess.run(
            [
                sys.executable,
                str(Path(settings.BASE_DIR) / "manage.py"),
                "restore",
                "--scratch",
                str(Path(path).resolve()),
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=3600,
        )
        if result.returncode != 0:
            reason = (result.stderr.strip().splitlines() or ["(no output)"])[-1]
            raise CommandError(f"The backup does not restore, so it was not kept: {reason}")


def restore_into_scratch(source):
    """Restore the zip into an empty in-memory SQLite database and a temporary MEDIA_ROOT, keeping nothing.

    The tables are made from the models, as Django makes its test databases, rather than by replaying
    every migration: the same schema (a test keeps models and migrations in step) in a fraction of the
    time. The whole way from `migrate` to `restore` is tested end to end.
    """
    if connection.vendor != "sqlite":
        raise CommandError("--scratch restores into SQLite: run it with DATABASE_URL=sqlite:///scratch.sqlite3")
    connection.settings_dict["TEST"]["MIGRATE"] = False
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    with tempfile.TemporaryDirectory(prefix="rustbelt-scratch-media-") as media:
        with override_settings(MEDIA_ROOT=media):
            return restore_backup(source)


def read_manifest(archive):
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except (KeyError, ValueError):
        raise CommandError("This is not a Rust Belt Parks backup (no readable manifest.json).") from None
    if manifest.get("format") != FORMAT or manifest.get("version") != FORMAT_VERSION:
        raise CommandError(f"Unsupported backup format: {manifest.get('format')} v{manifest.get('version')}.")
    return manifest


def safe_media_name(name):
    """The path inside MEDIA_ROOT for a zip member, refusing anything that would escape it."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or path.parts[:1] != ("media",) or len(path.parts) < 2:
        raise CommandError(f"Refusing the unsafe path {name!r} in the backup.")
    return PurePosixPath(*path.parts[1:])


def unpack(archive, folder):
    """Check everything before the database is touched; extracts data.json, returns the media members."""
    broken = archive.testzip()
    if broken:
        raise CommandError(f"The backup is damaged ({broken} fails its checksum).")
    manifest = read_manifest(archive)
    archive.extract("data.json", folder)
    media = {}
    for name in archive.namelist():
        if name.startswith("media/") and not name.endswith("/"):
            relative = safe_media_name(name)
            if manifest["media"].get(relative.as_posix()) != hashlib.sha256(archive.read(name)).hexdigest():
                raise CommandError(f"The backup is damaged: {relative} does not match its checksum.")
            media[name] = relative
    return manifest, Path(folder, "data.json"), media


def protecting_models(model):
    """Models whose rows keep rows of `model` from being deleted (on_delete=PROTECT)."""
    return {relation.related_model for relation in model._meta.related_objects if relation.on_delete is PROTECT}


def deletion_order(models):
    """`models` with every protecting model before the models it protects; history last."""
    ordered, visiting = [], set()

    def visit(model):
        if model in ordered or model in visiting or model not in models:
            return
        visiting.add(model)  # a cycle of PROTECTs would otherwise recurse forever
        for protector in protecting_models(model):
            visit(protector)
        ordered.append(model)

    for model in models:
        visit(model)
    # History last: deleting content writes "deleted" history rows.
    return sorted(ordered, key=is_historical)


def clear_content():
    # Everything not protected cascades or sets NULL; protected rows go after the rows protecting them.
    for model in deletion_order(content_models()):
        model._base_manager.all().delete()
    LogEntry.objects.all().delete()


def is_historical(model):
    return hasattr(model, "instance_type")  # set by simple-history on its historical models


def restore_backup(source, force=False):
    """Load the zip into this database (atomically) and its media into MEDIA_ROOT; returns the manifest."""
    try:
        archive = zipfile.ZipFile(source)
    except (OSError, zipfile.BadZipFile) as error:
        raise CommandError(f"Cannot read the backup {source}: {error}") from None
    with archive, tempfile.TemporaryDirectory() as folder:
        manifest, data, media = unpack(archive, folder)
        # The backup carries its own history; loading it must not write more (simple-history reacts to
        # many-to-many saves even during loaddata). Only this command runs in the process, so a settings
        # override is safe here.
        with transaction.atomic(), override_settings(SIMPLE_HISTORY_ENABLED=False), one_invalidation():
            existing = {label: count for label, count in content_counts().items() if count}
            if existing and not force:
                summary = (
                    ", ".join(
                        f"{count} {model._meta.verbose_name_plural}"
                        for model in content_models()
                        if not is_historical(model) and (count := existing.get(model._meta.label))
                    )
                    or "history of deleted records"
                )
                raise CommandError(
                    f"This database already has content ({summary}). Restore into an empty, migrated "
                    "database, or add --force to replace everything."
                )
            if existing:
                clear_content()
            call_command("loaddata", str(data), verbosity=0)
            restored = content_counts()
            if restored != manifest["counts"]:
                raise CommandError(f"Restored counts {restored} differ from the backup's {manifest['counts']}.")
            # Files are written once the rows are committed; registered last, so this runs after
            # the deletions of replaced files that clear_content() queued.
            transaction.on_commit(lambda: copy_media(source, media))
        return manifest


def copy_media(source, media):
    root = Path(settings.MEDIA_ROOT)
    with zipfile.ZipFile(source) as archive:
        for name, relative in media.items():
            target = root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(name) as packed, open(target, "wb") as unpacked:
                shutil.copyfileobj(packed, unpacked)
