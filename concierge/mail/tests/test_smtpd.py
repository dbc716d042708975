"""Specification of `concierge smtpd`: a real SMTP conversation over a socket."""

from __future__ import annotations

import smtplib

import pytest

from concierge.mail.models import Mailbox, RawMessage, RawSource, RawStatus
from concierge.mail.smtpd import start_server
from concierge.mail.tests.conftest import free_port
from concierge.mail.tests.messages import SUPPORT, build
from concierge.tickets.models import Ticket


@pytest.fixture
def smtp_server(transactional_db, mailbox, settings):
    settings.MAIL_MAX_MESSAGE_BYTES = 200_000
    port = free_port()
    controller = start_server("127.0.0.1", port)
    yield port
    controller.stop()


def test_mail_for_a_mailbox_is_stored_and_becomes_a_ticket(smtp_server, mailoutbox):
    raw = build(subject="Sent straight to the desk", body="Hello over SMTP")
    with smtplib.SMTP("127.0.0.1", smtp_server, timeout=10) as client:
        refused = client.sendmail("emily@example.com", [SUPPORT], raw)

    assert refused == {}
    stored = RawMessage.objects.get()
    assert stored.source == RawSource.SMTP
    assert stored.envelope_from == "emily@example.com"
    assert stored.envelope_to == [SUPPORT]
    with stored.file.open("rb") as handle:
        assert handle.read() == raw
    assert stored.status == RawStatus.PROCESSED
    ticket = Ticket.objects.get()
    assert ticket.subject == "Sent straight to the desk"


def test_eight_bit_mail_arrives_byte_for_byte(smtp_server):
    raw = (
        "From: Ayşe <ayse@example.com.tr>\r\nTo: support@desk.example\r\n"
        "Subject: Fatura\r\nMessage-ID: <tr-1@example.com.tr>\r\n"
        "Content-Type: text/plain; charset=iso-8859-9\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        "Teşekkürler, fatura yanlış.\r\n"
    ).encode("iso-8859-9")
    with smtplib.SMTP("127.0.0.1", smtp_server, timeout=10) as client:
        client.sendmail("ayse@example.com.tr", [SUPPORT], raw)

    with RawMessage.objects.get().file.open("rb") as handle:
        assert handle.read() == raw
    assert Ticket.objects.get().messages.get().body_text == "Teşekkürler, fatura yanlış."


def test_a_plus_address_of_a_mailbox_is_accepted(smtp_server):
    with smtplib.SMTP("127.0.0.1", smtp_server, timeout=10) as client:
        refused = client.sendmail("emily@example.com", ["Support+t9-abc@desk.example"], build())

    assert refused == {}
    assert RawMessage.objects.count() == 1


def test_mail_for_several_mailboxes_is_stored_once_for_the_first_of_them(smtp_server, mailbox):
    sales = Mailbox.objects.create(address="sales@desk.example")
    recipients = ["nobody@desk.example", "Sales+t9-abc@desk.example", SUPPORT]
    with smtplib.SMTP("127.0.0.1", smtp_server, timeout=10) as client:
        refused = client.sendmail("emily@example.com", recipients, build())

    # Each recipient is checked on its own: the unknown one alone is refused.
    assert refused["nobody@desk.example"][0] == 550
    stored = RawMessage.objects.get()
    assert stored.mailbox == sales
    assert stored.envelope_to == ["sales+t9-abc@desk.example", SUPPORT]


def test_unknown_recipients_are_refused_with_550(smtp_server):
    with (
        smtplib.SMTP("127.0.0.1", smtp_server, timeout=10) as client,
        pytest.raises(smtplib.SMTPRecipientsRefused) as refused,
    ):
        client.sendmail("spam@example.net", ["nobody@desk.example"], build())

    assert refused.value.recipients["nobody@desk.example"][0] == 550
    assert not RawMessage.objects.exists()


def test_an_inactive_mailbox_takes_no_mail(smtp_server, mailbox):
    mailbox.is_active = False
    mailbox.save(update_fields=["is_active"])
    with smtplib.SMTP("127.0.0.1", smtp_server, timeout=10) as client:
        client.ehlo()
        code, _ = client.mail("emily@example.com")
        assert code == 250
        code, _ = client.rcpt(SUPPORT)

    assert code == 550


def test_a_message_over_the_announced_size_limit_is_refused_with_552(smtp_server):
    big = build(body="line of text\n" * 30_000)
    with (
        smtplib.SMTP("127.0.0.1", smtp_server, timeout=10) as client,
        pytest.raises(smtplib.SMTPSenderRefused) as refused,
    ):
        client.sendmail("emily@example.com", [SUPPORT], big)

    assert refused.value.smtp_code == 552
    assert not RawMessage.objects.exists()


def test_a_message_over_the_limit_without_a_size_announcement_is_refused_with_552(smtp_server):
    big = build(body="line of text\n" * 30_000)
    with smtplib.SMTP("127.0.0.1", smtp_server, timeout=10) as client:
        client.ehlo()
        assert client.mail("emily@example.com")[0] == 250
        assert client.rcpt(SUPPORT)[0] == 250
        code, _ = client.data(big)

    assert code == 552
    assert not RawMessage.objects.exists()
