"""Reads that see the database as of one moment, whatever is saved meanwhile (backups, the dataset file)."""

from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def one_snapshot():
    """Every read inside sees the database as of one moment.

    PostgreSQL: one read-only REPEATABLE READ transaction, so saves go on meanwhile. SQLite: one
    transaction (it takes the write lock at BEGIN, so saves wait for it, up to the 20-second busy timeout).
    """
    starts_transaction = not connection.in_atomic_block  # in tests the transaction already exists
    with transaction.atomic():
        if starts_transaction and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield
