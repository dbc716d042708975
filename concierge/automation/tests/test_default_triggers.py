"""The triggers a new desk starts with, as shipped by the data migration."""

from __future__ import annotations

import pytest

from concierge.automation.tests.triggers_helpers import ensure_shipped_defaults
from concierge.tickets.models import Channel, EventKind, TicketEvent
from concierge.tickets.services import message_receive, ticket_create, ticket_update


@pytest.fixture(autouse=True)
def _shipped_defaults(db):
    ensure_shipped_defaults()


def test_a_new_web_request_is_acknowledged_in_the_customers_language(
    customer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = ticket_create(
            requester=customer, subject="Rikki", body_text="Lamppu on rikki.", channel=Channel.WEB
        )

    [email] = mailoutbox
    assert email.to == ["customer@example.com"]
    assert email.subject == f"[#{ticket.number}] Pyyntösi on vastaanotettu: Rikki"
    assert email.body.startswith("Hei Kirsi,")
    assert f"/portal/requests/{ticket.number}/" in email.body
    [event] = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.EMAIL_SENT)
    assert event.cause["name"] == "Acknowledge a new request"


def test_e_mail_requests_are_left_to_their_mailbox(
    other_customer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket_create(
            requester=other_customer, subject="Счёт", body_text="Где счёт?", channel=Channel.EMAIL
        )

    assert mailoutbox == []


def test_a_request_an_agent_writes_down_is_not_acknowledged(
    customer, agent, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket_create(
            requester=customer,
            subject="Phoned in",
            body_text="Caller's lamp is broken.",
            channel=Channel.PHONE,
            recorded_by=agent,
        )

    assert mailoutbox == []


def test_the_assignee_hears_of_a_customer_reply_in_their_language(
    customer, agent, mailoutbox, django_capture_on_commit_callbacks
):
    agent.language = "tr"
    agent.save(update_fields=["language"])
    ticket = ticket_create(
        requester=customer, subject="Rikki", body_text="Lamppu.", channel=Channel.EMAIL
    )
    unassigned = ticket_create(
        requester=customer, subject="Toinen", body_text="Toinen.", channel=Channel.EMAIL
    )
    ticket_update(ticket=ticket, actor=None, assignee=agent)

    with django_capture_on_commit_callbacks(execute=True):
        message_receive(
            ticket=ticket, customer=customer, body_text="Vieläkin rikki.", channel="web"
        )
        message_receive(ticket=unassigned, customer=customer, body_text="Hei?", channel="web")

    [email] = mailoutbox
    assert email.to == ["agent@example.com"]
    assert email.subject == f"[#{ticket.number}] Kirsi Customer yazdı: Rikki"
    assert "Vieläkin rikki." in email.body
    assert f"/tickets/{ticket.number}/" in email.body
