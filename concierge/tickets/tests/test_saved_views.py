"""Shared inbox views and tag administration services."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from concierge.tickets.models import Channel, SavedView, Status, Tag, Ticket, TicketEvent
from concierge.tickets.queries import inbox_page, shared_views
from concierge.tickets.saved_views import (
    TagExistsError,
    saved_view_create,
    saved_view_delete,
    saved_view_for_admin,
    saved_view_move,
    saved_view_reorder,
    saved_view_update,
    tag_delete,
    tag_for_admin,
    tag_merge,
    tag_rename,
    tags_with_usage,
    validate_view,
)
from concierge.tickets.services import ticket_create, ticket_set_tags

pytestmark = pytest.mark.django_db


def tagged_ticket(customer, agent, *names: str, subject: str = "Help") -> Ticket:
    ticket = ticket_create(
        requester=customer, subject=subject, body_text="Please help.", channel=Channel.EMAIL
    )
    return ticket_set_tags(ticket=ticket, actor=agent, add=names)


def tag_names(ticket: Ticket) -> list[str]:
    return sorted(ticket.tags.values_list("name", flat=True))


# --- validating a view -----------------------------------------------------------------------


def test_a_valid_definition_comes_back_cleaned(support_team, agent):
    Tag.objects.create(name="vip")
    name, filters, sort = validate_view(
        name="  VIP queue ",
        filters={
            "status": ["new", "open", "new"],
            "priority": ["4"],
            "assignee": ["me", "none", str(agent.pk)],
            "team": [str(support_team.pk), "none"],
            "tag": [" VIP "],
            "channel": ["email"],
            "type": ["incident"],
            "language": ["fi", ""],
        },
        sort="-priority",
    )
    assert name == "VIP queue"
    assert filters == {
        "status": ["new", "open"],
        "priority": ["4"],
        "assignee": ["me", "none", str(agent.pk)],
        "team": [str(support_team.pk), "none"],
        "tag": ["vip"],
        "channel": ["email"],
        "type": ["incident"],
        "language": ["fi"],
    }
    assert sort == "-priority"


@pytest.mark.parametrize(
    ("filters", "sort", "field"),
    [
        ({"status": ["archived"]}, "number", "status"),
        ({"priority": ["high"]}, "number", "priority"),
        ({"assignee": ["everyone"]}, "number", "assignee"),
        ({"team": ["999999"]}, "number", "team"),
        ({"tag": ["nobody-uses-this"]}, "number", "tag"),
        ({"channel": ["fax"]}, "number", "channel"),
        ({"type": ["bug"]}, "number", "type"),
        ({"language": ["elvish"]}, "number", "language"),
        ({"colour": ["red"]}, "number", "filters"),
        ({}, "-random", "sort"),
    ],
)
def test_invalid_values_are_refused_per_field(filters, sort, field):
    with pytest.raises(ValidationError) as raised:
        validate_view(name="View", filters=filters, sort=sort)
    assert field in raised.value.message_dict


def test_a_deactivated_agent_is_no_valid_assignee(agent):
    agent.is_active = False
    agent.save(update_fields=["is_active"])
    with pytest.raises(ValidationError):
        validate_view(name="V", filters={"assignee": [str(agent.pk)]}, sort="number")


def test_a_view_needs_a_name():
    with pytest.raises(ValidationError) as raised:
        validate_view(name=" ", filters={}, sort="number")
    assert "name" in raised.value.message_dict


# --- saving views ----------------------------------------------------------------------------


def test_views_are_added_at_the_end_of_the_list(admin):
    first = saved_view_create(name="B first", filters={}, sort="number", actor=admin)
    second = saved_view_create(name="A second", filters={}, sort="number", actor=admin)
    assert (first.position, second.position) == (0, 1)
    assert list(shared_views()) == [first, second]


def test_create_refuses_invalid_filters_and_writes_nothing(admin):
    with pytest.raises(ValidationError):
        saved_view_create(name="Bad", filters={"status": ["nope"]}, sort="number", actor=admin)
    assert not SavedView.objects.exists()


def test_a_saved_view_selects_what_the_inbox_shows(admin, agent, customer, support_team):
    wanted = ticket_create(
        requester=customer,
        subject="Urgent",
        body_text="x",
        channel=Channel.EMAIL,
        team=support_team,
        priority=4,
    )
    ticket_create(
        requester=customer, subject="Low", body_text="x", channel=Channel.WEB, team=support_team
    )
    view = saved_view_create(
        name="Urgent mail",
        filters={"priority": ["4"], "channel": ["email"], "status": [Status.NEW]},
        sort="-created_at",
        actor=admin,
    )
    assert inbox_page(agent, filters=view.filters, sort=view.sort).tickets == [wanted]


def test_update_changes_the_definition(admin):
    view = saved_view_create(name="Old", filters={"status": ["new"]}, sort="number", actor=admin)
    saved_view_update(saved_view=view, name="New", filters={"type": ["task"]}, sort="-number")
    view.refresh_from_db()
    assert (view.name, view.filters, view.sort) == ("New", {"type": ["task"]}, "-number")


def test_an_invalid_update_leaves_the_view_alone(admin):
    view = saved_view_create(name="Old", filters={"status": ["new"]}, sort="number", actor=admin)
    with pytest.raises(ValidationError):
        saved_view_update(saved_view=view, name="New", filters={"status": ["x"]}, sort="number")
    view.refresh_from_db()
    assert (view.name, view.filters) == ("Old", {"status": ["new"]})


def test_reorder_and_move(admin):
    a, b, c = (saved_view_create(name=n, filters={}, sort="number", actor=admin) for n in "abc")
    saved_view_reorder(ordered_ids=[c.pk, a.pk])
    assert [v.name for v in shared_views()] == ["c", "a", "b"]
    saved_view_move(saved_view=b, offset=-1)
    assert [v.name for v in shared_views()] == ["c", "b", "a"]
    saved_view_move(saved_view=c, offset=-1)  # already first: stays
    assert [v.name for v in shared_views()] == ["c", "b", "a"]
    saved_view_move(saved_view=c, offset=5)
    assert [v.name for v in shared_views()] == ["b", "a", "c"]


def test_delete(admin):
    view = saved_view_create(name="Gone", filters={}, sort="number", actor=admin)
    saved_view_delete(saved_view=view)
    assert not SavedView.objects.exists()


def test_only_admins_reach_views_and_tags(admin, agent):
    view = saved_view_create(name="V", filters={}, sort="number", actor=admin)
    tag = Tag.objects.create(name="t")
    assert saved_view_for_admin(admin, view.pk) == view
    assert tag_for_admin(admin, tag.pk) == tag
    with pytest.raises(Http404):
        saved_view_for_admin(agent, view.pk)
    with pytest.raises(Http404):
        tag_for_admin(agent, tag.pk)
    with pytest.raises(Http404):
        saved_view_for_admin(admin, view.pk + 1)


# --- tags ------------------------------------------------------------------------------------


def test_usage_counts(customer, agent):
    tagged_ticket(customer, agent, "refund", "damaged")
    tagged_ticket(customer, agent, "refund")
    Tag.objects.create(name="idle")
    assert [(t.name, t.usage) for t in tags_with_usage()] == [
        ("refund", 2),
        ("damaged", 1),
        ("idle", 0),
    ]
    assert [t.name for t in tags_with_usage("REF")] == ["refund"]


def test_rename_shows_on_every_ticket_without_ticket_events(customer, agent):
    first = tagged_ticket(customer, agent, "refund")
    second = tagged_ticket(customer, agent, "refund", "damaged")
    versions = {t.pk: Ticket.objects.get(pk=t.pk).version for t in (first, second)}
    events = TicketEvent.objects.count()
    tag_rename(tag=Tag.objects.get(name="refund"), name=" Money Back ")
    assert tag_names(first) == ["money back"]
    assert tag_names(second) == ["damaged", "money back"]
    assert TicketEvent.objects.count() == events
    assert {t.pk: t.version for t in Ticket.objects.all()} == versions


def test_rename_keeps_shared_views_on_the_tag(admin, customer, agent):
    tagged_ticket(customer, agent, "refund", "vip")
    view = saved_view_create(
        name="Refunds", filters={"tag": ["refund", "vip"]}, sort="number", actor=admin
    )
    tag_rename(tag=Tag.objects.get(name="refund"), name="money-back")
    view.refresh_from_db()
    assert view.filters == {"tag": ["money-back", "vip"]}


def test_rename_to_a_taken_name_raises(customer, agent):
    tagged_ticket(customer, agent, "refund", "damaged")
    with pytest.raises(TagExistsError) as raised:
        tag_rename(tag=Tag.objects.get(name="refund"), name="DAMAGED")
    assert raised.value.existing.name == "damaged"
    assert Tag.objects.filter(name="refund").exists()


def test_rename_to_nothing_raises():
    with pytest.raises(ValueError, match="empty"):
        tag_rename(tag=Tag.objects.create(name="x"), name="   ")


def test_merge_moves_tickets_and_keeps_one_link_each(admin, customer, agent):
    only_source = tagged_ticket(customer, agent, "refund")
    both = tagged_ticket(customer, agent, "refund", "refunds")
    only_target = tagged_ticket(customer, agent, "refunds")
    view = saved_view_create(name="R", filters={"tag": ["refund"]}, sort="number", actor=admin)
    events = TicketEvent.objects.count()
    target = Tag.objects.get(name="refunds")
    tag_merge(source=Tag.objects.get(name="refund"), target=target)
    assert not Tag.objects.filter(name="refund").exists()
    for ticket in (only_source, both, only_target):
        assert tag_names(ticket) == ["refunds"]
    assert Ticket.tags.through.objects.filter(tag=target).count() == 3
    assert TicketEvent.objects.count() == events
    view.refresh_from_db()
    assert view.filters == {"tag": ["refunds"]}


def test_merge_into_itself_changes_nothing(customer, agent):
    ticket = tagged_ticket(customer, agent, "refund")
    tag = Tag.objects.get(name="refund")
    assert tag_merge(source=tag, target=tag) == tag
    assert tag_names(ticket) == ["refund"]


def test_delete_untags_every_ticket(admin, customer, agent):
    ticket = tagged_ticket(customer, agent, "refund", "damaged")
    view = saved_view_create(name="R", filters={"tag": ["refund"]}, sort="number", actor=admin)
    events = TicketEvent.objects.count()
    tag_delete(tag=Tag.objects.get(name="refund"))
    assert tag_names(ticket) == ["damaged"]
    assert TicketEvent.objects.count() == events
    # The view keeps its filter and so shows nothing rather than every ticket.
    view.refresh_from_db()
    assert view.filters == {"tag": ["refund"]}
    assert inbox_page(admin, filters=view.filters).tickets == []
