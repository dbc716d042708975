"""Availability: every mode picks only available agents, and tickets go back to the queue
when an agent goes away or their own working hours end, if the team asks for it."""

from __future__ import annotations

import datetime as dt

import pytest

from concierge.automation.models.routing import AgentAvailability, Presence
from concierge.automation.models.triggers import Trigger
from concierge.automation.routing import (
    agent_set_presence,
    off_shift_tickets_return,
    routing_queue_run,
)
from concierge.automation.tests.test_routing import desk, new_ticket, route_team  # noqa: F401
from concierge.people.models import Team
from concierge.sla.calendar import Calendar
from concierge.sla.services import calendar_save
from concierge.tickets.models import Status, Ticket, TicketEvent
from concierge.tickets.services import ticket_update

# Monday 5 January 2026 in Helsinki (UTC+2): the office is open 09:00-17:00 on weekdays.
MONDAY_NOON = dt.datetime(2026, 1, 5, 10, 0, tzinfo=dt.UTC)
MONDAY_EVENING = dt.datetime(2026, 1, 5, 15, 30, tzinfo=dt.UTC)  # 17:30 in Helsinki
MONDAY_NIGHT = dt.datetime(2026, 1, 5, 20, 0, tzinfo=dt.UTC)
TUESDAY_MORNING = dt.datetime(2026, 1, 6, 8, 0, tzinfo=dt.UTC)  # 10:00 in Helsinki
TUESDAY_EVENING = dt.datetime(2026, 1, 6, 15, 30, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _no_triggers(db):
    Trigger.objects.all().delete()


@pytest.fixture
def office(db):
    calendar, _ = calendar_save(
        calendar=Calendar.build(
            name="Helsinki days",
            time_zone="Europe/Helsinki",
            week={d: [("09:00", "17:00")] for d in ("mon", "tue", "wed", "thu", "fri")},
        )
    )
    return calendar


def assignee_of(ticket: Ticket):
    return Ticket.objects.get(pk=ticket.pk).assignee


@pytest.fixture
def on_shift(desk, office, monkeypatch):  # noqa: F811
    """Anna works office hours; Bora and Cem are online at any time."""
    from django.utils import timezone

    clock = {"now": MONDAY_NOON}
    monkeypatch.setattr(timezone, "now", lambda: clock["now"])
    _team, (anna, _bora, _cem) = desk
    AgentAvailability.objects.filter(agent=anna).update(calendar=office)
    return clock


# --- each mode, only among available agents ------------------------------------------------


@pytest.mark.parametrize("mode", ["round_robin", "least_loaded", "skills"])
def test_every_mode_picks_only_available_agents(desk, light_agent, office, monkeypatch, mode):  # noqa: F811
    from django.utils import timezone

    team, (anna, bora, cem) = desk
    AgentAvailability.objects.filter(agent=anna).update(presence=Presence.AWAY)
    AgentAvailability.objects.filter(agent=cem).update(calendar=office)  # off shift now
    team.memberships.create(user=light_agent)  # may not reply: never assigned
    AgentAvailability.objects.create(agent=light_agent, presence=Presence.ONLINE)
    anna.languages = cem.languages = light_agent.languages = ["en"]
    for person in (anna, cem, light_agent):
        person.save(update_fields=["languages"])
    route_team(team, mode)
    monkeypatch.setattr(timezone, "now", lambda: MONDAY_NIGHT)

    tickets = [new_ticket(team, text="The lamp arrived broken, please help.") for _ in range(3)]

    assert {ticket.assignee for ticket in tickets} == {bora}


@pytest.mark.parametrize("mode", ["round_robin", "least_loaded", "skills"])
def test_with_nobody_available_every_mode_leaves_the_ticket_in_the_queue(desk, mode):  # noqa: F811
    team, _agents = desk
    AgentAvailability.objects.update(presence=Presence.AWAY)
    route_team(team, mode)

    assert new_ticket(team).assignee is None


# --- working hours ending ------------------------------------------------------------------


def test_when_working_hours_end_the_tickets_go_to_another_available_agent(desk, on_shift):  # noqa: F811
    team, (anna, bora, cem) = desk
    route_team(team, "least_loaded", return_when_away=True)
    mine = [new_ticket(team, assignee=anna) for _ in range(2)]
    pending = new_ticket(team, assignee=anna)
    ticket_update(ticket=pending, actor=anna, status=Status.PENDING)

    assert off_shift_tickets_return(MONDAY_NOON) == 0  # still on shift
    on_shift["now"] = MONDAY_EVENING
    assert off_shift_tickets_return(MONDAY_EVENING) == 2

    assert {assignee_of(ticket) for ticket in mine} == {bora, cem}
    assert assignee_of(pending) == anna  # waiting for the customer, as when going away
    returned = TicketEvent.objects.get(ticket=mine[0], field="assignee", after__isnull=True)
    assert returned.cause["kind"] == "routing"
    assert returned.cause["name"] == "Routing: the agent's working hours ended"
    assert returned.actor is None


def test_with_nobody_else_available_they_wait_unassigned_in_the_team_queue(desk, on_shift):  # noqa: F811
    team, (anna, bora, cem) = desk
    AgentAvailability.objects.filter(agent__in=[bora, cem]).update(presence=Presence.AWAY)
    route_team(team, "round_robin", return_when_away=True)
    ticket = new_ticket(team, assignee=anna)
    on_shift["now"] = MONDAY_EVENING

    assert routing_queue_run(MONDAY_EVENING) == "returned 1 ticket(s), assigned 0 ticket(s)"

    ticket.refresh_from_db()
    assert (ticket.team, ticket.assignee) == (team, None)
    on_shift["now"] = TUESDAY_MORNING
    assert routing_queue_run(TUESDAY_MORNING) == "returned 0 ticket(s), assigned 1 ticket(s)"
    assert assignee_of(ticket) == anna  # back on shift, she takes it from the queue


def test_a_team_that_does_not_ask_for_it_leaves_the_tickets_with_the_agent(desk, on_shift):  # noqa: F811
    team, (anna, _bora, _cem) = desk
    route_team(team, "round_robin", return_when_away=False)
    other = Team.objects.create(name="Returns")
    other.memberships.create(user=anna)
    route_team(other, "round_robin", return_when_away=True)
    stays = new_ticket(team, assignee=anna)
    goes = new_ticket(other, assignee=anna)
    on_shift["now"] = MONDAY_EVENING

    assert off_shift_tickets_return(MONDAY_EVENING) == 1

    assert assignee_of(stays) == anna
    assert assignee_of(goes) is None  # Returns has no other agent


def test_the_end_of_a_shift_is_handled_once_and_after_hours_work_stays(desk, on_shift):  # noqa: F811
    team, (anna, bora, cem) = desk
    route_team(team, "round_robin", return_when_away=True)
    new_ticket(team, assignee=anna)
    on_shift["now"] = MONDAY_EVENING
    assert off_shift_tickets_return(MONDAY_EVENING) == 1

    # Anna stays online after hours and takes a ticket herself: it stays with her.
    on_shift["now"] = MONDAY_NIGHT
    overtime = new_ticket(team, assignee=anna)
    assert off_shift_tickets_return(MONDAY_NIGHT) == 0
    assert off_shift_tickets_return(MONDAY_NIGHT) == 0  # a second worker: nothing either
    assert assignee_of(overtime) == anna

    # Her next shift begins, and ends: what she holds then goes back.
    on_shift["now"] = TUESDAY_MORNING
    assert off_shift_tickets_return(TUESDAY_MORNING) == 0
    assert AgentAvailability.objects.get(agent=anna).off_shift_since is None
    on_shift["now"] = TUESDAY_EVENING
    assert off_shift_tickets_return(TUESDAY_EVENING) == 1
    assert assignee_of(overtime) in {bora, cem}


def test_an_agent_away_when_the_shift_ends_keeps_what_they_kept(desk, on_shift):  # noqa: F811
    team, (anna, _bora, _cem) = desk
    route_team(team, "round_robin", return_when_away=False)
    ticket = new_ticket(team, assignee=anna)
    agent_set_presence(agent=anna, presence=Presence.AWAY)
    route_team_update = team.routing
    route_team_update.return_when_away = True
    route_team_update.save(update_fields=["return_when_away"])
    on_shift["now"] = MONDAY_EVENING

    assert off_shift_tickets_return(MONDAY_EVENING) == 0

    assert assignee_of(ticket) == anna
    # Coming online after hours does not take them away either: this shift end is handled.
    on_shift["now"] = MONDAY_NIGHT
    agent_set_presence(agent=anna, presence=Presence.ONLINE)
    assert off_shift_tickets_return(MONDAY_NIGHT) == 0
    assert assignee_of(ticket) == anna


def test_agents_without_working_hours_are_never_off_shift(desk, on_shift):  # noqa: F811
    team, (_anna, bora, _cem) = desk
    route_team(team, "round_robin", return_when_away=True)
    ticket = new_ticket(team, assignee=bora)
    on_shift["now"] = MONDAY_NIGHT

    assert off_shift_tickets_return(MONDAY_NIGHT) == 0
    assert assignee_of(ticket) == bora


def test_the_check_reads_a_fixed_number_of_queries(
    desk,  # noqa: F811
    on_shift,
    office,
    django_assert_max_num_queries,
):
    AgentAvailability.objects.update(calendar=office)

    with django_assert_max_num_queries(4):  # availability, calendars with their rules
        assert off_shift_tickets_return(MONDAY_NOON) == 0
