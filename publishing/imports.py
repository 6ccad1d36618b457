"""Safe admin imports: pending files kept server-side, and files too large for one request refused.

django-import-export's preview writes the upload to a temporary file and posts its name back with
the "Confirm import" form. Trusting that name let a researcher read and delete any file in /tmp;
here the file lives in a private folder under a random name, and the name must be one this user's
session was given. A pending file is deleted after settings.IMPORT_PENDING_MAX_AGE seconds and when its
user signs out.

An XLSX file is a zip archive: a few hundred kilobytes can unpack to millions of cells. BoundedXLSX
checks the archive's directory and the sheet's declared size first, then reads the sheet row by row and
stops at the caps, so no file can hold a worker for long.
"""

import io
import os
import re
import time
import uuid
import zipfile
from pathlib import Path

import openpyxl
import tablib
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.db import IntegrityError
from django.http import HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import XLSX
from import_export.forms import ImportForm
from import_export.tmp_storages import TempFolderStorage
from openpyxl.utils.cell import range_boundaries

PENDING_SESSION_KEY = "pending_imports"
NAME_RE = re.compile(r"[0-9a-f]{32}")


class PendingImportMissing(Exception):
    pass


class ImportFileRefused(ValueError):
    """A whole file refused as it is read; the message says why, for the researcher."""


def too_many_rows():
    return ImportFileRefused(
        gettext(
            "This file has more than %(limit)s rows; imports are limited to %(limit)s rows per file. "
            "Split it into smaller files."
        )
        % {"limit": f"{settings.IMPORT_MAX_ROWS:,}"}
    )


def too_many_columns():
    return ImportFileRefused(
        gettext("This file has more than %(limit)s columns; imports are limited to %(limit)s columns.")
        % {"limit": f"{settings.IMPORT_MAX_COLUMNS:,}"}
    )


DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')


def count_tags(archive, member):
    """How many <row> and other start tags an XML member of `archive` holds, counted without parsing it."""
    rows = tags = 0
    rest = b""
    with archive.open(member) as stream:
        while True:
            chunk = stream.read(1 << 20)
            data = rest + chunk
            cut = data.rfind(b"<") if chunk else len(data)  # a tag may continue in the next chunk
            cut = len(data) if cut == -1 else cut
            rows += data.count(b"<row", 0, cut)
            tags += data.count(b"<", 0, cut) - data.count(b"</", 0, cut)
            rest = data[cut:]
            if not chunk:
                return rows, tags


class BoundedXLSX(XLSX):
    """import-export's XLSX import (the active sheet, values not formulas), read within the caps:
    settings.IMPORT_MAX_UNPACKED_BYTES, IMPORT_MAX_ROWS data rows and IMPORT_MAX_COLUMNS columns."""

    def create_dataset(self, in_stream):
        with zipfile.ZipFile(io.BytesIO(in_stream)) as archive:
            self.check_archive(archive)
        book = openpyxl.load_workbook(io.BytesIO(in_stream), read_only=True, data_only=True)
        try:
            return self.read_sheet(book.active)
        finally:
            book.close()

    def check_archive(self, archive):
        """Refuse a file whose parts are too large to parse within a request, before openpyxl reads any
        (it parses the shared strings and scans each sheet for its size as it opens the workbook)."""
        # zipfile never unpacks a member beyond the size its directory declares, so the sum is a true bound.
        unpacked = sum(member.file_size for member in archive.infolist())
        if unpacked > settings.IMPORT_MAX_UNPACKED_BYTES:
            raise ImportFileRefused(
                gettext("This file unpacks to %(size)s; imports are limited to %(limit)s. Split it into smaller files.")
                % {"size": filesizeformat(unpacked), "limit": filesizeformat(settings.IMPORT_MAX_UNPACKED_BYTES)}
            )
        max_rows, max_columns = settings.IMPORT_MAX_ROWS, settings.IMPORT_MAX_COLUMNS
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/") and name.endswith(".xml")]
        for sheet in sheets:
            # The size a sheet declares (<dimension ref="A1:V5001"/>, near its start) refuses an honest
            # large file at once; it may lie, so the tags are counted next.
            with archive.open(sheet) as stream:
                declared = DIMENSION.search(stream.read(4096))
            if declared:
                _, _, columns, rows = range_boundaries(declared[1].decode())
                if (rows or 0) > max_rows + 1:
                    raise too_many_rows()
                if (columns or 0) > max_columns:
                    raise too_many_columns()
        rows = tags = 0
        for member in archive.namelist():
            if member.endswith((".xml", ".rels")):
                member_rows, member_tags = count_tags(archive, member)
                tags += member_tags
                if member.startswith("xl/worksheets/"):
                    rows = max(rows, member_rows)
        if rows > max_rows + 1:
            raise too_many_rows()
        # A full sheet: each cell an element and its value (two or three elements), plus a shared string.
        if tags > (max_rows + 1) * (max_columns * 6 + 1) + 10_000:
            raise too_many_columns()

    def read_sheet(self, sheet):
        max_rows, max_columns = settings.IMPORT_MAX_ROWS, settings.IMPORT_MAX_COLUMNS
        # Read every row the sheet holds, whatever size it declares, and stop one row beyond a cap.
        sheet.reset_dimensions()
        rows = sheet.iter_rows(max_row=max_rows + 2, max_col=max_columns + 1, values_only=True)
        header = next(rows, None)
        if header is None:
            return tablib.Dataset()
        if header[max_columns] is not None:
            raise too_many_columns()
        width = max((index + 1 for index, value in enumerate(header) if value is not None), default=0)
        dataset = tablib.Dataset(headers=list(header[:width]))
        ignore_blanks = getattr(settings, "IMPORT_EXPORT_IMPORT_IGNORE_BLANK_LINES", False)
        for number, row in enumerate(rows, 1):
            if number > max_rows:
                raise too_many_rows()
            if row[max_columns] is not None:
                raise too_many_columns()
            values = list(row[:width])
            if not (ignore_blanks and all(value is None for value in values)):
                dataset.append(values)
        return dataset


def expire_pending_imports():
    """Delete the pending imports older than settings.IMPORT_PENDING_MAX_AGE seconds; return how many."""
    cutoff = time.time() - settings.IMPORT_PENDING_MAX_AGE
    deleted = 0
    try:
        entries = list(os.scandir(settings.IMPORT_TMP_DIR))
    except FileNotFoundError:
        return 0
    for entry in entries:
        try:
            if NAME_RE.fullmatch(entry.name) and entry.stat().st_mtime < cutoff:
                os.remove(entry.path)
                deleted += 1
        except FileNotFoundError:
            pass  # deleted meanwhile by another worker
    return deleted


def forget_pending_imports(sender, request, **kwargs):
    """On sign-out (user_logged_out), delete the files this session was still to confirm."""
    if request is None or not hasattr(request, "session"):
        return
    for name in request.session.get(PENDING_SESSION_KEY, []):
        try:
            PrivateImportStorage(name=name).remove()
        except PendingImportMissing:
            pass


class PrivateImportStorage(TempFolderStorage):
    """A pending import in settings.IMPORT_TMP_DIR (mode 0700), named by the server."""

    def save(self, data):
        folder = Path(settings.IMPORT_TMP_DIR)
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.name = uuid.uuid4().hex
        if isinstance(data, str):
            data = data.encode(self.encoding or "utf-8")
        descriptor = os.open(self.get_full_path(), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)

    def get_full_path(self):
        if not NAME_RE.fullmatch(self.name or ""):
            raise PendingImportMissing(self.name)
        return os.path.join(settings.IMPORT_TMP_DIR, self.name)

    def read(self):
        try:
            return super().read()
        except FileNotFoundError:
            raise PendingImportMissing(self.name) from None

    def remove(self):
        try:
            super().remove()
        except FileNotFoundError:
            pass


def remember_pending(request, name):
    request.session[PENDING_SESSION_KEY] = [*request.session.get(PENDING_SESSION_KEY, [])[-9:], name]


def take_pending(request, name):
    """True (and forgotten) if this session was given `name` by its own preview."""
    pending = request.session.get(PENDING_SESSION_KEY, [])
    if name not in pending:
        return False
    request.session[PENDING_SESSION_KEY] = [other for other in pending if other != name]
    return True


class LimitedImportForm(ImportForm):
    """The upload form, refusing files above settings.IMPORT_MAX_BYTES before they are parsed."""

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("This file is %(size)s; imports are limited to %(limit)s. Split it into smaller files."),
                params={"size": filesizeformat(upload.size), "limit": filesizeformat(settings.IMPORT_MAX_BYTES)},
            )
        return upload


class SafeImportExportMixin(ImportExportMixin):
    """django-import-export's admin import and export, with the checks above."""

    import_form_class = LimitedImportForm

    def export_action(self, request):
        # The export page reads its query as the list's filters: junk there is a message, not a 500.
        try:
            return super().export_action(request)
        except IncorrectLookupParameters:
            message = _("These filters were not understood. Filter the list, then export.")
            self.message_user(request, message, messages.ERROR)
            return HttpResponseRedirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"))

    def import_action(self, request, **kwargs):
        expire_pending_imports()
        return super().import_action(request, **kwargs)

    def add_data_read_fail_error_to_form(self, form, e):
        # The preview failed to read the file it has just stored: it will never be confirmed.
        stored = getattr(form.cleaned_data.get("import_file"), "tmp_storage_name", None)
        if stored:
            PrivateImportStorage(name=stored).remove()
        if isinstance(e, ImportFileRefused):
            form.add_error("import_file", str(e))
        else:
            super().add_data_read_fail_error_to_form(form, e)

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            remember_pending(request, initial["import_file_name"])
        return initial

    def process_import(self, request, **kwargs):
        name = request.POST.get("import_file_name", "")
        if request.method == "POST" and self.has_import_permission(request) and not take_pending(request, name):
            return self.pending_import_missing(request)
        try:
            return super().process_import(request, **kwargs)
        except PendingImportMissing:
            return self.pending_import_missing(request)
        except ImportFileRefused as refusal:
            return self.back_to_import(request, str(refusal))
        except IntegrityError:
            # The import's transaction failed as it committed, when the database checked its references:
            # a province, path, industry or source the file names was deleted meanwhile by someone else.
            # The transaction is rolled back; the file is gone with the confirm step.
            return self.back_to_import(
                request,
                _(
                    "Nothing was imported: a province, path, industry or source the file refers to was deleted "
                    "while it was imported. Upload the file again."
                ),
            )

    def process_result(self, result, request):
        # import-export reports "Import finished" even when the confirmed import failed and was rolled
        # back (a database error in a batch of rows): say that nothing changed, and why.
        if result.has_errors():
            errors = [error for _, row_errors in result.row_errors() for error in row_errors] + result.base_errors
            return self.back_to_import(request, _("Nothing was imported: %(error)s") % {"error": errors[0].error})
        return super().process_result(result, request)

    def pending_import_missing(self, request):
        return self.back_to_import(
            request, _("This import is no longer waiting for confirmation. Upload the file again.")
        )

    def back_to_import(self, request, error):
        """To the upload form, with `error` said: nothing was imported."""
        self.message_user(request, error, messages.ERROR)
        return HttpResponseRedirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import"))
