"""The two private search backends, chosen by the database in use."""

from __future__ import annotations

from django.db import connection

from concierge.search.backends.base import ARTICLES, TICKETS, Backend, Corpus
from concierge.search.backends.postgresql import PostgreSQLBackend
from concierge.search.backends.sqlite import SQLiteBackend

__all__ = ["ARTICLES", "TICKETS", "Backend", "Corpus", "current_backend"]

_BACKENDS: dict[str, Backend] = {
    "sqlite": SQLiteBackend(),
    "postgresql": PostgreSQLBackend(),
}


def current_backend() -> Backend:
    try:
        return _BACKENDS[connection.vendor]
    except KeyError:
        raise RuntimeError(f"search needs SQLite or PostgreSQL, not {connection.vendor}") from None
