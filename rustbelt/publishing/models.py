"""Fields every edited content model shares, declared once (abstract: no tables of their own)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Fingerprinted(models.Model):
    """A record `load_content` ships: the fingerprint of the values it last loaded (rustbelt/publishing/loading.py)."""

    content_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        abstract = True


class Versioned(models.Model):
    """A record researchers edit in the admin: saves check the version, so no edit is lost."""

    version = models.PositiveIntegerField(
        default=1, editable=False, help_text=_("Raised on every admin save (no lost edits).")
    )

    class Meta:
        abstract = True
