"""Safe admin imports: pending files kept server-side, and files too large for one request refused.

django-import-export's preview writes the upload to a temporary file and posts its name back with
the "Confirm import" form. Trusting that name let a researcher read and delete any file in /tmp;
here the file lives in a private folder under a random name, and the name must be one this user's
session was given.
"""

import os
import re
import uuid
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError
from django.http import HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from import_export.forms import ImportForm
from import_export.tmp_storages import TempFolderStorage

PENDING_SESSION_KEY = "pending_imports"
NAME_RE = re.compile(r"[0-9a-f]{32}")


class PendingImportMissing(Exception):
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
        except IntegrityError:
            # The import's transaction failed as it committed, when the database checked its references:
            # a province, path, industry or source the file names was deleted meanwhile by someone else.
            # The transaction is rolled back; the file is gone with the confirm step.
            return self.back_to_import(request, _(
                "Nothing was imported: a province, path, industry or source the file refers to was deleted "
                "while it was imported. Upload the file again."
            ))

    def process_result(self, result, request):
        # import-export reports "Import finished" even when the confirmed import failed and was rolled
        # back (a database error in a batch of rows): say that nothing changed, and why.
        if result.has_errors():
            errors = [error for _, row_errors in result.row_errors() for error in row_errors] + result.base_errors
            return self.back_to_import(request, _("Nothing was imported: %(error)s") % {"error": errors[0].error})
        return super().process_result(result, request)

    def pending_import_missing(self, request):
        return self.back_to_import(request, _("This import is no longer waiting for confirmation. Upload the file again."))

    def back_to_import(self, request, error):
        """To the upload form, with `error` said: nothing was imported."""
        self.message_user(request, error, messages.ERROR)
        return HttpResponseRedirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import"))
