"""The part of a long thread and a long history that the ticket page opens on.

A ticket with two hundred messages is read from its first message (what the customer
asked) and its latest ones (where the conversation stands), the way mail clients show
a long conversation. The messages in between are one click away, and so is the whole
history. Each window is read with a fixed number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Max, Q, QuerySet

from concierge.tickets.models import Message, TicketEvent

# A long thread opens on its first message and its latest ones.
THREAD_HEAD = 1
THREAD_TAIL = 10
# Hiding fewer messages than this is not worth a click: such a thread is shown whole.
THREAD_MIN_HIDDEN = 5
# The history lists the latest changes; the rest are one click away.
HISTORY_SHOWN = 15


@dataclass(frozen=True)
class ThreadGap:
    """The messages a long thread does not show: between two messages it does."""

    count: int
    # The last message shown before the gap and the first one shown after it.
    after: int
    before: int


@dataclass(frozen=True)
class ThreadWindow:
    messages: list[Message]
    gap: ThreadGap | None
    # The newest message of the whole thread, shown or not: what the page has seen.
    last_pk: int

    @property
    def total(self) -> int:
        return len(self.messages) + (self.gap.count if self.gap else 0)


def thread_window(messages: QuerySet[Message], *, whole: bool = False) -> ThreadWindow:
    """The thread's head and tail, or all of it when it is short or `whole` is asked for."""
    # A message merged in from another ticket keeps its date, so the newest id may
    # sit anywhere in the thread: it is asked for, not taken from the tail.
    summary = messages.aggregate(total=Count("pk"), last=Max("pk"))
    total, last_pk = summary["total"], summary["last"] or 0
    if whole or total <= THREAD_HEAD + THREAD_TAIL + THREAD_MIN_HIDDEN:
        return ThreadWindow(list(messages), None, last_pk)
    # The ids first, then one read of the shown messages with their related rows.
    keys = messages.prefetch_related(None).values_list("pk", flat=True)
    head_ids = list(keys[:THREAD_HEAD])
    tail_ids = list(keys.reverse()[:THREAD_TAIL])
    shown = list(messages.filter(pk__in=head_ids + tail_ids))
    gap = ThreadGap(count=total - len(shown), after=head_ids[-1], before=tail_ids[-1])
    return ThreadWindow(shown, gap, last_pk)


def messages_between(
    messages: QuerySet[Message], after: Message, before: Message
) -> QuerySet[Message]:
    """The messages of a thread ordered strictly between two of its messages."""
    return messages.filter(
        Q(created_at__gt=after.created_at) | Q(created_at=after.created_at, id__gt=after.pk),
        Q(created_at__lt=before.created_at) | Q(created_at=before.created_at, id__lt=before.pk),
    )


@dataclass(frozen=True)
class HistoryWindow:
    events: list[TicketEvent]
    # Whether older changes exist that the window leaves out.
    more: bool
    last_pk: int


def history_window(events: QuerySet[TicketEvent], *, whole: bool = False) -> HistoryWindow:
    """The latest changes of a ticket, oldest first like the whole history."""
    if whole:
        shown = list(events)
        return HistoryWindow(shown, False, max((e.pk for e in shown), default=0))
    latest = list(events.reverse()[: HISTORY_SHOWN + 1])
    more = len(latest) > HISTORY_SHOWN
    shown = latest[:HISTORY_SHOWN][::-1]
    # Events are written as they happen, but an imported or merged one may be dated earlier.
    if more:
        last_pk = events.aggregate(last=Max("pk"))["last"] or 0
    else:
        last_pk = max((e.pk for e in shown), default=0)
    return HistoryWindow(shown, more, last_pk)
