"""Triggers: each condition, each action, their order, switching off, and loop safety."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from concierge.automation.models.triggers import Trigger
from concierge.automation.tests.triggers_helpers import cond, make_email_template, make_trigger
from concierge.automation.triggers_actions import clean_action
from concierge.automation.triggers_conditions import TRIGGER, clean_condition
from concierge.people.models import Organization, OrganizationMembership, SupportPlan
from concierge.sla.calendar import Calendar
from concierge.sla.services import calendar_save
from concierge.tickets.models import (
    Channel,
    EventKind,
    MessageKind,
    Priority,
    Status,
    Ticket,
    TicketEvent,
)
from concierge.tickets.services import (
    message_receive,
    ticket_create,
    ticket_reply,
    ticket_set_tags,
    ticket_update,
)


@pytest.fixture(autouse=True)
def _no_default_triggers(db):
    Trigger.objects.all().delete()


def tag_names(ticket: Ticket) -> list[str]:
    return sorted(ticket.tags.values_list("name", flat=True))


def open_ticket(customer, **fields) -> Ticket:
    fields.setdefault("channel", Channel.WEB)
    fields.setdefault("subject", "Order arrived damaged")
    fields.setdefault("body_text", "The box was crushed.")
    return ticket_create(requester=customer, **fields)


# --- conditions -----------------------------------------------------------------------------


def test_it_fires_on_its_event_and_not_on_others(customer, agent):
    make_trigger(events=["customer_message"], actions=[{"type": "add_tags", "value": "wrote"}])
    ticket = open_ticket(customer)
    assert tag_names(ticket) == []  # created is another event

    message_receive(ticket=ticket, customer=customer, body_text="Any news?", channel="web")
    assert tag_names(ticket) == ["wrote"]


@pytest.mark.parametrize(
    ("condition", "fires"),
    [
        (cond("status", "is", Status.NEW), True),
        (cond("status", "is_not", Status.NEW), False),
        (cond("priority", "greater_than", Priority.NORMAL), True),
        (cond("priority", "less_than", Priority.HIGH), False),
        (cond("ticket_type", "is", "incident"), True),
        (cond("channel", "is", Channel.CHAT), True),
        (cond("channel", "is_not", Channel.CHAT), False),
        (cond("language", "is", "en"), True),  # detected in the text, though "fi" was given
        (cond("language", "is", "fi"), False),
        (cond("requester_language", "is", "ru"), False),
        (cond("subject", "contains", "DAMAGED"), True),
        (cond("subject", "not_contains", "damaged"), False),
        (cond("message", "contains_any", "refund, lamp"), True),
        (cond("message", "contains_any", "invoice, refund"), False),
        (cond("subject_or_message", "contains", "broken"), True),
        (cond("requester_email", "contains", "@example.com"), True),
        (cond("author", "is", "customer"), True),
        (cond("author", "is", "agent"), False),
        (cond("assignee", "is", ""), True),
    ],
)
def test_each_condition_decides_whether_it_fires(customer, condition, fires):
    make_trigger(
        events=["created"], all_of=[condition], actions=[{"type": "add_tags", "value": "hit"}]
    )

    ticket = ticket_create(
        requester=customer,
        subject="Order arrived damaged",
        body_text="The lamp inside is broken.",
        channel=Channel.CHAT,
        priority=Priority.URGENT,
        ticket_type="incident",
        language="fi",
    )

    assert tag_names(ticket) == (["hit"] if fires else [])


def test_turkish_letters_match_whatever_their_case(customer):
    make_trigger(
        events=["created"],
        all_of=[cond("message", "contains_any", "fatura, ışık")],
        actions=[{"type": "add_tags", "value": "billing"}],
    )

    ticket = open_ticket(customer, body_text="FATURAM İKİ KEZ KESİLDİ")
    other = open_ticket(customer, body_text="IŞIK yanmıyor")

    assert tag_names(ticket) == ["billing"]
    assert tag_names(other) == ["billing"]


def test_team_assignee_and_tag_conditions(customer, agent, support_team):
    make_trigger(
        events=["tags_changed"],
        all_of=[
            cond("team", "is", support_team.pk),
            cond("assignee", "is", agent.pk),
            cond("tags", "contains", "VIP"),
        ],
        actions=[{"type": "set_priority", "value": Priority.HIGH}],
    )
    ticket = open_ticket(customer, team=support_team, assignee=agent)

    ticket_set_tags(ticket=ticket, actor=agent, add=["other"])
    assert Ticket.objects.get(pk=ticket.pk).priority == Priority.NORMAL

    ticket_set_tags(ticket=ticket, actor=agent, add=["vip"])
    assert Ticket.objects.get(pk=ticket.pk).priority == Priority.HIGH


def test_organization_and_support_plan_conditions(customer, other_customer):
    acme = Organization.objects.create(name="Acme", support_plan=SupportPlan.PREMIUM)
    OrganizationMembership.objects.create(customer=customer, organization=acme)
    make_trigger(
        events=["created"],
        all_of=[cond("organization", "is", "acme"), cond("support_plan", "is", "premium")],
        actions=[{"type": "set_priority", "value": Priority.HIGH}],
    )

    premium = open_ticket(customer)
    plain = open_ticket(other_customer)

    assert Ticket.objects.get(pk=premium.pk).priority == Priority.HIGH
    assert Ticket.objects.get(pk=plain.pk).priority == Priority.NORMAL


def office_calendar() -> int:
    stored, _ = calendar_save(
        calendar=Calendar.build(
            name="Helsinki office",
            time_zone="Europe/Helsinki",
            week={day: [("09:00", "17:00")] for day in ("mon", "tue", "wed", "thu", "fri")},
        )
    )
    return stored.pk


@pytest.mark.parametrize(
    ("instant", "operator", "fires"),
    [
        # Monday 10:00 in Helsinki (UTC+2 in winter) is open; Sunday is not.
        (dt.datetime(2026, 1, 5, 8, 0, tzinfo=dt.UTC), "within", True),
        (dt.datetime(2026, 1, 5, 8, 0, tzinfo=dt.UTC), "outside", False),
        (dt.datetime(2026, 1, 4, 8, 0, tzinfo=dt.UTC), "within", False),
        (dt.datetime(2026, 1, 4, 8, 0, tzinfo=dt.UTC), "outside", True),
    ],
)
def test_business_hours_are_those_of_a_calendar_at_the_events_time(
    customer, monkeypatch, instant, operator, fires
):
    calendar = office_calendar()
    make_trigger(
        events=["created"],
        all_of=[cond("business_hours", operator, calendar)],
        actions=[{"type": "add_tags", "value": "hours"}],
    )
    monkeypatch.setattr(timezone, "now", lambda: instant)

    ticket = open_ticket(customer)

    assert tag_names(ticket) == (["hours"] if fires else [])


def test_any_of_needs_one_and_all_of_needs_every_one(customer):
    make_trigger(
        events=["created"],
        all_of=[cond("channel", "is", Channel.WEB)],
        any_of=[cond("subject", "contains", "invoice"), cond("subject", "contains", "refund")],
        actions=[{"type": "add_tags", "value": "money"}],
    )

    assert tag_names(open_ticket(customer, subject="Refund please")) == ["money"]
    assert tag_names(open_ticket(customer, subject="Hello")) == []
    assert tag_names(open_ticket(customer, subject="Refund", channel=Channel.CHAT)) == []


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ({"field": "colour", "operator": "is", "value": "red"}, "field"),
        ({"field": "status", "operator": "contains", "value": "open"}, "operator"),
        ({"field": "status", "operator": "is", "value": "finished"}, "value"),
        ({"field": "priority", "operator": "is", "value": "9"}, "value"),
        ({"field": "subject", "operator": "contains", "value": "  "}, "value"),
        ({"field": "organization", "operator": "is", "value": "Nobody Ltd"}, "value"),
        ({"field": "business_hours", "operator": "within", "value": "999"}, "value"),
    ],
)
def test_a_bad_condition_is_refused_with_the_part_that_is_wrong(db, raw, key):
    with pytest.raises(ValidationError) as caught:
        clean_condition(raw, TRIGGER)

    assert key in caught.value.message_dict


def test_a_condition_stored_around_the_forms_matches_nothing(customer):
    Trigger.objects.create(
        name="Broken",
        events=["created"],
        conditions_all=[{"field": "gone", "operator": "is", "value": "x"}],
        actions=[{"type": "add_tags", "value": "never"}],
    )

    assert tag_names(open_ticket(customer)) == []


# --- actions ----------------------------------------------------------------------------------


def test_field_actions_change_the_ticket_through_the_services_and_name_the_trigger(
    customer, agent, support_team
):
    trigger = make_trigger(
        "Urgent outages",
        events=["created"],
        actions=[
            {"type": "set_status", "value": Status.OPEN},
            {"type": "set_priority", "value": Priority.URGENT},
            {"type": "set_type", "value": "incident"},
            {"type": "assign_team", "value": support_team.pk},
            {"type": "assign_agent", "value": agent.pk},
        ],
    )

    ticket = Ticket.objects.get(pk=open_ticket(customer).pk)

    assert ticket.status == Status.OPEN
    assert ticket.priority == Priority.URGENT
    assert ticket.ticket_type == "incident"
    assert ticket.team == support_team
    assert ticket.assignee == agent
    changes = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.FIELD_CHANGED)
    assert sorted(e.field for e in changes) == [
        "assignee",
        "priority",
        "status",
        "team",
        "ticket_type",
    ]
    for event in changes:
        assert event.actor is None
        assert event.cause == {"kind": "trigger", "id": trigger.pk, "name": "Urgent outages"}


def test_tag_actions_add_and_remove(customer, agent):
    make_trigger(
        events=["customer_message"],
        actions=[
            {"type": "add_tags", "value": "Waiting, Replied"},
            {"type": "remove_tags", "value": "waiting, answered"},
        ],
    )
    ticket = open_ticket(customer, tags=["answered", "keep"])

    message_receive(ticket=ticket, customer=customer, body_text="Thanks", channel="web")

    assert tag_names(ticket) == ["keep", "replied"]
    [event] = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.TAGS_CHANGED)
    assert event.cause["kind"] == "trigger"


def test_a_note_action_adds_an_internal_note_with_placeholders_filled(customer):
    make_trigger(
        events=["created"],
        actions=[
            {
                "type": "add_note",
                "value": "Call {{ customer.name }} about #{{ ticket.number }}: {{ message.text }}",
            }
        ],
    )

    ticket = open_ticket(customer, body_text="Please call me {{ brand.name }}")

    note = ticket.messages.get(kind=MessageKind.NOTE)
    assert note.body_text == (
        f"Call Kirsi Customer about #{ticket.number}: Please call me {{{{ brand.name }}}}"
    )
    assert note.author_user is None


def test_an_email_to_the_customer_is_in_their_language_and_recorded(
    customer, mailoutbox, django_capture_on_commit_callbacks
):
    template = make_email_template()
    make_trigger(
        "Tell them",
        events=["created"],
        actions=[{"type": "email_requester", "template": template.pk}],
    )

    with django_capture_on_commit_callbacks(execute=True):
        ticket = open_ticket(customer)

    [email] = mailoutbox
    assert email.to == ["customer@example.com"]
    assert email.subject == f"#{ticket.number}: Uusi"  # Finnish, like the customer
    assert email.body == "Hei Kirsi, pyyntösi tila: Uusi."
    assert email.extra_headers["Auto-Submitted"] == "auto-generated"
    [(html, _mimetype)] = email.alternatives
    assert "Hei Kirsi" in html
    [event] = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.EMAIL_SENT)
    assert event.after["label"] == f"customer@example.com: #{ticket.number}: Uusi"
    assert event.cause["name"] == "Tell them"


def test_a_language_without_a_variant_gets_the_default_one(
    other_customer, mailoutbox, django_capture_on_commit_callbacks
):
    template = make_email_template()
    make_trigger(events=["created"], actions=[{"type": "email_requester", "template": template.pk}])

    with django_capture_on_commit_callbacks(execute=True):
        open_ticket(other_customer)  # writes in Russian; the template has en and fi

    [email] = mailoutbox
    assert email.body == "Hello Oleg, your request is New."


def test_values_are_never_read_as_placeholders_or_html(
    customer, mailoutbox, django_capture_on_commit_callbacks
):
    template = make_email_template()
    template.variants = {"en": {"subject": "{{ ticket.subject }}", "body": "{{ ticket.subject }}"}}
    template.save()
    make_trigger(events=["created"], actions=[{"type": "email_requester", "template": template.pk}])

    with django_capture_on_commit_callbacks(execute=True):
        open_ticket(customer, subject="<b>{{ brand.name }}</b>")

    [email] = mailoutbox
    assert email.subject == "<b>{{ brand.name }}</b>"
    assert email.body == "<b>{{ brand.name }}</b>"
    [(html, _mimetype)] = email.alternatives
    assert "&lt;b&gt;{{ brand.name }}&lt;/b&gt;" in html


def test_emails_to_the_assignee_a_team_and_an_address(
    customer, agent, teammate, support_team, mailoutbox, django_capture_on_commit_callbacks
):
    template = make_email_template()
    agent.language = "fi"
    agent.save(update_fields=["language"])
    make_trigger(
        events=["customer_message"],
        actions=[
            {"type": "email_assignee", "template": template.pk},
            {"type": "email_team", "value": support_team.pk, "template": template.pk},
            {"type": "email_address", "value": "Boss@Example.com", "template": template.pk},
        ],
    )
    ticket = open_ticket(customer, assignee=agent)

    with django_capture_on_commit_callbacks(execute=True):
        message_receive(ticket=ticket, customer=customer, body_text="Hello?", channel="web")

    sent = sorted((m.to[0], m.body) for m in mailoutbox)
    assert sent == [
        ("agent@example.com", "Hei Kirsi, pyyntösi tila: Uusi."),  # once, though in the team
        ("boss@example.com", "Hello Kirsi, your request is New."),  # the ticket's language
        ("teammate@example.com", "Hello Kirsi, your request is New."),
    ]


def test_an_agent_is_not_emailed_about_their_own_change(
    customer, agent, mailoutbox, django_capture_on_commit_callbacks
):
    template = make_email_template()
    make_trigger(
        events=["assignee_changed"],
        actions=[{"type": "email_assignee", "template": template.pk}],
    )
    ticket = open_ticket(customer)

    with django_capture_on_commit_callbacks(execute=True):
        ticket_update(ticket=ticket, actor=agent, assignee=agent)

    assert mailoutbox == []


def test_nothing_is_emailed_when_the_change_is_rolled_back(
    customer, mailoutbox, django_capture_on_commit_callbacks
):
    template = make_email_template()
    make_trigger(events=["created"], actions=[{"type": "email_requester", "template": template.pk}])

    def open_then_fail() -> None:
        with transaction.atomic():
            open_ticket(customer)
            raise RuntimeError("the request failed after the ticket was written")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        open_then_fail()

    assert callbacks == []
    assert mailoutbox == []
    assert not Ticket.objects.exists()


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ({"type": "explode"}, "type"),
        ({"type": "set_status", "value": "finished"}, "value"),
        ({"type": "assign_agent", "value": "999999"}, "value"),
        ({"type": "add_tags", "value": " , "}, "value"),
        ({"type": "add_note", "value": "Hi {{ customer.password }}"}, "value"),
        ({"type": "email_requester", "template": "999999"}, "template"),
        ({"type": "email_address", "value": "not an address", "template": "1"}, "value"),
        ({"type": "email_team", "value": "", "template": "1"}, "value"),
    ],
)
def test_a_bad_action_is_refused_with_the_part_that_is_wrong(db, raw, key):
    with pytest.raises(ValidationError) as caught:
        clean_action(raw)

    assert key in caught.value.message_dict


# --- order, switching off, loop safety ---------------------------------------------------------


def test_triggers_run_in_order_and_each_sees_what_the_earlier_ones_did(customer):
    make_trigger(
        "second",
        events=["created"],
        all_of=[cond("priority", "is", Priority.URGENT)],
        actions=[{"type": "add_tags", "value": "escalated"}],
        position=2,
    )
    make_trigger(
        "first",
        events=["created"],
        all_of=[cond("subject", "contains", "outage")],
        actions=[{"type": "set_priority", "value": Priority.URGENT}],
        position=1,
    )

    ticket = open_ticket(customer, subject="Total outage")

    assert tag_names(ticket) == ["escalated"]


def test_a_switched_off_trigger_does_nothing(customer):
    make_trigger(events=["created"], actions=[{"type": "add_tags", "value": "x"}], is_active=False)

    assert tag_names(open_ticket(customer)) == []


def test_a_trigger_that_sets_off_its_own_event_fires_once(customer, agent):
    make_trigger("tagger", events=["tags_changed"], actions=[{"type": "add_tags", "value": "seen"}])
    make_trigger(
        "untagger", events=["tags_changed"], actions=[{"type": "remove_tags", "value": "seen"}]
    )
    ticket = open_ticket(customer)

    ticket_set_tags(ticket=ticket, actor=agent, add=["first"])

    causes = list(
        TicketEvent.objects.filter(ticket=ticket, kind=EventKind.TAGS_CHANGED)
        .exclude(cause=None)
        .order_by("pk")
        .values_list("cause__name", flat=True)
    )
    assert causes == ["tagger", "untagger"]
    assert tag_names(ticket) == ["first"]


def test_two_triggers_that_undo_each_other_stop_after_one_round(customer, agent):
    make_trigger(
        "raise",
        events=["status_changed"],
        actions=[{"type": "set_priority", "value": Priority.URGENT}],
    )
    make_trigger(
        "reopen",
        events=["priority_changed"],
        actions=[{"type": "set_status", "value": Status.PENDING}],
    )
    ticket = open_ticket(customer)

    ticket_update(ticket=ticket, actor=agent, status=Status.OPEN)

    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority) == (Status.PENDING, Priority.URGENT)
    fired = TicketEvent.objects.filter(ticket=ticket).exclude(cause=None).count()
    assert fired == 2


def test_a_trigger_fires_again_on_the_next_change(customer):
    make_trigger(events=["customer_message"], actions=[{"type": "add_note", "value": "again"}])
    ticket = open_ticket(customer)

    for text in ("one", "two"):
        message_receive(ticket=ticket, customer=customer, body_text=text, channel="web")

    assert ticket.messages.filter(kind=MessageKind.NOTE).count() == 2


def test_a_deleted_agent_in_an_action_is_skipped_not_an_error(customer, agent):
    make_trigger(
        events=["created"],
        actions=[
            {"type": "assign_agent", "value": agent.pk},
            {"type": "add_tags", "value": "routed"},
        ],
    )
    agent.is_active = False
    agent.save(update_fields=["is_active"])

    ticket = open_ticket(customer)

    assert Ticket.objects.get(pk=ticket.pk).assignee is None
    assert tag_names(ticket) == ["routed"]


def test_an_agents_reply_and_note_are_their_own_events(customer, agent):
    make_trigger(events=["agent_reply"], actions=[{"type": "add_tags", "value": "answered"}])
    make_trigger(events=["note"], actions=[{"type": "add_tags", "value": "noted"}])
    ticket = open_ticket(customer)

    ticket_reply(ticket=ticket, author=agent, body_text="Internal", internal=True)
    assert tag_names(ticket) == ["noted"]
    ticket_reply(ticket=ticket, author=agent, body_text="Public", internal=False)
    assert tag_names(ticket) == ["answered", "noted"]
