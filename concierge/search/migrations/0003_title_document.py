"""PostgreSQL: the article titles get a tsvector and a GIN index of their own.

Titles are tried first (a title weighs most). Asked of the whole document with the
title's weight (`'word':A`), the GIN index can only say which documents hold the word
anywhere, and every one of them (thousands for an everyday word) then has its whole
document read to check the weight. A title column answers from its own, small index.
SQLite needs nothing: FTS5 filters by column inside its own index.
"""

# Every statement here is built from constants of this file, never from input.
# ruff: noqa: S608

from django.db import migrations

from concierge.search.migrations._vendor import VendorSQL

POSTGRES_FORWARD = [
    # Weight A, as titles have in `document`, so ranks agree with the whole document's.
    "ALTER TABLE search_articleentry ADD COLUMN title_document tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector(concierge_search_config(language), title_terms), 'A')) STORED",
    "CREATE INDEX search_article_title ON search_articleentry USING gin (title_document)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_article_title",
    "ALTER TABLE search_articleentry DROP COLUMN IF EXISTS title_document",
]


class Migration(migrations.Migration):
    dependencies = [("search", "0002_full_text")]

    operations = [VendorSQL("postgresql", POSTGRES_FORWARD, POSTGRES_BACKWARD)]
