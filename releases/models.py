"""Releases: numbered, dated editions of the article, the catalogue and the data files, frozen for citing.

A release keeps each published section and each published park as one frozen JSON record. Records are
stored once by their content's digest and shared by every release that has them unchanged, so a release
that changes ten parks adds ten records, not a copy of the catalogue.
"""

import hashlib
import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from publishing.bilingual import pick

RELEASE_NUMBER = RegexValidator(r"^\d{1,4}\.\d{1,4}$", _("Write the number as 1.0, 1.1, 2.0…"))


class ReleaseIsFinal(ValidationError):
    """A release never changes once made."""


def release_files_storage():
    # Outside MEDIA_ROOT: the files are served only through the release's own addresses.
    return FileSystemStorage(location=settings.RELEASE_FILES_ROOT)


class Release(models.Model):
    number = models.CharField(_("number"), max_length=9, unique=True, validators=[RELEASE_NUMBER])
    date = models.DateField(_("date"), default=timezone.localdate)
    notes = models.TextField(_("release notes"), help_text=_("What this release brings, in English."))
    notes_zh = models.TextField(_("release notes (Chinese)"), help_text=_("The same notes in Chinese."))
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        verbose_name=_("made by"),
    )
    made_at = models.DateTimeField(_("made at"), auto_now_add=True)

    class Meta:
        # In the order they were made: "1.10" comes after "1.9", which sorting the text would not give.
        ordering = ["-made_at", "-pk"]
        get_latest_by = ["made_at", "pk"]
        verbose_name = _("release")
        verbose_name_plural = _("releases")

    def __str__(self):
        return self.number

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ReleaseIsFinal(_("A release never changes once made."))
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("releases:detail", args=[self.number])

    def delete(self, *args, **kwargs):
        raise ReleaseIsFinal(_("A release is never deleted."))

    @property
    def display_notes(self):
        return pick(self.notes, self.notes_zh)

    def previous(self):
        return Release.objects.filter(made_at__lt=self.made_at).order_by("-made_at", "-pk").first()

    def records(self, kind):
        """{key: data} of this release's frozen records of one kind, in their order."""
        entries = self.entries.filter(kind=kind).order_by("position").values_list("key", "frozen__data")
        return dict(entries)

    def record(self, kind, key):
        entry = self.entries.filter(kind=kind, key=key).select_related("frozen").first()
        return entry.frozen.data if entry else None


class Frozen(models.Model):
    """One frozen record (a section, a park), stored once whatever the number of releases that have it."""

    digest = models.CharField(max_length=64, primary_key=True)
    data = models.JSONField()

    class Meta:
        verbose_name = _("frozen record")

    def __str__(self):
        return self.digest[:12]

    @staticmethod
    def digest_of(data):
        return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


class Kind(models.TextChoices):
    ARTICLE = "article", _("Article")
    SECTION = "section", _("Section")
    PARK = "park", _("Park")


class ReleaseEntry(models.Model):
    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # The article's slug, "article-slug/section-slug" for a section, the park's slug.
    key = models.CharField(max_length=250)
    position = models.PositiveIntegerField()
    frozen = models.ForeignKey(Frozen, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["release", "kind", "key"], name="one_record_per_key_per_release")
        ]

    def __str__(self):
        return f"{self.release} {self.kind} {self.key}"


def release_file_path(instance, filename):
    return f"{instance.release.number}/{filename}"


class ReleaseFile(models.Model):
    """A data file as the release served it (the catalogue downloads, the data package, the SQLite file)."""

    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="files")
    name = models.CharField(max_length=100)
    file = models.FileField(storage=release_files_storage, upload_to=release_file_path, max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["release", "name"], name="one_file_per_name_per_release")]

    def __str__(self):
        return f"{self.release} {self.name}"

    def get_absolute_url(self):
        return reverse("releases:file", args=[self.release.number, self.name])


class SuggestionStatus(models.TextChoices):
    NEW = "new", _("New")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class Suggestion(models.Model):
    """A reader's suggested correction of a park's field or a passage of the article. Never shown publicly:
    a researcher reviews it, and accepting it applies it through the normal, recorded edit."""

    kind = models.CharField(_("kind"), max_length=10, choices=[(Kind.PARK, _("Park")), (Kind.SECTION, _("Section"))])
    # The park's slug, or "article-slug/section-slug".
    key = models.CharField(_("record"), max_length=250)
    field = models.CharField(
        _("field or passage"),
        max_length=300,
        help_text=_("For a park, the field's name; for a section, the words the reader says are wrong."),
    )
    problem = models.TextField(_("what is wrong"), max_length=2000)
    proposed_value = models.CharField(_("proposed value"), max_length=500)
    source_url = models.CharField(_("source URL"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=SuggestionStatus.choices, default=SuggestionStatus.NEW
    )
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("suggested correction")
        verbose_name_plural = _("suggested corrections")

    def __str__(self):
        return f"#{self.pk} {self.key}: {self.field}"

    @property
    def credit(self):
        """The line the record's history keeps for an edit made from this suggestion."""
        return f"Reader's suggested correction #{self.pk}"
