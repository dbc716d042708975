"""Running triggers on ticket events, and the dry run that shows what they would match.

`run_triggers` is the body of the ticket pipeline's trigger step. For each ticket whose
events it receives, it walks the active triggers in their order and fires those that
listen to one of the events and whose conditions hold; later triggers see the ticket as
the earlier ones left it.

Loop safety: one change by a person (or a channel) starts a cascade. A trigger's action
goes through the ticket services like any change, so its events come back here and can
set off *other* triggers; but within one cascade a trigger fires at most once per
ticket, so the cascade ends after at most as many firings as there are triggers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from concierge.automation.models.triggers import Trigger, TriggerEvent
from concierge.automation.triggers_actions import perform
from concierge.automation.triggers_conditions import (
    CalendarCache,
    Facts,
    conditions_hold,
    ticket_for_rules,
)
from concierge.people.models import User
from concierge.tickets import batch
from concierge.tickets.models import EventKind, MessageKind, Ticket, TicketEvent
from concierge.tickets.services import caused_by

_MESSAGE_EVENTS = {
    MessageKind.CUSTOMER: TriggerEvent.CUSTOMER_MESSAGE,
    MessageKind.REPLY: TriggerEvent.AGENT_REPLY,
    MessageKind.NOTE: TriggerEvent.NOTE,
}
_FIELD_EVENTS = {
    "status": TriggerEvent.STATUS_CHANGED,
    "priority": TriggerEvent.PRIORITY_CHANGED,
    "ticket_type": TriggerEvent.TYPE_CHANGED,
    "assignee": TriggerEvent.ASSIGNEE_CHANGED,
    "team": TriggerEvent.TEAM_CHANGED,
}

# ticket id -> ids of the triggers that fired on it in the cascade now running.
_fired: ContextVar[dict[int, set[int]] | None] = ContextVar("triggers_fired", default=None)


def trigger_event(event: TicketEvent) -> str | None:
    """The trigger event a ticket event stands for, if any."""
    if event.kind == EventKind.CREATED:
        return TriggerEvent.CREATED
    if event.kind == EventKind.MESSAGE_ADDED and event.message is not None:
        return _MESSAGE_EVENTS.get(event.message.kind)
    if event.kind == EventKind.FIELD_CHANGED:
        return _FIELD_EVENTS.get(event.field)
    if event.kind == EventKind.TAGS_CHANGED:
        return TriggerEvent.TAGS_CHANGED
    return None


def event_author(event: TicketEvent) -> str:
    """Who made the change: "automation" when a rule did, else the customer or an agent.

    A ticket an agent writes down for a caller names both; the agent did it.
    """
    if event.cause:
        return "automation"
    if event.actor_id:
        return "agent"
    if event.actor_customer_id:
        return "customer"
    return "automation"


@dataclass(frozen=True)
class Happening:
    """What happened to one ticket in one call: the events and who set them off."""

    events: frozenset[str]
    author: str
    message_text: str
    actor: User | None
    at: dt.datetime


def summarize(
    ticket_events: Sequence[TicketEvent], at: dt.datetime | None = None
) -> Happening | None:
    """What the events say happened; `at` defaults to when the first was written."""
    names = frozenset(filter(None, (trigger_event(e) for e in ticket_events)))
    if not names:
        return None
    first = ticket_events[0]
    message = next((e.message for e in ticket_events if e.message is not None), None)
    return Happening(
        events=names,
        author=event_author(first),
        message_text=message.body_text if message is not None else "",
        actor=first.actor if first.actor_id else None,
        at=at or first.created_at,
    )


def active_triggers() -> QuerySet[Trigger]:
    return Trigger.objects.filter(is_active=True).order_by("position", "pk")


def matches(
    trigger: Trigger, ticket: Ticket, happening: Happening, calendars: CalendarCache
) -> bool:
    if not happening.events.intersection(trigger.events):
        return False
    facts = Facts(
        ticket=ticket,
        at=happening.at,
        events=happening.events,
        message_text=happening.message_text,
        author=happening.author,
        calendars=calendars,
    )
    return conditions_hold(trigger.conditions_all, trigger.conditions_any, facts)


@contextmanager
def _cascade() -> Iterator[dict[int, set[int]]]:
    fired = _fired.get()
    if fired is not None:  # inside a trigger's own change: the same cascade goes on
        yield fired
        return
    token = _fired.set({})
    try:
        yield _fired.get() or {}
    finally:
        _fired.reset(token)


def run_triggers(events: Sequence[TicketEvent]) -> None:
    by_ticket: dict[int, list[TicketEvent]] = {}
    for event in events:
        by_ticket.setdefault(event.ticket_id, []).append(event)
    now = timezone.now()
    summaries = {pk: summarize(evs, now) for pk, evs in by_ticket.items()}
    summaries = {pk: s for pk, s in summaries.items() if s is not None}
    if not summaries:
        return
    triggers = batch.memo("automation.triggers", lambda: list(active_triggers()))
    if not triggers:
        return
    calendars = CalendarCache()
    with _cascade() as fired:
        for ticket_pk, happening in summaries.items():
            done = fired.setdefault(ticket_pk, set())
            listening = [t for t in triggers if happening.events.intersection(t.events)]
            if not listening:
                continue
            # The ticket as the change that wrote the events left it: most changes fire
            # nothing, and then the conditions read only what they need of it.
            ticket: Ticket = by_ticket[ticket_pk][0].ticket
            loaded = False
            for trigger in listening:
                if trigger.pk in done or not matches(trigger, ticket, happening, calendars):
                    continue
                if not loaded:
                    # About to act: on the row as it is, with what conditions read.
                    ticket, loaded = ticket_for_rules(ticket_pk, listening), True
                    if not matches(trigger, ticket, happening, calendars):
                        continue
                done.add(trigger.pk)
                with caused_by("trigger", trigger.pk, trigger.name):
                    perform(
                        trigger.actions,
                        ticket,
                        message_text=happening.message_text,
                        actor=happening.actor,
                    )
                # The next trigger sees what this one changed.
                ticket = ticket_for_rules(ticket_pk, listening)


# --- dry run ------------------------------------------------------------------------------

DRY_RUN_DAYS = 7
DRY_RUN_TICKETS = 200
SAME_CHANGE = dt.timedelta(seconds=1)


def _changes(events: Iterable[TicketEvent]) -> Iterator[list[TicketEvent]]:
    """Events (ordered by ticket and time) grouped by the change that wrote them.

    One service call writes its events one after another, for one ticket, within
    moments, and at most one of them opens the ticket or adds a message, always first.
    """
    group: list[TicketEvent] = []
    for event in events:
        if group and (
            event.ticket_id != group[0].ticket_id
            or event.kind in (EventKind.CREATED, EventKind.MESSAGE_ADDED)
            or event.created_at - group[0].created_at > SAME_CHANGE
        ):
            yield group
            group = []
        group.append(event)
    if group:
        yield group


@dataclass(frozen=True)
class DryRunMatch:
    ticket: Ticket
    event: str
    at: dt.datetime

    @property
    def event_label(self) -> str:
        return str(TriggerEvent(self.event).label)


def dry_run(
    trigger: Trigger, *, days: int = DRY_RUN_DAYS, limit: int = DRY_RUN_TICKETS
) -> list[DryRunMatch]:
    """Which changes of recent tickets this trigger would have fired on, newest first.

    The `limit` tickets updated most recently in the last `days` days have their changes
    of that time (by people and channels) replayed against the trigger, each with its own
    time (for business hours) and message, and the ticket's fields as they are now.
    Nothing is changed. A fixed number of queries, each served by an index.
    """
    since = timezone.now() - dt.timedelta(days=days)
    tickets = {
        ticket.pk: ticket
        for ticket in Ticket.objects.filter(updated_at__gte=since)
        .select_related("requester", "organization", "team", "assignee")
        .prefetch_related("tags", "requester__identities")
        .order_by("-updated_at", "-id")[:limit]
    }
    recent = (
        TicketEvent.objects.filter(
            ticket_id__in=list(tickets), created_at__gte=since, cause__isnull=True
        )
        .exclude(kind=EventKind.EMAIL_SENT)
        .select_related("message")
        .order_by("ticket_id", "created_at", "pk")
    )
    calendars = CalendarCache()
    found = []
    for group in _changes(recent):
        happening = summarize(group)
        ticket = tickets.get(group[0].ticket_id)
        if happening is None or ticket is None:
            continue
        if matches(trigger, ticket, happening, calendars):
            event = sorted(happening.events.intersection(trigger.events))[0]
            found.append(DryRunMatch(ticket=ticket, event=event, at=happening.at))
    found.sort(key=lambda match: match.at, reverse=True)
    return found
