"""Specification of SLA timers: which targets count, when they are due, met, paused, breached.

Tickets change through the real ticket services; the pipeline recomputes their timers.
The `clock` fixture moves time (see conftest.py).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from concierge.sla.calendar import Calendar
from concierge.sla.due_times import recompute
from concierge.sla.models import Metric, SlaTimer, TimerState
from concierge.sla.services import calendar_save
from concierge.sla.tests.conftest import MONDAY_9, make_policy, targets
from concierge.sla.tests.helpers import local
from concierge.tickets.models import Channel, EventKind, Priority, Status, Ticket
from concierge.tickets.services import (
    message_receive,
    ticket_create,
    ticket_merge,
    ticket_reply,
    ticket_set_tags,
    ticket_update,
)

pytestmark = pytest.mark.django_db

MINUTE = timedelta(minutes=1)


def new_ticket(customer, **fields) -> Ticket:
    return ticket_create(
        requester=customer,
        subject="The lamp is broken",
        body_text="It arrived in pieces.",
        channel=Channel.WEB,
        **fields,
    )


def fresh(ticket: Ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


def timers(ticket: Ticket) -> dict[str, list[tuple[str, object]]]:
    found: dict[str, list[tuple[str, object]]] = {}
    for timer in SlaTimer.objects.filter(ticket=ticket).order_by("started_at", "id"):
        found.setdefault(timer.metric, []).append((timer.state, timer.due_at))
    return found


def breaches(ticket: Ticket) -> list[tuple[str, int]]:
    return [
        (event.field, event.after["late_seconds"])
        for event in ticket.events.filter(kind=EventKind.SLA_BREACHED).order_by("id")
    ]


# --- no policy ---------------------------------------------------------------------------------


def test_without_a_policy_a_ticket_has_no_due_times(clock, customer):
    ticket = fresh(new_ticket(customer))

    assert ticket.first_response_due_at is None
    assert ticket.resolution_due_at is None
    assert ticket.sla_next_due_at is None
    assert not SlaTimer.objects.exists()


def test_without_a_policy_recomputing_costs_one_query(clock, customer, agent):
    ticket = fresh(new_ticket(customer))

    with CaptureQueriesContext(connection) as queries:
        recompute(ticket)
    assert len(queries) == 1


# --- first response, next response, resolution ------------------------------------------------


def test_a_customers_new_ticket_is_due_for_a_first_response_and_a_resolution(clock, customer):
    make_policy()
    ticket = fresh(new_ticket(customer))

    assert ticket.first_response_due_at == MONDAY_9 + 60 * MINUTE
    assert ticket.next_response_due_at is None
    assert ticket.resolution_due_at == MONDAY_9 + 480 * MINUTE
    assert ticket.sla_next_due_at == ticket.first_response_due_at
    assert ticket.sla_check_at == ticket.first_response_due_at
    assert timers(ticket) == {
        Metric.FIRST_RESPONSE: [(TimerState.RUNNING, MONDAY_9 + 60 * MINUTE)],
        Metric.RESOLUTION: [(TimerState.RUNNING, MONDAY_9 + 480 * MINUTE)],
    }


def test_a_public_reply_meets_the_first_response(clock, customer, agent):
    make_policy()
    ticket = new_ticket(customer)
    clock.advance(minutes=20)

    ticket_reply(ticket=ticket, author=agent, body_text="On it", internal=False)

    ticket = fresh(ticket)
    assert ticket.first_response_due_at is None
    assert ticket.sla_next_due_at == ticket.resolution_due_at == MONDAY_9 + 480 * MINUTE
    first = SlaTimer.objects.get(ticket=ticket, metric=Metric.FIRST_RESPONSE)
    assert first.state == TimerState.ACHIEVED
    assert first.stopped_at == MONDAY_9 + 20 * MINUTE
    assert breaches(ticket) == []


def test_an_internal_note_meets_nothing(clock, customer, agent):
    make_policy()
    ticket = new_ticket(customer)

    ticket_reply(ticket=ticket, author=agent, body_text="Checking stock", internal=True)

    assert fresh(ticket).first_response_due_at == MONDAY_9 + 60 * MINUTE


def test_the_customer_writing_again_starts_the_next_response_clock_once(clock, customer, agent):
    make_policy()
    ticket = new_ticket(customer)
    clock.advance(minutes=10)
    ticket_reply(ticket=ticket, author=agent, body_text="Which lamp?", internal=False)
    asked = clock.advance(minutes=50)
    message_receive(ticket=ticket, customer=customer, body_text="The red one", channel="web")
    clock.advance(minutes=5)
    message_receive(ticket=ticket, customer=customer, body_text="Hello?", channel="web")

    ticket = fresh(ticket)
    assert ticket.next_response_due_at == asked + 30 * MINUTE
    assert ticket.sla_next_due_at == asked + 30 * MINUTE
    assert timers(ticket)[Metric.NEXT_RESPONSE] == [(TimerState.RUNNING, asked + 30 * MINUTE)]

    clock.advance(minutes=10)
    ticket_reply(ticket=ticket, author=agent, body_text="Sending a new one", internal=False)
    ticket = fresh(ticket)
    assert ticket.next_response_due_at is None
    assert timers(ticket)[Metric.NEXT_RESPONSE] == [(TimerState.ACHIEVED, asked + 30 * MINUTE)]


def test_a_late_reply_is_a_breach_recorded_with_how_late_it_was(clock, customer, agent):
    make_policy()
    ticket = new_ticket(customer)
    clock.advance(minutes=85)

    ticket_reply(ticket=ticket, author=agent, body_text="Sorry for the wait", internal=False)

    ticket = fresh(ticket)
    timer = SlaTimer.objects.get(ticket=ticket, metric=Metric.FIRST_RESPONSE)
    assert timer.state == TimerState.BREACHED
    assert timer.late_by == 25 * MINUTE
    assert timer.stopped_at == MONDAY_9 + 85 * MINUTE
    assert breaches(ticket) == [(Metric.FIRST_RESPONSE, 25 * 60)]
    event = ticket.events.get(kind=EventKind.SLA_BREACHED)
    assert event.before == (MONDAY_9 + 60 * MINUTE).isoformat()
    assert event.cause == {"kind": "sla_policy", "id": timer.policy_id, "name": "Standard"}


def test_a_breach_is_recorded_once_however_often_the_ticket_is_recomputed(clock, customer, agent):
    make_policy()
    ticket = new_ticket(customer)
    clock.advance(minutes=70)

    ticket_update(ticket=ticket, actor=agent, priority=Priority.HIGH)
    recompute(fresh(ticket))
    clock.advance(minutes=30)
    ticket_reply(ticket=ticket, author=agent, body_text="Here you are", internal=False)

    ticket = fresh(ticket)
    assert breaches(ticket) == [(Metric.FIRST_RESPONSE, 10 * 60)]
    timer = SlaTimer.objects.get(ticket=ticket, metric=Metric.FIRST_RESPONSE)
    # The event says how late it was when recorded; the timer keeps the final lateness.
    assert (timer.state, timer.late_by) == (TimerState.BREACHED, 40 * MINUTE)
    # While breached and unanswered the ticket showed the past due time first.
    assert ticket.first_response_due_at is None


def test_an_unanswered_breached_target_stays_the_next_due_time(clock, customer, agent):
    make_policy()
    ticket = new_ticket(customer)
    clock.advance(minutes=90)

    recompute(fresh(ticket))

    ticket = fresh(ticket)
    assert ticket.sla_next_due_at == MONDAY_9 + 60 * MINUTE
    # Nothing more to record for it; the sweep waits for the resolution's due time.
    assert ticket.sla_check_at == MONDAY_9 + 480 * MINUTE


def test_solving_stops_every_clock_and_meets_the_resolution(clock, customer, agent):
    make_policy()
    ticket = new_ticket(customer)
    clock.advance(minutes=30)

    ticket_reply(ticket=ticket, author=agent, body_text="Fixed", internal=False, status="solved")

    ticket = fresh(ticket)
    assert ticket.sla_next_due_at is None
    assert ticket.resolution_due_at is None
    assert ticket.sla_check_at is None
    states = {metric: entries[-1][0] for metric, entries in timers(ticket).items()}
    assert states == {
        Metric.FIRST_RESPONSE: TimerState.ACHIEVED,
        Metric.RESOLUTION: TimerState.ACHIEVED,
    }


def test_a_reopened_ticket_resumes_its_resolution_clock_without_the_time_solved(
    clock, customer, agent
):
    make_policy()
    ticket = new_ticket(customer)
    clock.advance(minutes=30)
    ticket_reply(ticket=ticket, author=agent, body_text="Fixed", internal=False, status="solved")
    reopened = clock.advance(hours=24)

    message_receive(ticket=ticket, customer=customer, body_text="Broken again", channel="web")

    ticket = fresh(ticket)
    assert ticket.status == Status.OPEN
    # 30 minutes were used before solving: 450 remain from the reopening.
    assert ticket.resolution_due_at == reopened + 450 * MINUTE
    assert ticket.next_response_due_at == reopened + 30 * MINUTE
    assert timers(ticket)[Metric.RESOLUTION] == [(TimerState.RUNNING, reopened + 450 * MINUTE)]


def test_an_agents_own_ticket_promises_no_first_response(clock, customer, agent):
    make_policy()
    ticket = ticket_create(
        requester=customer,
        subject="Your order",
        body_text="We noticed a problem with your order.",
        channel=Channel.EMAIL,
        actor=agent,
    )
    assert fresh(ticket).first_response_due_at is None

    answered = clock.advance(minutes=15)
    message_receive(ticket=ticket, customer=customer, body_text="What problem?", channel="email")

    ticket = fresh(ticket)
    assert ticket.first_response_due_at is None
    assert ticket.next_response_due_at == answered + 30 * MINUTE


# --- pausing ---------------------------------------------------------------------------------


def test_pending_pauses_the_clocks_and_resuming_moves_the_due_times(clock, customer, agent):
    make_policy()
    ticket = new_ticket(customer)
    clock.advance(minutes=10)
    ticket_reply(ticket=ticket, author=agent, body_text="Photo?", internal=False, status="pending")

    ticket = fresh(ticket)
    assert ticket.sla_paused_at == MONDAY_9 + 10 * MINUTE
    assert ticket.sla_next_due_at is None
    assert ticket.sla_check_at is None
    assert ticket.resolution_due_at == MONDAY_9 + 480 * MINUTE  # frozen while paused

    back = clock.advance(hours=3)
    message_receive(ticket=ticket, customer=customer, body_text="Here", channel="web")

    ticket = fresh(ticket)
    assert ticket.sla_paused_at is None
    assert ticket.resolution_due_at == MONDAY_9 + (480 + 180) * MINUTE
    assert ticket.next_response_due_at == back + 30 * MINUTE
    assert ticket.sla_next_due_at == back + 30 * MINUTE


def test_on_hold_pauses_too_unless_the_policy_says_otherwise(clock, customer, agent):
    make_policy(pause_when_on_hold=False)
    ticket = new_ticket(customer)

    ticket_update(ticket=ticket, actor=agent, status=Status.ON_HOLD)

    ticket = fresh(ticket)
    assert ticket.sla_paused_at is None
    assert ticket.sla_next_due_at == MONDAY_9 + 60 * MINUTE


def test_a_pause_counts_only_business_hours(clock, customer, agent):
    office, _ = calendar_save(
        calendar=Calendar.build(
            name="Office",
            time_zone="Europe/Helsinki",
            week={day: [("09:00", "17:00")] for day in ("mon", "tue", "wed", "thu", "fri")},
        )
    )
    make_policy(calendar=office, table={Priority.NORMAL: targets(first=120)})
    created = clock.set(local("Europe/Helsinki", 2025, 3, 3, 16, 0))  # Monday 16:00
    ticket = new_ticket(customer)
    assert fresh(ticket).first_response_due_at == local("Europe/Helsinki", 2025, 3, 4, 10, 0)

    clock.advance(minutes=30)
    ticket_update(ticket=ticket, actor=agent, status=Status.ON_HOLD)
    # On hold from Monday 16:30 to Tuesday 10:00: 30 + 60 business minutes.
    clock.set(local("Europe/Helsinki", 2025, 3, 4, 10, 0))
    ticket_update(ticket=ticket, actor=agent, status=Status.OPEN)

    ticket = fresh(ticket)
    assert created.tzinfo is not None
    assert ticket.first_response_due_at == local("Europe/Helsinki", 2025, 3, 4, 11, 30)


def test_a_target_breached_before_the_pause_stays_breached(clock, customer, agent):
    make_policy()
    ticket = new_ticket(customer)
    clock.advance(minutes=70)
    ticket_update(ticket=ticket, actor=agent, status=Status.ON_HOLD)
    clock.advance(hours=2)
    ticket_update(ticket=ticket, actor=agent, status=Status.OPEN)

    ticket = fresh(ticket)
    assert breaches(ticket) == [(Metric.FIRST_RESPONSE, 10 * 60)]
    assert ticket.first_response_due_at == MONDAY_9 + 60 * MINUTE


# --- policy and target changes -----------------------------------------------------------------


def test_raising_the_priority_measures_the_running_clocks_against_the_new_target(
    clock, customer, agent
):
    make_policy(
        table={
            Priority.NORMAL: targets(first=60),
            Priority.URGENT: targets(first=15, resolution=120),
        }
    )
    ticket = new_ticket(customer)
    clock.advance(minutes=5)

    ticket_update(ticket=ticket, actor=agent, priority=Priority.URGENT)

    ticket = fresh(ticket)
    assert ticket.first_response_due_at == MONDAY_9 + 15 * MINUTE
    assert ticket.resolution_due_at == MONDAY_9 + 120 * MINUTE
    timer = SlaTimer.objects.get(ticket=ticket, metric=Metric.FIRST_RESPONSE)
    assert (timer.priority, timer.target_minutes) == (Priority.URGENT, 15)


def test_a_tag_can_move_the_ticket_to_another_policy(clock, customer, agent):
    from concierge.tickets.models import Tag

    make_policy(
        "VIP", table={Priority.NORMAL: targets(first=10)}, tags=[Tag.objects.create(name="vip")]
    )
    make_policy("Standard")
    ticket = new_ticket(customer)
    assert fresh(ticket).first_response_due_at == MONDAY_9 + 60 * MINUTE

    ticket_set_tags(ticket=ticket, actor=agent, add=["vip"])

    ticket = fresh(ticket)
    assert ticket.first_response_due_at == MONDAY_9 + 10 * MINUTE
    assert SlaTimer.objects.get(ticket=ticket, metric=Metric.FIRST_RESPONSE).policy_name == "VIP"


def test_a_target_the_new_policy_does_not_promise_is_cancelled(clock, customer, agent):
    make_policy(table={Priority.NORMAL: targets(), Priority.LOW: targets(first=None)})
    ticket = new_ticket(customer)

    ticket_update(ticket=ticket, actor=agent, priority=Priority.LOW)

    ticket = fresh(ticket)
    assert ticket.first_response_due_at is None
    assert timers(ticket)[Metric.FIRST_RESPONSE][0][0] == TimerState.CANCELLED
    assert ticket.resolution_due_at == MONDAY_9 + 480 * MINUTE


def test_a_ticket_no_policy_covers_any_more_loses_its_due_times(clock, customer, agent):
    make_policy(channels=[Channel.WEB], table={Priority.NORMAL: targets()})
    ticket = new_ticket(customer)

    ticket_update(ticket=ticket, actor=agent, priority=Priority.HIGH)

    ticket = fresh(ticket)
    assert (ticket.first_response_due_at, ticket.sla_next_due_at, ticket.sla_check_at) == (
        None,
        None,
        None,
    )
    assert {entries[0][0] for entries in timers(ticket).values()} == {TimerState.CANCELLED}


def test_a_merged_ticket_stops_its_clocks(clock, customer, agent):
    make_policy()
    source = new_ticket(customer)
    target = new_ticket(customer)

    ticket_merge(source=source, target=target, actor=agent)

    source = fresh(source)
    assert source.sla_next_due_at is None
    assert not SlaTimer.objects.filter(ticket=source, stopped_at__isnull=True).exists()
    assert fresh(target).sla_next_due_at == MONDAY_9 + 60 * MINUTE


def test_a_calendar_that_never_opens_promises_nothing(clock, customer):
    closed, _ = calendar_save(calendar=Calendar.build(name="Closed", time_zone="UTC"))
    make_policy(calendar=closed)

    ticket = fresh(new_ticket(customer))

    assert ticket.sla_next_due_at is None
    assert not SlaTimer.objects.exists()


def test_recomputing_an_unchanged_ticket_writes_nothing(clock, customer, agent):
    make_policy()
    ticket = fresh(new_ticket(customer))

    with CaptureQueriesContext(connection) as queries:
        recompute(ticket)
    writes = [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")]
    assert writes == []


# --- outcomes for reports ----------------------------------------------------------------------


def test_reports_count_achieved_breached_and_running_targets(clock, customer, agent):
    from concierge.sla.queries import target_outcomes

    make_policy()
    on_time, late, waiting = (new_ticket(customer) for _ in range(3))
    clock.advance(minutes=30)
    ticket_reply(ticket=on_time, author=agent, body_text="Here", internal=False)
    clock.advance(minutes=60)
    ticket_reply(ticket=late, author=agent, body_text="Sorry", internal=False)
    ticket_update(ticket=waiting, actor=agent, priority=Priority.LOW)  # still running, late

    outcomes = target_outcomes(since=MONDAY_9, until=MONDAY_9 + timedelta(days=1))

    assert [(o.policy, o.metric, o.achieved, o.breached, o.running) for o in outcomes] == [
        ("Standard", Metric.FIRST_RESPONSE, 1, 2, 0),
        ("Standard", Metric.RESOLUTION, 0, 0, 3),
    ]
    assert outcomes[0].achieved_share == pytest.approx(1 / 3)
    assert outcomes[1].achieved_share is None
    assert (
        target_outcomes(since=MONDAY_9 + timedelta(days=1), until=MONDAY_9 + timedelta(days=2))
        == []
    )
