"""How service levels read to a person: durations, due badges, breach entries.

Everything relative ("due in 25 min", "breached 2 h ago") is computed against the time
of rendering; the badge is re-rendered with the ticket header after every change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from concierge.sla.models import Metric
from concierge.sla.queries import SOON
from concierge.tickets.models import Ticket, TicketEvent

METRIC_NAMES = {
    Metric.FIRST_RESPONSE: gettext_lazy("first response"),
    Metric.NEXT_RESPONSE: gettext_lazy("next response"),
    Metric.RESOLUTION: gettext_lazy("resolution"),
}


def format_duration(duration: timedelta) -> str:
    """A short, rounded length of time: "under 1 min", "25 min", "2 h 5 min", "3 d 4 h"."""
    minutes = int(abs(duration).total_seconds()) // 60
    if minutes < 1:
        return _("under 1 min")
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        if hours:
            return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
        return _("%(days)d d") % {"days": days}
    if hours:
        if minutes:
            return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
        return _("%(hours)d h") % {"hours": hours}
    return _("%(minutes)d min") % {"minutes": minutes}


@dataclass(frozen=True)
class DueBadge:
    """The SLA state of a ticket in a word or two, and its CSS modifier."""

    text: str
    # "breached", "soon", "later" or "paused": the badge's colour.
    state: str
    # The target it is about ("first response"), and its due time, for the tooltip.
    target: str = ""
    due_at: datetime | None = None


def due_badge(ticket: Ticket, now: datetime | None = None) -> DueBadge | None:
    """The badge for the ticket's next due target, or None when no target is running."""
    now = now or timezone.now()
    if ticket.sla_paused_at is not None:
        return DueBadge(text=_("SLA paused"), state="paused")
    due = ticket.sla_next_due_at
    if due is None:
        return None
    metric = next_metric(ticket)
    target = str(METRIC_NAMES[metric]) if metric else ""
    if due <= now:
        text = _("breached %(time)s ago") % {"time": format_duration(now - due)}
        return DueBadge(text=text, state="breached", target=target, due_at=due)
    text = _("due in %(time)s") % {"time": format_duration(due - now)}
    state = "soon" if due - now <= SOON else "later"
    return DueBadge(text=text, state=state, target=target, due_at=due)


@dataclass(frozen=True)
class TargetLine:
    """One running target of a ticket, for the ticket page: "First response: due in 25 min"."""

    label: str
    text: str
    state: str
    due_at: datetime


TARGET_LABELS = {
    Metric.FIRST_RESPONSE: gettext_lazy("First response"),
    Metric.NEXT_RESPONSE: gettext_lazy("Next response"),
    Metric.RESOLUTION: gettext_lazy("Resolution"),
}


def target_lines(ticket: Ticket, now: datetime | None = None) -> list[TargetLine]:
    """Every target still to be met, soonest first; empty while paused (see `due_badge`)."""
    now = now or timezone.now()
    if ticket.sla_paused_at is not None:
        return []
    columns = {
        Metric.FIRST_RESPONSE: ticket.first_response_due_at,
        Metric.NEXT_RESPONSE: ticket.next_response_due_at,
        Metric.RESOLUTION: ticket.resolution_due_at,
    }
    lines = []
    for metric, due in columns.items():
        if due is None:
            continue
        if due <= now:
            text = _("breached %(time)s ago") % {"time": format_duration(now - due)}
            state = "breached"
        else:
            text = _("due in %(time)s") % {"time": format_duration(due - now)}
            state = "soon" if due - now <= SOON else "later"
        lines.append(TargetLine(str(TARGET_LABELS[metric]), text, state, due))
    return sorted(lines, key=lambda line: line.due_at)


def next_metric(ticket: Ticket) -> str | None:
    """Which target the ticket's next due time belongs to."""
    columns = {
        Metric.FIRST_RESPONSE: ticket.first_response_due_at,
        Metric.NEXT_RESPONSE: ticket.next_response_due_at,
        Metric.RESOLUTION: ticket.resolution_due_at,
    }
    for metric, due in columns.items():
        if due is not None and due == ticket.sla_next_due_at:
            return metric
    return None


def breach_summary(event: TicketEvent) -> str:
    """The timeline's words for an SLA_BREACHED event."""
    after: dict[str, Any] = event.after if isinstance(event.after, dict) else {}
    late = timedelta(seconds=int(after.get("late_seconds") or 0))
    target = METRIC_NAMES.get(event.field, event.field)
    return _("missed the %(target)s target (late by %(time)s)") % {
        "target": target,
        "time": format_duration(late),
    }


def escalation_summary(event: TicketEvent) -> str:
    """The timeline's words for an SLA_ESCALATED event."""
    after: dict[str, Any] = event.after if isinstance(event.after, dict) else {}
    target = METRIC_NAMES.get(event.field, event.field)
    percent = int(after.get("percent") or 100)
    notified = ", ".join(str(name) for name in after.get("notified") or [])
    if percent >= 100:
        what = _("escalated the breached %(target)s target") % {"target": target}
    else:
        what = _("escalated at %(percent)s%% of the %(target)s target") % {
            "percent": percent,
            "target": target,
        }
    if notified:
        return _("%(what)s, notifying %(people)s") % {"what": what, "people": notified}
    return what
