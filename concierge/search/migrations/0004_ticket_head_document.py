"""PostgreSQL: a ticket's subject and customer get a tsvector and a GIN index of their own.

Ticket search ranks only these (subject weight A, customer B, as in `document`); tickets
that hold the words only in their messages follow, newest first. Ranking the whole
`document` read every matching ticket's message text (TOASTed, often kilobytes): an
everyday word matches tens of thousands of tickets at a million. A subject and a name
are a few lexemes, stored inline, and ranking them is cheap.
SQLite needs nothing: it ranks with bm25 inside its FTS5 index.
"""

# Every statement here is built from constants of this file, never from input.
# ruff: noqa: S608

from django.db import migrations

from concierge.search.migrations._vendor import VendorSQL

CONFIG = "concierge_search_config(language)"
# The same gap lexeme as in `document` (0002): a phrase never runs from the subject into
# the customer's name, and positions agree with the whole document's.
GAP = "'¶:1'::tsvector"
POSTGRES_FORWARD = [
    "ALTER TABLE search_ticketentry ADD COLUMN head_document tsvector GENERATED ALWAYS AS ("
    f"setweight(to_tsvector({CONFIG}, subject_terms), 'A') || {GAP} || "
    f"setweight(to_tsvector({CONFIG}, customer_terms), 'B')) STORED",
    "CREATE INDEX search_ticket_head ON search_ticketentry USING gin (head_document)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_ticket_head",
    "ALTER TABLE search_ticketentry DROP COLUMN IF EXISTS head_document",
]


class Migration(migrations.Migration):
    dependencies = [("search", "0003_title_document")]

    operations = [VendorSQL("postgresql", POSTGRES_FORWARD, POSTGRES_BACKWARD)]
