"""Specification of the ticket pipeline and the reply e-mail it sends."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from concierge.automation.models.triggers import Trigger
from concierge.people.services import customer_find_or_create_by_email
from concierge.tickets import notifications, pipeline
from concierge.tickets.models import Channel, EventKind, Message, Ticket, TicketEvent
from concierge.tickets.services import (
    message_receive,
    ticket_create,
    ticket_reply,
    ticket_set_followers,
    ticket_update,
)

DOCUMENTED_ORDER = [
    "apply_sla_timers",
    "run_triggers",
    "route",
    "notify",
    "broadcast",
    "send_webhooks",
    "index_for_search",
]


@pytest.fixture(autouse=True)
def _shipped_triggers_off(db):
    # The shipped triggers acknowledge new requests by e-mail and record that on the
    # ticket; these tests are about what the services and the pipeline do themselves.
    Trigger.objects.update(is_active=False)


@pytest.fixture
def recorded(monkeypatch):
    """Replace every step with a recorder: (step name, event kinds) in the order called.

    Request it after the fixtures that create data, so only the test's own change is recorded.
    """
    calls: list[tuple[str, list[str]]] = []

    def recorder(name):
        def step(events):
            calls.append((name, [e.kind for e in events]))

        step.__name__ = name
        return step

    monkeypatch.setattr(pipeline, "STEPS", [recorder(name) for name in DOCUMENTED_ORDER])
    return calls


def test_the_steps_are_listed_in_the_documented_order():
    assert [step.__name__ for step in pipeline.STEPS] == DOCUMENTED_ORDER


def test_every_step_sees_the_events_of_a_change_in_order(ticket, agent, recorded):
    ticket_reply(ticket=ticket, author=agent, body_text="On it", internal=False, status="pending")

    kinds = [EventKind.MESSAGE_ADDED, EventKind.FIELD_CHANGED]
    assert recorded == [(name, kinds) for name in DOCUMENTED_ORDER]


def test_creating_a_ticket_runs_the_pipeline_once(recorded, customer):
    ticket_create(requester=customer, subject="Hi", body_text="Hello", channel=Channel.WEB)

    assert recorded == [(name, [EventKind.CREATED]) for name in DOCUMENTED_ORDER]


def test_a_change_that_changes_nothing_runs_no_step(ticket, agent, recorded):
    ticket_update(ticket=ticket, actor=agent, status=ticket.status)
    pipeline.run([])

    assert recorded == []


def test_a_failing_step_rolls_back_the_whole_change(monkeypatch, ticket, agent):
    def broken_step(events):
        raise RuntimeError("routing is down")

    monkeypatch.setattr(pipeline, "STEPS", [broken_step])
    messages, events = Message.objects.count(), TicketEvent.objects.count()

    with pytest.raises(RuntimeError):
        ticket_reply(ticket=ticket, author=agent, body_text="Answer", internal=False)

    assert (Message.objects.count(), TicketEvent.objects.count()) == (messages, events)
    assert Ticket.objects.get(pk=ticket.pk).version == ticket.version


# --- notifications -------------------------------------------------------------------------------


@pytest.fixture
def follower(ticket, agent):
    colleague = customer_find_or_create_by_email(
        email="colleague@example.com", full_name="Ceren Colleague", language="tr"
    )
    ticket_set_followers(ticket=ticket, actor=agent, followers=[colleague])
    return colleague


def test_a_public_reply_is_emailed_to_the_requester_and_followers(
    ticket, agent, follower, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket_reply(ticket=ticket, author=agent, body_text="New lamp on its way", internal=False)

    assert sorted(m.to[0] for m in mailoutbox) == ["colleague@example.com", "customer@example.com"]
    assert all(len(m.to) == 1 for m in mailoutbox)  # nobody sees another recipient's address


def test_an_internal_note_is_never_emailed(
    ticket, agent, follower, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        ticket_reply(ticket=ticket, author=agent, body_text="Customer is upset", internal=True)

    assert callbacks == []
    assert mailoutbox == []


def test_a_customers_own_message_is_not_emailed_back(
    ticket, customer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message_receive(ticket=ticket, customer=customer, body_text="Any news?", channel="web")
        ticket_create(requester=customer, subject="New", body_text="Hi", channel=Channel.WEB)

    assert mailoutbox == []


def test_a_ticket_an_agent_opens_for_a_customer_is_emailed_to_them(
    customer, agent, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = ticket_create(
            requester=customer,
            subject="Your return",
            body_text="We received the lamp and refunded you.",
            channel=Channel.EMAIL,
            actor=agent,
        )

    [email] = mailoutbox
    assert email.to == ["customer@example.com"]
    assert f"[#{ticket.number}]" in email.subject
    assert "We received the lamp and refunded you." in email.body


def test_nothing_is_sent_when_the_reply_is_rolled_back(
    ticket, agent, mailoutbox, django_capture_on_commit_callbacks
):
    def reply_then_fail() -> None:
        with transaction.atomic():
            ticket_reply(ticket=ticket, author=agent, body_text="Draft", internal=False)
            raise RuntimeError("the request failed after the reply")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        reply_then_fail()

    assert callbacks == []
    assert mailoutbox == []
    assert not Message.objects.filter(body_text="Draft").exists()


def test_the_reply_email_has_the_number_a_text_and_an_html_part_and_a_link(
    ticket, agent, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://desk.example.com"
    settings.BRAND_NAME = "Lamps & Co"
    with django_capture_on_commit_callbacks(execute=True):
        ticket_reply(
            ticket=ticket,
            author=agent,
            body_text="A new lamp is on its way.\nTracking: 42",
            body_html="<p>A new lamp is <b>on its way</b>.</p><script>x()</script>",
            internal=False,
        )

    [email] = mailoutbox
    link = "https://desk.example.com" + reverse("portal:request_detail", args=[ticket.number])
    assert email.subject == f"[#{ticket.number}] Order arrived damaged"
    assert "A new lamp is on its way.\nTracking: 42" in email.body
    assert "Aino Agent, Lamps & Co" in email.body
    assert link in email.body
    [(html, mimetype)] = email.alternatives
    assert mimetype == "text/html"
    assert "<p>A new lamp is <b>on its way</b>.</p>" in html
    assert "<script" not in html
    assert f'href="{link}"' in html
    assert "Lamps &amp; Co" in html


def test_the_subject_shows_the_tickets_subject_as_written(
    customer, agent, mailoutbox, django_capture_on_commit_callbacks
):
    subject = 'Tom\'s lamp & cable <urgent> "asap"'
    ticket = ticket_create(requester=customer, subject=subject, body_text="?", channel="email")

    with django_capture_on_commit_callbacks(execute=True):
        ticket_reply(ticket=ticket, author=agent, body_text="Fixed", internal=False)

    [email] = mailoutbox
    assert email.subject == f"[#{ticket.number}] {subject}"


def test_each_recipient_gets_the_email_in_their_own_language(
    ticket, agent, follower, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    rendered_in: dict[str, set[str]] = {}
    real_render = notifications.render_to_string

    def spy(template_name, context):
        rendered_in.setdefault(context["customer"].primary_email, set()).add(
            translation.get_language()
        )
        return real_render(template_name, context)

    monkeypatch.setattr(notifications, "render_to_string", spy)
    with django_capture_on_commit_callbacks(execute=True):
        ticket_reply(ticket=ticket, author=agent, body_text="Answer", internal=False)

    assert rendered_in == {"customer@example.com": {"fi"}, "colleague@example.com": {"tr"}}
    by_address = {m.to[0]: m for m in mailoutbox}
    with translation.override("fi"):
        greeting = translation.gettext("Hello %(name)s,") % {"name": "Kirsi"}
    assert by_address["customer@example.com"].body.startswith(greeting)


def test_a_customer_without_a_language_gets_the_default_language(
    agent, mailoutbox, django_capture_on_commit_callbacks, monkeypatch, settings
):
    settings.LANGUAGE_CODE = "ru"
    anonymous = customer_find_or_create_by_email(email="someone@example.com")
    ticket = ticket_create(requester=anonymous, subject="?", body_text="?", channel="email")
    languages: set[str] = set()
    real_render = notifications.render_to_string

    def spy(template_name, context):
        languages.add(translation.get_language())
        return real_render(template_name, context)

    monkeypatch.setattr(notifications, "render_to_string", spy)
    with django_capture_on_commit_callbacks(execute=True):
        ticket_reply(ticket=ticket, author=agent, body_text="Answer", internal=False)

    assert languages == {"ru"}
    [email] = mailoutbox
    assert email.body.startswith(translation.gettext("Hello,"))


def test_a_reply_to_someone_without_an_address_sends_nothing_and_does_not_fail(
    agent, mailoutbox, django_capture_on_commit_callbacks
):
    from concierge.people.models import Customer

    caller = Customer.objects.create(full_name="Phone Caller")
    ticket = ticket_create(requester=caller, subject="Call", body_text="Called", channel="phone")

    with django_capture_on_commit_callbacks(execute=True):
        ticket_reply(ticket=ticket, author=agent, body_text="Called back", internal=False)

    assert mailoutbox == []


def test_the_notification_ignores_messages_that_are_not_replies(ticket, mailoutbox):
    note_id = ticket.messages.get().pk  # the customer's own message

    assert notifications.reply_notification_send(message_id=note_id) == 0
    assert notifications.reply_notification_send(message_id=999_999) == 0
    assert mailoutbox == []
