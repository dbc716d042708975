"""Fast inserts that still respect the schema: COPY on PostgreSQL, executemany on SQLite.

Rows are written column by column as the models define them: a `Table` maps model field
names to columns and fills any column the generator does not know about (one a later
migration added) with the field's default, or refuses if it has none. For a large load
the secondary indexes (and, on PostgreSQL, the foreign keys) are dropped first and rebuilt
afterwards from their own definitions, which is several times faster than maintaining them
row by row; rebuilding the foreign keys re-validates every row.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models

Row = tuple[Any, ...]


class SchemaError(Exception):
    """A column the generator cannot fill: the models changed under it."""


class Table:
    def __init__(self, model: type[models.Model], field_names: Sequence[str]) -> None:
        opts = model._meta
        provided = [opts.get_field(name) for name in field_names]
        missing = [f for f in opts.concrete_fields if f.name not in field_names]
        constants = []
        for model_field in missing:
            if model_field.has_default():
                value = model_field.get_default()
                constants.append(model_field.get_db_prep_save(value, connection))
            elif model_field.null:
                constants.append(None)
            else:
                raise SchemaError(f"{opts.label}.{model_field.name} has no default to fill it with")
        self.model = model
        self.name = opts.db_table
        self.columns = [f.column for f in provided] + [f.column for f in missing]
        self.constants = tuple(constants)

    def complete(self, rows: list[Row]) -> list[Row]:
        if not self.constants:
            return rows
        return [row + self.constants for row in rows]


@dataclass
class Counter:
    """Rows written per table and the time spent, for the progress lines."""

    started: float = field(default_factory=time.monotonic)
    rows: dict[str, int] = field(default_factory=dict)

    def add(self, table: str, count: int) -> None:
        self.rows[table] = self.rows.get(table, 0) + count

    @property
    def total(self) -> int:
        return sum(self.rows.values())

    def rate(self) -> float:
        return self.total / max(time.monotonic() - self.started, 1e-9)


class Writer:
    """Writes rows through the backend's fastest path, inside the caller's transaction."""

    def __init__(self, counter: Counter) -> None:
        self.counter = counter
        self.vendor = connection.vendor

    def timestamp(self, seconds: int) -> str:
        """A UTC instant as the database stores it (SQLite: naive UTC text, as Django does)."""
        text = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(seconds))
        return text if self.vendor == "sqlite" else text + "+00"

    def write(self, table: Table, rows: list[Row]) -> None:
        if not rows:
            return
        rows = table.complete(rows)
        quote = connection.ops.quote_name
        columns = ", ".join(quote(c) for c in table.columns)
        connection.ensure_connection()
        raw = connection.connection
        if self.vendor == "postgresql":
            with (
                raw.cursor() as cursor,
                cursor.copy(f"COPY {quote(table.name)} ({columns}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(table.columns))
            cursor = raw.cursor()
            try:
                cursor.executemany(
                    f"INSERT INTO {quote(table.name)} ({columns}) VALUES ({marks})", rows
                )
            finally:
                cursor.close()
        self.counter.add(table.name, len(rows))


def next_id(model: type[models.Model]) -> int:
    value = model.objects.aggregate(top=models.Max("pk"))["top"]
    return (value or 0) + 1


def execute(sql: str, params: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.fetchall() if cursor.description else []


@dataclass
class DroppedSchema:
    """What was dropped for the load, to be put back exactly as it was."""

    indexes: list[str] = field(default_factory=list)
    foreign_keys: list[str] = field(default_factory=list)


def drop_secondary_schema(tables: Sequence[str]) -> DroppedSchema:
    """Drop non-unique indexes (and PostgreSQL foreign keys); unique ones keep guarding."""
    dropped = DroppedSchema()
    quote = connection.ops.quote_name
    for table in tables:
        if connection.vendor == "sqlite":
            rows = execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                "AND sql IS NOT NULL",
                [table],
            )
        else:
            rows = execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname "
                "NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
                [table, table],
            )
            for name, definition in execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'f'",
                [table],
            ):
                execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
                dropped.foreign_keys.append(
                    f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}"
                )
        for name, definition in rows:
            if definition.upper().startswith("CREATE UNIQUE"):
                continue
            execute(f"DROP INDEX {quote(name)}")
            dropped.indexes.append(definition)
    return dropped


def restore_schema(dropped: DroppedSchema, report: Any) -> None:
    for statement in dropped.indexes + dropped.foreign_keys:
        started = time.monotonic()
        execute(statement)
        report(f"  {statement[:90]}... {time.monotonic() - started:.1f}s")


def reset_sequences(model_list: Sequence[type[models.Model]]) -> None:
    """Ids were given explicitly; PostgreSQL's sequences must continue after them."""
    for statement in connection.ops.sequence_reset_sql(no_style(), list(model_list)):
        execute(statement)


def prepare_session(bulk: bool) -> None:
    """Settings for this connection only: durability off for the load, one core at a time."""
    if connection.vendor == "sqlite":
        # Some of these cannot change inside a transaction (a test's, for one).
        if not connection.in_atomic_block:
            execute("PRAGMA temp_store = MEMORY")
            if bulk:
                # A half-written benchmark database is thrown away, not recovered.
                execute("PRAGMA journal_mode = MEMORY")
                execute("PRAGMA synchronous = OFF")
        execute("PRAGMA cache_size = -1048576")
    else:
        execute("SET maintenance_work_mem = '1GB'")
        execute("SET max_parallel_maintenance_workers = 0")
        execute("SET synchronous_commit = off")


def finish_session(report: Any) -> None:
    """Statistics for the planner, and the journal mode the product runs with."""
    started = time.monotonic()
    if connection.vendor == "sqlite":
        execute("ANALYZE")
        if not connection.in_atomic_block:
            execute("PRAGMA journal_mode = WAL")
            execute("PRAGMA synchronous = NORMAL")
    elif connection.in_atomic_block:
        execute("ANALYZE")
    else:
        # A database that has been running for a while is vacuumed: the visibility map
        # lets the planner use index-only scans, as it would in production.
        execute("VACUUM (ANALYZE)")
    report(f"  statistics gathered in {time.monotonic() - started:.1f}s")
