"""Ingesting as a batch: the same pipeline per message, what the messages share read once.

Query counts, not timings: a message costs a fixed number of queries whatever the size
of its batch, the configuration the pipeline reads is read once per batch, and the
batch's tickets are indexed for search together when it ends.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext

from concierge.automation.models.triggers import Trigger
from concierge.mail.models import IngestAction, Mailbox, RawMessage, RawSource
from concierge.mail.services import ingest
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

# A new customer's new request, alone: store, the look for a copy, customer, ticket
# (its language decided before it is stored), message, event, SLA, triggers, routing,
# acknowledgement, the Message-IDs (its own and the acknowledgement's, together), the
# raw row accepted, the transaction, and the ticket's search entry.
NEW_MESSAGE_QUERIES = 40
# The same in a batch: the search entry waits for the end of the batch ...
IN_BATCH_QUERIES = 29
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


# --- groups: many messages, one transaction ------------------------------------------------


def _group_locks(queries: list[str]) -> list[str]:
    """The queries that lock a group's raw messages (one per group)."""
    return [sql for sql in queries if '"mail_rawmessage"."id" IN (' in sql]


def _stored(mailbox: Mailbox, count: int, first: int = 1) -> list[int]:
    return [
        raw_message_store(raw=_new_request(n), source=RawSource.IMPORT, mailbox=mailbox).pk
        for n in range(first, first + count)
    ]


@pytest.mark.django_db(transaction=True)
def test_a_batch_commits_its_messages_in_groups(mailbox, monkeypatch):
    monkeypatch.setattr(ingest, "GROUP_MESSAGES", 3)
    ids = _stored(mailbox, 7)

    queries = _queries_of(lambda: raw_messages_process(ids))

    # Seven messages in groups of three: three transactions, each locking its rows
    # with one query, each message in a savepoint of its own.
    locks = _group_locks(queries)
    assert len(locks) == 3
    assert sum(sql.startswith("RELEASE SAVEPOINT") for sql in queries) >= 7
    assert set(RawMessage.objects.values_list("status", flat=True)) == {"processed"}
    assert Ticket.objects.count() == 7


@pytest.mark.django_db(transaction=True)
def test_a_group_that_fails_as_a_whole_is_done_again_message_by_message(mailbox, monkeypatch):
    """A deadlock or a lost connection says nothing about the message that met it: the
    group is rolled back and redone one message at a time, each exactly once."""
    ids = _stored(mailbox, 3)
    real_deliver = ingest._deliver
    calls = {"n": 0}

    def deliver_once_locked(raw, parsed, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:  # the second message of the group meets a deadlock
            raise OperationalError("deadlock detected")
        return real_deliver(raw, parsed, **kwargs)

    monkeypatch.setattr(ingest, "_deliver", deliver_once_locked)

    results = raw_messages_process(ids)

    assert [r.action for r in results] == [IngestAction.NEW] * 3
    assert Ticket.objects.count() == 3  # the first message's rolled-back ticket is not kept
    assert sorted(RawMessage.objects.values_list("ticket__number", flat=True)) == [1, 2, 3]


@pytest.mark.django_db(transaction=True)
def test_a_crash_mid_group_leaves_its_messages_for_the_next_run(mailbox, monkeypatch):
    ids = _stored(mailbox, 3)
    real_deliver = ingest._deliver

    def killed_on_the_third(raw, parsed, **kwargs):
        if parsed.subject == "Order 3 arrived damaged":
            raise SystemExit("the worker was stopped")
        return real_deliver(raw, parsed, **kwargs)

    monkeypatch.setattr(ingest, "_deliver", killed_on_the_third)
    with pytest.raises(SystemExit):
        raw_messages_process(ids)

    # Nothing of the group was committed: no ticket, every message still to do.
    assert Ticket.objects.count() == 0
    assert set(RawMessage.objects.values_list("status", flat=True)) == {"received"}

    monkeypatch.setattr(ingest, "_deliver", real_deliver)
    results = raw_messages_process(ingest.received_ids())
    assert [r.action for r in results] == [IngestAction.NEW] * 3
    assert Ticket.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_a_group_locks_its_messages_a_few_at_a_time(mailbox, monkeypatch):
    monkeypatch.setattr(ingest, "GROUP_SECONDS", 60)
    monkeypatch.setattr(ingest, "READ_AHEAD", 2)
    ids = _stored(mailbox, 5)

    queries = _queries_of(lambda: raw_messages_process(ids))

    # One transaction (the group's), its rows locked two, two and one at a time.
    group = queries[: next(i for i, sql in enumerate(queries) if sql.startswith("COMMIT"))]
    assert len(_group_locks(group)) == len(_group_locks(queries)) == 3
    assert set(RawMessage.objects.values_list("status", flat=True)) == {"processed"}
    assert Ticket.objects.count() == 5


@pytest.mark.django_db(transaction=True)
def test_a_group_ends_early_when_it_has_held_its_locks_long_enough(mailbox, monkeypatch):
    monkeypatch.setattr(ingest, "GROUP_SECONDS", 0)
    ids = _stored(mailbox, 3)

    queries = _queries_of(lambda: raw_messages_process(ids))

    locks = _group_locks(queries)
    assert len(locks) == 3  # one message per group
    assert Ticket.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_a_group_sends_its_acknowledgements_with_one_task(mailbox, settings, monkeypatch):
    """Each acknowledgement would be a task of its own; a group queues one for all."""
    from django_tasks_db.models import DBTaskResult

    from concierge.mail.models import OutboundEmail
    from concierge.mail.tasks import send_outbound_email, send_outbound_emails

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    monkeypatch.setattr(ingest, "GROUP_MESSAGES", 3)
    ids = _stored(mailbox, 4)

    raw_messages_process(ids)

    queued = list(DBTaskResult.objects.order_by("enqueued_at"))
    assert [task.task_path for task in queued] == [send_outbound_emails.module_path] * 2
    sent_ids = [i for task in queued for i in task.args_kwargs["args"][0]]
    assert sorted(sent_ids) == sorted(OutboundEmail.objects.values_list("pk", flat=True))
    assert len(sent_ids) == 4  # groups of three and one
    # Alone, a message is a batch of one: one task for its one e-mail.
    stored = raw_message_store(raw=_new_request(9), source=RawSource.IMPORT, mailbox=mailbox)
    raw_message_process(stored.pk)
    last = DBTaskResult.objects.order_by("enqueued_at").last()
    assert last.task_path == send_outbound_emails.module_path
    assert len(last.args_kwargs["args"][0]) == 1
    # The one-e-mail task is for e-mail queued outside a batch (a reply on the web).
    assert not DBTaskResult.objects.filter(task_path=send_outbound_email.module_path).exists()


@pytest.mark.django_db(transaction=True)
def test_the_sending_task_of_a_group_sends_every_e_mail(mailbox, mailoutbox):
    from concierge.mail.models import OutboundEmail, OutboundStatus
    from concierge.mail.tasks import send_outbound_emails

    ids = _stored(mailbox, 2)
    raw_messages_process(ids)  # the test queue runs tasks at once
    outbound = list(OutboundEmail.objects.values_list("status", flat=True))

    assert outbound == [OutboundStatus.SENT] * 2
    assert len(mailoutbox) == 2
    assert send_outbound_emails.call([]) == {}


@pytest.mark.django_db(transaction=True)
def test_an_import_stores_each_group_of_raw_messages_with_one_insert(mailbox, monkeypatch):
    monkeypatch.setattr(ingest, "GROUP_MESSAGES", 3)
    raws = [
        (build(from_=f"Customer {n} <c{n}@example.net>", subject=f"Order {n}"), f"archive.mbox#{n}")
        for n in range(5)
    ]

    with CaptureQueriesContext(connection) as captured:
        outcomes = list(
            ingest.raw_messages_ingest(
                raws, read=lambda item: item, source=RawSource.IMPORT, mailbox=mailbox
            )
        )

    inserts = [q["sql"] for q in captured.captured_queries if 'INTO "mail_rawmessage"' in q["sql"]]
    assert len(inserts) == 2  # groups of three and two
    assert [result.action for _, result in outcomes] == [IngestAction.NEW] * 5
    for n, stored in enumerate(RawMessage.objects.order_by("pk")):
        assert (stored.origin, stored.sender, stored.mailbox) == (
            f"archive.mbox#{n}",
            f"c{n}@example.net",
            mailbox,
        )
        assert stored.size == len(raws[n][0])
        assert ingest.read_raw(stored) == raws[n][0]


@pytest.mark.django_db(transaction=True)
def test_a_group_reads_each_mailbox_once_for_all_its_messages(mailbox, monkeypatch):
    monkeypatch.setattr(ingest, "GROUP_SECONDS", 60)
    monkeypatch.setattr(ingest, "READ_AHEAD", 2)
    sales = Mailbox.objects.create(address="sales@desk.example", team=None)
    ids = [
        raw_message_store(
            raw=build(to=box.address, subject=f"Order {n}"), source=RawSource.IMPORT, mailbox=box
        ).pk
        for n, box in enumerate([mailbox, sales, mailbox, sales, mailbox])
    ]

    queries = _queries_of(lambda: raw_messages_process(ids))

    mailbox_reads = [sql for sql in queries if 'FROM "mail_mailbox"' in sql]
    assert len([sql for sql in mailbox_reads if '"mail_mailbox"."id" IN' in sql]) == 1
    assert len(mailbox_reads) == 2  # and our addresses, once for the batch
    tickets = {raw.ticket.number: raw.mailbox_id for raw in RawMessage.objects.all()}
    assert sorted(tickets.values()) == sorted(
        [mailbox.pk, sales.pk, mailbox.pk, sales.pk, mailbox.pk]
    )
    for ticket in Ticket.objects.select_related("email"):
        raw = RawMessage.objects.get(ticket=ticket)
        assert ticket.email.mailbox_id == raw.mailbox_id
        assert ticket.team_id == (mailbox.team_id if raw.mailbox_id == mailbox.pk else None)
