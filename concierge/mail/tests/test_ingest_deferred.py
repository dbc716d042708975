"""A group stores its messages' Message-IDs and its tickets' mail links with one INSERT
each, when it ends or before a message that may answer one of its tickets; what every
message then finds is what it would have found alone."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from concierge.mail import addresses
from concierge.mail.models import (
    Direction,
    EmailTicket,
    IngestAction,
    Mailbox,
    MailMessageId,
    RawMessage,
    RawSource,
)
from concierge.mail.services import ingest
from concierge.mail.services.ingest import raw_message_store, raw_messages_process
from concierge.mail.tests.messages import SUPPORT, build
from concierge.tickets.models import EventKind, Ticket, TicketEvent

build_body = "The lamp arrived broken. Can you send a new one?"  # build()'s


@pytest.fixture(autouse=True)
def one_group(monkeypatch):
    monkeypatch.setattr(ingest, "GROUP_SECONDS", 60)  # one group, however slow the machine


def _store(mailbox: Mailbox, raws: list[bytes]) -> list[int]:
    return [raw_message_store(raw=raw, source=RawSource.IMPORT, mailbox=mailbox).pk for raw in raws]


def _inserts(queries: list[str], table: str) -> int:
    return sum(sql.startswith(f'INSERT INTO "{table}"') for sql in queries)


def _process(ids: list[int]) -> tuple[list[ingest.IngestResult], list[str]]:
    with CaptureQueriesContext(connection) as captured:
        results = raw_messages_process(ids)
    return results, [query["sql"] for query in captured.captured_queries]


@pytest.mark.django_db(transaction=True)
def test_a_group_stores_its_message_ids_and_mail_links_with_one_insert_each(mailbox):
    raws = [
        build(from_=f"c{n}@example.net", subject=f"Order {n}", message_id=f"m{n}@example.com")
        for n in range(4)
    ]
    ids = _store(mailbox, raws)

    results, queries = _process(ids)

    assert [r.action for r in results] == [IngestAction.NEW] * 4
    assert _inserts(queries, "mail_mailmessageid") == 1
    assert _inserts(queries, "mail_emailticket") == 1
    assert _inserts(queries, "mail_outboundemail") == 1  # the acknowledgements
    assert _inserts(queries, "tickets_ticketevent") == 1
    created = TicketEvent.objects.filter(kind=EventKind.CREATED).select_related("message")
    assert sorted(e.message.body_text for e in created) == [build_body] * 4
    for n, ticket in enumerate(Ticket.objects.order_by("number")):
        assert EmailTicket.objects.get(ticket=ticket).mailbox == mailbox
        ids_of_ticket = dict(
            MailMessageId.objects.filter(ticket=ticket).values_list("direction", "message_id")
        )
        assert ids_of_ticket[Direction.INBOUND] == f"m{n}@example.com"
        assert ".concierge@" in ids_of_ticket[Direction.OUTBOUND]  # the acknowledgement's


@pytest.mark.django_db(transaction=True)
def test_an_answer_in_the_same_group_finds_the_ticket_the_group_opened(mailbox):
    ids = _store(
        mailbox,
        [
            build(subject="Lamp broken", message_id="first@example.com"),
            build(subject="Another matter", message_id="other@example.com"),
            build(subject="Re: Lamp broken", in_reply_to="first@example.com"),
        ],
    )

    results, queries = _process(ids)

    assert [r.action for r in results] == [
        IngestAction.NEW,
        IngestAction.NEW,
        IngestAction.APPENDED,
    ]
    assert results[2].ticket_number == results[0].ticket_number
    # Stored before the answer, then the answer's own at the end.
    assert _inserts(queries, "mail_mailmessageid") == 2


@pytest.mark.django_db(transaction=True)
def test_an_answer_to_a_reply_address_in_the_same_group_lands_on_its_ticket(mailbox):
    mailbox.plus_addressing = True
    mailbox.save(update_fields=["plus_addressing"])
    first = build(subject="Lamp broken", message_id="first@example.com")
    ids = _store(mailbox, [first])
    (opened,) = raw_messages_process(ids)
    answer_to = addresses.reply_address(SUPPORT, opened.ticket_number + 1)
    ids = _store(
        mailbox,
        [
            build(subject="Chair broken", message_id="second@example.com"),
            build(subject="Photos", to=answer_to, message_id="photos@example.com"),
        ],
    )

    results, _queries = _process(ids)

    assert [r.action for r in results] == [IngestAction.NEW, IngestAction.APPENDED]
    assert results[1].ticket_number == results[0].ticket_number
    ticket = Ticket.objects.get(number=results[0].ticket_number)
    assert EmailTicket.objects.get(ticket=ticket).mailbox == mailbox
    assert ticket.messages.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_message_that_fails_late_leaves_none_of_its_rows(mailbox, monkeypatch, caplog):
    real_deliver = ingest._deliver

    def fails_after_delivering(raw, parsed, **kwargs):
        delivered = real_deliver(raw, parsed, **kwargs)
        if parsed.subject == "Order 1":
            raise RuntimeError("the disk filled up")
        return delivered

    monkeypatch.setattr(ingest, "_deliver", fails_after_delivering)
    raws = [build(subject=f"Order {n}", message_id=f"m{n}@example.com") for n in range(3)]
    ids = _store(mailbox, raws)

    results = raw_messages_process(ids)

    assert [r.action for r in results] == [
        IngestAction.NEW,
        IngestAction.FAILED,
        IngestAction.NEW,
    ]
    assert not MailMessageId.objects.filter(message_id="m1@example.com").exists()
    assert set(
        MailMessageId.objects.filter(direction=Direction.INBOUND).values_list(
            "message_id", flat=True
        )
    ) == {"m0@example.com", "m2@example.com"}
    assert EmailTicket.objects.count() == Ticket.objects.count() == 2
    assert TicketEvent.objects.filter(kind=EventKind.CREATED).count() == 2
    assert RawMessage.objects.get(pk=ids[1]).status == "failed"
    # The group committed as one: no row of the failed message broke its commit.
    assert "one by one" not in caplog.text


@pytest.mark.django_db(transaction=True)
def test_an_answer_to_an_older_ticket_does_not_make_the_group_store_early(mailbox):
    (older,) = raw_messages_process(_store(mailbox, [build(message_id="old@example.com")]))
    ids = _store(
        mailbox,
        [
            build(subject="Chair broken", message_id="new1@example.com"),
            build(subject="Re: Lamp", in_reply_to="old@example.com"),
            build(subject="Table broken", message_id="new2@example.com"),
        ],
    )

    results, queries = _process(ids)

    assert [r.action for r in results] == [
        IngestAction.NEW,
        IngestAction.APPENDED,
        IngestAction.NEW,
    ]
    assert results[1].ticket_number == older.ticket_number
    assert _inserts(queries, "mail_mailmessageid") == 1


@pytest.mark.django_db(transaction=True)
def test_a_subject_token_of_a_ticket_the_group_opened_reaches_it(mailbox):
    (earlier,) = raw_messages_process(_store(mailbox, [build(message_id="old@example.com")]))
    number = earlier.ticket_number + 1  # the next ticket, opened in the group below
    ids = _store(
        mailbox,
        [
            build(subject="Chair broken", message_id="new1@example.com"),
            build(subject=f"Photos [#{number}]", message_id="photos@example.com"),
        ],
    )

    results, queries = _process(ids)

    assert [r.action for r in results] == [IngestAction.NEW, IngestAction.APPENDED]
    assert results[1].ticket_number == number
    assert _inserts(queries, "mail_mailmessageid") == 2  # stored before the answer
