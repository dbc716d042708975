"""Specification of who sees which tickets, and of the inbox reads built on that."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from concierge.automation.models.triggers import Trigger
from concierge.people.models import Organization, Team, TicketVisibility, User
from concierge.people.services import (
    agent_create,
    customer_find_or_create_by_email,
    organization_add_member,
)
from concierge.tickets.inbox_rows import InboxRow, inbox_rows
from concierge.tickets.models import Channel, MessageKind, Priority, Status, Ticket, TicketType
from concierge.tickets.queries import (
    BUILTIN_VIEWS,
    SORTS,
    customer_tickets,
    encode_cursor,
    inbox_page,
    message_for_user,
    messages_visible_to,
    quick_search,
    ticket_for_user,
    ticket_timeline,
    tickets_visible_to,
    view_counts,
)
from concierge.tickets.services import (
    message_receive,
    message_split,
    ticket_create,
    ticket_reply,
    ticket_set_followers,
    ticket_set_tags,
    ticket_update,
)


def new_ticket(requester, subject="Question", **kwargs):
    kwargs.setdefault("channel", Channel.EMAIL)
    kwargs.setdefault("body_text", "Hello")
    return ticket_create(requester=requester, subject=subject, **kwargs)


def visible(user) -> set[str]:
    return set(tickets_visible_to(user).values_list("subject", flat=True))


# --- who sees which tickets ----------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _shipped_triggers_off(db):
    # The shipped triggers acknowledge new requests by e-mail and record that on the
    # ticket; these tests are about what the services and the pipeline do themselves.
    Trigger.objects.update(is_active=False)


@pytest.fixture
def desk(customer, other_customer, support_team, billing_team, agent):
    """Tickets of both teams, one of Billing's assigned to a Support agent, one of no team."""
    new_ticket(customer, "support: customer's", team=support_team)
    new_ticket(other_customer, "support: other's", team=support_team)
    new_ticket(other_customer, "billing", team=billing_team)
    new_ticket(other_customer, "billing: assigned to agent", team=billing_team, assignee=agent)
    new_ticket(other_customer, "no team")


EVERY_TICKET = {
    "support: customer's",
    "support: other's",
    "billing",
    "billing: assigned to agent",
    "no team",
}


def test_an_admin_sees_every_ticket(desk, admin):
    assert visible(admin) == EVERY_TICKET


def test_an_agent_of_a_restricted_team_sees_its_tickets_and_those_assigned_to_them(desk, agent):
    assert visible(agent) == {
        "support: customer's",
        "support: other's",
        "billing: assigned to agent",
    }


@pytest.mark.parametrize("sort", ["-updated_at", "sla_next_due_at", "number"])
def test_a_restricted_agents_pages_and_counts_hold_each_ticket_once(
    desk, agent, customer, support_team, sort
):
    # Assigned to the agent in their own team: in both parts the page is read from.
    own = new_ticket(customer, "support: assigned to agent", team=support_team, assignee=agent)
    Ticket.objects.filter(pk=own.pk).update(sla_next_due_at=timezone.now())
    expected = {
        "support: customer's",
        "support: other's",
        "billing: assigned to agent",
        "support: assigned to agent",
    }

    first = inbox_page(agent, filters={}, sort=sort, page_size=2)
    second = inbox_page(agent, filters={}, sort=sort, cursor=first.next_cursor, page_size=2)
    subjects = [t.subject for t in first.tickets + second.tickets]

    assert sorted(subjects) == sorted(expected)
    assert second.next_cursor is None
    assert view_counts(agent)["mine"] == 2
    assert view_counts(agent)["unassigned"] == 2
    mine = inbox_page(agent, filters=BUILTIN_VIEWS["mine"].filters, sort=sort)
    unassigned = inbox_page(agent, filters=BUILTIN_VIEWS["unassigned"].filters, sort=sort)
    assert {t.subject for t in mine.tickets} == {
        "billing: assigned to agent",
        "support: assigned to agent",
    }
    assert {t.subject for t in unassigned.tickets} == {"support: customer's", "support: other's"}


def test_a_teammate_sees_the_teams_tickets_but_not_another_agents_elsewhere(desk, teammate):
    assert visible(teammate) == {"support: customer's", "support: other's"}


def test_a_light_agent_sees_what_their_team_sees(desk, light_agent):
    assert visible(light_agent) == {"support: customer's", "support: other's"}


def test_an_agent_of_another_team_sees_none_of_supports_tickets(desk, outsider):
    assert visible(outsider) == {"billing", "billing: assigned to agent"}


def test_an_agent_in_any_team_that_sees_all_tickets_sees_every_ticket(desk, billing_team):
    generalist = agent_create(email="gen@example.com", full_name="Gen", role="agent")
    billing_team.memberships.create(user=generalist)
    everyone = Team.objects.create(name="Everyone", ticket_visibility=TicketVisibility.ALL)
    everyone.memberships.create(user=generalist)

    assert visible(generalist) == EVERY_TICKET


def test_an_agent_in_no_team_sees_every_ticket(desk):
    freelancer = agent_create(email="free@example.com", full_name="Free", role="agent")

    assert visible(freelancer) == EVERY_TICKET


def test_a_customer_sees_their_own_tickets_only(desk, customer, other_customer):
    assert visible(customer.user) == {"support: customer's"}
    assert visible(other_customer.user) == EVERY_TICKET - {"support: customer's"}


def test_a_customer_sees_the_tickets_they_follow(desk, customer, admin):
    billing = Ticket.objects.get(subject="billing")
    ticket_set_followers(ticket=billing, actor=admin, followers=[customer])

    assert visible(customer.user) == {"support: customer's", "billing"}


@pytest.fixture
def acme(customer):
    """Kirsi manages Acme; a colleague of hers at Acme has a ticket."""
    acme = Organization.objects.create(name="Acme", managers_see_all_requests=True)
    organization_add_member(organization=acme, customer=customer, is_manager=True)
    colleague = customer_find_or_create_by_email(email="colleague@acme.test", full_name="Colm")
    organization_add_member(organization=acme, customer=colleague)
    new_ticket(colleague, "colleague's")
    return acme


def test_an_organization_manager_sees_the_organizations_tickets_when_allowed(acme, customer):
    assert visible(customer.user) == {"colleague's"}


def test_an_organization_manager_does_not_when_the_organization_does_not_allow_it(acme, customer):
    Organization.objects.filter(pk=acme.pk).update(managers_see_all_requests=False)

    assert visible(customer.user) == set()


def test_an_ordinary_member_does_not_see_the_organizations_tickets(acme, customer):
    organization_add_member(organization=acme, customer=customer, is_manager=False)

    assert visible(customer.user) == set()


def test_a_customer_of_another_organization_sees_none_of_them(acme, other_customer):
    assert visible(other_customer.user) == set()


def test_inactive_people_and_anonymous_visitors_see_nothing(desk, agent, admin, customer):
    User.objects.filter(pk__in=[agent.pk, admin.pk, customer.user.pk]).update(is_active=False)

    for person in (agent, admin, customer.user):
        person.refresh_from_db()
        assert visible(person) == set()
    assert visible(AnonymousUser()) == set()


def test_ticket_for_user_opens_a_visible_ticket_and_answers_404_otherwise(desk, agent, outsider):
    number = Ticket.objects.get(subject="support: customer's").number

    assert ticket_for_user(agent, number).subject == "support: customer's"
    for person, wanted in (
        (outsider, number),
        (agent, 999_999),
        (agent, 10**30),
        (agent, "12abc"),
        (agent, None),
    ):
        with pytest.raises(Http404):
            ticket_for_user(person, wanted)


def test_customer_tickets_lists_a_customers_tickets_the_viewer_may_see(
    desk, other_customer, teammate, admin
):
    assert [t.subject for t in customer_tickets(teammate, other_customer)] == ["support: other's"]
    assert len(customer_tickets(admin, other_customer)) == 4


# --- what a person may read of a ticket ----------------------------------------------------------


@pytest.fixture
def conversation(ticket, customer, agent):
    """A customer message, a reply, a note, and a system message of a split."""
    ticket_reply(ticket=ticket, author=agent, body_text="Reply", internal=False)
    ticket_reply(ticket=ticket, author=agent, body_text="Note", internal=True)
    extra = message_receive(ticket=ticket, customer=customer, body_text="Other", channel="web")
    message_split(message=extra, actor=agent)
    return ticket


def test_a_customer_reads_the_public_conversation_only(conversation, customer):
    kinds = [m.kind for m in messages_visible_to(customer.user, conversation)]

    assert kinds == [MessageKind.CUSTOMER, MessageKind.REPLY]


def test_an_agent_reads_everything_in_order(conversation, agent):
    kinds = [m.kind for m in messages_visible_to(agent, conversation)]

    assert kinds == [MessageKind.CUSTOMER, MessageKind.REPLY, MessageKind.NOTE, MessageKind.SYSTEM]


def test_a_customer_cannot_open_an_internal_note_by_its_id(conversation, customer, agent):
    note = conversation.messages.get(kind=MessageKind.NOTE)

    assert message_for_user(agent, conversation, note.pk) == note
    with pytest.raises(Http404):
        message_for_user(customer.user, conversation, note.pk)
    with pytest.raises(Http404):
        message_for_user(agent, conversation, "x")


def test_the_timeline_lists_events_oldest_first(conversation):
    kinds = [e.kind for e in ticket_timeline(conversation)]

    assert kinds == [
        "created",
        "message_added",
        "field_changed",
        "message_added",
        "message_added",
        "split",
    ]


# --- inbox views and filters ---------------------------------------------------------------------


@pytest.fixture
def statuses(customer, support_team, agent, admin):
    """One Support ticket in every status; the agent has some of them."""
    tickets = {}
    for status, assignee in (
        (Status.NEW, None),
        (Status.OPEN, agent),
        (Status.PENDING, agent),
        (Status.ON_HOLD, None),
        (Status.SOLVED, agent),
        (Status.CLOSED, None),
    ):
        ticket = new_ticket(customer, status, team=support_team, assignee=assignee)
        if status != Status.NEW:
            ticket_update(ticket=ticket, actor=admin, status=status)
        tickets[status] = ticket
    return tickets


@pytest.mark.parametrize(
    ("view", "expected"),
    [
        ("mine", ["pending", "open"]),
        ("unassigned", ["on_hold", "new"]),
        ("open", ["open", "new"]),
        ("pending", ["pending"]),
        ("solved", ["solved"]),
        ("all", ["closed", "solved", "on_hold", "pending", "open", "new"]),
    ],
)
def test_every_built_in_view_holds_the_right_tickets(statuses, agent, view, expected):
    builtin = BUILTIN_VIEWS[view]

    page = inbox_page(agent, filters=builtin.filters, sort=builtin.sort)

    assert [t.subject for t in page.tickets] == expected  # most recently updated first
    assert page.next_cursor is None


def test_view_counts_match_the_views(statuses, agent):
    assert view_counts(agent) == {
        "mine": 2,
        "unassigned": 2,
        "open": 2,
        "pending": 1,
        "solved": 1,
        "breaching": 0,
    }


def test_a_view_shows_only_tickets_the_viewer_may_see(statuses, outsider):
    assert inbox_page(outsider, filters={}).tickets == []
    assert view_counts(outsider) == {
        "mine": 0,
        "unassigned": 0,
        "open": 0,
        "pending": 0,
        "solved": 0,
        "breaching": 0,
    }


@pytest.fixture
def varied(customer, other_customer, support_team, billing_team, admin, teammate):
    """Three tickets that differ in every filterable field."""
    a = new_ticket(
        customer,
        "a",
        priority=Priority.URGENT,
        channel=Channel.EMAIL,
        ticket_type=TicketType.INCIDENT,
        language="tr",
        tags=["vip"],
        assignee=admin,
        team=support_team,
    )
    b = new_ticket(
        other_customer,
        "b",
        priority=Priority.LOW,
        channel=Channel.WEB,
        ticket_type=TicketType.QUESTION,
        language="fi",
        team=billing_team,
    )
    c = new_ticket(
        customer,
        "c",
        priority=Priority.NORMAL,
        channel=Channel.CHAT,
        ticket_type=TicketType.PROBLEM,
        language="ru",
        tags=["vip", "refund"],
        assignee=teammate,
    )
    ticket_update(ticket=b, actor=admin, status=Status.PENDING)
    return {"a": a, "b": b, "c": c}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, "abc"),
        ({"status": ["new"]}, "ac"),
        ({"status": ["pending", "solved"]}, "b"),
        ({"priority": ["4"]}, "a"),
        ({"priority": ["1", "2"]}, "bc"),
        ({"priority": ["high"]}, ""),
        ({"assignee": ["me"]}, "a"),
        ({"assignee": ["none"]}, "b"),
        ({"assignee": ["me", "none"]}, "ab"),
        ({"assignee": ["someone"]}, ""),
        ({"team": ["none"]}, "c"),
        ({"team": ["billing", "none"]}, "bc"),
        ({"tag": ["vip"]}, "ac"),
        ({"tag": ["VIP"]}, "ac"),
        ({"tag": ["refund", "nothing"]}, "c"),
        ({"tag": ["nothing"]}, ""),
        ({"channel": ["email", "chat"]}, "ac"),
        ({"type": ["problem"]}, "c"),
        ({"language": ["tr"]}, "a"),
        ({"language": ["fi", "ru"]}, "bc"),
        ({"status": [""], "tag": [""]}, "abc"),
        ({"status": ["new"], "tag": ["vip"], "language": ["ru"]}, "c"),
    ],
)
def test_each_filter_narrows_the_inbox(varied, admin, billing_team, filters, expected):
    filters = {
        key: [str(billing_team.pk) if v == "billing" else v for v in values]
        for key, values in filters.items()
    }

    page = inbox_page(admin, filters=filters, sort="number")

    assert "".join(t.subject for t in page.tickets) == expected


@pytest.mark.parametrize("key", ["priority", "assignee", "team"])
@pytest.mark.parametrize("value", ["9" * 30, "²", "-1", "1.0"])
def test_a_value_that_is_no_usable_number_matches_nothing(varied, admin, key, value):
    page = inbox_page(admin, filters={key: [value]})

    assert page.tickets == []


def test_filtering_by_a_team_or_an_assignee_by_id(varied, admin, teammate, support_team):
    by_team = inbox_page(admin, filters={"team": [str(support_team.pk)]})
    by_assignee = inbox_page(admin, filters={"assignee": [str(teammate.pk)]})

    assert [t.subject for t in by_team.tickets] == ["a"]
    assert [t.subject for t in by_assignee.tickets] == ["c"]


# --- sorting and keyset pages --------------------------------------------------------------------


@pytest.fixture
def many(customer, admin):
    """25 tickets whose update and creation times tie in groups, and priorities repeat."""
    base = timezone.now() - dt.timedelta(days=1)
    for i in range(25):
        ticket = new_ticket(customer, f"ticket {i}", priority=Priority.values[i % 4])
        Ticket.objects.filter(pk=ticket.pk).update(
            updated_at=base + dt.timedelta(minutes=i // 3),
            created_at=base - dt.timedelta(hours=(i * 7) % 5),
        )
    return list(Ticket.objects.all())


def expected_order(tickets, sort):
    column, descending = SORTS[sort]
    return [
        t.pk for t in sorted(tickets, key=lambda t: (getattr(t, column), t.pk), reverse=descending)
    ]


def walk(user, sort, page_size, filters=None):
    seen, cursor, pages = [], None, 0
    while True:
        page = inbox_page(
            user, filters=filters or {}, sort=sort, cursor=cursor, page_size=page_size
        )
        pages += 1
        assert len(page.tickets) <= page_size
        seen += [t.pk for t in page.tickets]
        if page.next_cursor is None:
            return seen, pages
        cursor = page.next_cursor
        assert pages < 100, "the pages never end"


@pytest.mark.parametrize("sort", list(SORTS))
def test_pages_walk_every_ticket_exactly_once_in_order(many, admin, sort):
    seen, pages = walk(admin, sort, page_size=4)

    assert seen == expected_order(many, sort)
    assert pages == 7  # 25 tickets in pages of 4


def test_pages_walk_a_filtered_view_too(many, admin):
    urgent = [t for t in many if t.priority == Priority.URGENT]

    seen, _ = walk(admin, "-updated_at", page_size=2, filters={"priority": ["4"]})

    assert seen == expected_order(urgent, "-updated_at")


def test_an_exactly_full_last_page_has_no_next_cursor(many, admin):
    page = inbox_page(admin, filters={}, page_size=25)

    assert len(page.tickets) == 25
    assert page.next_cursor is None


def test_an_unknown_sort_falls_back_to_recently_updated(many, admin):
    page = inbox_page(admin, filters={}, sort="-password", page_size=25)

    assert page.sort == "-updated_at"
    assert [t.pk for t in page.tickets] == expected_order(many, "-updated_at")


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "!!!!",
        "Zm9v",  # "foo"
        _b64(b"{not json"),
        _b64(b"[1, 2, 3]"),
        _b64(b"42"),
        _b64(b'["yesterday", 5]'),
        _b64(b'["2024-01-01T00:00:00+00:00", "five"]'),
        _b64(b"[null, 1]"),
        _b64('["ü", 1]'.encode("latin-1")),
        "отчёт",
        encode_cursor(12, 3),  # a number cursor given to a time sort
    ],
)
def test_a_malformed_cursor_gives_the_first_page(many, admin, cursor):
    first = inbox_page(admin, filters={}, page_size=5)

    page = inbox_page(admin, filters={}, cursor=cursor, page_size=5)

    assert [t.pk for t in page.tickets] == [t.pk for t in first.tickets]


@pytest.mark.parametrize("sort", ["-updated_at", "number"])
def test_a_cursor_beyond_any_row_gives_an_empty_page(many, admin, sort):
    huge = 10**30
    cursor = encode_cursor(huge if sort == "number" else "1970-01-01T00:00:00+00:00", huge)

    assert inbox_page(admin, filters={}, sort=sort, cursor=cursor).tickets == []


@pytest.mark.parametrize("sort", ["-updated_at", "sla_next_due_at"])
def test_the_number_of_queries_does_not_grow_with_the_page_size(
    customer, other_customer, agent, support_team, sort
):
    # A requester known only by an address is shown by it: read for the page, not per row.
    other_customer.full_name = ""
    other_customer.save(update_fields=["full_name"])
    for i in range(20):
        requester = other_customer if i % 2 else customer
        ticket = new_ticket(requester, f"t{i}", team=support_team, assignee=agent)
        ticket_set_tags(ticket=ticket, actor=agent, names=["vip", f"tag{i}"], replace=True)

    def queries_for(page_size: int) -> tuple[int, list[InboxRow]]:
        with CaptureQueriesContext(connection) as queries:
            page = inbox_page(agent, filters={}, sort=sort, page_size=page_size)
            rows = inbox_rows(page)
        assert len(rows) == page_size
        return len(queries), rows

    few, _ = queries_for(3)
    many, rows = queries_for(20)

    assert few == many
    by_subject = {row.subject: row for row in rows}
    assert by_subject["t1"].requester == "other@example.com"
    assert by_subject["t2"].requester == "Kirsi Customer"
    assert by_subject["t2"].tags == ["tag2", "vip"]


# --- quick search --------------------------------------------------------------------------------


@pytest.fixture
def searchable(customer, other_customer, support_team, billing_team):
    return {
        "lamp": new_ticket(customer, "Broken lamp", team=support_team),
        "invoice": new_ticket(other_customer, "Invoice 2024 is wrong", team=support_team),
        "billing": new_ticket(other_customer, "Refund for lamp", team=billing_team),
    }


def test_quick_search_finds_a_ticket_by_its_number(searchable, agent):
    number = searchable["invoice"].number

    assert quick_search(agent, str(number)) == [searchable["invoice"]]
    assert quick_search(agent, f" #{number} ") == [searchable["invoice"]]


def test_quick_search_falls_back_to_text_when_no_ticket_has_that_number(searchable, agent):
    assert quick_search(agent, "2024") == [searchable["invoice"]]


def test_quick_search_finds_by_subject_in_any_case(searchable, admin):
    assert set(quick_search(admin, "LAMP")) == {searchable["lamp"], searchable["billing"]}


def test_quick_search_finds_by_customer_name_and_email(searchable, agent):
    assert quick_search(agent, "kirsi") == [searchable["lamp"]]
    assert quick_search(agent, "other@example") == [searchable["invoice"]]


def test_quick_search_only_finds_what_the_searcher_may_see(searchable, outsider, customer):
    assert quick_search(outsider, "lamp") == [searchable["billing"]]
    assert quick_search(outsider, str(searchable["lamp"].number)) == []
    assert quick_search(customer.user, "invoice") == []


def test_quick_search_with_nothing_to_search_finds_nothing(searchable, admin):
    assert quick_search(admin, "") == []
    assert quick_search(admin, "  # ") == []
    assert quick_search(admin, "9" * 30) == []
    assert quick_search(admin, "#²") == []


def test_quick_search_returns_at_most_the_limit_newest_first(customer, admin):
    tickets = [new_ticket(customer, f"Lamp {i}") for i in range(5)]

    found = quick_search(admin, "lamp", limit=3)

    assert found == [tickets[4], tickets[3], tickets[2]]
