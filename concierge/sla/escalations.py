"""The escalation sweep: the worker's periodic look at tickets whose SLA needs attention.

Every ticket keeps `sla_check_at`, the next instant at which something happens to its
SLA: a target falls due (a breach to record) or an escalation rule's share of a target
passes. The sweep reads the tickets whose instant has come through the partial index on
that column, and for each, under its row lock: recomputes it (recording breaches), fires
the rules that are due, and moves `sla_check_at` on. A rule fires once per timer: the
`SlaEscalation` row's unique (timer, rule) pair is inserted before anything is done, so
two workers sweeping at once, or a sweep repeated after a crash, never act twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from concierge.people.models import TeamMembership, User
from concierge.sla.due_times import next_check, pending_escalations, recompute, save_check_at
from concierge.sla.models import AgentNotice, SlaEscalation, SlaEscalationRule, SlaTimer
from concierge.sla.notices import notice_emails_queue
from concierge.sla.policy_rules import EscalationRuleValue, SlaConfig, current_config
from concierge.tickets.models import EventKind, Priority, Ticket, TicketEvent
from concierge.tickets.services import UNSET, caused_by, ticket_update

logger = logging.getLogger(__name__)

#: Tickets read per query; the sweep goes on with the next batch until none is due.
BATCH_SIZE = 500


@dataclass
class SweepResult:
    tickets: int = 0
    breaches: int = 0
    escalations: int = 0

    def __str__(self) -> str:
        return (
            f"{self.tickets} ticket(s) checked, {self.breaches} breach(es) recorded, "
            f"{self.escalations} escalation(s)"
        )


def due_ticket_ids(now: datetime, limit: int = BATCH_SIZE) -> list[int]:
    """Tickets whose next SLA check has come, oldest first (the partial index's order)."""
    return list(
        Ticket.objects.filter(sla_check_at__lte=now)
        .order_by("sla_check_at")
        .values_list("pk", flat=True)[:limit]
    )


def sweep(*, now: datetime | None = None, batch: int = BATCH_SIZE) -> SweepResult:
    """Check every ticket that is due; returns what was done."""
    now = now or timezone.now()
    result = SweepResult()
    seen: set[int] = set()
    cache = SweepCache()
    while True:
        ids = [pk for pk in due_ticket_ids(now, batch) if pk not in seen]
        if not ids:
            return result
        config = current_config()
        for pk in ids:
            seen.add(pk)
            try:
                sweep_ticket(pk, now=now, result=result, config=config, cache=cache)
            except Exception:  # one broken ticket must not stop the others
                logger.exception("the SLA sweep failed on ticket %s", pk)


def sweep_job(now: datetime) -> str:
    """The scheduler's entry point (a periodic job of the worker)."""
    return str(sweep(now=now))


class SweepCache:
    """Rules with what their actions need, and teams' leads, read once per sweep."""

    def __init__(self) -> None:
        self.rules: dict[int, SlaEscalationRule] = {}
        self.leads: dict[int, list[User]] = {}

    def rule(self, pk: int) -> SlaEscalationRule:
        if pk not in self.rules:
            self.rules[pk] = (
                SlaEscalationRule.objects.select_related("reassign_to", "reassign_team")
                .prefetch_related("notify_users")
                .get(pk=pk)
            )
        return self.rules[pk]

    def team_leads(self, team_id: int) -> list[User]:
        if team_id not in self.leads:
            memberships = TeamMembership.objects.filter(team_id=team_id, is_lead=True)
            self.leads[team_id] = [m.user for m in memberships.select_related("user")]
        return self.leads[team_id]


Due = tuple[SlaTimer, EscalationRuleValue, datetime]


def sweep_ticket(
    pk: int,
    *,
    now: datetime,
    result: SweepResult | None = None,
    config: SlaConfig | None = None,
    cache: SweepCache | None = None,
) -> None:
    """Recompute one ticket whose check has come, and fire the rules that are due.

    The ticket's row lock makes this the only sweep acting on it (another worker skips a
    locked ticket), so the escalations already recorded can be read first and only the
    missing ones written; their unique (timer, rule) pair stays the last safeguard.
    """
    result = result if result is not None else SweepResult()
    cache = cache or SweepCache()
    with transaction.atomic():
        ticket = (
            # `of`: PostgreSQL locks no row on the nullable side of the joins.
            Ticket.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("assignee", "organization")
            .filter(pk=pk)
            .first()
        )
        if ticket is None or ticket.sla_check_at is None or ticket.sla_check_at > now:
            return
        config = config or current_config()
        recomputed = recompute(ticket, now=now, config=config)
        result.tickets += 1
        result.breaches += len(recomputed.breach_events)
        pending = pending_escalations(recomputed, config, until=now)
        due = [item for item in pending if item[2] <= now]
        to_fire: list[Due] = []
        if due:
            done = set(
                SlaEscalation.objects.filter(timer__in=[timer for timer, _, _ in due]).values_list(
                    "timer_id", "rule_id"
                )
            )
            for timer, rule, when in due:
                timer.escalated_rule_ids = [*timer.escalated_rule_ids, rule.id]
                if (timer.pk, rule.id) not in done:
                    to_fire.append((timer, rule, when))
            touched = list({timer.pk: timer for timer, _, _ in due}.values())
            SlaTimer.objects.bulk_update(touched, ["escalated_rule_ids"])
        save_check_at(ticket, next_check(recomputed, config))
        if to_fire:
            escalate(ticket, to_fire, now=now, cache=cache)
            result.escalations += len(to_fire)


def _recipients(ticket: Ticket, rule: SlaEscalationRule, cache: SweepCache) -> list[User]:
    people: list[User] = []
    if rule.notify_assignee and ticket.assignee_id:
        people.append(ticket.assignee)
    if rule.notify_team_lead and ticket.team_id:
        people += cache.team_leads(ticket.team_id)
    people += list(rule.notify_users.all())
    if rule.reassign_to is not None:
        people.append(rule.reassign_to)
    unique: dict[int, User] = {}
    for person in people:
        if person.is_active and person.is_agent:
            unique.setdefault(person.pk, person)
    return list(unique.values())


def _changes(ticket: Ticket, rule: SlaEscalationRule) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if rule.raise_priority and ticket.priority < Priority.URGENT:
        changes["priority"] = ticket.priority + 1
    new_assignee = rule.reassign_to
    if (
        new_assignee is not None
        and new_assignee.is_active
        and new_assignee.is_agent
        and new_assignee.pk != ticket.assignee_id
    ):
        changes["assignee"] = new_assignee
    if rule.reassign_team is not None and rule.reassign_team.pk != ticket.team_id:
        changes["team"] = rule.reassign_team
    return changes


def escalate(ticket: Ticket, due: list[Due], *, now: datetime, cache: SweepCache) -> None:
    """Do what the due rules say, in order: tell people, reassign, raise the priority;
    record each firing and note it on the ticket. Call under the ticket's row lock: all
    of it commits or none, so recording before or after acting is the same."""
    escalations: list[SlaEscalation] = []
    notices: list[AgentNotice] = []
    events: list[TicketEvent] = []
    emailed: list[AgentNotice] = []
    for timer, value, when in due:
        rule = cache.rule(value.id)
        changes = _changes(ticket, rule)
        recipients = _recipients(ticket, rule, cache)
        escalation = SlaEscalation(
            ticket=ticket,
            timer=timer,
            rule=rule,
            due_at=when,
            fired_at=now,
            actions={
                "notified": [person.pk for person in recipients],
                **{name: getattr(value, "pk", value) for name, value in changes.items()},
            },
        )
        escalations.append(escalation)
        for person in recipients:
            notice = AgentNotice(
                recipient=person,
                ticket=ticket,
                escalation=escalation,
                rule_name=rule.name,
                metric=timer.metric,
                percent=rule.percent,
                due_at=timer.due_at,
            )
            notices.append(notice)
            if rule.send_email:
                emailed.append(notice)
        events.append(
            TicketEvent(
                ticket=ticket,
                kind=EventKind.SLA_ESCALATED,
                field=timer.metric,
                after={
                    "rule": rule.name,
                    "percent": rule.percent,
                    "notified": [str(person) for person in recipients],
                },
                cause={"kind": "sla_escalation", "id": rule.pk, "name": rule.name},
                created_at=now,
            )
        )
        if changes:
            with caused_by("sla_escalation", rule.pk, rule.name):
                ticket_update(
                    ticket=ticket,
                    actor=None,
                    priority=changes.get("priority", UNSET),
                    assignee=changes.get("assignee", UNSET),
                    team=changes.get("team", UNSET),
                )
            ticket.refresh_from_db()  # the next rule acts on the ticket as it is now
    SlaEscalation.objects.bulk_create(escalations)
    AgentNotice.objects.bulk_create(notices)  # each takes its escalation's new id
    TicketEvent.objects.bulk_create(events)
    if emailed:
        notice_emails_queue(notices=emailed)
