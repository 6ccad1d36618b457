"""The indexes over four name columns go: SQLite's FTS5 table and its triggers, PostgreSQL's trigram indexes.
Search now compares more than those columns (short forms, pinyin, province, zone type, description;
parks/search.py) in one condition, which neither kind of index answers, so they only slowed every write.
The pg_trgm extension stays: "Did you mean" ranks names by trigram similarity. Reversing rebuilds them as
parks/migrations/0003_search_index.py made them.
"""

from django.db import migrations

COLUMNS = "name_en, name_zh, article_name, city"
NEW_VALUES = "new.name_en, new.name_zh, new.article_name, new.city"
OLD_VALUES = "old.name_en, old.name_zh, old.article_name, old.city"
DROP = [
    "DROP TRIGGER IF EXISTS parks_park_search_insert",
    "DROP TRIGGER IF EXISTS parks_park_search_delete",
    "DROP TRIGGER IF EXISTS parks_park_search_update",
    "DROP TABLE IF EXISTS parks_park_search",
]
PG_DROP = [f"DROP INDEX IF EXISTS park_{column}_trgm" for column in COLUMNS.split(", ")]
PG_CREATE = [
    f"CREATE INDEX IF NOT EXISTS park_{column}_trgm ON parks_park USING gin (UPPER({column}) gin_trgm_ops)"
    for column in COLUMNS.split(", ")
]
CREATE = [
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


def run_for_vendor(statements):
    def run(apps, schema_editor):
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("parks", "0008_pinyin_and_short_forms_for_search")]

    operations = [
        migrations.RunPython(
            run_for_vendor({"sqlite": DROP, "postgresql": PG_DROP}),
            run_for_vendor({"sqlite": CREATE, "postgresql": PG_CREATE}),
        )
    ]
