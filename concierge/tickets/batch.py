"""A run of many incoming changes (a mail fetch, an archive import) done as one batch.

Every message of a batch still goes through the same services and the same pipeline
(mail commits them in groups, each message in a savepoint: concierge.mail.services.
ingest). What the batch shares is what does not change from one message to the next:

- configuration the pipeline steps read (active triggers, routing rules, the SLA
  configuration, our own mail addresses) is read once per batch with `memo`, not once per
  message; a change an admin saves meanwhile applies from the next batch (the next
  fetch run or import);
- background work its messages queue after their commit (sending an e-mail) can be
  collected (`later`) and queued as one task per group of messages (`flush`) instead
  of one task each;
- search indexing of the tickets the batch changed is done together, a few queries for
  many tickets instead of a handful per message, once `INDEX_EVERY` tickets wait or
  `INDEX_AFTER_SECONDS` passed (checked after each message), and when the batch ends.
  A ticket is therefore searchable at most that long after its message was committed.
  Should the process die before, `concierge search reindex` rebuilds the entries; the
  tickets and messages themselves are committed already.

Outside a batch (a web request, an API call) nothing is cached and each change is
indexed in its own transaction, as before. Batches nest: an inner one joins the outer.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

logger = logging.getLogger(__name__)

INDEX_EVERY = 200
INDEX_AFTER_SECONDS = 2.0

T = TypeVar("T")


class Batch:
    def __init__(self) -> None:
        self.values: dict[str, Any] = {}
        self.to_index: dict[int, None] = {}  # an ordered set of ticket ids
        self.waiting_since: float | None = None
        self.pending: dict[Callable[[list[Any]], None], list[Any]] = {}

    def later(self, run: Callable[[list[Any]], None], item: Any) -> None:
        """Collect `item` for one call of `run` with everything collected, at `flush`."""
        self.pending.setdefault(run, []).append(item)

    def flush(self) -> None:
        """Run what was collected; call it after a commit, never inside a transaction
        whose rollback would leave the work pointing at nothing."""
        pending, self.pending = self.pending, {}
        for run, items in pending.items():
            run(items)

    def index_later(self, ticket_ids: Iterable[int]) -> None:
        for ticket_id in ticket_ids:
            self.to_index[ticket_id] = None
        if self.to_index and self.waiting_since is None:
            self.waiting_since = time.monotonic()

    def index_if_due(self) -> None:
        if self.waiting_since is None:
            return
        waited = time.monotonic() - self.waiting_since
        if len(self.to_index) >= INDEX_EVERY or waited >= INDEX_AFTER_SECONDS:
            self.index_now()

    def index_now(self) -> None:
        from concierge.search.services import tickets_index, tickets_index_safely

        ticket_ids, self.to_index, self.waiting_since = list(self.to_index), {}, None
        for start in range(0, len(ticket_ids), INDEX_EVERY):
            chunk = ticket_ids[start : start + INDEX_EVERY]
            try:
                tickets_index(ticket_ids=chunk)
            except Exception:
                # One ticket that cannot be indexed must not keep the others out of
                # search: one by one, each failure logged.
                logger.exception("indexing %s tickets together failed", len(chunk))
                tickets_index_safely(ticket_ids=chunk)


_current: ContextVar[Batch | None] = ContextVar("tickets_batch", default=None)


@contextmanager
def batch() -> Iterator[Batch]:
    """Run the body as one batch; the tickets it changed are indexed when it ends."""
    outer = _current.get()
    if outer is not None:
        yield outer
        return
    state = Batch()
    token = _current.set(state)
    try:
        yield state
    finally:
        _current.reset(token)
        state.flush()
        state.index_now()


def current() -> Batch | None:
    return _current.get()


def memo(key: str, load: Callable[[], T]) -> T:
    """`load()`, read once per batch (every time outside one). Only for values that the
    batch's own changes never alter, and that callers do not modify."""
    state = _current.get()
    if state is None:
        return load()
    if key not in state.values:
        state.values[key] = load()
    return state.values[key]
