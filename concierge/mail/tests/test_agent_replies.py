"""Specification: agents answer the desk's e-mails about a ticket by e-mail.

End to end: a customer's mail makes a ticket, the assignee is e-mailed when the customer
writes again (the shipped trigger), the e-mail actually sent is answered, and the answer
comes back through the one ingestion pipeline (stored raw, then processed).
"""

from __future__ import annotations

import base64
import json

import pytest

from concierge.automation.tests.triggers_helpers import ensure_shipped_defaults
from concierge.mail.models import (
    IngestAction,
    OutboundEmail,
    OutboundKind,
    RawMessage,
    RawStatus,
)
from concierge.mail.services import agent_replies
from concierge.mail.tests.messages import SUPPORT, build
from concierge.tickets.models import Message, MessageKind, Ticket
from concierge.tickets.services import ticket_reply, ticket_update

QUOTE = (
    "\n\nOn Mon, 15 Dec 2025 at 15:00, Lamps Support <support@desk.example> wrote:\n"
    "> Emily Clark wrote on ticket #1, which is assigned to you:\n"
    "> Any news about my lamp?\n"
)


@pytest.fixture(autouse=True)
def _desk(mailbox):
    ensure_shipped_defaults()
    mailbox.plus_addressing = True
    mailbox.save(update_fields=["plus_addressing"])


@pytest.fixture
def ticket(ingest, agent):
    """A customer's e-mail ticket, assigned to the agent."""
    result = ingest(build(message_id="first@example.com"))
    ticket = Ticket.objects.get(number=result.ticket_number)
    return ticket_update(ticket=ticket, actor=None, assignee=agent)


@pytest.fixture
def notification(ticket, ingest, mailoutbox, agent):
    """The e-mail the assignee got when the customer wrote again, as it was sent."""
    mailoutbox.clear()
    ingest(
        build(
            subject="Re: Lamp arrived broken",
            body="Any news about my lamp?",
            in_reply_to="first@example.com",
        )
    )
    [email] = [m for m in mailoutbox if m.to == [agent.email]]
    mailoutbox.clear()
    return email


def answer_to(email, *, body, from_="Aino Agent <agent@example.com>", **kw):
    """The agent's answer as their mail program writes it: quoting the notification."""
    headers = {
        "to": email.reply_to[0],
        "subject": "Re: " + email.subject,
        "in_reply_to": email.extra_headers["Message-ID"].strip("<>"),
        **kw,
    }
    return build(from_=from_, body=body + QUOTE, **headers)


def customer_mail(mailoutbox):
    return [m for m in mailoutbox if m.to == ["emily@example.com"]]


# --- the e-mail to the agent -----------------------------------------------------------


def test_the_assignees_e_mail_can_be_answered(notification, ticket, agent):
    assert notification.reply_to == [agent_replies.reply_address(SUPPORT, ticket.number, agent.pk)]
    assert notification.extra_headers["Message-ID"].startswith(f"<agent.{ticket.number}.")
    assert "Any news about my lamp?" in notification.body
    assert "Start your answer with “#note” to add an internal note instead." in notification.body
    [html] = [content for content, kind in notification.alternatives if kind == "text/html"]
    assert "#note" in html


def test_an_agent_who_may_not_see_the_ticket_gets_no_answerable_e_mail(ticket, outsider):
    outbound = OutboundEmail.objects.create(
        kind=OutboundKind.AUTOMATION,
        ticket=ticket,
        from_address="desk@example.com",
        to=[outsider.email],
        recipient=outsider.email,
        subject="FYI",
        message_id="fyi-1@desk.example",
        body_text="For your information.",
    )

    made = agent_replies.notification_make_answerable(
        outbound=outbound, ticket=ticket, mailbox=ticket.email.mailbox
    )

    assert made is False
    outbound.refresh_from_db()
    assert (outbound.reply_to, outbound.message_id) == ("", "fyi-1@desk.example")


# --- answers -----------------------------------------------------------------------------


def test_an_answer_becomes_a_public_reply_e_mailed_to_the_customer(
    notification, ticket, agent, ingest, mailoutbox
):
    result = ingest(answer_to(notification, body="A new lamp is on its way."))

    assert result.action == IngestAction.APPENDED
    assert result.ticket_number == ticket.number
    reply = ticket.messages.order_by("-pk").first()
    assert (reply.kind, reply.author_user) == (MessageKind.REPLY, agent)
    assert reply.body_text == "A new lamp is on its way."
    [sent] = customer_mail(mailoutbox)
    assert "A new lamp is on its way." in sent.body
    assert "Any news about my lamp?" not in sent.body
    assert f"[#{ticket.number}]" in sent.subject
    assert OutboundEmail.objects.filter(kind=OutboundKind.REPLY, ticket_message=reply).exists()
    stored = RawMessage.objects.get(pk=result.raw_message_id)
    assert (stored.status, stored.ticket_message) == (RawStatus.PROCESSED, reply)


def test_the_reply_to_the_customer_does_not_answer_the_agents_own_e_mail(
    notification, ticket, agent, ingest, mailoutbox, django_capture_on_commit_callbacks
):
    ingest(answer_to(notification, body="On its way.", message_id="private@agent-laptop.example"))
    # The next reply, written in the desk, goes on in the customer's thread.
    with django_capture_on_commit_callbacks(execute=True):
        ticket_reply(ticket=ticket, author=agent, body_text="Tracking follows.", internal=False)

    sent = customer_mail(mailoutbox)[-1]
    assert "Tracking follows." in sent.body

    # The customer's thread goes on from the customer's own message; the agent's mail
    # host is in none of its headers.
    assert "agent-laptop.example" not in sent.extra_headers["In-Reply-To"]
    assert "agent-laptop.example" not in sent.extra_headers["References"]


def test_the_answering_hint_sits_inside_a_whole_html_document(ticket, agent):
    outbound = OutboundEmail.objects.create(
        kind=OutboundKind.AUTOMATION,
        ticket=ticket,
        from_address="desk@example.com",
        to=[agent.email],
        recipient=agent.email,
        subject="Breached",
        message_id="breach-1@desk.example",
        body_text="A target was breached.",
        body_html="<html><body><p>A target was breached.</p></body></html>",
    )

    agent_replies.notification_make_answerable(
        outbound=outbound, ticket=ticket, mailbox=ticket.email.mailbox
    )

    outbound.refresh_from_db()
    assert outbound.body_html.endswith("</body></html>")
    assert "#note" in outbound.body_html.split("</body>")[0]


def test_an_answer_starting_with_the_keyword_is_an_internal_note(
    notification, ticket, agent, ingest, mailoutbox
):
    ingest(answer_to(notification, body="#note Check the warehouse first.\nThen call her."))

    note = ticket.messages.order_by("-pk").first()
    assert (note.kind, note.author_user) == (MessageKind.NOTE, agent)
    assert note.body_text == "Check the warehouse first.\nThen call her."
    assert customer_mail(mailoutbox) == []
    assert not OutboundEmail.objects.filter(kind=OutboundKind.REPLY, ticket=ticket).exists()


def test_the_keyword_is_a_setting(notification, ticket, ingest, settings):
    settings.MAIL_AGENT_NOTE_KEYWORD = "!intern"

    ingest(answer_to(notification, body="!INTERN: only for us"))

    note = ticket.messages.order_by("-pk").first()
    assert (note.kind, note.body_text) == (MessageKind.NOTE, "only for us")


def test_a_word_that_merely_starts_like_the_keyword_is_no_keyword():
    assert agent_replies.split_keyword("#notes attached", "#note") == (False, "#notes attached")
    assert agent_replies.split_keyword("  #Note\n\nText", "#note") == (True, "Text")


def test_the_reply_address_alone_finds_the_ticket(notification, ticket, ingest):
    raw = build(
        from_="agent@example.com",
        to=notification.reply_to[0],
        subject="Re: lamp",
        body="Answered from my phone.",
    )

    assert ingest(raw).ticket_number == ticket.number
    assert ticket.messages.order_by("-pk").first().body_text == "Answered from my phone."


def test_the_message_id_alone_finds_the_ticket_without_plus_addressing(
    ticket, ingest, mailbox, mailoutbox, agent
):
    mailbox.plus_addressing = False
    mailbox.save(update_fields=["plus_addressing"])
    ingest(build(subject="Re: x", body="Still broken.", in_reply_to="first@example.com"))
    [email] = [m for m in mailoutbox if m.to == [agent.email]]
    assert email.reply_to == [SUPPORT]

    result = ingest(answer_to(email, body="We will replace it."))

    assert result.ticket_number == ticket.number
    assert ticket.messages.order_by("-pk").first().author_user == agent


def test_the_same_answer_delivered_twice_is_one_reply(notification, ticket, ingest, mailoutbox):
    raw = answer_to(notification, body="Once only.", message_id="answer-1@example.com")

    ingest(raw)
    second = ingest(raw)

    assert second.action == IngestAction.DUPLICATE
    assert ticket.messages.filter(body_text="Once only.").count() == 1
    assert len(customer_mail(mailoutbox)) == 1


def test_an_out_of_office_answer_is_kept_and_ignored(notification, ticket, ingest, mailoutbox):
    count = ticket.messages.count()
    raw = answer_to(
        notification,
        body="I am away until Monday.",
        headers={"Auto-Submitted": "auto-replied"},
    )

    result = ingest(raw)

    assert result.action == IngestAction.IGNORED
    assert ticket.messages.count() == count
    assert customer_mail(mailoutbox) == []


# --- who may answer ------------------------------------------------------------------------


def test_an_agent_who_can_no_longer_see_the_ticket_changes_nothing(
    notification, ticket, agent, billing_team, ingest, mailoutbox
):
    ticket_update(ticket=ticket, actor=None, team=billing_team, assignee=None)
    count = ticket.messages.count()

    result = ingest(answer_to(notification, body="Replying anyway."))

    assert result.action == IngestAction.FAILED
    assert "may not see ticket" in result.error
    assert ticket.messages.count() == count
    assert customer_mail(mailoutbox) == []
    stored = RawMessage.objects.get(pk=result.raw_message_id)
    assert stored.status == RawStatus.FAILED
    assert "agent@example.com may not see ticket" in stored.error


def test_another_agent_writing_to_the_agents_address_changes_nothing(
    notification, ticket, teammate, ingest, mailoutbox
):
    # A customer with the address writes as herself (test_agent_answer_copies.py).
    count = ticket.messages.count()

    result = ingest(
        answer_to(notification, body="I am the agent, honest.", from_="teammate@example.com")
    )

    assert result.action == IngestAction.FAILED
    assert "not from agent@example.com" in result.error
    assert ticket.messages.count() == count
    assert not Message.objects.filter(body_text__startswith="I am the agent").exists()


def test_a_guessed_reply_address_is_no_key(ticket, agent, ingest):
    forged = f"support+a{ticket.number}-{agent.pk}-000000000000@desk.example"
    raw = build(from_="agent@example.com", to=forged, subject="Hi", body="Forged.")

    result = ingest(raw)

    assert result.ticket_number != ticket.number
    assert not ticket.messages.filter(body_text="Forged.").exists()


def test_a_light_agent_may_answer_with_a_note_only(ticket, light_agent, ingest, mailoutbox):
    ticket_update(ticket=ticket, actor=None, assignee=light_agent)
    ingest(build(subject="Re: x", body="Hello?", in_reply_to="first@example.com"))
    [email] = [m for m in mailoutbox if m.to == [light_agent.email]]
    assert "starting with “#note” to add an internal note" in email.body
    mailoutbox.clear()
    answer = {"from_": "Leyla Light <light@example.com>"}

    refused = ingest(answer_to(email, body="Public words.", **answer))
    noted = ingest(answer_to(email, body="#note Needs a senior.", **answer))

    assert refused.action == IngestAction.FAILED
    assert "internal notes" in refused.error
    assert noted.action == IngestAction.APPENDED
    assert ticket.messages.order_by("-pk").first().kind == MessageKind.NOTE
    assert customer_mail(mailoutbox) == []


# --- "assigned to you" ---------------------------------------------------------------------


def test_an_agent_hears_of_an_assignment_and_may_answer_it(
    ingest, agent, teammate, mailoutbox, django_capture_on_commit_callbacks
):
    agent.language = "fi"
    agent.save(update_fields=["language"])
    ticket = Ticket.objects.get(number=ingest(build(subject="Broken lamp")).ticket_number)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        ticket_update(ticket=ticket, actor=teammate, assignee=agent)

    [email] = mailoutbox
    assert email.to == [agent.email]
    assert email.subject == f"[#{ticket.number}] Osoitettu sinulle: Broken lamp"
    assert "#note" in email.body
    mailoutbox.clear()

    ingest(answer_to(email, body="#note Otan tämän."))

    assert ticket.messages.order_by("-pk").first().body_text == "Otan tämän."


def test_an_agent_who_takes_a_ticket_gets_no_e_mail_about_it(
    ingest, agent, mailoutbox, django_capture_on_commit_callbacks
):
    ticket = Ticket.objects.get(number=ingest(build()).ticket_number)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        ticket_update(ticket=ticket, actor=agent, assignee=agent)

    assert mailoutbox == []


def test_an_answer_posted_by_a_providers_webhook_is_a_reply_too(
    notification, ticket, agent, client, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.ANYMAIL = {"WEBHOOK_SECRET": "desk:webhook-secret"}
    settings.MAIL_WEBHOOK_PROVIDERS = ["postmark"]
    raw = answer_to(notification, body="Answered while travelling.")
    event = {
        "From": agent.email,
        "FromFull": {"Email": agent.email, "Name": "Aino Agent"},
        "ToFull": [{"Email": notification.reply_to[0], "Name": ""}],
        "OriginalRecipient": notification.reply_to[0],
        "Subject": "Re: " + notification.subject,
        "Headers": [],
        "RawEmail": raw.decode(),
    }
    auth = "Basic " + base64.b64encode(b"desk:webhook-secret").decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/mail/inbound/postmark/",
            json.dumps(event),
            content_type="application/json",
            HTTP_AUTHORIZATION=auth,
        )

    assert response.status_code == 200
    reply = ticket.messages.order_by("-pk").first()
    assert (reply.kind, reply.author_user, reply.body_text) == (
        MessageKind.REPLY,
        agent,
        "Answered while travelling.",
    )
    assert len(customer_mail(mailoutbox)) == 1
