"""Specification of the ingestion pipeline: raw mail in, tickets out, nothing lost or doubled."""

from __future__ import annotations

import pytest
from django.utils import translation

from concierge.mail.models import (
    EmailTicket,
    IngestAction,
    Mailbox,
    MailMessageId,
    OutboundEmail,
    OutboundKind,
    RawMessage,
    RawSource,
    RawStatus,
)
from concierge.mail.services.ingest import (
    raw_message_process,
    raw_message_reprocess,
    raw_message_store,
    raw_messages_process,
)
from concierge.mail.tests.messages import SUPPORT, build
from concierge.people.models import Customer, Organization, OrganizationDomain
from concierge.people.services import customer_find_or_create_by_email
from concierge.tickets.models import Channel, Message, Status, Ticket
from concierge.tickets.services import ticket_reply, ticket_update


def test_a_new_message_opens_an_email_ticket_for_its_sender(ingest, mailbox, support_team):
    result = ingest(build(subject="Lamp arrived broken", body="It is broken.\n\nEmily"))

    ticket = Ticket.objects.get()
    assert result.action == IngestAction.NEW
    assert result.ticket_number == ticket.number
    assert ticket.channel == Channel.EMAIL
    assert ticket.subject == "Lamp arrived broken"
    assert ticket.team == support_team
    assert ticket.requester.primary_email == "emily@example.com"
    assert ticket.requester.full_name == "Emily Clark"
    message = ticket.messages.get()
    assert message.body_text == "It is broken.\n\nEmily"
    raw = RawMessage.objects.get()
    assert (raw.status, raw.action, raw.ticket, raw.ticket_message) == (
        RawStatus.PROCESSED,
        IngestAction.NEW,
        ticket,
        message,
    )
    assert EmailTicket.objects.get(ticket=ticket).mailbox == mailbox
    assert MailMessageId.objects.filter(ticket=ticket, message_id=raw.message_id).exists()


def test_the_raw_bytes_are_kept_exactly(ingest):
    raw = build(body="Grüße aus Köln")
    ingest(raw)

    stored = RawMessage.objects.get()
    with stored.file.open("rb") as handle:
        assert handle.read() == raw
    assert stored.size == len(raw)


def test_the_reply_text_is_stored_without_the_quoted_history(ingest):
    body = (
        "Thanks, the new lamp works.\n\n"
        "On Mon, 15 Dec 2025 at 14:30, Lamps Support <support@desk.example> wrote:\n"
        "> We sent a new lamp.\n"
    )
    ingest(build(body=body))

    assert Message.objects.get().body_text == "Thanks, the new lamp works."


def test_a_new_ticket_is_acknowledged_in_the_customers_language(ingest, mailoutbox):
    customer_find_or_create_by_email(
        email="ivan@example.ru", full_name="Иван Петров", language="ru"
    )
    ingest(build(from_="Иван Петров <ivan@example.ru>", subject="Счёт", body="Сумма неверная."))

    ticket = Ticket.objects.get()
    [ack] = mailoutbox
    assert ack.to == ["ivan@example.ru"]
    assert f"[#{ticket.number}]" in ack.subject
    assert ack.extra_headers["Auto-Submitted"] == "auto-replied"
    with translation.override("ru"):
        greeting = translation.gettext("Hello %(name)s,") % {"name": "Иван"}
    assert greeting != "Hello Иван,"
    assert ack.body.startswith(greeting)
    assert OutboundEmail.objects.get().kind == OutboundKind.ACKNOWLEDGEMENT


def test_acknowledgements_to_one_sender_are_rate_limited(ingest, mailoutbox, settings):
    settings.MAIL_AUTO_REPLY_LIMIT = 2
    for number in range(4):
        ingest(build(subject=f"Question {number}", body=f"Question number {number}"))

    assert Ticket.objects.count() == 4
    assert len(mailoutbox) == 2


def test_no_acknowledgement_when_the_mailbox_does_not_want_them(ingest, mailbox, mailoutbox):
    mailbox.auto_acknowledge = False
    mailbox.save(update_fields=["auto_acknowledge"])
    ingest(build())

    assert Ticket.objects.count() == 1
    assert mailoutbox == []


# --- duplicates ----------------------------------------------------------------------------------


def test_the_same_message_fetched_twice_is_recorded_as_a_duplicate(ingest):
    raw = build()
    first = ingest(raw)
    second = ingest(raw)

    assert second.action == IngestAction.DUPLICATE
    assert second.ticket_number == first.ticket_number
    assert Ticket.objects.count() == 1
    assert Message.objects.count() == 1
    duplicate = RawMessage.objects.get(status=RawStatus.DUPLICATE)
    assert duplicate.duplicate_of_id == first.raw_message_id
    assert RawMessage.objects.count() == 2  # the copy is kept, not dropped


def test_a_copy_delivered_to_two_of_our_mailboxes_is_one_message(ingest, mailbox):
    sales = Mailbox.objects.create(address="sales@desk.example")
    raw = build(to=f"{SUPPORT}, sales@desk.example", message_id="abc@example.com")
    copy_for_support = b"Delivered-To: support@desk.example\r\n" + raw
    copy_for_sales = (b"Delivered-To: sales@desk.example\n" + raw.replace(b"\r\n", b"\n")).replace(
        b"\n", b"\r\n"
    )

    ingest(copy_for_support, into=mailbox)
    result = ingest(copy_for_sales, into=sales)

    assert result.action == IngestAction.DUPLICATE
    assert Message.objects.count() == 1


def test_a_mailer_that_reuses_a_message_id_loses_no_mail(ingest):
    ingest(build(message_id="same@broken.example", body="First question"))
    result = ingest(build(message_id="same@broken.example", body="Another question"))

    assert result.action != IngestAction.DUPLICATE
    assert sorted(Message.objects.values_list("body_text", flat=True)) == [
        "Another question",
        "First question",
    ]


def test_messages_without_a_message_id_are_told_apart_by_their_content(ingest):
    first = build(message_id=None, body="No id here")
    ingest(first)
    again = ingest(first)
    other = ingest(build(message_id=None, body="Different text"))

    assert again.action == IngestAction.DUPLICATE
    assert other.action == IngestAction.NEW
    assert Ticket.objects.count() == 2


def test_processing_again_does_nothing(ingest):
    result = ingest(build())

    again = raw_message_process(result.raw_message_id)

    assert again.action == IngestAction.NEW
    assert again.ticket_number == result.ticket_number
    assert Message.objects.count() == 1


# --- threading ---------------------------------------------------------------------------------


@pytest.fixture
def first_ticket(ingest):
    ingest(build(message_id="first@example.com", subject="Lamp arrived broken"))
    return Ticket.objects.get()


def test_a_reply_to_our_email_joins_its_ticket(ingest, first_ticket, agent, mailoutbox):
    ticket_reply(ticket=first_ticket, author=agent, body_text="New lamp sent.", internal=False)
    sent = OutboundEmail.objects.get(kind=OutboundKind.REPLY)

    result = ingest(
        build(
            subject="Something else entirely",
            body="Thanks!",
            in_reply_to=sent.message_id,
            references=f"<first@example.com> <{sent.message_id}>",
        )
    )

    assert result.action == IngestAction.APPENDED
    assert result.ticket_number == first_ticket.number
    assert first_ticket.messages.filter(body_text="Thanks!").exists()


def test_references_alone_thread_a_reply(ingest, first_ticket):
    result = ingest(build(subject="Re: lamp", references="<unknown@x> <first@example.com>"))

    assert result.ticket_number == first_ticket.number


def test_the_ticket_token_in_the_subject_threads_a_reply_from_the_requester(ingest, first_ticket):
    result = ingest(build(subject=f"Re: [#{first_ticket.number}] Lamp", body="More details"))

    assert result.action == IngestAction.APPENDED
    assert result.ticket_number == first_ticket.number


def test_the_ticket_token_from_a_stranger_opens_a_new_ticket(ingest, first_ticket):
    result = ingest(
        build(
            from_="Mallory <mallory@evil.example>",
            subject=f"Re: [#{first_ticket.number}] Lamp",
        )
    )

    assert result.action == IngestAction.NEW
    assert result.ticket_number != first_ticket.number


def test_the_same_subject_alone_never_threads(ingest, first_ticket):
    result = ingest(build(subject="Lamp arrived broken", body="A second lamp broke too"))

    assert result.action == IngestAction.NEW
    assert Ticket.objects.count() == 2


def test_a_per_ticket_reply_address_threads_without_any_header(ingest, first_ticket):
    from concierge.mail.addresses import reply_address

    address = reply_address(SUPPORT, first_ticket.number)
    result = ingest(build(to=address, subject="no token", body="Hi again"))

    assert result.ticket_number == first_ticket.number


def test_a_forged_reply_address_does_not_thread(ingest, first_ticket):
    forged = f"support+t{first_ticket.number}-000000000000@desk.example"
    result = ingest(build(to=forged, subject="no token"))

    assert result.action == IngestAction.NEW


def test_a_reply_to_a_closed_ticket_opens_a_linked_follow_up(ingest, first_ticket, agent):
    ticket_update(ticket=first_ticket, actor=agent, status=Status.CLOSED)

    result = ingest(build(subject="Re: lamp", in_reply_to="first@example.com", body="Broke again"))

    assert result.action == IngestAction.NEW
    follow_up = Ticket.objects.get(number=result.ticket_number)
    assert follow_up != first_ticket
    assert follow_up.requester == first_ticket.requester
    assert EmailTicket.objects.get(ticket=follow_up).follow_up_of == first_ticket


def test_follow_ups_can_be_switched_off(ingest, first_ticket, agent, settings):
    settings.MAIL_FOLLOW_UP_CLOSED = False
    ticket_update(ticket=first_ticket, actor=agent, status=Status.CLOSED)

    result = ingest(build(subject="Re: lamp", in_reply_to="first@example.com", body="Broke again"))

    assert result.ticket_number == first_ticket.number


def test_a_reply_to_a_merged_ticket_lands_in_the_ticket_it_went_into(ingest, first_ticket, agent):
    from concierge.tickets.services import ticket_merge

    ingest(build(message_id="second@example.com", subject="Another", body="Other issue"))
    target = Ticket.objects.exclude(pk=first_ticket.pk).get()
    ticket_merge(source=first_ticket, target=target, actor=agent)

    result = ingest(build(in_reply_to="first@example.com", body="Any news?"))

    assert result.ticket_number == target.number


# --- people ------------------------------------------------------------------------------------


def test_a_new_sender_joins_the_organization_of_their_domain(ingest):
    lamps = Organization.objects.create(name="Lamps Inc")
    OrganizationDomain.objects.create(organization=lamps, domain="example.com")

    ingest(build())

    assert Ticket.objects.get().organization == lamps


def test_people_in_copy_become_followers_but_not_our_addresses(ingest, mailbox):
    ingest(
        build(
            to=f"{SUPPORT}, Bob <bob@example.com>",
            cc="Carol <carol@example.com>, support+t1-abc@desk.example",
        )
    )

    ticket = Ticket.objects.get()
    assert sorted(c.primary_email for c in ticket.followers.all()) == [
        "bob@example.com",
        "carol@example.com",
    ]


def test_the_desks_own_people_in_copy_are_no_followers(ingest, mailbox, agent):
    """An agent copied on a customer's mail (answering all to the agent's own answer,
    say) is one of us: no customer is made of the agent's address."""
    ingest(build(to=SUPPORT, cc=f"Bob <bob@example.com>, {agent.email.upper()}"))

    ticket = Ticket.objects.get()
    assert [c.primary_email for c in ticket.followers.all()] == ["bob@example.com"]
    assert not Customer.objects.filter(identities__value=agent.email.lower()).exists()


def test_people_in_copy_stay_out_when_switched_off(ingest, settings):
    settings.MAIL_CC_FOLLOWERS = False
    ingest(build(cc="carol@example.com"))

    assert Ticket.objects.get().followers.count() == 0


# --- noise and loops ---------------------------------------------------------------------------


def test_an_out_of_office_reply_is_attached_but_never_answered(ingest, first_ticket, mailoutbox):
    mailoutbox.clear()
    result = ingest(
        build(
            subject="Automatic reply: Lamp",
            body="I am away until Monday.",
            in_reply_to="first@example.com",
            headers={"Auto-Submitted": "auto-replied"},
        )
    )

    assert result.action == IngestAction.AUTO_REPLY
    assert result.ticket_number == first_ticket.number
    assert mailoutbox == []


def test_bulk_mail_opens_a_ticket_without_acknowledgement(ingest, mailoutbox):
    result = ingest(build(subject="Newsletter", headers={"Precedence": "bulk"}))

    assert result.action == IngestAction.AUTO_REPLY
    assert Ticket.objects.count() == 1
    assert mailoutbox == []


def test_a_bounce_of_our_reply_joins_the_ticket(ingest, first_ticket, agent, mailoutbox):
    ticket_reply(ticket=first_ticket, author=agent, body_text="Sent", internal=False)
    sent = OutboundEmail.objects.get(kind=OutboundKind.REPLY)
    mailoutbox.clear()
    original = f"Message-ID: <{sent.message_id}>\r\nSubject: x\r\n\r\n".encode()
    bounce = build(
        from_="Mail Delivery System <MAILER-DAEMON@mx.example.com>",
        subject="Undelivered Mail Returned to Sender",
        body="The mail could not be delivered.",
        attachments=[("original.txt", "text/rfc822-headers", original)],
    )

    result = ingest(bounce)

    assert result.action == IngestAction.BOUNCE
    assert result.ticket_number == first_ticket.number
    assert mailoutbox == []


def test_mail_from_our_own_address_is_kept_but_ignored(ingest, mailoutbox):
    result = ingest(build(from_=f"Support <{SUPPORT}>"))

    assert result.action == IngestAction.IGNORED
    assert Ticket.objects.count() == 0
    assert RawMessage.objects.get().status == RawStatus.IGNORED
    assert mailoutbox == []


def test_our_own_message_coming_back_is_ignored(ingest, first_ticket, agent):
    ticket_reply(ticket=first_ticket, author=agent, body_text="Sent", internal=False)
    sent = OutboundEmail.objects.get(kind=OutboundKind.REPLY)
    messages = Message.objects.count()

    result = ingest(build(from_="someone@example.net", message_id=sent.message_id))

    assert result.action == IngestAction.IGNORED
    assert Message.objects.count() == messages


# --- attachments -------------------------------------------------------------------------------


def test_attachments_are_stored_and_refused_types_stay_in_the_original(ingest):
    raw = build(
        attachments=[
            ("invoice.pdf", "application/pdf", b"%PDF-1.4 invoice"),
            ("Fatura Şubat.txt", "text/plain", "Tutar: 100 ₺".encode()),
            ("setup.exe", "application/octet-stream", b"MZ..."),
        ]
    )

    ingest(raw)

    message = Message.objects.get()
    stored = {a.filename: a for a in message.attachments.all()}
    assert set(stored) == {"invoice.pdf", "Fatura_Şubat.txt"} or set(stored) == {
        "invoice.pdf",
        "Fatura Şubat.txt",
    }
    assert stored["invoice.pdf"].content_type == "application/pdf"
    with stored["invoice.pdf"].file.open("rb") as handle:
        assert handle.read() == b"%PDF-1.4 invoice"
    assert "setup.exe" in message.body_text


# --- failures ----------------------------------------------------------------------------------


def test_a_message_that_fails_is_marked_failed_and_the_batch_goes_on(mailbox):
    good = raw_message_store(raw=build(), source=RawSource.IMPORT, mailbox=mailbox)
    broken = raw_message_store(
        raw=b"Subject: nobody sent this\r\n\r\nno From at all\r\n",
        source=RawSource.IMPORT,
        mailbox=mailbox,
    )
    later = raw_message_store(raw=build(body="Later one"), source=RawSource.IMPORT, mailbox=mailbox)

    results = raw_messages_process([good.pk, broken.pk, later.pk])

    assert [r.action for r in results] == [IngestAction.NEW, IngestAction.FAILED, IngestAction.NEW]
    broken.refresh_from_db()
    assert broken.status == RawStatus.FAILED
    assert "no sender address" in broken.error
    assert Ticket.objects.count() == 2


def test_a_failed_message_can_be_processed_again(mailbox):
    broken = raw_message_store(
        raw=b"Subject: from the envelope only\r\n\r\nhello\r\n",
        source=RawSource.SMTP,
        mailbox=mailbox,
    )
    raw_message_process(broken.pk)
    broken.refresh_from_db()
    assert broken.status == RawStatus.FAILED

    RawMessage.objects.filter(pk=broken.pk).update(envelope_from="sender@example.org")
    result = raw_message_reprocess(raw_message=broken)

    assert result.action == IngestAction.NEW
    assert Ticket.objects.get().requester.primary_email == "sender@example.org"


@pytest.mark.django_db
def test_an_id_we_sent_wins_over_a_received_message_that_reused_it(ticket, other_customer):
    """A customer's mailer may reuse a Message-ID; the ticket we sent it from is the
    one an answer to it belongs to, and of received copies the oldest."""
    from concierge.mail.models import Direction, MailMessageId
    from concierge.mail.services.threading import ticket_by_message_ids
    from concierge.tickets.services import ticket_create

    def other_ticket() -> Ticket:
        return ticket_create(
            requester=other_customer, subject="Other", body_text="x", channel=Channel.EMAIL
        )

    first_received, later_received = other_ticket(), other_ticket()
    for owner, direction in [
        (first_received, Direction.INBOUND),
        (ticket, Direction.OUTBOUND),
        (later_received, Direction.INBOUND),
    ]:
        MailMessageId.objects.create(message_id="reused@x", ticket=owner, direction=direction)
    for owner in (first_received, later_received):
        MailMessageId.objects.create(message_id="copied@x", ticket=owner, direction="in")

    assert ticket_by_message_ids(["unknown@x", "reused@x"]) == ticket
    assert ticket_by_message_ids(["copied@x", "reused@x"]) == first_received
    assert ticket_by_message_ids(["unknown@x"]) is None
