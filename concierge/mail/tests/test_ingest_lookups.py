"""A group of incoming mail asks who its senders are, and how many automatic answers each
got within the hour, once for all its messages; what each message then does is what it
would have done alone."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from concierge.mail.models import (
    IngestAction,
    Mailbox,
    OutboundEmail,
    OutboundKind,
    RawMessage,
    RawSource,
)
from concierge.mail.services import ingest
from concierge.mail.services.ingest import (
    IngestResult,
    raw_message_store,
    raw_messages_process,
)
from concierge.mail.services.lookups import GroupLookups, sender_address
from concierge.mail.tests.messages import build
from concierge.people.models import Customer, CustomerIdentity, Organization
from concierge.people.services import customer_find_or_create_by_email, organization_set_domains
from concierge.tickets.models import Ticket
from concierge.tickets.services import UNSET, ticket_create


def _store(mailbox: Mailbox, raws: list[bytes]) -> list[int]:
    return [raw_message_store(raw=raw, source=RawSource.IMPORT, mailbox=mailbox).pk for raw in raws]


def _request(sender: str, n: int) -> bytes:
    return build(from_=f"Customer <{sender}>", subject=f"Order {n} arrived damaged")


def _process_counting_queries(ids: list[int]) -> tuple[list[IngestResult], list[str]]:
    with CaptureQueriesContext(connection) as captured:
        results = raw_messages_process(ids)
    return results, [query["sql"] for query in captured.captured_queries]


def _identity_reads(queries: list[str]) -> list[str]:
    """Looking a customer up by address (search indexing reads identities by customer)."""
    by_address = ('"people_customeridentity"."value" IN', '"people_customeridentity"."value" =')
    return [sql for sql in queries if any(part in sql for part in by_address)]


def _acknowledgement_counts(queries: list[str]) -> list[str]:
    return [sql for sql in queries if 'FROM "mail_outboundemail"' in sql and "COUNT(" in sql]


# --- the sender, from the header block ----------------------------------------------------------


def test_the_sender_is_read_from_the_header_block():
    raw = build(from_="=?koi8-r?b?8MXU0s/X?= <Petrov@Example.RU>", subject="Привет")

    assert sender_address(raw) == "petrov@example.ru"


@pytest.mark.parametrize(
    ("raw", "sender"),
    [
        (
            b"Subject: x\r\nFrom: Customer\r\n <Folded@Example.com>\r\n\r\nbody",
            "folded@example.com",
        ),
        # An mbox separator line is no From field.
        (b"From robot@example.org Mon Dec 15\nFrom: real@example.com\n\n", "real@example.com"),
        # A From line in the body is not the sender.
        (b"Subject: x\n\nFrom: quoted@example.com\n", ""),
    ],
)
def test_only_the_from_field_of_the_header_block_is_the_sender(raw, sender):
    assert sender_address(raw) == sender


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"Subject: no sender here\r\n\r\nbody",
        b"From: \xff\xfe not an address\r\n\r\n",
        b"\x00\x01\x02 garbage without headers",
        # A header block past the limit is not read to its end.
        b"From: " + b"x" * 200_000 + b"@example.com\r\n\r\n",
    ],
)
def test_a_message_without_a_readable_sender_gives_no_hint_and_no_error(raw):
    assert sender_address(raw) == ""


@pytest.mark.django_db
def test_stored_mail_notes_its_sender_before_it_is_processed(mailbox):
    (raw_id,) = _store(mailbox, [_request("Mia@Example.NET", 1)])

    stored = RawMessage.objects.get(pk=raw_id)
    assert (stored.status, stored.sender) == ("received", "mia@example.net")


# --- one read per group ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_group_looks_up_its_known_senders_with_one_query(mailbox, monkeypatch):
    monkeypatch.setattr(ingest, "GROUP_SECONDS", 60)  # one group, however slow the machine
    senders = [f"customer{n}@example.net" for n in range(6)]
    known = [customer_find_or_create_by_email(email=s) for s in senders]
    ids = _store(mailbox, [_request(s, n) for n, s in enumerate(senders)])

    results, queries = _process_counting_queries(ids)

    assert [r.action for r in results] == [IngestAction.NEW] * 6
    assert len(_identity_reads(queries)) == 1
    assert len(_acknowledgement_counts(queries)) == 1
    requesters = list(Ticket.objects.order_by("number").values_list("requester_id", flat=True))
    assert requesters == [c.pk for c in known]
    assert Customer.objects.count() == 6


@pytest.mark.django_db(transaction=True)
def test_a_new_sender_in_a_group_becomes_one_customer_for_all_its_messages(mailbox):
    ids = _store(mailbox, [_request("new@example.net", n) for n in range(3)])

    results = raw_messages_process(ids)

    assert [r.action for r in results] == [IngestAction.NEW] * 3
    assert CustomerIdentity.objects.filter(value="new@example.net").count() == 1
    assert set(Ticket.objects.values_list("requester__full_name", flat=True)) == {"Customer"}
    assert Ticket.objects.values("requester").distinct().count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_sender_whose_from_was_misread_ahead_is_still_found(mailbox):
    """The header hint is only a head start: when it is wrong (or missing), the message
    looks its sender up itself and nothing is lost."""
    customer = customer_find_or_create_by_email(email="real@example.net")
    (raw_id,) = _store(mailbox, [_request("real@example.net", 1)])
    RawMessage.objects.filter(pk=raw_id).update(sender="someone-else@example.net")

    (result,) = raw_messages_process([raw_id])

    assert result.action == IngestAction.NEW
    assert Ticket.objects.get().requester == customer


def _domain_reads(queries: list[str]) -> list[str]:
    return [sql for sql in queries if 'FROM "people_organizationdomain"' in sql]


@pytest.mark.django_db(transaction=True)
def test_new_senders_become_customers_without_a_look_up_each(mailbox, monkeypatch):
    monkeypatch.setattr(ingest, "GROUP_SECONDS", 60)
    acme = Organization.objects.create(name="Acme")
    organization_set_domains(organization=acme, domains=["acme.example"])
    senders = [f"new{n}@{'acme.example' if n % 2 else 'example.net'}" for n in range(6)]
    ids = _store(mailbox, [_request(s, n) for n, s in enumerate(senders)])

    results, queries = _process_counting_queries(ids)

    assert [r.action for r in results] == [IngestAction.NEW] * 6
    # The read ahead asks for the senders and for their domains' organizations, once.
    assert len(_identity_reads(queries)) == 1
    assert len(_domain_reads(queries)) == 1
    requesters = Ticket.objects.order_by("number").values_list(
        "requester__identities__value", "organization__name"
    )
    assert list(requesters) == [(s, "Acme" if n % 2 else None) for n, s in enumerate(senders)]
    # Their tickets take the organization the group gave them, without reading it back.
    memberships = [sql for sql in queries if '"people_organizationmembership"' in sql]
    assert not [sql for sql in memberships if sql.startswith("SELECT")]


@pytest.mark.django_db(transaction=True)
def test_a_sender_whose_message_failed_is_made_a_customer_by_its_next(mailbox, monkeypatch):
    """The customer the failed message created was rolled back with it."""
    monkeypatch.setattr(ingest, "GROUP_SECONDS", 60)
    calls = []

    def fail_first(**kwargs):
        calls.append(kwargs["requester"].pk)
        if len(calls) == 1:
            raise RuntimeError("the disk is full")
        return ticket_create(**kwargs)

    monkeypatch.setattr(ingest, "ticket_create", fail_first)
    ids = _store(mailbox, [_request("new@example.net", n) for n in range(2)])

    results = raw_messages_process(ids)

    assert [r.action for r in results] == [IngestAction.FAILED, IngestAction.NEW]
    customer = CustomerIdentity.objects.get(value="new@example.net").customer
    assert Ticket.objects.get().requester == customer


@pytest.mark.django_db
def test_a_sender_who_became_a_customer_after_the_read_ahead_is_not_doubled(mailbox):
    """Another worker may take the address between the read ahead and the message."""
    (raw_id,) = _store(mailbox, [_request("raced@example.net", 1)])
    lookups = GroupLookups()
    lookups.read_ahead([RawMessage.objects.get(pk=raw_id)])
    elsewhere = customer_find_or_create_by_email(email="raced@example.net")

    found = lookups.customer("raced@example.net", full_name="Raced", language="")

    assert found == elsewhere
    assert CustomerIdentity.objects.filter(value="raced@example.net").count() == 1
    # The other worker's customer may belong anywhere: its ticket reads that itself.
    assert lookups.organization_id(found) is UNSET


# --- the hourly limit on automatic answers, across a group -----------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_hourly_limit_on_acknowledgements_holds_within_one_group(mailbox, settings):
    settings.MAIL_AUTO_REPLY_LIMIT = 3
    ids = _store(mailbox, [_request("robot@example.net", n) for n in range(5)])

    results = raw_messages_process(ids)

    assert [r.action for r in results] == [IngestAction.NEW] * 5
    acknowledgements = OutboundEmail.objects.filter(kind=OutboundKind.ACKNOWLEDGEMENT)
    assert acknowledgements.filter(recipient="robot@example.net").count() == 3


@pytest.mark.django_db(transaction=True)
def test_the_hourly_limit_counts_what_earlier_groups_sent(mailbox, settings):
    settings.MAIL_AUTO_REPLY_LIMIT = 3
    raw_messages_process(_store(mailbox, [_request("robot@example.net", n) for n in range(2)]))

    raw_messages_process(_store(mailbox, [_request("robot@example.net", n) for n in range(2, 5)]))

    acknowledgements = OutboundEmail.objects.filter(kind=OutboundKind.ACKNOWLEDGEMENT)
    assert acknowledgements.count() == 3
    assert Ticket.objects.count() == 5


@pytest.mark.django_db(transaction=True)
def test_a_sender_not_read_ahead_is_still_held_to_the_hourly_limit(mailbox, settings):
    settings.MAIL_AUTO_REPLY_LIMIT = 1
    raw_messages_process(_store(mailbox, [_request("robot@example.net", 0)]))
    ids = _store(mailbox, [_request("robot@example.net", n) for n in range(1, 3)])
    RawMessage.objects.filter(pk__in=ids).update(sender="")  # no hint to read ahead with

    raw_messages_process(ids)

    acknowledgements = OutboundEmail.objects.filter(kind=OutboundKind.ACKNOWLEDGEMENT)
    assert acknowledgements.count() == 1  # the first group's; the limit is reached
    assert Ticket.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_a_sender_not_read_ahead_is_held_to_the_hourly_limit_within_the_group(
    mailbox, settings, monkeypatch
):
    """The group stores its acknowledgements at its end: it counts its own to a sender
    it did not read ahead, as the database cannot yet."""
    monkeypatch.setattr(ingest, "GROUP_SECONDS", 60)
    settings.MAIL_AUTO_REPLY_LIMIT = 2
    ids = _store(mailbox, [_request("robot@example.net", n) for n in range(4)])
    RawMessage.objects.filter(pk__in=ids).update(sender="")  # no hint to read ahead with

    results, queries = _process_counting_queries(ids)

    assert [r.action for r in results] == [IngestAction.NEW] * 4
    acknowledgements = OutboundEmail.objects.filter(kind=OutboundKind.ACKNOWLEDGEMENT)
    assert acknowledgements.count() == 2
    assert len(_acknowledgement_counts(queries)) == 1  # counted once, then by the group


@pytest.mark.django_db(transaction=True)
def test_a_group_reads_a_few_senders_ahead_at_a_time(mailbox, monkeypatch):
    """A group may end before its last message (it held its locks long enough): the
    senders it never reached are not read for nothing."""
    monkeypatch.setattr(ingest, "GROUP_SECONDS", 60)
    monkeypatch.setattr(ingest, "READ_AHEAD", 2)
    senders = [f"customer{n}@example.net" for n in range(5)]
    for sender in senders:
        customer_find_or_create_by_email(email=sender)
    ids = _store(mailbox, [_request(s, n) for n, s in enumerate([*senders, senders[0]])])

    results, queries = _process_counting_queries(ids)

    assert [r.action for r in results] == [IngestAction.NEW] * 6
    # Three reads of two senders each; the sixth message's sender was read already.
    assert len(_identity_reads(queries)) == 3
    assert Customer.objects.count() == 5


# --- copies, looked for once per group ----------------------------------------------------------


def _copy_reads(queries: list[str]) -> list[str]:
    return [sql for sql in queries if '"mail_rawmessage"."fingerprint" IN (' in sql]


@pytest.mark.django_db(transaction=True)
def test_a_group_looks_for_copies_of_its_messages_with_one_query(mailbox, monkeypatch):
    monkeypatch.setattr(ingest, "GROUP_SECONDS", 60)
    first = _request("mia@example.net", 1)
    (earlier,) = _store(mailbox, [first])
    raw_messages_process([earlier])
    ids = _store(mailbox, [_request("mia@example.net", n) for n in range(2, 6)] + [first] * 2)

    results, queries = _process_counting_queries(ids)

    assert [r.action for r in results] == [IngestAction.NEW] * 4 + [IngestAction.DUPLICATE] * 2
    assert len(_copy_reads(queries)) == 1
    # No message looks for its own copies, nor claims its fingerprint before its end.
    assert not [sql for sql in queries if '"mail_rawmessage"."fingerprint" =' in sql]
    updates = [sql for sql in queries if sql.startswith('UPDATE "mail_rawmessage"')]
    assert len(updates) == 6
    copies = RawMessage.objects.filter(pk__in=ids[4:])
    assert {(c.status, c.duplicate_of_id) for c in copies} == {("duplicate", earlier)}
    assert Ticket.objects.count() == 5


@pytest.mark.django_db(transaction=True)
def test_a_copy_within_the_group_is_a_duplicate_of_the_group_s_own_message(mailbox):
    raw = _request("mia@example.net", 1)
    first, second = _store(mailbox, [raw, raw])

    results = raw_messages_process([first, second])

    assert [r.action for r in results] == [IngestAction.NEW, IngestAction.DUPLICATE]
    assert RawMessage.objects.get(pk=second).duplicate_of_id == first
    assert results[1].ticket_number == results[0].ticket_number


@pytest.mark.django_db(transaction=True)
def test_a_copy_accepted_elsewhere_after_the_group_looked_is_still_a_duplicate(
    mailbox, monkeypatch
):
    """Another worker may accept a copy between the group's look and the message's
    end: the unique index refuses the second, which is rolled back and done again."""
    raw = _request("mia@example.net", 1)
    (earlier,) = _store(mailbox, [raw])
    raw_messages_process([earlier])
    read_ahead = GroupLookups.read_ahead

    def blind_to_copies(self, raws, fingerprints=()):
        read_ahead(self, raws, fingerprints)
        self.accepted_copies.clear()  # as if the copy was accepted just after the look

    monkeypatch.setattr(GroupLookups, "read_ahead", blind_to_copies)
    (copy,) = _store(mailbox, [raw])

    (result,) = raw_messages_process([copy])

    assert result.action == IngestAction.DUPLICATE
    stored = RawMessage.objects.get(pk=copy)
    assert (stored.status, stored.duplicate_of_id, stored.attempts) == ("duplicate", earlier, 1)
    assert Ticket.objects.count() == 1
    assert OutboundEmail.objects.count() == 1  # the rolled-back attempt queued nothing


@pytest.mark.django_db(transaction=True)
def test_each_message_is_parsed_once_however_the_groups_fall(mailbox, monkeypatch):
    """A group parses a few messages ahead and may end before it reaches them: the next
    group takes them as they were parsed."""
    monkeypatch.setattr(ingest, "GROUP_SECONDS", 0)  # every group ends after one message
    parse = ingest.parse_message
    parsed: list[bytes] = []

    def counting_parse(raw: bytes, **kwargs):
        parsed.append(raw)
        return parse(raw, **kwargs)

    monkeypatch.setattr(ingest, "parse_message", counting_parse)
    ids = _store(mailbox, [_request("mia@example.net", n) for n in range(4)])

    results = raw_messages_process(ids)

    assert [r.action for r in results] == [IngestAction.NEW] * 4
    assert len(parsed) == 4


@pytest.mark.django_db(transaction=True)
def test_a_big_message_is_parsed_in_its_turn_and_its_copy_still_found(mailbox, monkeypatch):
    monkeypatch.setattr(ingest, "PARSE_AHEAD_BYTES", 100)  # every message is "big"
    raw = _request("mia@example.net", 1)
    ids = _store(mailbox, [raw, _request("mia@example.net", 2), raw])

    results, queries = _process_counting_queries(ids)

    assert [r.action for r in results] == [
        IngestAction.NEW,
        IngestAction.NEW,
        IngestAction.DUPLICATE,
    ]
    assert not _copy_reads(queries)  # each looked for its own copies instead
    assert RawMessage.objects.get(pk=ids[2]).duplicate_of_id == ids[0]


@pytest.mark.django_db(transaction=True)
def test_a_message_whose_file_is_gone_fails_alone(mailbox):
    ids = _store(mailbox, [_request("mia@example.net", n) for n in range(3)])
    lost = RawMessage.objects.get(pk=ids[1])
    lost.file.storage.delete(lost.file.name)

    results = raw_messages_process(ids)

    assert [r.action for r in results] == [
        IngestAction.NEW,
        IngestAction.FAILED,
        IngestAction.NEW,
    ]
    assert "FileNotFoundError" in RawMessage.objects.get(pk=ids[1]).error
    assert Ticket.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_group_reads_its_known_senders_organizations_once(mailbox, monkeypatch):
    """A new ticket belongs to its requester's first organization; for the senders a
    group read ahead, one query says which for all of them."""
    monkeypatch.setattr(ingest, "GROUP_SECONDS", 60)
    first, second = (Organization.objects.create(name=name) for name in ("Acme", "Globex"))
    in_two = customer_find_or_create_by_email(email="both@example.net")
    in_two.organizations.add(second, first)
    in_none = customer_find_or_create_by_email(email="none@example.net")
    ids = _store(mailbox, [_request("both@example.net", 1), _request("none@example.net", 2)])

    results, queries = _process_counting_queries(ids)

    assert [r.action for r in results] == [IngestAction.NEW] * 2
    tickets = {t.requester_id: t.organization_id for t in Ticket.objects.all()}
    assert tickets == {in_two.pk: first.pk, in_none.pk: None}
    memberships = [sql for sql in queries if 'FROM "people_organizationmembership"' in sql]
    assert len(memberships) == 1
    assert not [sql for sql in queries if 'FROM "people_organization" ' in sql]
