"""Fields every edited content model shares, declared once (abstract: no tables of their own), and the
content generation (one row)."""

import math
import time
import uuid

from django.db import connections, models
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.utils.translation import gettext_lazy as _


class Fingerprinted(models.Model):
    """A record `load_content` ships: the fingerprint of the values it last loaded (publishing/loading.py)."""

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


class ContentGenerationQuerySet(models.QuerySet):
    def current(self):
        """The one row (created on first use, e.g. after a test flushed the table)."""
        # Read by every public page: one plain SELECT, without building an ORM query
        # each time (a third of a cached page's time in Python).
        connection = connections[self.db]
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT token, changed_at FROM {connection.ops.quote_name(self.model._meta.db_table)} "
                f"WHERE {connection.ops.quote_name(self.model._meta.pk.column)} = 1"
            )
            row = cursor.fetchone()
        if row is None:
            generation, _ = self.get_or_create(pk=1, defaults={"token": uuid.uuid4().hex, "changed_at": now()})
            return generation
        return self.model(pk=1, token=row[0], changed_at=row[1])

    def advance(self):
        # Whole seconds, strictly increasing: Last-Modified has one-second resolution, so two saves
        # within a second must still give different dates.
        updated = self.filter(pk=1).update(
            token=uuid.uuid4().hex, changed_at=Greatest(F("changed_at") + 1, Value(now()))
        )
        if not updated:
            self.current()


def now():
    return math.ceil(time.time())


class ContentGeneration(models.Model):
    """Which version of the public content is current: one row, shared by every worker and server.

    Kept in the database (not the cache) so that a save through any process is seen by every other
    one at its next request, and every process sends the same Last-Modified for the same content.
    """

    token = models.CharField(max_length=32)
    changed_at = models.BigIntegerField(help_text="Unix time of the last change, in whole seconds.")

    objects = ContentGenerationQuerySet.as_manager()

    class Meta:
        verbose_name = "content generation"

    def __str__(self):
        return f"{self.token} ({self.changed_at})"
