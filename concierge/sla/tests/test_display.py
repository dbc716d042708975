"""How SLA states read: durations, due badges, target lines, breach entries in the timeline."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from concierge.sla.display import due_badge, format_duration, target_lines
from concierge.sla.tests.conftest import MONDAY_9
from concierge.tickets.models import EventKind, Ticket, TicketEvent


@pytest.mark.parametrize(
    ("duration", "text"),
    [
        (timedelta(seconds=59), "under 1 min"),
        (timedelta(minutes=1), "1 min"),
        (timedelta(minutes=25, seconds=59), "25 min"),
        (timedelta(hours=2), "2 h"),
        (timedelta(hours=2, minutes=5), "2 h 5 min"),
        (timedelta(days=1), "1 d"),
        (timedelta(days=3, hours=4, minutes=59), "3 d 4 h"),
        (-timedelta(minutes=25), "25 min"),
    ],
)
def test_durations_read_short_and_rounded_down(duration, text):
    assert format_duration(duration) == text


def ticket_due(**columns) -> Ticket:
    return Ticket(sla_paused_at=None, **columns)


def test_the_badge_follows_the_next_due_time():
    now = MONDAY_9
    soon = ticket_due(
        sla_next_due_at=now + timedelta(minutes=25),
        first_response_due_at=now + timedelta(minutes=25),
    )
    later = ticket_due(
        sla_next_due_at=now + timedelta(hours=3), resolution_due_at=now + timedelta(hours=3)
    )
    late = ticket_due(
        sla_next_due_at=now - timedelta(hours=2), next_response_due_at=now - timedelta(hours=2)
    )

    assert (due_badge(soon, now).text, due_badge(soon, now).state) == ("due in 25 min", "soon")
    assert due_badge(soon, now).target == "first response"
    assert (due_badge(later, now).text, due_badge(later, now).state) == ("due in 3 h", "later")
    assert (due_badge(late, now).text, due_badge(late, now).state) == (
        "breached 2 h ago",
        "breached",
    )
    assert due_badge(late, now).target == "next response"
    assert due_badge(ticket_due(), now) is None


def test_a_due_time_exactly_now_is_breached():
    ticket = ticket_due(sla_next_due_at=MONDAY_9, resolution_due_at=MONDAY_9)

    assert due_badge(ticket, MONDAY_9).state == "breached"


def test_a_paused_ticket_has_a_paused_badge_and_no_target_lines():
    ticket = Ticket(sla_paused_at=MONDAY_9, resolution_due_at=MONDAY_9 + timedelta(hours=1))

    assert due_badge(ticket, MONDAY_9).text == "SLA paused"
    assert target_lines(ticket, MONDAY_9) == []


def test_target_lines_come_soonest_first():
    ticket = ticket_due(
        first_response_due_at=MONDAY_9 + timedelta(hours=2),
        resolution_due_at=MONDAY_9 - timedelta(minutes=5),
    )

    lines = target_lines(ticket, MONDAY_9)

    assert [(line.label, line.text, line.state) for line in lines] == [
        ("Resolution", "breached 5 min ago", "breached"),
        ("First response", "due in 2 h", "later"),
    ]


@pytest.mark.django_db
def test_the_timeline_says_which_target_was_missed_and_by_how_much(login, agent, ticket):
    TicketEvent.objects.create(
        ticket=ticket,
        kind=EventKind.SLA_BREACHED,
        field="first_response",
        before=MONDAY_9.isoformat(),
        after={"late_seconds": 25 * 60, "policy": "Premium"},
        cause={"kind": "sla_policy", "id": 1, "name": "Premium"},
    )

    html = login(agent).get(reverse("tickets:detail", args=[ticket.number])).content.decode()

    assert "missed the first response target (late by 25 min)" in html
    assert "Premium" in html
