"""Routing: which team by rules, which agent by each mode, and only available agents."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from concierge.automation.models.routing import (
    AgentAvailability,
    Presence,
    RoutingRule,
    TeamRouting,
)
from concierge.automation.models.triggers import Trigger
from concierge.automation.routing import agent_set_presence, assign_waiting
from concierge.automation.tests.triggers_helpers import cond
from concierge.automation.triggers_conditions import ROUTING, clean_conditions
from concierge.people.models import Organization, OrganizationMembership, Team, User
from concierge.people.services import customer_find_or_create_by_email
from concierge.sla.calendar import Calendar
from concierge.sla.services import calendar_save
from concierge.tickets.models import Channel, Status, Ticket, TicketEvent
from concierge.tickets.services import ticket_create, ticket_update


@pytest.fixture(autouse=True)
def _no_triggers(db):
    Trigger.objects.all().delete()


@pytest.fixture
def desk(db):
    team = Team.objects.create(name="Front desk")
    agents = []
    for name in ("Anna", "Bora", "Cem"):
        user = User.objects.create_user(
            email=f"{name.lower()}@example.com", password="x", full_name=name, role="agent"
        )
        team.memberships.create(user=user)
        AgentAvailability.objects.create(agent=user, presence=Presence.ONLINE)
        agents.append(user)
    return team, agents


def route_team(team: Team, mode: str, **options) -> TeamRouting:
    return TeamRouting.objects.create(team=team, mode=mode, **options)


def new_ticket(team: Team | None = None, *, text: str = "Help", **fields) -> Ticket:
    customer = customer_find_or_create_by_email(
        email=fields.pop("email", "someone@example.com"), full_name="Someone"
    )
    ticket = ticket_create(
        requester=customer,
        subject=fields.pop("subject", "Help"),
        body_text=text,
        channel=fields.pop("channel", Channel.WEB),
        team=team,
        **fields,
    )
    return Ticket.objects.get(pk=ticket.pk)


def make_rule(name: str, team: Team, *conditions, position: int | None = None, active=True):
    return RoutingRule.objects.create(
        name=name,
        team=team,
        conditions_all=clean_conditions(list(conditions), ROUTING),
        position=RoutingRule.objects.count() + 1 if position is None else position,
        is_active=active,
    )


# --- which team --------------------------------------------------------------------------


def test_team_by_channel_language_keywords_and_organization(db):
    chat = Team.objects.create(name="Chat")
    russian = Team.objects.create(name="Russian desk")
    billing = Team.objects.create(name="Billing")
    key_accounts = Team.objects.create(name="Key accounts")
    acme = Organization.objects.create(name="Acme")
    make_rule("Key accounts", key_accounts, cond("organization", "is", "Acme"))
    make_rule("Chat", chat, cond("channel", "is", Channel.CHAT))
    make_rule("Russian", russian, cond("language", "is", "ru"))
    make_rule("Money", billing, cond("subject_or_message", "contains_any", "invoice, lasku"))
    boss = customer_find_or_create_by_email(email="boss@acme.example", full_name="Boss")
    OrganizationMembership.objects.create(customer=boss, organization=acme)

    assert new_ticket(channel=Channel.CHAT).team == chat
    assert new_ticket(text="Коробка была смята, и лампа внутри разбита.").team == russian
    assert new_ticket(text="Missä on laskuni?").team == billing
    assert new_ticket(channel=Channel.CHAT, email="boss@acme.example").team == key_accounts
    assert new_ticket(text="Hello").team is None


def test_the_first_matching_rule_wins_and_switched_off_rules_are_skipped(db):
    first, second = Team.objects.create(name="First"), Team.objects.create(name="Second")
    make_rule("off", first, cond("channel", "is", Channel.WEB), active=False)
    make_rule("second", second, cond("channel", "is", Channel.WEB))
    make_rule("third", first, cond("channel", "is", Channel.WEB))

    ticket = new_ticket()

    assert ticket.team == second
    [event] = TicketEvent.objects.filter(ticket=ticket, field="team")
    assert event.cause == {"kind": "routing_rule", "id": ticket.team.routing_rules.get().pk,
                           "name": "second"}  # fmt: skip


def test_a_ticket_that_came_with_a_team_keeps_it(db):
    chosen, other = Team.objects.create(name="Chosen"), Team.objects.create(name="Other")
    make_rule("all web", other, cond("channel", "is", Channel.WEB))

    assert new_ticket(chosen).team == chosen


# --- which agent -------------------------------------------------------------------------


def test_round_robin_takes_turns(desk):
    team, (anna, bora, cem) = desk
    route_team(team, "round_robin")

    assignees = [new_ticket(team).assignee for _ in range(4)]

    assert assignees == [anna, bora, cem, anna]


def test_a_routed_team_also_assigns_tickets_its_rule_sent_there(desk):
    team, (anna, _bora, _cem) = desk
    route_team(team, "round_robin")
    make_rule("web", team, cond("channel", "is", Channel.WEB))

    ticket = new_ticket()

    assert (ticket.team, ticket.assignee) == (team, anna)
    event = TicketEvent.objects.get(ticket=ticket, field="assignee")
    assert event.actor is None
    assert event.cause["kind"] == "routing"


def test_least_loaded_with_a_cap(desk):
    team, (anna, bora, cem) = desk
    for agent, count in ((anna, 2), (bora, 0), (cem, 1)):
        for _ in range(count):
            new_ticket(team, assignee=agent)
    route_team(team, "least_loaded", max_open_per_agent=2)

    first = new_ticket(team)
    second = new_ticket(team)
    third = new_ticket(team)
    fourth = new_ticket(team)

    assert first.assignee == bora  # 0 open
    assert {second.assignee, third.assignee} == {bora, cem}  # 1 each, then Cem reaches 2
    assert fourth.assignee is None  # everybody has 2: it waits in the queue
    ticket_update(ticket=Ticket.objects.filter(assignee=anna).first(), actor=anna,
                  status=Status.SOLVED)  # fmt: skip
    assert assign_waiting() == 1
    assert Ticket.objects.get(pk=fourth.pk).assignee == anna


def test_skills_pick_the_agent_who_speaks_the_language_and_knows_the_product(desk):
    team, (anna, bora, cem) = desk
    anna.languages, anna.skills = ["en"], ["billing"]
    bora.languages, bora.skills = ["ru", "en"], []
    cem.languages, cem.skills = ["ru"], ["billing", "lamps"]
    for agent in (anna, bora, cem):
        agent.save(update_fields=["languages", "skills"])
    route_team(team, "skills")

    russian_billing = new_ticket(team, text="Где мой счёт за лампу?", tags=["billing"])
    russian = new_ticket(team, text="Коробка была смята, и лампа внутри разбита.")
    english = new_ticket(team, text="The lamp arrived broken, please help.", tags=["billing"])

    assert russian_billing.assignee == cem  # language and skill
    assert russian.assignee == bora  # speaks Russian and has less work than Cem
    assert english.assignee == anna


def test_only_available_agents_get_tickets(desk, support_team, light_agent):
    team, (anna, bora, cem) = desk
    AgentAvailability.objects.filter(agent=anna).update(presence=Presence.AWAY)
    AgentAvailability.objects.filter(agent=cem).delete()  # never said: away
    team.memberships.create(user=light_agent)  # may not reply: never assigned
    AgentAvailability.objects.create(agent=light_agent, presence=Presence.ONLINE)
    route_team(team, "round_robin")

    assert {new_ticket(team).assignee for _ in range(3)} == {bora}


def test_an_agent_outside_their_working_hours_gets_no_tickets(desk, monkeypatch):
    team, (anna, bora, cem) = desk
    office, _ = calendar_save(
        calendar=Calendar.build(
            name="Helsinki days",
            time_zone="Europe/Helsinki",
            week={d: [("09:00", "17:00")] for d in ("mon", "tue", "wed", "thu", "fri")},
        )
    )
    AgentAvailability.objects.filter(agent__in=[anna, bora]).update(calendar=office)
    AgentAvailability.objects.filter(agent=cem).update(presence=Presence.AWAY)
    route_team(team, "round_robin")

    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 1, 5, 20, 0, tzinfo=dt.UTC))
    assert new_ticket(team).assignee is None  # 22:00 in Helsinki
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 1, 6, 8, 0, tzinfo=dt.UTC))
    assert new_ticket(team).assignee == anna


def test_a_team_without_a_mode_assigns_nobody(desk):
    team, _agents = desk

    assert new_ticket(team).assignee is None


# --- going away and coming back ---------------------------------------------------------------


def test_an_agent_who_goes_away_gives_tickets_back_when_the_team_wants_it(desk):
    team, (anna, bora, cem) = desk
    route_team(team, "least_loaded", return_when_away=True)
    mine = [new_ticket(team, assignee=anna) for _ in range(2)]
    pending = new_ticket(team, assignee=anna)
    ticket_update(ticket=pending, actor=anna, status=Status.PENDING)

    agent_set_presence(agent=anna, presence=Presence.AWAY)

    assert {Ticket.objects.get(pk=t.pk).assignee for t in mine} == {bora, cem}
    assert Ticket.objects.get(pk=pending.pk).assignee == anna  # waiting for the customer
    returned = TicketEvent.objects.get(ticket=mine[0], field="assignee", after__isnull=True)
    assert returned.cause["kind"] == "routing"


def test_an_agent_who_goes_away_keeps_tickets_when_the_team_does_not_want_it(desk):
    team, (anna, _bora, _cem) = desk
    route_team(team, "least_loaded", return_when_away=False)
    ticket = new_ticket(team, assignee=anna)

    agent_set_presence(agent=anna, presence=Presence.AWAY)

    assert Ticket.objects.get(pk=ticket.pk).assignee == anna


def test_an_agent_coming_online_gets_the_waiting_tickets(desk):
    team, agents = desk
    AgentAvailability.objects.update(presence=Presence.AWAY)
    route_team(team, "round_robin")
    waiting = new_ticket(team)
    assert waiting.assignee is None

    agent_set_presence(agent=agents[1], presence=Presence.ONLINE)

    assert Ticket.objects.get(pk=waiting.pk).assignee == agents[1]
