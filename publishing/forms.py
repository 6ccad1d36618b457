"""Admin form behaviour shared by articles and parks: no lost edits, and publishing left to Editors."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import DatabaseError, router, transaction
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.timezone import localtime

# Bookkeeping fields: never worth showing in a diff.
HIDDEN_FROM_DIFFS = {"version", "updated_at", "created_at", "content_fingerprint"}


class StaleEditError(DatabaseError):
    """The row changed between the form's check and its save (the row lock should make this impossible)."""


def describe_value(value):
    if value in (None, ""):
        return "(empty)"
    if isinstance(value, list):  # many-to-many rows
        return f"{len(value)} linked"
    return Truncator(str(value)).chars(80)


def changes_between(newer, older):
    """Readable "field: old → new" lines between two historical records."""
    if newer is None or older is None:
        return []
    model = newer.instance_type
    delta = newer.diff_against(older, excluded_fields=HIDDEN_FROM_DIFFS, foreign_keys_are_objs=True)
    return [
        f"{model._meta.get_field(change.field).verbose_name}: "
        f"{describe_value(change.old)} → {describe_value(change.new)}"
        for change in delta.changes
    ]


def stale_edit_message(current, base_version):
    """Why the save was refused: who saved meanwhile, when, and what they changed."""
    name = current._meta.verbose_name
    history = getattr(current, "history", None)
    latest = history.order_by("-history_date").first() if history is not None else None
    opened = history.filter(version=base_version).order_by("-history_date").first() if history is not None else None
    who = (latest.history_user if latest and latest.history_user else None) or "Someone else"
    when = f" at {date_format(localtime(latest.history_date), 'DATETIME_FORMAT')}" if latest else ""
    lines = changes_between(latest, opened)
    changed = f" Changed since you opened it: {'; '.join(lines)}." if lines else ""
    return (
        f"{who} saved this {name}{when} while you were editing it, so your changes were NOT saved.{changed} "
        "Copy anything you want to keep, reload the page, and make your edits again."
    )


class VersionedModelForm(forms.ModelForm):
    """Optimistic locking: the form carries the version it was opened at; a stale save is refused."""

    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # The main admin form may hold a historical version (revert), so it asks the database;
    # inline forms are built from fresh rows and read their own field.
    version_from_database = True
    # A list edit (list_editable) posts every row, with the values shown when the list was opened:
    # a row someone else saved since is refused only if this user changed it too.
    refuse_unchanged = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_existing:
            if self.version_from_database:
                version = (
                    type(self.instance)
                    ._default_manager.filter(pk=self.instance.pk)
                    .values_list("version", flat=True)
                    .first()
                )
            else:
                version = self.instance.version
            self.initial["base_version"] = version

    def has_changed(self):
        # The version is bookkeeping: a form whose fields are as they were changes nothing.
        return not getattr(self, "untouched", False) and bool(set(self.changed_data) - {"base_version"})

    def as_shown(self, current, base_version):
        """True if every posted field equals the row as it was at `base_version` (from its history)."""
        history = getattr(current, "history", None)
        shown = history.filter(version=base_version).order_by("-history_date").first() if history else None
        if shown is None:
            return False
        return not any(
            field.has_changed(current._meta.get_field(name).value_from_object(shown), self[name].data)
            for name, field in self.fields.items()
            if name != "base_version" and name in self.cleaned_data
        )

    @property
    def is_existing(self):
        return self.instance.pk is not None and not self.instance._state.adding

    def clean(self):
        cleaned_data = super().clean()
        self.check_files_still_exist(cleaned_data)
        if not self.is_existing:
            return cleaned_data
        model = type(self.instance)
        rows = model._default_manager.filter(pk=self.instance.pk)
        if transaction.get_connection(router.db_for_write(model)).in_atomic_block:
            # Hold the row until this save commits, so nobody slips in between check and write.
            rows = rows.select_for_update()
        current = rows.first()
        if current is None:
            raise ValidationError(
                f"This {model._meta.verbose_name} was deleted while you were editing it; nothing was saved. "
                "An editor can restore it from its list's “Deleted” page.",
                code="deleted",
            )
        base_version = cleaned_data.get("base_version")
        if base_version != current.version:
            if not self.refuse_unchanged and self.as_shown(current, base_version):
                self.untouched = True  # someone else's newer save of a row this user left alone: keep it
                return cleaned_data
            raise ValidationError(stale_edit_message(current, base_version), code="stale")
        return cleaned_data

    def check_files_still_exist(self, cleaned_data):
        """An older version (revert) may name an image deleted since it was replaced: ask for a new one."""
        for name, field in self.fields.items():
            value = cleaned_data.get(name)
            if (
                isinstance(field, forms.FileField)
                and value
                and getattr(value, "_committed", False)
                and not value.storage.exists(value.name)
            ):
                self.add_error(
                    name,
                    "This version's file was deleted when it was replaced. Upload it again"
                    + ("." if field.required else ", or tick “Clear”."),
                )

    def save(self, commit=True):
        if self.is_existing:
            # Compare-and-swap: raise the version only if it is still the one this form was opened at.
            base_version = self.cleaned_data["base_version"]
            model = type(self.instance)
            updated = model._default_manager.filter(pk=self.instance.pk, version=base_version).update(
                version=base_version + 1
            )
            if not updated:
                raise StaleEditError(f"{model._meta.verbose_name} {self.instance.pk} changed during the save")
            self.instance.version = base_version + 1
        return super().save(commit)


class PublishControlForm(forms.ModelForm):
    """Only users with the publish permission may move the publish field to or from its published value."""

    publish_field = None
    published_value = None
    unpublished_value = None
    can_publish = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get(self.publish_field)
        if field is None or self.can_publish:
            return
        if self.instance._state.adding:
            # A researcher's new record starts unpublished; an editor publishes it after review.
            self.initial[self.publish_field] = self.unpublished_value
        if self.get_initial_for_field(field, self.publish_field) == self.published_value:
            field.disabled = True
            field.help_text = "Published. Only editors can unpublish."
        elif isinstance(field, forms.ChoiceField):
            field.choices = [choice for choice in field.choices if choice[0] != self.published_value]
            field.help_text = "An editor publishes it after review."
        else:
            field.disabled = True
            field.help_text = "Only editors can publish."

    def clean(self):
        cleaned_data = super().clean()
        field = self.fields.get(self.publish_field)
        if field is None or self.can_publish:
            return cleaned_data
        key = self.add_prefix(self.publish_field)
        if field.disabled and key not in self.data:
            return cleaned_data  # browsers don't send disabled fields; Django keeps the initial value
        # Read the raw POST: a disabled field ignores it, so a forged value would pass silently.
        submitted = field.widget.value_from_datadict(self.data, self.files, key)
        was_published = self.get_initial_for_field(field, self.publish_field) == self.published_value
        if (submitted == self.published_value) != was_published:
            raise ValidationError(
                "Only editors can publish or unpublish. Nothing was saved; ask an editor to review it.",
                code="publish_permission",
            )
        return cleaned_data
