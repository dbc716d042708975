"""E-mails of triggers and time rules leave through the mail outbox, like agents' replies."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import transaction

from concierge.automation.models.triggers import Trigger
from concierge.automation.tests.triggers_helpers import make_email_template, make_trigger
from concierge.mail.models import (
    Direction,
    EmailTicket,
    Mailbox,
    MailMessageId,
    OutboundEmail,
    OutboundKind,
    OutboundStatus,
)
from concierge.mail.services.outbox import outbox_drain
from concierge.mail.tests.conftest import Sink, free_port
from concierge.tickets.models import Channel, EventKind, Ticket, TicketEvent
from concierge.tickets.services import message_receive, ticket_create


@pytest.fixture(autouse=True)
def _no_default_triggers(db):
    Trigger.objects.all().delete()


@pytest.fixture
def support_mailbox(support_team) -> Mailbox:
    return Mailbox.objects.create(
        address="help@lamps.example", display_name="Lamps Support", team=support_team
    )


def email_ticket(customer, mailbox: Mailbox) -> Ticket:
    """A ticket that came by e-mail through `mailbox`, with the customer's Message-ID."""
    ticket = ticket_create(
        requester=customer, subject="Broken lamp", body_text="It flickers.", channel=Channel.EMAIL
    )
    EmailTicket.objects.create(ticket=ticket, mailbox=mailbox)
    MailMessageId.objects.create(
        message_id="question@customer.example", ticket=ticket, direction=Direction.INBOUND
    )
    return ticket


def test_a_triggers_email_is_an_outbox_row_sent_once_by_the_worker(
    customer, mailoutbox, django_capture_on_commit_callbacks
):
    template = make_email_template()
    make_trigger(events=["created"], actions=[{"type": "email_requester", "template": template.pk}])

    with django_capture_on_commit_callbacks(execute=True):
        ticket = ticket_create(
            requester=customer, subject="Broken", body_text="Help", channel=Channel.WEB
        )

    outbound = OutboundEmail.objects.get(ticket=ticket)
    assert outbound.kind == OutboundKind.AUTOMATION
    assert outbound.status == OutboundStatus.SENT
    assert outbound.to == ["customer@example.com"]
    assert outbound.headers["Auto-Submitted"] == "auto-generated"
    assert len(mailoutbox) == 1
    assert outbox_drain() == {}  # the worker's drain finds nothing left to send
    assert len(mailoutbox) == 1


def test_to_the_customer_it_answers_in_their_thread_from_the_tickets_mailbox(
    customer, support_mailbox, mailoutbox, django_capture_on_commit_callbacks
):
    template = make_email_template()
    make_trigger(
        events=["customer_message"],
        actions=[{"type": "email_requester", "template": template.pk}],
    )
    ticket = email_ticket(customer, support_mailbox)

    with django_capture_on_commit_callbacks(execute=True):
        message_receive(ticket=ticket, customer=customer, body_text="Any news?", channel="email")

    outbound = OutboundEmail.objects.get(kind=OutboundKind.AUTOMATION)
    assert outbound.mailbox == support_mailbox
    assert outbound.from_address == "Lamps Support <help@lamps.example>"
    assert outbound.in_reply_to == "question@customer.example"
    # Its own Message-ID is known, so the customer's answer to it lands on the ticket.
    assert MailMessageId.objects.filter(message_id=outbound.message_id, ticket=ticket).exists()
    [sent] = mailoutbox
    assert sent.extra_headers["In-Reply-To"] == "<question@customer.example>"


def test_to_agents_and_other_addresses_it_stays_out_of_the_customers_thread(
    customer, agent, support_mailbox, mailoutbox, django_capture_on_commit_callbacks
):
    template = make_email_template()
    make_trigger(
        events=["customer_message"],
        actions=[
            {"type": "email_assignee", "template": template.pk},
            {"type": "email_address", "value": "boss@example.com", "template": template.pk},
        ],
    )
    ticket = email_ticket(customer, support_mailbox)
    ticket.assignee = agent
    ticket.save(update_fields=["assignee"])

    with django_capture_on_commit_callbacks(execute=True):
        message_receive(ticket=ticket, customer=customer, body_text="Any news?", channel="email")

    rows = OutboundEmail.objects.filter(kind=OutboundKind.AUTOMATION).order_by("recipient")
    assert [row.recipient for row in rows] == ["agent@example.com", "boss@example.com"]
    # The agent may answer by e-mail (concierge.mail.services.agent_replies): the answer
    # goes to the mailbox, never into the customer's thread.
    assert [row.reply_to for row in rows] == ["help@lamps.example", ""]
    for row in rows:
        assert (row.in_reply_to, row.references) == ("", "")
        assert row.from_address == settings.DEFAULT_FROM_EMAIL
        assert not MailMessageId.objects.filter(message_id=row.message_id).exists()
    assert sorted(m.to[0] for m in mailoutbox) == ["agent@example.com", "boss@example.com"]


def test_nothing_is_queued_to_one_of_our_own_addresses(
    customer, support_mailbox, mailoutbox, django_capture_on_commit_callbacks
):
    template = make_email_template()
    make_trigger(
        events=["created"],
        actions=[{"type": "email_address", "value": "Help@Lamps.example", "template": template.pk}],
    )

    with django_capture_on_commit_callbacks(execute=True):
        ticket = ticket_create(
            requester=customer, subject="Broken", body_text="Help", channel=Channel.WEB
        )

    assert not OutboundEmail.objects.exists()
    assert mailoutbox == []
    assert not TicketEvent.objects.filter(ticket=ticket, kind=EventKind.EMAIL_SENT).exists()


def test_a_rolled_back_change_leaves_no_row_behind(
    customer, mailoutbox, django_capture_on_commit_callbacks
):
    template = make_email_template()
    make_trigger(events=["created"], actions=[{"type": "email_requester", "template": template.pk}])

    def open_then_fail() -> None:
        with transaction.atomic():
            ticket_create(requester=customer, subject="Broken", body_text="Help", channel="web")
            raise RuntimeError("the request failed after the ticket was written")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        open_then_fail()

    assert not OutboundEmail.objects.exists()
    assert mailoutbox == []


def test_a_send_that_fails_is_retried_by_the_worker_and_leaves_once(
    customer, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()  # nobody listens: the first attempt fails
    settings.EMAIL_TIMEOUT = 5
    template = make_email_template()
    make_trigger(events=["created"], actions=[{"type": "email_requester", "template": template.pk}])

    with django_capture_on_commit_callbacks(execute=True):
        ticket_create(requester=customer, subject="Broken", body_text="Help", channel=Channel.WEB)

    outbound = OutboundEmail.objects.get()
    assert (outbound.status, outbound.attempts) == (OutboundStatus.QUEUED, 1)
    assert outbound.last_error  # kept for the admin to read
    sink = Sink(free_port())
    settings.EMAIL_PORT = sink.port
    sink.start()
    try:
        OutboundEmail.objects.filter(pk=outbound.pk).update(next_attempt_at=outbound.created_at)
        assert outbox_drain() == {OutboundStatus.SENT: 1}
        assert outbox_drain() == {}
    finally:
        sink.stop()
    [delivered] = sink.received
    assert delivered.message["To"] == "customer@example.com"
    assert delivered.message["Auto-Submitted"] == "auto-generated"
