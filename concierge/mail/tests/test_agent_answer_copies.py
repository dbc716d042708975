"""Specification: copies of an agent's answer by e-mail, and who may use its keys.

An agent answers the desk's e-mail about a ticket from their own mail program, and
copies somebody on it (the customer's colleague, say). That copy carries the keys of
the e-mail to the agent: the `+a…` reply address and the `agent.…` Message-ID. When the
person copied answers all, or sends it on and it comes back, their mail is theirs: a
customer's message on that ticket, never the agent's answer, never a new ticket. Only
the key's agent answers as the agent; the desk's other people with the key are refused.
"""

from __future__ import annotations

import pytest

from concierge.mail.mime import parse_message
from concierge.mail.models import IngestAction, RawMessage, RawStatus
from concierge.mail.services import agent_replies
from concierge.mail.tests import test_agent_replies as replies
from concierge.mail.tests.messages import SUPPORT, build
from concierge.mail.tests.test_agent_replies import QUOTE, answer_to, customer_mail
from concierge.tickets.models import MessageKind, Ticket
from concierge.tickets.services import ticket_merge

# The desk, Emily's ticket and the agent's notification of the agent-replies specification.
_desk = replies._desk
ticket = replies.ticket
notification = replies.notification

FRIEND = "Jonas Friend <jonas@example.com>"
LAPTOP_ID = "answer-1@agent-laptop.example"


def key_id(email) -> str:
    return email.extra_headers["Message-ID"].strip("<>")


@pytest.fixture
def answer_copied_to_a_friend(notification, ingest):
    """The agent's answer from their mail program, with Jonas copied on it."""
    result = ingest(
        answer_to(
            notification,
            body="A new lamp is on its way.",
            cc=FRIEND,
            message_id=LAPTOP_ID,
            references=f"<{key_id(notification)}>",
        )
    )
    assert result.action == IngestAction.APPENDED
    return notification


def reply_all(email, *, from_=FRIEND, body="Thanks, I will tell Emily.", **kw):
    """An answer to all of the agent's answer: to the agent, the desk's key address in Cc."""
    headers = {
        "to": "Aino Agent <agent@example.com>",
        "cc": email.reply_to[0],
        "subject": "Re: Re: " + email.subject,
        "in_reply_to": LAPTOP_ID,
        "references": f"<{key_id(email)}> <{LAPTOP_ID}>",
        **kw,
    }
    return build(from_=from_, body=body + "\n\n> A new lamp is on its way.\n", **headers)


def latest(ticket):
    return ticket.messages.order_by("-pk").first()


# --- copies reach the ticket as the sender's own message -----------------------------------


def test_a_copied_customers_reply_all_is_their_message_on_the_ticket(
    answer_copied_to_a_friend, ticket, agent, ingest, mailoutbox
):
    tickets = Ticket.objects.count()
    mailoutbox.clear()

    result = ingest(reply_all(answer_copied_to_a_friend))

    assert (result.action, result.error) == (IngestAction.APPENDED, "")
    assert result.ticket_number == ticket.number
    assert Ticket.objects.count() == tickets
    message = latest(ticket)
    assert message.kind == MessageKind.CUSTOMER
    assert message.author_user is None
    assert message.author_customer.primary_email == "jonas@example.com"
    assert message.body_text == "Thanks, I will tell Emily."
    assert RawMessage.objects.get(pk=result.raw_message_id).status == RawStatus.PROCESSED
    # Nothing went to Emily as if the agent had answered.
    assert customer_mail(mailoutbox) == []


def test_the_requester_answering_to_the_agents_address_writes_as_herself(
    answer_copied_to_a_friend, ticket, agent, ingest
):
    result = ingest(reply_all(answer_copied_to_a_friend, from_="Emily Clark <emily@example.com>"))

    assert (result.action, result.ticket_number) == (IngestAction.APPENDED, ticket.number)
    message = latest(ticket)
    assert (message.kind, message.author_customer) == (MessageKind.CUSTOMER, ticket.requester)
    assert not ticket.messages.filter(author_user=agent, body_text__startswith="Thanks").exists()


def test_a_copy_sent_on_finds_its_ticket_by_the_reply_address_alone(notification, ticket, ingest):
    raw = build(
        from_=FRIEND,
        to=notification.reply_to[0],
        subject="Fwd: about the lamp",
        body="Emily asked me to send you the serial number: 4711.",
    )

    result = ingest(raw)

    assert (result.action, result.ticket_number) == (IngestAction.APPENDED, ticket.number)
    assert latest(ticket).author_customer.primary_email == "jonas@example.com"


def test_a_copy_finds_its_ticket_by_the_agents_message_id_alone(
    notification, ticket, ingest, mailbox
):
    mailbox.plus_addressing = False
    mailbox.save(update_fields=["plus_addressing"])
    raw = build(
        from_=FRIEND,
        to=SUPPORT,
        subject="Re: about the lamp",
        body="One more thing: it flickers.",
        references=f"<{key_id(notification)}> <{LAPTOP_ID}>",
    )

    result = ingest(raw)

    assert (result.action, result.ticket_number) == (IngestAction.APPENDED, ticket.number)
    assert latest(ticket).kind == MessageKind.CUSTOMER


def test_a_portal_customer_with_the_key_is_a_customer_too(
    answer_copied_to_a_friend, ticket, customer, ingest
):
    # A portal account is a user, but not one of the desk's people.
    result = ingest(reply_all(answer_copied_to_a_friend, from_="customer@example.com"))

    assert (result.action, result.ticket_number) == (IngestAction.APPENDED, ticket.number)
    assert (latest(ticket).kind, latest(ticket).author_customer) == (MessageKind.CUSTOMER, customer)


def test_a_copy_of_an_answer_on_a_merged_ticket_goes_on_in_the_target(
    answer_copied_to_a_friend, ticket, agent, ingest
):
    target = Ticket.objects.get(number=ingest(build(subject="Second lamp")).ticket_number)
    ticket_merge(source=ticket, target=target, actor=agent)

    result = ingest(reply_all(answer_copied_to_a_friend))

    assert result.ticket_number == target.number
    assert latest(target).body_text == "Thanks, I will tell Emily."


# --- the agent's own answers ----------------------------------------------------------------


def test_the_agents_own_answer_with_the_customer_copied_is_still_a_reply(
    notification, ticket, agent, ingest, mailoutbox
):
    result = ingest(answer_to(notification, body="Sent today.", cc="emily@example.com"))

    assert (result.action, result.ticket_number) == (IngestAction.APPENDED, ticket.number)
    reply = latest(ticket)
    assert (reply.kind, reply.author_user, reply.body_text) == (
        MessageKind.REPLY,
        agent,
        "Sent today.",
    )
    assert len(customer_mail(mailoutbox)) == 1


def test_of_several_keys_the_senders_own_counts(
    answer_copied_to_a_friend, ticket, teammate, ingest
):
    # The teammate got the desk's e-mail too and answers the agent's answer to all.
    own = agent_replies.message_id("desk.example", ticket.number, teammate.pk)
    raw = reply_all(
        answer_copied_to_a_friend,
        from_="Timur Teammate <teammate@example.com>",
        body="#note I called the warehouse.",
        references=f"<{own}> <{LAPTOP_ID}>",
    )

    result = ingest(raw)

    assert result.action == IngestAction.APPENDED
    note = latest(ticket)
    assert (note.kind, note.author_user, note.body_text) == (
        MessageKind.NOTE,
        teammate,
        "I called the warehouse.",
    )


def test_an_answer_to_a_merged_ticket_goes_on_in_the_target(notification, ticket, agent, ingest):
    target = Ticket.objects.get(number=ingest(build(subject="Second lamp")).ticket_number)
    ticket_merge(source=ticket, target=target, actor=agent)

    result = ingest(answer_to(notification, body="#note Merged, carrying on."))

    assert result.ticket_number == target.number
    assert (latest(target).kind, latest(target).author_user) == (MessageKind.NOTE, agent)


def test_a_merge_cycle_ends_the_walk(notification, ticket, agent, ingest):
    target = Ticket.objects.get(number=ingest(build(subject="Second lamp")).ticket_number)
    ticket_merge(source=ticket, target=target, actor=agent)
    # Made by hand: the product refuses to merge into a merged ticket.
    Ticket.objects.filter(pk=target.pk).update(merged_into=ticket)

    result = ingest(answer_to(notification, body="#note Still here."))

    assert result.ticket_number == target.number
    assert latest(target).body_text == "Still here."


# --- the desk's other people may not use an agent's key ---------------------------------------


@pytest.mark.parametrize("who", ["teammate", "outsider", "admin", "light_agent"])
def test_another_of_the_desks_people_with_the_key_is_refused(
    request, who, answer_copied_to_a_friend, ticket, ingest, mailoutbox
):
    other = request.getfixturevalue(who)
    count = ticket.messages.count()
    mailoutbox.clear()

    result = ingest(reply_all(answer_copied_to_a_friend, from_=other.email, body="Me too."))

    assert result.action == IngestAction.FAILED
    assert f"sent from {other.email}, not from agent@example.com" in result.error
    assert ticket.messages.count() == count
    assert RawMessage.objects.get(pk=result.raw_message_id).status == RawStatus.FAILED
    assert mailoutbox == []


def test_a_deactivated_agent_with_the_key_is_refused(
    answer_copied_to_a_friend, ticket, teammate, ingest
):
    teammate.is_active = False
    teammate.save(update_fields=["is_active"])
    count = ticket.messages.count()

    result = ingest(reply_all(answer_copied_to_a_friend, from_=teammate.email))

    assert result.action == IngestAction.FAILED
    assert ticket.messages.count() == count


def test_a_key_in_mail_without_a_sender_is_refused(notification, ticket, ingest):
    count = ticket.messages.count()

    result = ingest(answer_to(notification, body="Who am I?", from_=""))

    assert result.action == IngestAction.FAILED
    assert "sent from no address" in result.error
    assert ticket.messages.count() == count


# --- keys that are not ours ------------------------------------------------------------------


def forged_keys(ticket, agent):
    address = f"support+a{ticket.number}-{agent.pk}-000000000000@desk.example"
    message_id = f"agent.{ticket.number}.{agent.pk}.000000000000.abcdef@desk.example"
    return address, message_id


@pytest.mark.parametrize("sender", ["Jonas Friend <jonas@example.com>", "agent@example.com"])
def test_forged_keys_do_nothing_special(sender, ticket, agent, ingest):
    address, message_id = forged_keys(ticket, agent)
    raw = build(from_=sender, to=address, subject="Hello", body="Forged.", in_reply_to=message_id)

    result = ingest(raw)

    # Ordinary mail, from whoever sent it: a ticket of its own, not the keyed one.
    assert result.action == IngestAction.NEW
    assert result.ticket_number != ticket.number
    assert not ticket.messages.filter(body_text="Forged.").exists()
    message = Ticket.objects.get(number=result.ticket_number).messages.get()
    assert (message.kind, message.author_user) == (MessageKind.CUSTOMER, None)


def test_a_key_of_another_ticket_or_agent_is_no_key(ticket, agent, teammate):
    # The code is right for the ticket and one agent, and wrong for any other pairing.
    good = agent_replies.reply_address(SUPPORT, ticket.number, agent.pk)
    code = good.split("-")[-1].split("@")[0]
    for number, agent_id in ((ticket.number + 1, agent.pk), (ticket.number, teammate.pk)):
        raw = build(to=f"support+a{number}-{agent_id}-{code}@desk.example")
        assert agent_replies.keyed_ticket_number(parse_message(raw)) is None


# --- what finding keys costs -----------------------------------------------------------------


def test_mail_without_a_valid_key_costs_no_query(ticket, agent, django_assert_num_queries):
    address, message_id = forged_keys(ticket, agent)
    for raw in (
        build(body="Ordinary mail" + QUOTE),
        build(to=address, in_reply_to=message_id, references=f"<{message_id}>"),
    ):
        parsed = parse_message(raw)
        with django_assert_num_queries(0):
            key = agent_replies.answer_key(parsed, envelope_to=[], sender="jonas@example.com")
            assert key is None
            assert agent_replies.keyed_ticket_number(parsed) is None


def test_mail_with_valid_keys_costs_one_query(
    answer_copied_to_a_friend, ticket, teammate, django_assert_num_queries
):
    own = agent_replies.message_id("desk.example", ticket.number, teammate.pk)
    parsed = parse_message(reply_all(answer_copied_to_a_friend, references=f"<{own}>"))

    with django_assert_num_queries(1):
        key = agent_replies.answer_key(parsed, envelope_to=[], sender="teammate@example.com")
    with django_assert_num_queries(1):
        stranger = agent_replies.answer_key(parsed, envelope_to=[], sender="jonas@example.com")

    assert key == agent_replies.AnswerKey(ticket.number, teammate.pk)
    assert stranger is None
    assert agent_replies.keyed_ticket_number(parsed) == ticket.number
