"""SQLite: the article titles get an FTS5 table of their own.

Titles are searched first. Through the column filter of the articles' FTS5 table
(`title_terms : (...)`), FTS5 still reads every entry's postings of each word and then
drops those outside the title: for an everyday word, thousands of bodies' worth. A table
of the titles alone holds only their postings, and ranks by the title alone, as
PostgreSQL's `title_document` does (migration 0003). Kept in step by triggers like the
others (migration 0002) and filled from the entries here.
PostgreSQL needs nothing.
"""

# Every statement here is built from constants of this file, never from input.
# ruff: noqa: S608

from django.db import migrations

from concierge.search.migrations._vendor import VendorSQL

TABLE = "search_article_title_fts"
SOURCE = "search_articleentry"
SQLITE_FORWARD = [
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5(title_terms, content='{SOURCE}', "
    "content_rowid='translation_id', tokenize='unicode61 remove_diacritics 0', "
    "prefix='2 3 4')",
    f"CREATE TRIGGER {SOURCE}_title_ai AFTER INSERT ON {SOURCE} BEGIN "
    f"INSERT INTO {TABLE}(rowid, title_terms) VALUES (new.translation_id, new.title_terms); "
    "END",
    f"CREATE TRIGGER {SOURCE}_title_ad AFTER DELETE ON {SOURCE} BEGIN "
    f"INSERT INTO {TABLE}({TABLE}, rowid, title_terms) "
    "VALUES ('delete', old.translation_id, old.title_terms); END",
    # Only a change of the title (or of the key) touches this index.
    f"CREATE TRIGGER {SOURCE}_title_au AFTER UPDATE OF translation_id, title_terms "
    f"ON {SOURCE} BEGIN "
    f"INSERT INTO {TABLE}({TABLE}, rowid, title_terms) "
    "VALUES ('delete', old.translation_id, old.title_terms); "
    f"INSERT INTO {TABLE}(rowid, title_terms) VALUES (new.translation_id, new.title_terms); "
    "END",
    f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    *[f"DROP TRIGGER IF EXISTS {SOURCE}_title_{suffix}" for suffix in ("ai", "ad", "au")],
    f"DROP TABLE IF EXISTS {TABLE}",
]


class Migration(migrations.Migration):
    dependencies = [("search", "0007_drop_article_language_index")]

    operations = [VendorSQL("sqlite", SQLITE_FORWARD, SQLITE_BACKWARD)]
