"""Ranking statements prepared once per connection and run with a generic plan.

An article search sends the same few statements again and again with other words, and
PostgreSQL spent longer planning each (0.4 to 0.7 ms) than running most of them. A
statement prepared with SQL's PREPARE is planned once; `plan_cache_mode` is set to
`force_generic_plan` around its EXECUTE only, since left to choose, PostgreSQL planned
every run afresh (its estimate for an unknown tsquery is worse than for a known one).
Django binds values on the client (simple query protocol), so nothing else the
connection runs is touched.

Prepared statements belong to the server session: a pooler that hands one client's
statements to different sessions (PgBouncer in transaction mode) cannot keep them, so
`SEARCH_PREPARED_STATEMENTS=0` turns this off (docs/deployment.md).
"""

from __future__ import annotations

import hashlib
import re
from weakref import WeakKeyDictionary

from django.conf import settings
from django.db import DatabaseError, connection

from concierge.env import envbool

# Statements prepared on each open connection (by the driver's connection object, which
# a reconnect replaces): a new connection starts with none.
_prepared: WeakKeyDictionary[object, set[str]] = WeakKeyDictionary()
# Statements differ only by their shape (the visibility subquery, the conditions), a few
# dozen at most; past this many a connection lets go of them and starts again.
MOST_PREPARED = 100
_PLACEHOLDER = re.compile(r"%s|%%")


def enabled() -> bool:
    return bool(
        getattr(
            settings,
            "SEARCH_PREPARED_STATEMENTS",
            envbool("SEARCH_PREPARED_STATEMENTS", True),
        )
    )


def _numbered(sql: str) -> str:
    """`%s` placeholders as PREPARE's `$1`, `$2`...; `%%` back to `%`."""
    count = 0

    def number(match: re.Match[str]) -> str:
        nonlocal count
        if match.group(0) == "%%":
            return "%"
        count += 1
        return f"${count}"

    return _PLACEHOLDER.sub(number, sql)


def fetch(sql: str, values: list[object]) -> list[tuple]:
    """The rows of `sql` with `values`, through a statement prepared on this connection
    (callers check `enabled()` first)."""
    name = "concierge_search_" + hashlib.blake2b(sql.encode(), digest_size=10).hexdigest()
    try:
        return _execute(name, sql, values)
    except DatabaseError as error:
        if not _forgotten(error):
            raise
        # The session lost its statements behind our back (DISCARD ALL, a pooler's
        # reset). Outside a transaction the search prepares them again at once; inside
        # one the transaction is spoilt already, and the next search prepares afresh.
        _prepared.pop(connection.connection, None)
        if connection.in_atomic_block:
            raise
        return _execute(name, sql, values)


def _execute(name: str, sql: str, values: list[object]) -> list[tuple]:
    with connection.cursor() as cursor:
        names = _prepared.setdefault(connection.connection, set())
        if name not in names:
            if len(names) >= MOST_PREPARED:
                cursor.execute("DEALLOCATE ALL")
                names.clear()
            cursor.execute(f"PREPARE {name} AS {_numbered(sql)}")
            names.add(name)
        arguments = ", ".join(["%s"] * len(values))
        # One round trip; should EXECUTE fail, the SET is undone with its transaction.
        cursor.execute(
            "SET plan_cache_mode = force_generic_plan; "
            f"EXECUTE {name}({arguments}); RESET plan_cache_mode",
            values,
        )
        cursor.nextset()
        return cursor.fetchall()


def _forgotten(error: DatabaseError) -> bool:
    """Whether the server no longer knows a statement this connection prepared."""
    from psycopg import errors

    return isinstance(error.__cause__, errors.InvalidSqlStatementName)
