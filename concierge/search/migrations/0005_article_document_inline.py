"""PostgreSQL: an article's tsvectors are kept in its row, compressed with lz4 where the
server has it.

Ranking reads the `document` of every matching article. Left to the defaults, a row of
about 2 kB had its title vector moved out to the TOAST table (three more page reads per
row) and its document compressed with pglz, whose decompression was most of the time:
ranking the 4,315 Russian articles that hold "возврат куртки" took 67 ms at 50,000
articles, 15 ms with the vectors inline and lz4. The analyzed texts, read only when an
article is indexed again, are what moves out instead. Existing rows are written once
more so they are stored the new way.
SQLite needs nothing: it ranks inside its FTS5 index.
"""

from django.db import migrations

from concierge.search.migrations._vendor import VendorSQL

LZ4 = (
    "DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_settings "
    "WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)) THEN "
    "ALTER TABLE search_articleentry ALTER COLUMN document SET COMPRESSION lz4; "
    "END IF; END $$"
)
POSTGRES_FORWARD = [
    "ALTER TABLE search_articleentry ALTER COLUMN document SET STORAGE MAIN",
    "ALTER TABLE search_articleentry ALTER COLUMN title_document SET STORAGE MAIN",
    LZ4,
    # The generated vectors are computed again, and stored by the new rules.
    "UPDATE search_articleentry SET title_terms = title_terms",
]
POSTGRES_BACKWARD = [
    "ALTER TABLE search_articleentry ALTER COLUMN document SET COMPRESSION DEFAULT",
    "ALTER TABLE search_articleentry ALTER COLUMN document SET STORAGE EXTENDED",
    "ALTER TABLE search_articleentry ALTER COLUMN title_document SET STORAGE EXTENDED",
]


class Migration(migrations.Migration):
    dependencies = [("search", "0004_ticket_head_document")]

    operations = [VendorSQL("postgresql", POSTGRES_FORWARD, POSTGRES_BACKWARD)]
