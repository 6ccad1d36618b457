"""Indexes for the catalogue's `?q=` search, each database its own kind.

PostgreSQL: trigram GIN indexes (pg_trgm) on the expressions Django's icontains compares,
UPPER(column), so `UPPER(name_en) LIKE UPPER('%jilin%')` is an index scan.
SQLite: an FTS5 table with the trigram tokenizer over the same four columns, kept in step with
parks_park by triggers (so bulk inserts, imports and restores update it too); ParkQuerySet.search
matches against it.
"""

from django.db import migrations

SEARCHED_COLUMNS = ["name_en", "name_zh", "article_name", "city"]

POSTGRESQL = ["CREATE EXTENSION IF NOT EXISTS pg_trgm"] + [
    f"CREATE INDEX IF NOT EXISTS park_{column}_trgm ON parks_park USING gin (UPPER({column}) gin_trgm_ops)"
    for column in SEARCHED_COLUMNS
]
POSTGRESQL_REVERSE = [f"DROP INDEX IF EXISTS park_{column}_trgm" for column in SEARCHED_COLUMNS]

COLUMNS = ", ".join(SEARCHED_COLUMNS)
NEW_VALUES = ", ".join(f"new.{column}" for column in SEARCHED_COLUMNS)
OLD_VALUES = ", ".join(f"old.{column}" for column in SEARCHED_COLUMNS)
SQLITE = [
    f"CREATE VIRTUAL TABLE parks_park_search USING fts5({COLUMNS}, content='parks_park', content_rowid='id', "
    "tokenize='trigram')",
    f"CREATE TRIGGER parks_park_search_insert AFTER INSERT ON parks_park BEGIN "
    f"INSERT INTO parks_park_search(rowid, {COLUMNS}) VALUES (new.id, {NEW_VALUES}); END",
    f"CREATE TRIGGER parks_park_search_delete AFTER DELETE ON parks_park BEGIN "
    f"INSERT INTO parks_park_search(parks_park_search, rowid, {COLUMNS}) VALUES ('delete', old.id, {OLD_VALUES}); END",
    f"CREATE TRIGGER parks_park_search_update AFTER UPDATE OF {COLUMNS} ON parks_park BEGIN "
    f"INSERT INTO parks_park_search(parks_park_search, rowid, {COLUMNS}) VALUES ('delete', old.id, {OLD_VALUES}); "
    f"INSERT INTO parks_park_search(rowid, {COLUMNS}) VALUES (new.id, {NEW_VALUES}); END",
    "INSERT INTO parks_park_search(parks_park_search) VALUES ('rebuild')",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS parks_park_search_insert",
    "DROP TRIGGER IF EXISTS parks_park_search_delete",
    "DROP TRIGGER IF EXISTS parks_park_search_update",
    "DROP TABLE IF EXISTS parks_park_search",
]


def run_for_vendor(statements):
    def run(apps, schema_editor):
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    # The name this migration had before; databases that recorded it count it as applied.
    replaces = [("parks", "0003_issue16_search_index")]
    dependencies = [("parks", "0002_chinese_values")]

    operations = [
        migrations.RunPython(
            run_for_vendor({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            run_for_vendor({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        ),
    ]
