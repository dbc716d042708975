"""Sending with a macro: the message, its changes and tags, the audit event and the count,
all together or not at all."""

from __future__ import annotations

import pytest

from concierge.automation.macros_services import (
    VariantInput,
    macro_create,
    macro_delete,
    macro_reply,
    macro_update,
)
from concierge.automation.models.macros import AssigneeAction, Macro
from concierge.tickets.models import (
    EventKind,
    MessageKind,
    Priority,
    Status,
    TicketEvent,
    TicketType,
)
from concierge.tickets.services import (
    NotAllowedError,
    StaleTicketError,
    ticket_set_tags,
    ticket_update,
)

TEXT = [VariantInput("en", "", "Hello {{ customer.first_name }}")]


@pytest.fixture
def return_macro(admin, billing_team):
    return macro_create(
        owner=None,
        actor=admin,
        variants=TEXT,
        title="Return request",
        set_status=Status.PENDING,
        set_priority=Priority.HIGH,
        set_ticket_type=TicketType.TASK,
        set_team=billing_team,
        assignee_action=AssigneeAction.CURRENT_USER,
        add_tags=["return", "vip"],
        remove_tags=["new"],
    )


def tag_names(ticket):
    return sorted(ticket.tags.values_list("name", flat=True))


def test_sending_applies_the_macros_changes_with_the_reply(ticket, agent, return_macro):
    ticket_set_tags(ticket=ticket, actor=agent, add=["new", "lamp"])
    ticket.refresh_from_db()

    message = macro_reply(
        macro=return_macro,
        ticket=ticket,
        author=agent,
        body_text="Hello Kirsi",
        internal=False,
        expected_version=ticket.version,
        status=Status.PENDING,
    )

    ticket.refresh_from_db()
    assert message.kind == MessageKind.REPLY
    assert ticket.status == Status.PENDING
    assert ticket.priority == Priority.HIGH
    assert ticket.ticket_type == TicketType.TASK
    assert ticket.team == return_macro.set_team
    assert ticket.assignee == agent
    assert tag_names(ticket) == ["lamp", "return", "vip"]
    applied = TicketEvent.objects.get(ticket=ticket, kind=EventKind.MACRO_APPLIED)
    assert applied.actor == agent
    assert applied.message == message
    assert applied.after == {"id": return_macro.pk, "label": "Return request"}


def test_each_send_is_counted(ticket, agent, teammate, return_macro):
    assert return_macro.last_used_at is None
    for author in (agent, teammate):
        macro_reply(macro=return_macro, ticket=ticket, author=author, body_text="x", internal=True)

    return_macro.refresh_from_db()
    assert return_macro.usage_count == 2
    assert return_macro.last_used_at is not None


def test_the_status_is_the_one_sent_not_the_macros(ticket, agent, return_macro):
    """The composer proposes the macro's status; the agent may choose another."""
    macro_reply(
        macro=return_macro, ticket=ticket, author=agent, body_text="x", internal=False, status=None
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        (AssigneeAction.CURRENT_USER, "agent"),
        (AssigneeAction.NOBODY, None),
        (AssigneeAction.AGENT, "teammate"),
        (AssigneeAction.KEEP, "admin"),
    ],
)
def test_each_assignee_action(ticket, agent, teammate, admin, action, expected):
    ticket_update(ticket=ticket, actor=admin, assignee=admin)
    macro = macro_create(
        owner=agent,
        actor=agent,
        variants=TEXT,
        title="Assign",
        assignee_action=action,
        set_assignee=teammate if action == AssigneeAction.AGENT else None,
    )
    macro_reply(macro=macro, ticket=ticket, author=agent, body_text="x", internal=True)
    ticket.refresh_from_db()
    people = {"agent": agent, "teammate": teammate, "admin": admin, None: None}
    assert ticket.assignee == people[expected]


def test_an_agent_who_left_is_not_assigned(ticket, agent, teammate):
    macro = macro_create(
        owner=agent,
        actor=agent,
        variants=TEXT,
        title="To Timur",
        assignee_action=AssigneeAction.AGENT,
        set_assignee=teammate,
    )
    teammate.is_active = False
    teammate.save(update_fields=["is_active"])
    macro.refresh_from_db()
    macro_reply(macro=macro, ticket=ticket, author=agent, body_text="x", internal=True)
    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_a_light_agent_gets_only_the_text_as_a_note(ticket, light_agent, return_macro):
    before = (ticket.priority, ticket.ticket_type, ticket.team_id, tag_names(ticket))

    message = macro_reply(
        macro=return_macro, ticket=ticket, author=light_agent, body_text="x", internal=True
    )

    ticket.refresh_from_db()
    assert message.kind == MessageKind.NOTE
    assert (ticket.priority, ticket.ticket_type, ticket.team_id, tag_names(ticket)) == before
    return_macro.refresh_from_db()
    assert return_macro.usage_count == 1


def test_a_light_agents_public_reply_is_refused_and_nothing_is_counted(
    ticket, light_agent, return_macro
):
    with pytest.raises(NotAllowedError):
        macro_reply(
            macro=return_macro, ticket=ticket, author=light_agent, body_text="x", internal=False
        )
    return_macro.refresh_from_db()
    assert return_macro.usage_count == 0
    assert not TicketEvent.objects.filter(kind=EventKind.MACRO_APPLIED).exists()


def test_a_stale_draft_changes_nothing(ticket, agent, teammate, return_macro):
    seen = ticket.version
    ticket_update(ticket=ticket, actor=teammate, priority=Priority.LOW)

    with pytest.raises(StaleTicketError):
        macro_reply(
            macro=return_macro,
            ticket=ticket,
            author=agent,
            body_text="x",
            internal=False,
            expected_version=seen,
        )

    ticket.refresh_from_db()
    assert ticket.priority == Priority.LOW
    assert ticket.messages.count() == 1
    assert tag_names(ticket) == []
    return_macro.refresh_from_db()
    assert return_macro.usage_count == 0


def test_a_refused_reply_takes_back_the_macros_changes(ticket, agent, return_macro, monkeypatch):
    """The field changes are written before the message; a failing message undoes them."""
    from concierge.automation import macros_services

    def refuse(**kwargs):
        raise NotAllowedError("no")

    monkeypatch.setattr(macros_services, "ticket_reply", refuse)
    with pytest.raises(NotAllowedError):
        macro_reply(macro=return_macro, ticket=ticket, author=agent, body_text="x", internal=False)
    ticket.refresh_from_db()
    assert ticket.priority == Priority.NORMAL
    assert tag_names(ticket) == []


# --- keeping macros ------------------------------------------------------------------------


def test_only_admins_create_shared_macros(agent, admin):
    with pytest.raises(NotAllowedError):
        macro_create(owner=None, actor=agent, variants=TEXT, title="Shared")
    assert macro_create(owner=None, actor=admin, variants=TEXT, title="Shared").is_shared


def test_a_personal_macro_is_managed_by_its_owner_only(agent, teammate, admin):
    macro = macro_create(owner=agent, actor=agent, variants=TEXT, title="Mine")
    for other in (teammate, admin):
        with pytest.raises(NotAllowedError):
            macro_update(macro=macro, actor=other, variants=TEXT, title="Theirs")
        with pytest.raises(NotAllowedError):
            macro_delete(macro=macro, actor=other)
    with pytest.raises(NotAllowedError):
        macro_create(owner=agent, actor=teammate, variants=TEXT, title="For you")


def test_updating_replaces_the_texts(agent):
    macro = macro_create(owner=agent, actor=agent, variants=TEXT, title="Mine")
    macro_update(
        macro=macro,
        actor=agent,
        variants=[
            VariantInput("fi", "informal", "Moi"),
            VariantInput("ru", "formal", "Здравствуйте"),
        ],
        title="Mine, translated",
    )
    macro = Macro.objects.get(pk=macro.pk)
    assert macro.title == "Mine, translated"
    assert sorted(macro.variants.values_list("language", "tone", "body")) == [
        ("fi", "informal", "Moi"),
        ("ru", "formal", "Здравствуйте"),
    ]
