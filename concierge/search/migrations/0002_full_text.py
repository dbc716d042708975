"""The full-text structures, each for its own database.

SQLite: external-content FTS5 tables that read the entry tables, kept in step by
triggers, and a trigram FTS5 table over the vocabulary for typo tolerance.
PostgreSQL: pg_trgm, a language -> text search configuration function, generated
tsvector columns with GIN indexes, and a trigram GIN index on the vocabulary.
"""

# Every statement here is built from constants of this file, never from input.
# ruff: noqa: S608

from django.db import migrations

from concierge.search.backends.pg_configs import PG_CONFIGS, config_function_sql
from concierge.search.migrations._vendor import VendorSQL


def _fts_with_triggers(table, source, key, columns):
    cols = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    return [
        f"CREATE VIRTUAL TABLE {table} USING fts5({cols}, content='{source}', "
        f"content_rowid='{key}', tokenize='unicode61 remove_diacritics 0', prefix='2 3 4')",
        f"CREATE TRIGGER {source}_ai AFTER INSERT ON {source} BEGIN "
        f"INSERT INTO {table}(rowid, {cols}) VALUES (new.{key}, {new}); END",
        f"CREATE TRIGGER {source}_ad AFTER DELETE ON {source} BEGIN "
        f"INSERT INTO {table}({table}, rowid, {cols}) VALUES ('delete', old.{key}, {old}); END",
        f"CREATE TRIGGER {source}_au AFTER UPDATE ON {source} BEGIN "
        f"INSERT INTO {table}({table}, rowid, {cols}) VALUES ('delete', old.{key}, {old}); "
        f"INSERT INTO {table}(rowid, {cols}) VALUES (new.{key}, {new}); END",
    ]


SQLITE_FORWARD = [
    *_fts_with_triggers(
        "search_article_fts",
        "search_articleentry",
        "translation_id",
        ["title_terms", "body_terms", "extra_terms"],
    ),
    *_fts_with_triggers(
        "search_ticket_fts",
        "search_ticketentry",
        "ticket_id",
        ["subject_terms", "body_terms", "customer_terms"],
    ),
    "CREATE VIRTUAL TABLE search_term_trigrams USING fts5(word, content='search_term', "
    "content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER search_term_ai AFTER INSERT ON search_term BEGIN "
    "INSERT INTO search_term_trigrams(rowid, word) VALUES (new.id, new.word); END",
    "CREATE TRIGGER search_term_ad AFTER DELETE ON search_term BEGIN "
    "INSERT INTO search_term_trigrams(search_term_trigrams, rowid, word) VALUES ('delete', old.id, old.word); END",
    "CREATE TRIGGER search_term_au AFTER UPDATE OF word ON search_term BEGIN "
    "INSERT INTO search_term_trigrams(search_term_trigrams, rowid, word) VALUES ('delete', old.id, old.word); "
    "INSERT INTO search_term_trigrams(rowid, word) VALUES (new.id, new.word); END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_term_au",
    "DROP TRIGGER IF EXISTS search_term_ad",
    "DROP TRIGGER IF EXISTS search_term_ai",
    "DROP TABLE IF EXISTS search_term_trigrams",
    *[
        f"DROP TRIGGER IF EXISTS {source}_{suffix}"
        for source in ("search_articleentry", "search_ticketentry")
        for suffix in ("ai", "ad", "au")
    ],
    "DROP TABLE IF EXISTS search_article_fts",
    "DROP TABLE IF EXISTS search_ticket_fts",
]

CONFIG = "concierge_search_config(language)"
# A lexeme between the fields so that a phrase never runs from a title into the body;
# no query ever produces it (it is punctuation to the tokenizers).
GAP = "'¶:1'::tsvector"
POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    config_function_sql(set(PG_CONFIGS.values())),
    # Title, body and compound tails weigh A, B and C in ts_rank.
    "ALTER TABLE search_articleentry ADD COLUMN document tsvector GENERATED ALWAYS AS ("
    f"setweight(to_tsvector({CONFIG}, title_terms), 'A') || {GAP} || "
    f"setweight(to_tsvector({CONFIG}, body_terms), 'B') || {GAP} || "
    f"setweight(to_tsvector({CONFIG}, extra_terms), 'C')) STORED",
    "CREATE INDEX search_article_document ON search_articleentry USING gin (document)",
    "ALTER TABLE search_ticketentry ADD COLUMN document tsvector GENERATED ALWAYS AS ("
    f"setweight(to_tsvector({CONFIG}, subject_terms), 'A') || {GAP} || "
    f"setweight(to_tsvector({CONFIG}, customer_terms), 'B') || {GAP} || "
    f"setweight(to_tsvector({CONFIG}, body_terms), 'C')) STORED",
    "CREATE INDEX search_ticket_document ON search_ticketentry USING gin (document)",
    "CREATE INDEX search_term_word_trigrams ON search_term USING gin (word gin_trgm_ops)",
    "CREATE INDEX search_term_prefix ON search_term (language, word text_pattern_ops)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_term_prefix",
    "DROP INDEX IF EXISTS search_term_word_trigrams",
    "ALTER TABLE search_ticketentry DROP COLUMN IF EXISTS document",
    "ALTER TABLE search_articleentry DROP COLUMN IF EXISTS document",
    "DROP FUNCTION IF EXISTS concierge_search_config(text)",
]


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        VendorSQL("sqlite", SQLITE_FORWARD, SQLITE_BACKWARD),
        VendorSQL("postgresql", POSTGRES_FORWARD, POSTGRES_BACKWARD),
    ]
