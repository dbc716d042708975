"""Routing: the body of the ticket pipeline's route step, availability and the queue.

A new ticket without a team gets one from the first routing rule that matches. A ticket
that arrives in a team (new, or moved there) without an assignee gets one of the team's
available agents, the way the team chose:

- round-robin: the next available agent after the one who got the last ticket;
- least loaded: the available agent with the fewest new and open tickets;
- best skills match: the available agent who speaks the ticket's language and has the
  most skills named by its tags; ties go to the least loaded.

Available means online in the top bar, within their own working hours when they have a
calendar, an agent who may reply (not a light agent), and under the team's cap of open
tickets. A ticket no agent can take waits in its team's queue; the scheduler offers
waiting tickets again every ROUTING_QUEUE_INTERVAL_SECONDS, and an agent coming online
gets them at once. A team can ask for the tickets of an agent who goes away, or whose
working hours end, to go back to its queue and on to another available agent. Every
change goes through the ticket services in `caused_by`, so the audit trail names the
routing rule or "Routing".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from concierge.automation.models.routing import (
    AgentAvailability,
    AssignmentMode,
    Presence,
    RoutingRule,
    TeamRouting,
)
from concierge.automation.triggers_conditions import (
    CalendarCache,
    Facts,
    conditions_hold,
    fold,
    ticket_for_rules,
)
from concierge.people.models import Role, Team, User
from concierge.sla import business_time
from concierge.sla.calendar import CalendarError
from concierge.tickets import batch
from concierge.tickets.models import EventKind, Status, Ticket, TicketEvent
from concierge.tickets.services import caused_by, ticket_update

# Tickets an agent is working on: what the load and the cap count.
WORKING_STATUSES = (Status.NEW, Status.OPEN)
ROUTING_CAUSE = 0  # the id in the audit trail's cause when no single rule acted
QUEUE_BATCH = 200


# --- which team --------------------------------------------------------------------------


def active_routing_rules() -> list[RoutingRule]:
    """In their order; read once per batch of incoming mail (concierge.tickets.batch)."""
    return batch.memo(
        "automation.routing_rules",
        lambda: list(RoutingRule.objects.filter(is_active=True).select_related("team")),
    )


def team_for(
    ticket: Ticket,
    message_text: str,
    now: dt.datetime,
    rules: Sequence[RoutingRule] | None = None,
) -> RoutingRule | None:
    """The first active routing rule whose conditions hold for the ticket."""
    facts = Facts(ticket=ticket, at=now, message_text=message_text, calendars=CalendarCache())
    for rule in active_routing_rules() if rules is None else rules:
        if conditions_hold(rule.conditions_all, rule.conditions_any, facts):
            return rule
    return None


# --- which agent -------------------------------------------------------------------------


def is_available(availability: AgentAvailability | None, now: dt.datetime) -> bool:
    if availability is None or availability.presence != Presence.ONLINE:
        return False
    if availability.calendar_id is None:
        return True
    from concierge.sla.queries import calendar_value, calendars_with_rules

    stored = calendars_with_rules().filter(pk=availability.calendar_id).first()
    if stored is None:
        return True  # the calendar was deleted: the agent's own status decides
    try:
        return business_time.is_open(calendar_value(stored), now)
    except (CalendarError, ValueError):
        return True


def open_loads(agents: Iterable[User]) -> dict[int, int]:
    """New and open tickets per agent, in one query."""
    pks = [a.pk for a in agents]
    rows = (
        Ticket.objects.filter(assignee_id__in=pks, status__in=WORKING_STATUSES)
        .values("assignee_id")
        .annotate(n=Count("pk"))
    )
    loads = dict.fromkeys(pks, 0)
    loads.update({row["assignee_id"]: row["n"] for row in rows})
    return loads


def available_members(team: Team, now: dt.datetime) -> list[User]:
    members = list(
        User.objects.filter(teams=team, is_active=True, role__in=(Role.ADMIN, Role.AGENT)).order_by(
            "pk"
        )
    )
    presence = {a.agent_id: a for a in AgentAvailability.objects.filter(agent__in=members)}
    return [m for m in members if is_available(presence.get(m.pk), now)]


def _skill_score(agent: User, ticket: Ticket) -> int:
    languages = {fold(code) for code in agent.languages or []}
    skills = {fold(skill) for skill in agent.skills or []}
    tags = {fold(tag.name) for tag in ticket.tags.all()}
    return (2 if ticket.language and fold(ticket.language) in languages else 0) + len(skills & tags)


def pick_agent(routing: TeamRouting, ticket: Ticket, now: dt.datetime) -> User | None:
    """The agent the team's mode gives the ticket to, or None when nobody can take it.

    Call with `routing` locked (select_for_update): round-robin reads and moves its
    pointer, and two tickets arriving together must not both go to the same agent.
    """
    candidates = available_members(routing.team, now)
    if not candidates:
        return None
    loads = open_loads(candidates)
    if routing.max_open_per_agent is not None:
        candidates = [a for a in candidates if loads[a.pk] < routing.max_open_per_agent]
    if not candidates:
        return None
    if routing.mode == AssignmentMode.ROUND_ROBIN:
        after = [a for a in candidates if a.pk > (routing.last_assigned_id or 0)]
        return (after or candidates)[0]
    if routing.mode == AssignmentMode.LEAST_LOADED:
        return min(candidates, key=lambda a: (loads[a.pk], a.pk))
    return min(candidates, key=lambda a: (-_skill_score(a, ticket), loads[a.pk], a.pk))


def assign_agent(ticket: Ticket, now: dt.datetime | None = None) -> User | None:
    """Give an unassigned ticket to one of its team's available agents, if the team
    assigns automatically; returns the agent, or None when it waits in the queue."""
    if ticket.team_id is None or ticket.assignee_id is not None:
        return None
    if ticket.status not in WORKING_STATUSES or ticket.merged_into_id:
        return None
    now = now or timezone.now()
    with transaction.atomic():
        routing = (
            TeamRouting.objects.select_for_update()
            .select_related("team")
            .filter(team_id=ticket.team_id)
            .exclude(mode=AssignmentMode.MANUAL)
            .first()
        )
        if routing is None:
            return None
        agent = pick_agent(routing, ticket, now)
        if agent is None:
            return None
        routing.last_assigned = agent
        routing.save(update_fields=["last_assigned"])
        with caused_by(
            "routing", ROUTING_CAUSE, _("Routing: %(mode)s") % {"mode": routing.get_mode_display()}
        ):
            ticket_update(ticket=ticket, actor=None, assignee=agent)
    return agent


# --- the pipeline step ------------------------------------------------------------------------


def route(events: Sequence[TicketEvent]) -> None:
    """New tickets get a team and an agent; a ticket moved to a team gets an agent."""
    by_ticket: dict[int, list[TicketEvent]] = {}
    for event in events:
        by_ticket.setdefault(event.ticket_id, []).append(event)
    rules = active_routing_rules() if by_ticket else []
    for ticket_pk, ticket_events in by_ticket.items():
        created = next((e for e in ticket_events if e.kind == EventKind.CREATED), None)
        moved = any(e.kind == EventKind.FIELD_CHANGED and e.field == "team" for e in ticket_events)
        if created is None and not moved:
            continue
        if not moved and created.ticket.team_id is None and not rules:
            # No rule can give the new ticket a team, and a team set meanwhile (by a
            # trigger) comes back here as its own change.
            continue
        ticket = ticket_for_rules(ticket_pk, rules)
        if ticket.is_resolved or ticket.merged_into_id:
            continue
        now = timezone.now()
        if created is not None and ticket.team_id is None:
            text = created.message.body_text if created.message else ""
            rule = team_for(ticket, text, now, rules)
            if rule is not None:
                # The team change comes back through the pipeline, which then assigns.
                with caused_by("routing_rule", rule.pk, rule.name):
                    ticket_update(ticket=ticket, actor=None, team=rule.team)
            continue
        assign_agent(ticket, now)


# --- availability and the queue -------------------------------------------------------------


def waiting_tickets(teams: Iterable[int]) -> list[Ticket]:
    return list(
        Ticket.objects.filter(
            team_id__in=list(teams),
            assignee__isnull=True,
            status__in=WORKING_STATUSES,
            merged_into__isnull=True,
        ).order_by("created_at", "pk")[:QUEUE_BATCH]
    )


def assign_waiting(teams: Iterable[int] | None = None, now: dt.datetime | None = None) -> int:
    """Offer waiting unassigned tickets (oldest first) to available agents again."""
    now = now or timezone.now()
    routed = TeamRouting.objects.exclude(mode=AssignmentMode.MANUAL)
    if teams is not None:
        routed = routed.filter(team_id__in=list(teams))
    assigned = 0
    for ticket in waiting_tickets(routed.values_list("team_id", flat=True)):
        if assign_agent(ticket, now) is not None:
            assigned += 1
    return assigned


def routing_queue_run(now: dt.datetime) -> str:
    """The scheduler's job: agents whose working hours ended give their tickets back, then
    waiting tickets find agents who came on shift or freed up."""
    returned = off_shift_tickets_return(now)
    assigned = assign_waiting(now=now)
    return f"returned {returned} ticket(s), assigned {assigned} ticket(s)"


def tickets_return(*, agent: User, now: dt.datetime, reason: str) -> int:
    """Give the agent's new and open tickets of the teams that ask for it back to the team,
    and on to another available agent; returns how many went back.

    Each ticket is read again under its lock, so one the agent handed on (or solved) in
    the meantime is left alone. The audit trail names `reason`.
    """
    returning = TeamRouting.objects.filter(
        team_id__in=agent.teams.values("pk"), return_when_away=True
    )
    tickets = Ticket.objects.filter(
        assignee=agent,
        team_id__in=returning.values("team_id"),
        status__in=WORKING_STATUSES,
        merged_into__isnull=True,
    ).order_by("created_at", "pk")
    returned = 0
    for pk in list(tickets.values_list("pk", flat=True)):
        with transaction.atomic():
            ticket = (
                Ticket.objects.select_for_update()
                .filter(pk=pk, assignee=agent, status__in=WORKING_STATUSES)
                .first()
            )
            if ticket is None:
                continue
            with caused_by("routing", ROUTING_CAUSE, reason):
                ticket = ticket_update(ticket=ticket, actor=None, assignee=None)
            returned += 1
        assign_agent(ticket, now)
    return returned


def agent_set_presence(*, agent: User, presence: str) -> AgentAvailability:
    """An agent goes online or away.

    Going away returns their new and open tickets of teams that ask for it to the team,
    and on to other available agents; coming online hands them waiting tickets.
    """
    now = timezone.now()
    with transaction.atomic():
        availability, _created = AgentAvailability.objects.select_for_update().get_or_create(
            agent=agent
        )
        changed = availability.presence != presence
        availability.presence = presence
        availability.changed_at = now
        availability.save(update_fields=["presence", "changed_at"])
    if not changed:
        return availability
    if presence == Presence.AWAY:
        tickets_return(agent=agent, now=now, reason=_("Routing: the agent went away"))
    else:
        assign_waiting(list(agent.teams.values_list("pk", flat=True)), now)
    return availability


def _calendars_open(calendar_ids: Iterable[int], now: dt.datetime) -> dict[int, bool]:
    """Whether each calendar is open at `now` (three queries for all of them).

    A calendar whose stored rules are broken counts as open, as it does for availability:
    the agent's own status decides.
    """
    from concierge.sla.queries import calendar_value, calendars_with_rules

    open_now: dict[int, bool] = {}
    for stored in calendars_with_rules().filter(pk__in=list(set(calendar_ids))):
        try:
            open_now[stored.pk] = business_time.is_open(calendar_value(stored), now)
        except (CalendarError, ValueError):
            open_now[stored.pk] = True
    return open_now


def off_shift_tickets_return(now: dt.datetime) -> int:
    """Agents whose own working hours have ended give their tickets back, once per shift.

    `off_shift_since` marks that the end of the current shift was handled: an agent who
    stays online after hours and takes a ticket keeps it, and the mark is cleared when
    their next shift begins. Agents who were away when their hours ended handed their
    tickets back when they went away (if the team asks for it), so only the mark is set.
    Returns how many tickets went back.
    """
    rows = list(
        AgentAvailability.objects.filter(calendar__isnull=False, agent__is_active=True)
        .select_related("agent")
        .order_by("pk")
    )
    open_now = _calendars_open((row.calendar_id for row in rows), now)
    returned = 0
    for row in rows:
        if open_now.get(row.calendar_id, True):
            if row.off_shift_since is not None:
                AgentAvailability.objects.filter(pk=row.pk).update(off_shift_since=None)
            continue
        if row.off_shift_since is not None:
            continue  # this shift's end was handled already
        # Claimed with a conditional update: two workers never return one shift twice.
        claimed = AgentAvailability.objects.filter(pk=row.pk, off_shift_since__isnull=True).update(
            off_shift_since=now
        )
        if claimed and row.presence == Presence.ONLINE:
            returned += tickets_return(
                agent=row.agent, now=now, reason=_("Routing: the agent's working hours ended")
            )
    return returned


def availability_of(agent: User) -> AgentAvailability | None:
    return AgentAvailability.objects.filter(agent=agent).select_related("calendar").first()


def team_loads() -> dict[int, int]:
    """Unassigned new and open tickets per team: the queue each team has."""
    rows = (
        Ticket.objects.filter(assignee__isnull=True, status__in=WORKING_STATUSES)
        .exclude(team__isnull=True)
        .values("team_id")
        .annotate(n=Count("pk", filter=Q(merged_into__isnull=True)))
    )
    return {row["team_id"]: row["n"] for row in rows}
