"""Keeping a ticket's SLA timers and due-time columns true to the ticket.

`recompute` is called by the ticket pipeline after every change that can move a due
time, and by the escalation sweep. It reads the ticket as it is now and the timers it
has, and from those alone decides which targets count, when each is due, which were met
and which are late, so calling it twice changes nothing the second time.

The rules (docs/sla.md has them with examples):

- **First response** counts from the ticket's creation while no agent has replied
  publicly and the customer wrote first; an agent's public reply meets it.
- **Next response** counts from the customer's first message after the last public
  reply (only once the customer has had a reply), until the next public reply.
- **Resolution** counts from creation until the ticket is solved. A reopened ticket
  resumes its resolution clock; the time it spent solved does not count.
- Solving or closing a ticket stops every clock; a clock met after its due time is
  breached, and the breach is recorded as a ticket event saying how late it is.
- While the status is pending or on hold and the policy says so, every clock stands
  still: due times move later by the business time spent paused.
- When the priority, type, team, tags or anything else changes which policy or target
  applies, running clocks keep their start and are measured against the new target; a
  target no longer promised is cancelled. A breach is never taken back.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from concierge.sla.business_time import add_business_time, business_time_between
from concierge.sla.calendar import Calendar, CalendarError
from concierge.sla.models import Metric, SlaTimer, TimerState
from concierge.sla.policy_rules import (
    CALENDAR_HOURS,
    EscalationRuleValue,
    PolicyRules,
    SlaConfig,
    current_config,
    ticket_facts,
)
from concierge.tickets.models import (
    EventKind,
    Status,
    Ticket,
    TicketEvent,
)

logger = logging.getLogger(__name__)

RESOLVED = (Status.SOLVED, Status.CLOSED)
DUE_COLUMNS = {
    Metric.FIRST_RESPONSE: "first_response_due_at",
    Metric.NEXT_RESPONSE: "next_response_due_at",
    Metric.RESOLUTION: "resolution_due_at",
}
SLA_COLUMNS = (*DUE_COLUMNS.values(), "sla_next_due_at", "sla_paused_at", "sla_check_at")

# Ticket events after which due times may move. Internal notes, follower and subject
# changes do not touch any clock.
RELEVANT_KINDS = {
    EventKind.CREATED,
    EventKind.TAGS_CHANGED,
    EventKind.MERGED,
    EventKind.MERGED_INTO,
}
RELEVANT_FIELDS = {"status", "priority", "ticket_type", "team", "organization"}


@dataclass
class Recomputed:
    """What a recomputation found: the policy, the timers still open, the breaches."""

    policy: PolicyRules | None
    open_timers: list[SlaTimer] = field(default_factory=list)
    breach_events: list[TicketEvent] = field(default_factory=list)
    paused: bool = False


def is_relevant(event: TicketEvent) -> bool:
    if event.kind in RELEVANT_KINDS:
        return True
    if event.kind == EventKind.MESSAGE_ADDED:
        message = event.message
        return message is None or message.is_public
    return event.kind == EventKind.FIELD_CHANGED and event.field in RELEVANT_FIELDS


def apply_to_events(events: Sequence[TicketEvent]) -> None:
    """The pipeline step: recompute each ticket the events changed, once."""
    tickets: dict[int, Ticket] = {}
    for event in events:
        if is_relevant(event):
            tickets[event.ticket_id] = event.ticket
    if not tickets:
        return
    config = current_config()
    now = timezone.now()
    for ticket in tickets.values():
        recompute(ticket, now=now, config=config)


# --- calendars ---------------------------------------------------------------------------------


def timer_calendar(timer: SlaTimer, config: SlaConfig, policy: PolicyRules | None) -> Calendar:
    """The calendar a timer counts in: its own policy's, else the ticket's current one."""
    for candidate in (config.policy_by_id(timer.policy_id), policy):
        if candidate is not None and candidate.business_hours == timer.business_hours:
            return candidate.calendar
    return CALENDAR_HOURS


def _due(calendar: Calendar, timer: SlaTimer) -> datetime | None:
    try:
        return add_business_time(
            calendar, timer.started_at, timedelta(minutes=timer.target_minutes) + timer.paused
        )
    except (CalendarError, ValueError, OverflowError):
        # A calendar with no opening hours (or none for years) promises nothing.
        logger.warning("no due time for timer %s under calendar %r", timer.pk, calendar.name)
        return None


def _paused_between(calendar: Calendar, start: datetime, end: datetime) -> timedelta:
    try:
        return business_time_between(calendar, start, end)
    except (CalendarError, ValueError):
        return timedelta(0)


# --- the recomputation ------------------------------------------------------------------------


class _Changes:
    """Timers created or changed during one recomputation, saved together at the end."""

    def __init__(self) -> None:
        self.new: list[SlaTimer] = []
        self.changed: dict[int, tuple[SlaTimer, set[str]]] = {}

    def touch(self, timer: SlaTimer, *fields: str) -> None:
        if timer.pk is None:
            return
        entry = self.changed.setdefault(timer.pk, (timer, set()))
        entry[1].update(fields)

    def save(self) -> None:
        if self.new:
            SlaTimer.objects.bulk_create(self.new)
        if len(self.changed) == 1:
            ((timer, fields),) = self.changed.values()
            timer.save(update_fields=sorted(fields))
        elif self.changed:
            # One statement for all: a priority change retargets every running timer.
            fields = sorted(set().union(*(names for _timer, names in self.changed.values())))
            SlaTimer.objects.bulk_update([timer for timer, _ in self.changed.values()], fields)
        self.new, self.changed = [], {}


def _breach(
    ticket: Ticket, timer: SlaTimer, *, at: datetime, now: datetime, changes: _Changes
) -> TicketEvent:
    """Record that `timer` is past its due time; `at` is when it was met, or now."""
    late_by = at - timer.due_at
    timer.state = TimerState.BREACHED
    timer.breached_at = now
    timer.late_by = late_by
    changes.touch(timer, "state", "breached_at", "late_by")
    return TicketEvent.objects.create(
        ticket=ticket,
        kind=EventKind.SLA_BREACHED,
        field=timer.metric,
        before=timer.due_at.isoformat(),
        after={"late_seconds": int(late_by.total_seconds()), "policy": timer.policy_name},
        cause={"kind": "sla_policy", "id": timer.policy_id, "name": timer.policy_name},
        created_at=now,
    )


def _stop(
    ticket: Ticket,
    timer: SlaTimer,
    *,
    at: datetime,
    now: datetime,
    changes: _Changes,
    events: list[TicketEvent],
) -> None:
    """The target was met at `at` (or stops applying then): achieved, or breached if late."""
    if timer.state == TimerState.RUNNING:
        if at > timer.due_at:
            events.append(_breach(ticket, timer, at=at, now=now, changes=changes))
        else:
            timer.state = TimerState.ACHIEVED
            changes.touch(timer, "state")
    if timer.state == TimerState.BREACHED:
        timer.late_by = max(at - timer.due_at, timedelta(0))
        changes.touch(timer, "late_by")
    timer.stopped_at = at
    changes.touch(timer, "stopped_at")


def _cancel(timer: SlaTimer, *, now: datetime, changes: _Changes) -> None:
    """The policy no longer promises this target. A breach stays a breach."""
    if timer.state == TimerState.RUNNING:
        timer.state = TimerState.CANCELLED
        changes.touch(timer, "state")
    timer.stopped_at = now
    changes.touch(timer, "stopped_at")


def _met_at(ticket: Ticket, timer: SlaTimer, now: datetime) -> datetime | None:
    """When the ticket met this timer's target, or None while it has not."""
    if ticket.status in RESOLVED:
        return ticket.solved_at or ticket.closed_at or now
    if timer.metric == Metric.FIRST_RESPONSE:
        return ticket.first_response_at
    if timer.metric == Metric.NEXT_RESPONSE:
        replied = ticket.last_agent_message_at
        return replied if replied is not None and replied >= timer.started_at else None
    return None


def wanted_starts(ticket: Ticket) -> dict[str, datetime]:
    """The targets the ticket's state calls for now, with the instant each would start."""
    if ticket.status in RESOLVED:
        return {}
    starts: dict[str, datetime] = {Metric.RESOLUTION: ticket.created_at}
    customer, agent = ticket.last_customer_message_at, ticket.last_agent_message_at
    if customer is None:
        return starts
    if ticket.first_response_at is None and agent is None:
        starts[Metric.FIRST_RESPONSE] = ticket.created_at
    elif agent is None or customer > agent:
        starts[Metric.NEXT_RESPONSE] = customer
    return starts


_TIMERS_SQL = (
    f"SELECT * FROM {SlaTimer._meta.db_table} WHERE ticket_id = %s"  # noqa: S608
    " AND (stopped_at IS NULL OR metric = %s) ORDER BY started_at, id"
)


def _timers_of(ticket: Ticket) -> list[SlaTimer]:
    """The open timers, and the resolution timers (a reopened ticket resumes its last).

    A raw query: it runs on every ticket change, and the ORM's query building would cost
    more than the database's answer (the index on ticket, metric, start serves it)."""
    return list(SlaTimer.objects.raw(_TIMERS_SQL, [ticket.pk, Metric.RESOLUTION]))


def _has_sla_state(ticket: Ticket) -> bool:
    return any(getattr(ticket, column) is not None for column in SLA_COLUMNS)


def recompute(
    ticket: Ticket,
    *,
    now: datetime | None = None,
    config: SlaConfig | None = None,
    timers: list[SlaTimer] | None = None,
) -> Recomputed:
    """Bring the ticket's timers and SLA columns up to date with the ticket.

    Call while holding the ticket's row lock (the ticket services hold it when they run
    the pipeline; the sweep takes it). Saves only what changed, and never bumps the
    ticket's version: due times follow from the ticket, they are not an edit to it.
    `timers` are the ticket's timers as `_timers_of` reads them, when already loaded.
    """
    now = now or timezone.now()
    config = config or current_config()
    policy = config.policy_for(ticket_facts(ticket, config)) if config.policies else None
    if policy is None and not _has_sla_state(ticket):
        return Recomputed(policy=None)  # the common case without policies: no query

    changes = _Changes()
    events: list[TicketEvent] = []
    if timers is None:
        timers = _timers_of(ticket)
    open_timers = {timer.metric: timer for timer in timers if not timer.is_finished}
    resolved = ticket.status in RESOLVED
    paused = not resolved and policy is not None and policy.pauses_on(ticket.status)

    # 1. A pause that ended moves every running clock's due time later.
    if ticket.sla_paused_at is not None and not paused:
        for timer in open_timers.values():
            if timer.state == TimerState.RUNNING:
                calendar = timer_calendar(timer, config, policy)
                start = max(ticket.sla_paused_at, timer.started_at)
                timer.paused += _paused_between(calendar, start, now)
                changes.touch(timer, "paused")
    paused_at = (ticket.sla_paused_at or now) if paused else None

    # 2. Targets met (or stopped by solving) stop their clocks.
    for metric, timer in list(open_timers.items()):
        met = _met_at(ticket, timer, now)
        if met is not None:
            _stop(ticket, timer, at=met, now=now, changes=changes, events=events)
            del open_timers[metric]

    # 3. Targets the ticket calls for start (or resume), measured against today's policy.
    starts = wanted_starts(ticket) if policy is not None else {}
    for metric in DUE_COLUMNS:
        timer = open_timers.get(metric)
        minutes = policy.target_minutes(ticket.priority, metric) if policy else None
        if metric not in starts or not minutes or policy is None:
            if timer is not None:
                _cancel(timer, now=now, changes=changes)
                del open_timers[metric]
            continue
        if timer is None and metric == Metric.RESOLUTION:
            timer = _resume_resolution(timers, config, policy, now, changes)
        if timer is None:
            timer = SlaTimer(
                ticket=ticket,
                metric=metric,
                started_at=starts[metric],
                policy_id=policy.id,
                policy_name=policy.name,
                priority=ticket.priority,
                target_minutes=minutes,
                business_hours=policy.business_hours,
                due_at=starts[metric],
            )
            changes.new.append(timer)
        if timer.state == TimerState.RUNNING:
            _retarget(timer, policy, ticket.priority, minutes, changes)
            due = _due(policy.calendar, timer)
            if due is None:
                if timer.pk is None:
                    changes.new.remove(timer)
                else:
                    _cancel(timer, now=now, changes=changes)
                continue
            if due != timer.due_at:
                timer.due_at = due
                changes.touch(timer, "due_at")
        open_timers[metric] = timer

    # 4. A running clock past its due time is a breach, recorded once.
    clock_now = paused_at or now
    for timer in open_timers.values():
        if timer.state == TimerState.RUNNING and timer.due_at <= clock_now:
            if timer.pk is None:  # started already late (a new policy, a backdated start)
                changes.save()
            events.append(_breach(ticket, timer, at=now, now=now, changes=changes))

    changes.save()
    result = Recomputed(
        policy=policy, open_timers=list(open_timers.values()), breach_events=events, paused=paused
    )
    _save_columns(ticket, result, paused_at=paused_at, check_at=next_check(result, config))
    return result


def _resume_resolution(
    timers: Iterable[SlaTimer],
    config: SlaConfig,
    policy: PolicyRules,
    now: datetime,
    changes: _Changes,
) -> SlaTimer | None:
    """A reopened ticket carries on with its last resolution clock, minus the time solved."""
    finished = [t for t in timers if t.metric == Metric.RESOLUTION and t.is_finished]
    if not finished:
        return None
    timer = finished[-1]
    if timer.state == TimerState.CANCELLED:
        return None
    calendar = timer_calendar(timer, config, policy)
    if timer.state == TimerState.ACHIEVED:
        timer.state = TimerState.RUNNING
        timer.paused += _paused_between(calendar, timer.stopped_at, now)
        changes.touch(timer, "state", "paused")
    else:  # breached: still late, and counting again
        timer.late_by = None
        changes.touch(timer, "late_by")
    timer.stopped_at = None
    changes.touch(timer, "stopped_at")
    return timer


def _retarget(
    timer: SlaTimer, policy: PolicyRules, priority: int, minutes: int, changes: _Changes
) -> None:
    values = {
        "policy_id": policy.id,
        "policy_name": policy.name,
        "priority": priority,
        "target_minutes": minutes,
        "business_hours": policy.business_hours,
    }
    for name, value in values.items():
        if getattr(timer, name) != value:
            setattr(timer, name, value)
            changes.touch(timer, name.removesuffix("_id"))


def escalation_at(timer: SlaTimer, percent: int, calendar: Calendar) -> datetime | None:
    """When `percent` of the timer's target has passed (100: its due time)."""
    if percent == 100:
        return timer.due_at
    share = timedelta(minutes=timer.target_minutes) * percent / 100
    try:
        return add_business_time(calendar, timer.started_at, share + timer.paused)
    except (CalendarError, ValueError, OverflowError):
        return None


def pending_escalations(
    result: Recomputed, config: SlaConfig, *, until: datetime | None = None
) -> list[tuple[SlaTimer, EscalationRuleValue, datetime]]:
    """(timer, rule, when) for the active rules still to fire on the open timers: for each
    timer, those due by `until` and the next one after it (only the next one without
    `until`), soonest first. Nothing escalates while the clock is paused.

    A timer's rules fire in the order of their percentages, so the rules after the first
    one not yet due need no business-time arithmetic (this runs on every ticket change).
    """
    if result.paused or not config.escalation_rules:
        return []
    pending = []
    for timer in result.open_timers:
        calendar: Calendar | None = None
        for rule in config.escalation_rules:  # in ascending percentage
            if rule.id in timer.escalated_rule_ids or not rule.watches(
                timer.policy_id, timer.metric
            ):
                continue
            if rule.percent != 100 and calendar is None:
                calendar = timer_calendar(timer, config, result.policy)
            when = escalation_at(timer, rule.percent, calendar or CALENDAR_HOURS)
            if when is None:
                continue
            pending.append((timer, rule, when))
            if until is None or when > until:
                break
    return sorted(pending, key=lambda item: (item[2], item[1].percent, item[1].id))


def next_check(result: Recomputed, config: SlaConfig) -> datetime | None:
    """When the sweep must look at the ticket next: a breach or an escalation to record."""
    if result.paused:
        return None
    instants = [t.due_at for t in result.open_timers if t.state == TimerState.RUNNING]
    instants += [when for _timer, _rule, when in pending_escalations(result, config)]
    return min(instants, default=None)


def save_check_at(ticket: Ticket, check_at: datetime | None) -> None:
    if ticket.sla_check_at != check_at:
        ticket.sla_check_at = check_at
        Ticket.objects.filter(pk=ticket.pk).update(sla_check_at=check_at)


def _save_columns(
    ticket: Ticket, result: Recomputed, *, paused_at: datetime | None, check_at: datetime | None
) -> None:
    by_metric = {timer.metric: timer.due_at for timer in result.open_timers}
    values: dict[str, datetime | None] = {
        column: by_metric.get(metric) for metric, column in DUE_COLUMNS.items()
    }
    values["sla_next_due_at"] = None if result.paused else min(by_metric.values(), default=None)
    values["sla_paused_at"] = paused_at
    values["sla_check_at"] = check_at
    changed = [name for name, value in values.items() if getattr(ticket, name) != value]
    if changed:
        for name in changed:
            setattr(ticket, name, values[name])
        Ticket.objects.filter(pk=ticket.pk).update(**{name: values[name] for name in changed})
