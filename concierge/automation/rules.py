"""Checking the time rules: which tickets are due, and acting on them exactly once.

A rule is due for a ticket when its time ("3 business days") has passed since the
ticket's anchor moment ("its status was last set"). The database narrows the tickets
cheaply: real time always runs at least as fast as business time, so a ticket is a
candidate only when the anchor lies `amount` real hours (or days) back, and tickets the
rule already acted on for that same anchor are left out. The exact check, business
hours and the rule's conditions then run in Python, with the code triggers use.

Each action happens in its own transaction that first inserts the `TimeRuleRun` row
(unique per rule, ticket and anchor): a second worker that got the same ticket waits for
the first and then finds the row taken, so nobody is reminded twice. Closed tickets are
never touched.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import DateTimeField, Exists, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from concierge.automation.models.rules import BUSINESS_UNITS, TimeAnchor, TimeRule, TimeRuleRun
from concierge.automation.triggers_actions import perform
from concierge.automation.triggers_conditions import CalendarCache, Facts, conditions_hold
from concierge.sla import business_time
from concierge.sla.calendar import Calendar, CalendarError
from concierge.tickets.models import EventKind, Status, Ticket, TicketEvent
from concierge.tickets.services import caused_by

logger = logging.getLogger(__name__)

# Tickets looked at per rule and tick; the rest wait for the next tick.
BATCH = 500
# A calendar without a single business day in this many days never makes a rule due.
MAX_DAYS_SEARCHED = 5 * 366

# Conditions that can be given to the database as a plain filter, to narrow the scan.
_SQL_EQUALS = {
    "status": "status",
    "priority": "priority",
    "ticket_type": "ticket_type",
    "channel": "channel",
    "team": "team_id",
    "assignee": "assignee_id",
}


def _last_status_change() -> Subquery:
    return Subquery(
        TicketEvent.objects.filter(
            ticket=OuterRef("pk"), kind=EventKind.FIELD_CHANGED, field="status"
        )
        .order_by("-created_at", "-pk")
        .values("created_at")[:1],
        output_field=DateTimeField(),
    )


def anchor_expression(anchor: str) -> object:
    """The moment of a ticket's life a rule counts from, as a database expression."""
    if anchor == TimeAnchor.STATUS_CHANGED:
        # A ticket whose status never changed has had it since it was created.
        return Coalesce(_last_status_change(), F("created_at"))
    return F(
        {
            TimeAnchor.CREATED: "created_at",
            TimeAnchor.UPDATED: "updated_at",
            TimeAnchor.CUSTOMER_MESSAGE: "last_customer_message_at",
            TimeAnchor.AGENT_REPLY: "last_agent_message_at",
            TimeAnchor.SOLVED: "solved_at",
        }[anchor]
    )


def least_real_time(rule: TimeRule) -> dt.timedelta:
    """The shortest real time in which the rule's time can pass (business time never
    runs faster than the clock)."""
    if rule.unit in ("days", "business_days"):
        return dt.timedelta(days=rule.amount)
    return dt.timedelta(hours=rule.amount)


def _is_business_day(calendar: Calendar, day: dt.date) -> bool:
    if calendar.always_open:
        return True
    return bool(calendar.week[day.weekday()]) and not calendar.is_holiday(day)


def add_business_days(calendar: Calendar, start: dt.datetime, days: int) -> dt.datetime | None:
    """The same wall-clock time as `start`, on the `days`-th business day after its date.

    "Pending for 3 business days" counted from Friday 15:00 ends on Wednesday 15:00; from
    Saturday 10:00, on Wednesday 10:00. A business day is a date the calendar opens on
    and that is no holiday. A wall-clock time that does not exist that day (the hour the
    clocks skip) is read as business_time does: moved forward by the gap. None when the
    calendar has no business day for years.
    """
    zone = calendar.time_zone
    local = start.astimezone(zone)
    day, counted = local.date(), 0
    for _ in range(MAX_DAYS_SEARCHED):
        if counted == days:
            wall = dt.datetime.combine(day, local.time().replace(tzinfo=None, fold=0))
            return wall.replace(tzinfo=zone).astimezone(dt.UTC)
        day += dt.timedelta(days=1)
        if _is_business_day(calendar, day):
            counted += 1
    return None


def due_at(rule: TimeRule, anchor: dt.datetime, calendars: CalendarCache) -> dt.datetime | None:
    """When the rule's time has passed since `anchor`; None when it never will."""
    if rule.unit == "hours":
        return anchor + dt.timedelta(hours=rule.amount)
    if rule.unit == "days":
        return anchor + dt.timedelta(days=rule.amount)
    calendar = calendars.get(str(rule.calendar_id)) if rule.calendar_id else None
    if calendar is None:
        return None
    try:
        if rule.unit == "business_hours":
            return business_time.add_business_minutes(calendar, anchor, rule.amount * 60)
        return add_business_days(calendar, anchor, rule.amount)
    except (CalendarError, ValueError):
        return None


def candidates(rule: TimeRule, now: dt.datetime) -> QuerySet[Ticket]:
    """Tickets that may be due for the rule: oldest anchor first, at most BATCH."""
    tickets = (
        Ticket.objects.exclude(status=Status.CLOSED)
        .filter(merged_into__isnull=True)
        .annotate(rule_anchor=anchor_expression(rule.anchor))
        .filter(rule_anchor__isnull=False, rule_anchor__lte=now - least_real_time(rule))
    )
    for condition in rule.conditions_all:
        column = _SQL_EQUALS.get(condition.get("field", ""))
        if column and condition.get("operator") == "is":
            value = condition.get("value") or None
            tickets = (
                tickets.filter(**{column: value})
                if value
                else tickets.filter(**{f"{column}__isnull": True})
            )
    done = TimeRuleRun.objects.filter(
        rule=rule, ticket=OuterRef("pk"), anchor_at=OuterRef("rule_anchor")
    )
    return (
        tickets.exclude(Exists(done))
        .select_related("requester", "organization", "team", "assignee")
        .prefetch_related("tags", "requester__identities")
        .order_by("rule_anchor", "pk")[:BATCH]
    )


@dataclass(frozen=True)
class Due:
    rule: TimeRule
    ticket: Ticket
    anchor_at: dt.datetime
    due_at: dt.datetime


def due_tickets(rule: TimeRule, now: dt.datetime, calendars: CalendarCache) -> list[Due]:
    """The tickets the rule would act on now (a preview; nothing is changed)."""
    if rule.unit in BUSINESS_UNITS and rule.calendar_id is None:
        return []
    found = []
    for ticket in candidates(rule, now):
        anchor = ticket.rule_anchor
        due = due_at(rule, anchor, calendars)
        if due is None or due > now:
            continue
        facts = Facts(ticket=ticket, at=now, calendars=calendars)
        if conditions_hold(rule.conditions_all, rule.conditions_any, facts):
            found.append(Due(rule=rule, ticket=ticket, anchor_at=anchor, due_at=due))
    return found


def _act(due: Due) -> bool:
    """Act on one ticket, once: False when another worker did it first."""
    rule = due.rule
    with transaction.atomic():
        try:
            with transaction.atomic():
                TimeRuleRun.objects.create(rule=rule, ticket=due.ticket, anchor_at=due.anchor_at)
        except IntegrityError:
            return False
        with caused_by("time_rule", rule.pk, rule.name):
            perform(rule.actions, due.ticket)
    return True


def time_rules_run(now: dt.datetime | None = None) -> str:
    """One tick: every active rule, in order, acts on the tickets due for it."""
    now = now or timezone.now()
    calendars = CalendarCache()
    acted = 0
    for rule in TimeRule.objects.filter(is_active=True).order_by("position", "pk"):
        for due in due_tickets(rule, now, calendars):
            try:
                acted += _act(due)
            except Exception:  # one ticket's failure must not stop the others
                logger.exception("time rule %r failed on ticket #%s", rule.name, due.ticket.number)
    return f"acted on {acted} ticket(s)"
