"""Specification of the outbox: agent replies leave as threaded e-mail, exactly once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from concierge.mail.models import OutboundEmail, OutboundKind, OutboundStatus
from concierge.mail.services.outbox import outbound_send, outbox_drain
from concierge.mail.tests.conftest import Sink, free_port
from concierge.mail.tests.messages import SUPPORT, build
from concierge.people.services import customer_find_or_create_by_email
from concierge.tickets.models import Ticket
from concierge.tickets.services import ticket_reply


@pytest.fixture
def email_ticket(ingest, mailbox, smtp_sink):
    mailbox.auto_acknowledge = False
    mailbox.save(update_fields=["auto_acknowledge"])
    ingest(
        build(
            message_id="question@example.com",
            subject="Lamp arrived broken",
            cc="Carol <carol@example.com>",
        )
    )
    return Ticket.objects.get()


def reply(ticket, agent, django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        return ticket_reply(
            ticket=ticket,
            author=agent,
            internal=False,
            body_text=kwargs.pop("body_text", "A new lamp is on its way."),
            **kwargs,
        )


def test_an_agent_reply_leaves_as_email_in_the_customers_thread(
    email_ticket, agent, smtp_sink, django_capture_on_commit_callbacks
):
    upload = SimpleUploadedFile("label.pdf", b"%PDF return label", content_type="application/pdf")

    message = reply(
        email_ticket,
        agent,
        django_capture_on_commit_callbacks,
        body_html="<p>A new lamp is <b>on its way</b>.</p>",
        attachments=[upload],
    )

    [delivered] = smtp_sink.received
    outbound = OutboundEmail.objects.get(ticket_message=message)
    assert outbound.status == OutboundStatus.SENT
    assert outbound.sent_at is not None
    assert sorted(delivered.rcpt_tos) == ["carol@example.com", "emily@example.com"]
    mail = delivered.message
    assert mail["From"] == f"Lamps Support <{SUPPORT}>"
    assert mail["To"] == "emily@example.com"
    assert mail["Cc"] == "carol@example.com"
    assert mail["Subject"] == f"[#{email_ticket.number}] Lamp arrived broken"
    assert mail["Message-ID"] == f"<{outbound.message_id}>"
    assert mail["In-Reply-To"] == "<question@example.com>"
    assert "<question@example.com>" in mail["References"]
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert "A new lamp is on its way." in text
    assert "<b>on its way</b>" in html
    [attachment] = list(mail.iter_attachments())
    assert attachment.get_filename() == "label.pdf"
    assert attachment.get_content() == b"%PDF return label"


def test_the_customers_answer_to_our_reply_threads_back(
    email_ticket, agent, ingest, smtp_sink, django_capture_on_commit_callbacks
):
    reply(email_ticket, agent, django_capture_on_commit_callbacks)
    sent_id = smtp_sink.received[0].message["Message-ID"].strip("<>")

    result = ingest(build(subject="Re: something", in_reply_to=sent_id, body="Got it, thanks"))

    assert result.ticket_number == email_ticket.number


def test_replies_come_from_the_address_the_customer_wrote_to(
    ingest, mailbox, agent, smtp_sink, django_capture_on_commit_callbacks
):
    from concierge.mail.models import Mailbox

    sales = Mailbox.objects.create(
        address="sales@desk.example", display_name="Lamps Sales", auto_acknowledge=False
    )
    ingest(build(to="sales@desk.example"), into=sales)

    reply(Ticket.objects.get(), agent, django_capture_on_commit_callbacks)

    assert smtp_sink.received[-1].message["From"] == "Lamps Sales <sales@desk.example>"


def test_a_per_ticket_reply_address_is_offered_when_switched_on(
    email_ticket, mailbox, agent, smtp_sink, django_capture_on_commit_callbacks
):
    from concierge.mail.addresses import reply_address

    mailbox.plus_addressing = True
    mailbox.save(update_fields=["plus_addressing"])

    reply(email_ticket, agent, django_capture_on_commit_callbacks)

    mail = smtp_sink.received[-1].message
    assert mail["Reply-To"] == reply_address(SUPPORT, email_ticket.number)


def test_internal_notes_never_leave(
    email_ticket, agent, smtp_sink, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket_reply(
            ticket=email_ticket, author=agent, body_text="Customer is upset", internal=True
        )

    assert smtp_sink.received == []
    assert not OutboundEmail.objects.exists()


def test_portal_tickets_keep_their_notification_and_use_no_outbox(
    ticket, agent, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket_reply(ticket=ticket, author=agent, body_text="Answer", internal=False)

    # (The shipped trigger that acknowledged the new request queued its own e-mail.)
    assert not OutboundEmail.objects.filter(kind=OutboundKind.REPLY).exists()
    [email] = mailoutbox
    assert email.to == ["customer@example.com"]


def test_we_never_write_to_our_own_addresses(mailbox, agent, django_capture_on_commit_callbacks):
    from concierge.tickets.services import ticket_create

    ourselves = customer_find_or_create_by_email(email="Support+x@desk.example")
    ticket = ticket_create(requester=ourselves, subject="Loop", body_text="?", channel="email")

    reply(ticket, agent, django_capture_on_commit_callbacks)

    assert not OutboundEmail.objects.exists()


# --- delivery guarantees -----------------------------------------------------------------------


@pytest.fixture
def down_server(settings):
    """Django's SMTP backend pointed at a port where no server listens (yet)."""
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_TIMEOUT = 5
    return port


def test_when_the_smtp_server_is_down_the_reply_waits_and_leaves_once_it_is_back(
    ticket_on_email, agent, down_server, settings, django_capture_on_commit_callbacks
):
    settings.MAIL_SEND_RETRY_SECONDS = 60
    message = reply(ticket_on_email, agent, django_capture_on_commit_callbacks)
    outbound = OutboundEmail.objects.get(ticket_message=message)
    assert outbound.status == OutboundStatus.QUEUED
    assert outbound.attempts == 1
    assert "ConnectionRefusedError" in outbound.last_error
    assert outbound.next_attempt_at > timezone.now() + timedelta(seconds=50)

    assert outbox_drain() == {}  # not due yet: nothing is tried

    sink = Sink(down_server)
    sink.start()
    try:
        OutboundEmail.objects.filter(pk=outbound.pk).update(next_attempt_at=timezone.now())
        assert outbox_drain() == {OutboundStatus.SENT: 1}
        assert outbox_drain() == {}
        outbound_send(outbound_id=outbound.pk)
    finally:
        sink.stop()

    assert len(sink.received) == 1
    outbound.refresh_from_db()
    assert (outbound.status, outbound.attempts, outbound.last_error) == (OutboundStatus.SENT, 2, "")


def test_retries_back_off_and_give_up_after_the_last_attempt(
    ticket_on_email, agent, down_server, settings, django_capture_on_commit_callbacks
):
    settings.MAIL_SEND_MAX_ATTEMPTS = 3
    settings.MAIL_SEND_RETRY_SECONDS = 10
    message = reply(ticket_on_email, agent, django_capture_on_commit_callbacks)
    outbound = OutboundEmail.objects.get(ticket_message=message)
    delays = []
    for _ in range(2):
        outbound.refresh_from_db()
        delays.append((outbound.next_attempt_at - timezone.now()).total_seconds())
        OutboundEmail.objects.filter(pk=outbound.pk).update(next_attempt_at=timezone.now())
        outbox_drain()

    outbound.refresh_from_db()
    assert outbound.status == OutboundStatus.FAILED
    assert outbound.attempts == 3
    assert 5 < delays[0] <= 10 < delays[1] <= 20


def test_a_row_claimed_by_another_worker_is_not_sent_again(
    ticket_on_email, agent, smtp_sink, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_PORT = free_port()  # the first attempt fails, so the row stays queued
    message = reply(ticket_on_email, agent, django_capture_on_commit_callbacks)
    outbound = OutboundEmail.objects.get(ticket_message=message)
    settings.EMAIL_PORT = smtp_sink.port
    lease = timezone.now() + timedelta(minutes=5)
    OutboundEmail.objects.filter(pk=outbound.pk).update(
        status=OutboundStatus.SENDING, lease_until=lease, next_attempt_at=timezone.now()
    )

    assert outbound_send(outbound_id=outbound.pk) == OutboundStatus.SENDING
    assert outbox_drain() == {}
    assert smtp_sink.received == []


def test_a_send_interrupted_by_a_crash_is_retried_once_its_lease_ran_out(
    ticket_on_email, agent, smtp_sink, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_PORT = free_port()
    message = reply(ticket_on_email, agent, django_capture_on_commit_callbacks)
    outbound = OutboundEmail.objects.get(ticket_message=message)
    settings.EMAIL_PORT = smtp_sink.port
    OutboundEmail.objects.filter(pk=outbound.pk).update(
        status=OutboundStatus.SENDING,
        lease_until=timezone.now() - timedelta(seconds=1),
        next_attempt_at=timezone.now(),
    )

    assert outbox_drain() == {OutboundStatus.SENT: 1}
    assert outbox_drain() == {}
    assert len(smtp_sink.received) == 1


def test_a_stale_send_whose_copy_came_back_is_not_sent_again(
    ticket_on_email, agent, smtp_sink, settings, ingest, django_capture_on_commit_callbacks
):
    settings.EMAIL_PORT = free_port()
    message = reply(ticket_on_email, agent, django_capture_on_commit_callbacks)
    outbound = OutboundEmail.objects.get(ticket_message=message)
    settings.EMAIL_PORT = smtp_sink.port
    OutboundEmail.objects.filter(pk=outbound.pk).update(
        status=OutboundStatus.SENDING, lease_until=timezone.now() - timedelta(seconds=1)
    )
    # The mail server put a copy of the sent message into our mailbox (a Bcc to ourselves).
    ingest(build(from_=f"Lamps Support <{SUPPORT}>", message_id=outbound.message_id))

    outbox_drain()

    outbound.refresh_from_db()
    assert outbound.status == OutboundStatus.SENT
    assert smtp_sink.received == []


@pytest.fixture
def ticket_on_email(ingest, mailbox):
    mailbox.auto_acknowledge = False
    mailbox.save(update_fields=["auto_acknowledge"])
    ingest(build(message_id="question@example.com"))
    return Ticket.objects.get()


def test_acknowledgements_are_marked_automatic_and_answer_the_customers_message(ingest, smtp_sink):
    ingest(build(message_id="first-question@example.com"))

    [delivered] = smtp_sink.received
    mail = delivered.message
    assert mail["Auto-Submitted"] == "auto-replied"
    assert mail["In-Reply-To"] == "<first-question@example.com>"
    assert OutboundEmail.objects.get().kind == OutboundKind.ACKNOWLEDGEMENT
