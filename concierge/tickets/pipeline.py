"""What follows a ticket event, in order.

Every service hands the events it wrote to `run`, inside its transaction. The steps
below are the one place that says what happens next and in which order; nothing is
wired through Django signals. A step that talks to the outside world queues a task
with `transaction.on_commit`, so a rolled-back change sends nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.db import transaction

from concierge.tickets import batch
from concierge.tickets.models import Channel, EventKind, MessageKind, TicketEvent


def apply_sla_timers(events: Sequence[TicketEvent]) -> None:
    """Recompute the SLA timers and due-time columns of each ticket the events changed
    (concierge.sla.due_times): met and breached targets, pauses, policy changes."""
    from concierge.sla.due_times import apply_to_events

    apply_to_events(events)


def run_triggers(events: Sequence[TicketEvent]) -> None:
    """Admin-defined triggers, in their order; loop-safe (concierge.automation.triggers).

    A new ticket's language is detected from its text first, so that triggers and
    routing see it.
    """
    from concierge.automation.language import ticket_language_detect
    from concierge.automation.triggers import run_triggers as run_active_triggers

    ticket_language_detect(events)
    run_active_triggers(events)


def route(events: Sequence[TicketEvent]) -> None:
    """A new ticket's team by the routing rules, then an available agent of the team by
    its way of assigning (concierge.automation.routing)."""
    from concierge.automation.routing import route as route_tickets

    route_tickets(events)


def notify(events: Sequence[TicketEvent]) -> None:
    """Tell the customer (and followers) by e-mail that an agent answered.

    A ticket an agent opens for a customer starts with the agent's public reply, and
    the customer learns of it the same way as of any later reply. On an e-mail ticket
    the reply itself goes out as mail in the customer's thread, queued in the mail
    outbox with this change; other tickets get a notification that links to the portal.
    """
    from concierge.mail.services.outbox import reply_queue
    from concierge.tickets.tasks import send_reply_notification

    for event in events:
        if (
            event.kind in (EventKind.MESSAGE_ADDED, EventKind.CREATED)
            and event.message is not None
            and event.message.kind == MessageKind.REPLY
        ):
            if event.ticket.channel == Channel.EMAIL:
                reply_queue(message=event.message)
                continue
            message_id = event.message.pk
            transaction.on_commit(lambda pk=message_id: send_reply_notification.enqueue(pk))


def broadcast(events: Sequence[TicketEvent]) -> None:
    """Live updates to open inbox and ticket pages go out here once realtime exists."""


def send_webhooks(events: Sequence[TicketEvent]) -> None:
    """Outgoing webhooks are queued here once the API exists."""


def index_for_search(events: Sequence[TicketEvent]) -> None:
    """Re-index each changed ticket for agents' search (concierge.search.services), in
    the same transaction so a search right after the change finds it; a failure here
    never undoes the change itself. Inside a batch (a mail fetch, an import) the batch
    indexes its tickets together, shortly after their commit (concierge.tickets.batch)."""
    from concierge.search.services import tickets_index_safely

    ticket_ids = list(dict.fromkeys(event.ticket_id for event in events))
    running = batch.current()
    if running is not None:
        running.index_later(ticket_ids)
        return
    tickets_index_safely(ticket_ids=ticket_ids)


STEPS: list[Callable[[Sequence[TicketEvent]], None]] = [
    apply_sla_timers,
    run_triggers,
    route,
    notify,
    broadcast,
    send_webhooks,
    index_for_search,
]


def run(events: Sequence[TicketEvent]) -> None:
    if not events:
        return
    for step in STEPS:
        step(events)
