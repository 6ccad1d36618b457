"""Test helpers shared by every app's tests: accounts and groups, the admin form a browser would
submit, image files (real and hostile) for the upload tests, XLSX bombs for the import, the shipped content
and free ports for test servers. Imports no app."""

import io
import random
import socket
import struct
import zipfile
import zlib
from html.parser import HTMLParser
from pathlib import Path

from django.apps import apps
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase
from PIL import ExifTags, Image

TEST_PASSWORD = "a-long-test-password-9"


def make_staff(username="editor", group=None, **fields):
    """A staff account, in the Researchers or Editors group when `group` names one."""
    fields.setdefault("is_staff", True)
    fields.setdefault("password", TEST_PASSWORD)
    user = User.objects.create_user(username, **fields)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def free_port():
    """A free loopback port below the kernel's ephemeral range.

    The kernel gives outgoing connections (every test's requests) their local ports from that range, so a
    port chosen there can be taken by one of them before the server meant for it binds it ("Address already
    in use"). Below it, only another server of ours could take it, and a random pick makes that unlikely.
    """
    ephemeral = Path("/proc/sys/net/ipv4/ip_local_port_range")
    lowest_ephemeral = int(ephemeral.read_text().split()[0]) if ephemeral.exists() else 32768
    for _ in range(100):
        port = random.randrange(10000, lowest_ephemeral)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue  # In use.
            return port
    raise RuntimeError("No free loopback port between 10000 and the ephemeral range")


# The rows `load_content` wrote into empty tables, the first time a test of this process loaded the shipped
# content: [(model, [row as field values, ...]), ...].
_shipped_rows = None


def load_shipped_content():
    """The shipped content in the test database, as `load_content` leaves it in an empty one.

    Forty test classes start from the shipped content, and the command takes about a second: it looks up,
    saves and records the history of 700 rows one at a time. The first load in a test process runs the
    command and keeps the rows it wrote; later loads insert those rows, one query per table (0.08 s instead
    of 1.1). If any of those tables is not empty, this runs the command. The loader's own tests call it.
    """
    global _shipped_rows
    if _shipped_rows is not None and not any(model._base_manager.exists() for model, _ in _shipped_rows):
        for model, rows in _shipped_rows:
            model._base_manager.bulk_create([model(**row) for row in rows])
        with connection.cursor() as cursor:  # PostgreSQL's id sequences past the inserted ids
            for statement in connection.ops.sequence_reset_sql(no_style(), [model for model, _ in _shipped_rows]):
                cursor.execute(statement)
        return
    tables = apps.get_models(include_auto_created=True)
    before = {model: model._base_manager.count() for model in tables}
    call_command("load_content", stdout=io.StringIO())
    after = {model: model._base_manager.count() for model in tables}
    changed = [model for model in tables if after[model] != before[model]]
    if _shipped_rows is None and not any(before[model] for model in changed):
        _shipped_rows = [
            (model, list(model._base_manager.order_by("pk").values(*[f.attname for f in model._meta.concrete_fields])))
            for model in changed
        ]


def make_superuser():
    return User.objects.create_superuser("admin", "admin@example.com", TEST_PASSWORD)


class _FormReader(HTMLParser):
    """What a browser would send for the admin's main form: inputs, checked boxes, selected options, textareas."""

    def __init__(self, form_id, action):
        super().__init__(convert_charrefs=True)
        self.form_id, self.action, self.in_form = form_id, action, False
        self.data, self.select, self.textarea, self.options = {}, None, None, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (
            (self.form_id and attrs.get("id") == self.form_id)
            or (self.action is not None and attrs.get("action") == self.action)
        ):
            self.in_form = True
        if not self.in_form or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            self.data.setdefault(name, []).append(attrs.get("value", default))
        elif tag == "select" and name:
            self.select, self.options, self.multiple = name, [], "multiple" in attrs
        elif tag == "option" and self.select:
            self.options.append((attrs.get("value", ""), "selected" in attrs))
        elif tag == "textarea" and name:
            self.textarea = name
            self.data[name] = [""]

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "form" and self.in_form:
            self.in_form = False
        elif tag == "textarea":
            if self.textarea:
                self.data[self.textarea][0] = self.data[self.textarea][0].removeprefix("\n")
            self.textarea = None
        elif tag == "select" and self.select:
            chosen = [value for value, selected in self.options if selected]
            if not chosen and not self.multiple:
                chosen = [value for value, _ in self.options[:1]]
            if chosen:
                self.data[self.select] = chosen
            self.select = None


def admin_form_data(response, form_id=None, action=None):
    """The POST data a form on the admin page would submit unchanged (found by id, e.g. "park_form", or action)."""
    reader = _FormReader(form_id, action)
    reader.feed(response.content.decode())
    return {name: values if len(values) > 1 else values[0] for name, values in reader.data.items()}


def photo_bytes(width=1200, height=800, image_format="JPEG", exif=None, noise=False):
    image = Image.effect_noise((width, height), 64).convert("RGB") if noise else Image.new("RGB", (width, height))
    if not noise:
        # Left half red, right half blue: lets a test see which way the image was turned.
        image.paste((200, 30, 30), (0, 0, width // 2, height))
        image.paste((30, 30, 200), (width // 2, 0, width, height))
    buffer = io.BytesIO()
    image.save(buffer, image_format, **({"exif": exif} if exif is not None else {}))
    return buffer.getvalue()


def upload(content, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def jpeg_with_gps_and_rotation():
    """A 1200x800 JPEG whose EXIF says "rotate 90° clockwise to view" and carries a GPS position."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "Test camera"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (43.0, 50.0, 24.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (126.0, 33.0, 0.0)
    return photo_bytes(exif=exif)


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_header_only(width, height):
    """A valid PNG header announcing width x height pixels, with (almost) no pixel data behind it."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + png_chunk(b"IEND", b"")
    )


def truncated_png():
    whole = photo_bytes(300, 300, "PNG", noise=True)
    return whole[: len(whole) // 2]


SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script><rect width='10' height='10'/></svg>"
)


class MigrationTestCase(TransactionTestCase):
    """Tests of a data migration: migrate to a state, fill it with that state's models, migrate on."""

    # Migrating back and forth empties the tables; put back what migrations created (the role groups).
    serialized_rollback = True

    def migrate(self, targets):
        """Migrate to `targets` and return the apps registry of that state (its historical models)."""
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(targets)
        return executor.loader.project_state(targets).apps

    def tearDown(self):
        # Leave the database at the latest migrations for the tests that follow.
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


# XLSX bombs: rows of sheet XML repeated in a tiny zip (the import tests and the probe suite).
WIDE_ROW = "<row>" + "<c><v>1</v></c>" * 2000 + "</row>"
NARROW_ROW = "<row><c><v>1</v></c></row>"


def xlsx_file(row, count, dimension=None):
    """An XLSX file whose one sheet repeats `row` (sheet XML) `count` times, written straight into the zip
    at high compression: a file of a few hundred kilobytes that unpacks to a hundred megabytes or more."""
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr(
            "[Content_Types].xml",
            (
                '<?xml version="1.0" encoding="UTF-8"?>'
                '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                '<Override PartName="/xl/workbook.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                '<Override PartName="/xl/worksheets/sheet1.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
            ),
        )
        archive.writestr(
            "_rels/.rels",
            (
                '<?xml version="1.0" encoding="UTF-8"?>'
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                '<Relationship Id="rId1" Target="xl/workbook.xml" Type='
                '"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/></Relationships>'
            ),
        )
        archive.writestr(
            "xl/workbook.xml",
            (
                '<?xml version="1.0" encoding="UTF-8"?>'
                '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                '<sheets><sheet name="Parks" sheetId="1" r:id="rId1"/></sheets></workbook>'
            ),
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            (
                '<?xml version="1.0" encoding="UTF-8"?>'
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                '<Relationship Id="rId1" Target="worksheets/sheet1.xml" Type='
                '"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/></Relationships>'
            ),
        )
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(
                (
                    '<?xml version="1.0" encoding="UTF-8"?>'
                    f'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{declared}<sheetData>'
                ).encode()
            )
            chunk = row.encode() * 1000
            for _ in range(count // 1000):
                sheet.write(chunk)
            sheet.write(row.encode() * (count % 1000))
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()
