"""Ingesting as a batch: the same pipeline per message, what the messages share read once.

Query counts, not timings: a message costs a fixed number of queries whatever the size
of its batch, the configuration the pipeline reads is read once per batch, and the
batch's tickets are indexed for search together when it ends.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from concierge.automation.models.triggers import Trigger
from concierge.mail.models import IngestAction, Mailbox, RawMessage, RawSource
from concierge.mail.services.ingest import (
    IngestResult,
    ingest_batch,
    raw_message_process,
    raw_message_store,
    raw_messages_process,
)
from concierge.mail.tests.messages import build
from concierge.search.models import TicketEntry
from concierge.tickets import batch
from concierge.tickets.models import Ticket

# A new customer's new request, alone: store, claim, customer, ticket, message, event,
# SLA, language, triggers, routing, thread ids, acknowledgement, the raw row, the
# transaction, and the ticket's search entry.
NEW_MESSAGE_QUERIES = 44
# The same in a batch: the search entry waits for the end of the batch ...
IN_BATCH_QUERIES = 33
# ... and what every message would read (our addresses, the SLA configuration's
# version, the active triggers and routing rules) is read by the first one only.
SHARED_READS = 4


def _new_request(n: int) -> bytes:
    return build(
        from_=f"Customer {n} <customer{n}@example.net>",
        subject=f"Order {n} arrived damaged",
        body=f"The lamp in order {n} arrived broken. Can you help?",
        message_id=f"order-{n}@example.net",
    )


@pytest.fixture
def process(
    mailbox: Mailbox, django_capture_on_commit_callbacks: Any
) -> Callable[[bytes], IngestResult]:
    """Store and process one message; what its commit queues (sending the
    acknowledgement) is left to the worker, as it is outside tests."""

    def run(raw: bytes) -> IngestResult:
        stored = raw_message_store(raw=raw, source=RawSource.IMPORT, mailbox=mailbox)
        with django_capture_on_commit_callbacks(execute=False):
            return raw_message_process(stored.pk)

    return run


def _queries_of(run: Callable[[], object]) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        run()
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.django_db
def test_a_new_message_alone_takes_a_fixed_number_of_queries(process, mailbox):
    process(_new_request(0))  # the desk's first ticket creates the number sequence

    queries = _queries_of(lambda: process(_new_request(1)))

    assert len(queries) == NEW_MESSAGE_QUERIES, "\n".join(queries)
    assert Ticket.objects.count() == 2


@pytest.mark.django_db
def test_in_a_batch_every_message_costs_the_same_whatever_the_batch_size(process, mailbox):
    process(_new_request(0))
    per_message: list[int] = []
    with ingest_batch():
        for n in range(1, 8):
            per_message.append(len(_queries_of(lambda n=n: process(_new_request(n)))))

    # The first message of the batch reads the shared configuration; the others do not,
    # and search indexing waits for the end of the batch.
    first, *others = per_message
    assert first == IN_BATCH_QUERIES + SHARED_READS
    assert set(others) == {IN_BATCH_QUERIES}
    assert Ticket.objects.count() == 8


@pytest.mark.django_db
def test_the_active_triggers_are_read_once_per_batch(process, mailbox):
    table = Trigger._meta.db_table

    def reads_of_triggers(run: Callable[[], object]) -> int:
        return sum(f'FROM "{table}"' in sql for sql in _queries_of(run))

    def three_messages() -> None:
        with ingest_batch():
            for n in range(3):
                process(_new_request(n))

    assert reads_of_triggers(three_messages) == 1
    # Alone, each message reads them itself.
    assert reads_of_triggers(lambda: process(_new_request(3))) == 1
    assert reads_of_triggers(lambda: process(_new_request(4))) == 1


@pytest.mark.django_db
def test_a_trigger_changed_during_a_batch_applies_from_the_next_one(process, mailbox):
    with ingest_batch():
        process(_new_request(0))
        Trigger.objects.filter(is_active=True).update(is_active=False)
        # Read once when the batch began: the batch goes on with what it read.
        assert batch.memo("automation.triggers", list)
    with ingest_batch():
        process(_new_request(1))
        assert batch.memo("automation.triggers", list) == []


@pytest.mark.django_db
def test_tickets_of_a_batch_are_searchable_when_it_ends(process, mailbox):
    with ingest_batch():
        first = process(_new_request(1))
        second = process(_new_request(2))
        assert not TicketEntry.objects.exists()  # committed, indexed together at the end

    numbers = {first.ticket_number, second.ticket_number}
    indexed = TicketEntry.objects.values_list("ticket__number", flat=True)
    assert set(indexed) == numbers


@pytest.mark.django_db
def test_a_long_batch_indexes_as_it_goes(process, mailbox, monkeypatch):
    monkeypatch.setattr(batch, "INDEX_EVERY", 2)
    with ingest_batch():
        process(_new_request(1))
        assert TicketEntry.objects.count() == 0
        process(_new_request(2))
        assert TicketEntry.objects.count() == 2  # two waited: indexed after the second
        process(_new_request(3))
        assert TicketEntry.objects.count() == 2
    assert TicketEntry.objects.count() == 3


@pytest.mark.django_db
def test_a_message_alone_is_searchable_at_once(process, mailbox):
    result = process(_new_request(1))

    assert TicketEntry.objects.get().ticket.number == result.ticket_number


@pytest.mark.django_db
def test_a_failing_message_in_a_batch_leaves_the_others_processed_and_indexed(mailbox):
    good = raw_message_store(raw=_new_request(1), source=RawSource.IMPORT, mailbox=mailbox)
    broken = raw_message_store(
        raw=b"From: nobody\r\nSubject: no sender address\r\n\r\nHello", source=RawSource.IMPORT
    )
    later = raw_message_store(raw=_new_request(2), source=RawSource.IMPORT, mailbox=mailbox)

    results = raw_messages_process([good.pk, broken.pk, later.pk])

    assert [r.action for r in results] == [IngestAction.NEW, IngestAction.FAILED, IngestAction.NEW]
    assert RawMessage.objects.get(pk=broken.pk).error
    assert TicketEntry.objects.count() == 2


@pytest.mark.django_db
def test_a_copy_within_one_batch_is_a_duplicate(process, mailbox):
    with ingest_batch():
        first = process(_new_request(1))
        copy = process(_new_request(1))

    assert copy.action == IngestAction.DUPLICATE
    assert copy.ticket_number == first.ticket_number
    assert Ticket.objects.count() == 1


@pytest.mark.django_db
def test_when_indexing_together_fails_the_tickets_are_indexed_one_by_one(
    process, mailbox, monkeypatch
):
    from concierge.search import services as search_services

    def broken(*, ticket_ids: list[int]) -> int:
        raise RuntimeError("the index is being rebuilt")

    monkeypatch.setattr(search_services, "tickets_index", broken)
    with ingest_batch():
        process(_new_request(1))
        process(_new_request(2))

    assert TicketEntry.objects.count() == 2


@pytest.mark.django_db
def test_the_acknowledgement_answers_the_message_that_opened_the_ticket(process, mailbox):
    from concierge.mail.models import OutboundEmail, OutboundKind

    process(_new_request(1))
    process(build(from_="Mia <mia@example.net>", subject="No id", message_id=None))

    with_id, without_id = OutboundEmail.objects.filter(kind=OutboundKind.ACKNOWLEDGEMENT).order_by(
        "pk"
    )
    assert (with_id.in_reply_to, with_id.references) == (
        "order-1@example.net",
        "<order-1@example.net>",
    )
    assert (without_id.in_reply_to, without_id.references) == ("", "")
