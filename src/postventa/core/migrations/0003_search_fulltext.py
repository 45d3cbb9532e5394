"""The full-text index over SearchDocument's stemmed columns, per database.

SQLite: an external-content FTS5 table kept in step by triggers.
PostgreSQL: a generated tsvector column ('simple' configuration: the text is already
accent-folded and stemmed in Python) with a GIN index.
"""

from django.db import migrations

SQLITE_UP = [
    """CREATE VIRTUAL TABLE core_searchdocument_fts USING fts5(
        stemmed_title, stemmed_body, content='core_searchdocument', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER core_searchdocument_ai AFTER INSERT ON core_searchdocument BEGIN
        INSERT INTO core_searchdocument_fts(rowid, stemmed_title, stemmed_body)
        VALUES (new.id, new.stemmed_title, new.stemmed_body); END""",
    """CREATE TRIGGER core_searchdocument_ad AFTER DELETE ON core_searchdocument BEGIN
        INSERT INTO core_searchdocument_fts(core_searchdocument_fts, rowid, stemmed_title, stemmed_body)
        VALUES ('delete', old.id, old.stemmed_title, old.stemmed_body); END""",
    """CREATE TRIGGER core_searchdocument_au AFTER UPDATE ON core_searchdocument BEGIN
        INSERT INTO core_searchdocument_fts(core_searchdocument_fts, rowid, stemmed_title, stemmed_body)
        VALUES ('delete', old.id, old.stemmed_title, old.stemmed_body);
        INSERT INTO core_searchdocument_fts(rowid, stemmed_title, stemmed_body)
        VALUES (new.id, new.stemmed_title, new.stemmed_body); END""",
    "INSERT INTO core_searchdocument_fts(core_searchdocument_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS core_searchdocument_au",
    "DROP TRIGGER IF EXISTS core_searchdocument_ad",
    "DROP TRIGGER IF EXISTS core_searchdocument_ai",
    "DROP TABLE IF EXISTS core_searchdocument_fts",
]
POSTGRES_UP = [
    """ALTER TABLE core_searchdocument ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, coalesce(stemmed_title, '')), 'A') ||
        setweight(to_tsvector('simple'::regconfig, coalesce(stemmed_body, '')), 'B')) STORED""",
    "CREATE INDEX core_searchdocument_vector_gin ON core_searchdocument USING GIN (search_vector)",
]
POSTGRES_DOWN = [
    "DROP INDEX IF EXISTS core_searchdocument_vector_gin",
    "ALTER TABLE core_searchdocument DROP COLUMN IF EXISTS search_vector",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("core", "0002_calendars_search")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        ),
    ]
