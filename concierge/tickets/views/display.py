"""What the ticket page shows, gathered once for the page and for each of its partials.

Every list here is read with a fixed number of queries, whatever the length of the
thread or the timeline; a long thread and a long history open on a window of them
(`concierge.tickets.windows`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from concierge.people.models import User
from concierge.tickets.forms import FollowerForm, MergeForm, PropertiesForm, ReplyForm, StateForm
from concierge.tickets.models import (
    EventKind,
    Message,
    MessageKind,
    Priority,
    Status,
    Ticket,
    TicketEvent,
    TicketType,
)
from concierge.tickets.queries import customer_tickets, messages_visible_to, ticket_timeline
from concierge.tickets.windows import history_window, thread_window

# How many of the customer's other tickets the sidebar lists before linking to them all.
OTHER_TICKETS_SHOWN = 10

FIELD_LABELS = {
    "status": gettext_lazy("Status"),
    "priority": gettext_lazy("Priority"),
    "ticket_type": gettext_lazy("Type"),
    "assignee": gettext_lazy("Assignee"),
    "team": gettext_lazy("Team"),
    "subject": gettext_lazy("Subject"),
    "tags": gettext_lazy("Tags"),
    "followers": gettext_lazy("Followers"),
    "email": gettext_lazy("E-mail"),
}
EMPTY_LABELS = {
    "assignee": gettext_lazy("nobody"),
    "team": gettext_lazy("no team"),
    "tags": gettext_lazy("none"),
    "followers": gettext_lazy("none"),
}
CHOICES = {"status": Status, "priority": Priority, "ticket_type": TicketType}


def value_label(field_name: str, value: object) -> str:
    """An audit value as a person reads it: the choice's label, the object's name."""
    if value is None or value == "" or value == []:
        return str(EMPTY_LABELS.get(field_name, "—"))
    if isinstance(value, dict):
        return str(value.get("label", ""))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    choices = CHOICES.get(field_name)
    if choices is not None:
        try:
            return str(choices(value).label)
        except ValueError:
            return str(value)
    return str(value)


@dataclass(frozen=True)
class TimelineEntry:
    pk: int
    kind: str
    actor: str
    created_at: dt.datetime
    summary: str
    field: str = ""
    before: str = ""
    after: str = ""


MESSAGE_SUMMARIES = {
    MessageKind.CUSTOMER: gettext_lazy("wrote a message"),
    MessageKind.REPLY: gettext_lazy("replied publicly"),
    MessageKind.NOTE: gettext_lazy("added an internal note"),
    MessageKind.SYSTEM: gettext_lazy("added a system message"),
}


def timeline_entry(event: TicketEvent) -> TimelineEntry:
    # A rule that acted (a trigger, a time rule) is named where a person would be.
    cause = event.cause.get("name") if isinstance(event.cause, dict) else None
    actor = str(event.actor or event.actor_customer or cause or _("System"))
    common = {"pk": event.pk, "kind": event.kind, "actor": actor, "created_at": event.created_at}
    related = value_label("", event.after)
    if event.kind == EventKind.CREATED:
        return TimelineEntry(summary=_("created the ticket"), **common)
    if event.kind == EventKind.MESSAGE_ADDED:
        kind = event.message.kind if event.message else None
        summary = MESSAGE_SUMMARIES.get(kind, gettext_lazy("added a message"))
        return TimelineEntry(summary=str(summary), **common)
    if event.kind == EventKind.MERGED:
        return TimelineEntry(
            summary=_("merged ticket %(ticket)s into this one") % {"ticket": related}, **common
        )
    if event.kind == EventKind.MERGED_INTO:
        return TimelineEntry(
            summary=_("merged this ticket into %(ticket)s") % {"ticket": related}, **common
        )
    if event.kind == EventKind.SPLIT:
        return TimelineEntry(
            summary=_("split a message out into %(ticket)s") % {"ticket": related}, **common
        )
    if event.kind == EventKind.MACRO_APPLIED:
        return TimelineEntry(
            summary=_("applied the macro “%(macro)s”") % {"macro": related}, **common
        )
    if event.kind == EventKind.PLAYBOOK_STEP:
        step = event.after or event.before or {}
        names = {"step": step.get("label", ""), "playbook": step.get("playbook", "")}
        if event.after:
            summary = _("ticked “%(step)s” of the playbook “%(playbook)s”") % names
        else:
            summary = _("unticked “%(step)s” of the playbook “%(playbook)s”") % names
        return TimelineEntry(summary=summary, **common)
    if event.kind == EventKind.SLA_BREACHED:
        from concierge.sla.display import breach_summary  # the SLA app builds on tickets

        return TimelineEntry(summary=breach_summary(event), **common)
    if event.kind == EventKind.SLA_ESCALATED:
        from concierge.sla.display import escalation_summary

        return TimelineEntry(summary=escalation_summary(event), **common)
    # Field, tag and follower changes: the value before and after.
    # No verb here: "Aino · Status: Open → Solved" reads the same in every language.
    return TimelineEntry(
        summary="",
        field=str(FIELD_LABELS.get(event.field, event.field)),
        before=value_label(event.field, event.before),
        after=value_label(event.field, event.after),
        **common,
    )


@dataclass
class StaleNotice:
    """What changed since the page was rendered, shown when a write was refused."""

    new_messages: list[Message] = field(default_factory=list)
    changes: list[TimelineEntry] = field(default_factory=list)
    # A field edit that was refused, so it can be sent again on purpose.
    retry_values: list[tuple[str, str]] = field(default_factory=list)


def properties_initial(ticket: Ticket, tags: list[Any]) -> dict[str, Any]:
    return {
        "status": ticket.status,
        "priority": str(ticket.priority),
        "ticket_type": ticket.ticket_type,
        "assignee": ticket.assignee_id,
        "team": ticket.team_id,
        "tags": ", ".join(tag.name for tag in tags),
    }


def ticket_context(
    request: HttpRequest,
    ticket: Ticket,
    *,
    reply_form: ReplyForm | None = None,
    properties_form: PropertiesForm | None = None,
    merge_form: MergeForm | None = None,
    follower_form: FollowerForm | None = None,
    seen_message: int | None = None,
    seen_event: int | None = None,
    reply_stale: bool = False,
    properties_stale: bool = False,
    retry_values: list[tuple[str, str]] | None = None,
    reply_state: dict[str, int] | None = None,
    properties_state: dict[str, int] | None = None,
    whole_thread: bool = False,
    whole_history: bool = False,
) -> dict[str, Any]:
    """Everything the ticket page and its partials render.

    `seen_message` and `seen_event` are what the refused form had seen: with them the
    page can list the messages and changes that arrived since. `reply_state` and
    `properties_state` keep what an invalid form had seen, so that correcting a typo
    does not skip the check for news.
    """
    user: User = request.user
    visible_messages = messages_visible_to(user, ticket).prefetch_related(
        "author_customer__identities"
    )
    window = thread_window(visible_messages, whole=whole_thread)
    thread = window.messages
    events = ticket_timeline(ticket)
    history = history_window(events, whole=whole_history)
    timeline = [timeline_entry(event) for event in history.events]
    tags = list(ticket.tags.all())
    followers = list(ticket.followers.prefetch_related("identities"))
    requester = ticket.requester
    prefetch_related_objects([requester], "identities", "organization_memberships__organization")
    others = list(
        customer_tickets(user, requester).exclude(pk=ticket.pk)[: OTHER_TICKETS_SHOWN + 1]
    )

    notice = None
    if reply_stale or properties_stale:
        # Asked of the database: what arrived since may sit outside the windows shown.
        notice = StaleNotice(
            new_messages=list(visible_messages.filter(pk__gt=seen_message or 0)),
            changes=[
                timeline_entry(event)
                for event in events.filter(pk__gt=seen_event or 0).exclude(
                    kind=EventKind.MESSAGE_ADDED
                )
            ],
            retry_values=retry_values or [],
        )
    can_edit = user.can_reply_publicly
    state = {
        "version": ticket.version,
        "seen_message": window.last_pk,
        "seen_event": history.last_pk,
    }
    return {
        "ticket": ticket,
        "thread": thread,
        "thread_gap": window.gap,
        "can_split": can_edit and window.total > 1 and not ticket.merged_into_id,
        "timeline": timeline,
        "timeline_more": history.more,
        "tags": tags,
        "followers": followers,
        "requester": requester,
        "organizations": [m.organization for m in requester.organization_memberships.all()],
        "other_tickets": others[:OTHER_TICKETS_SHOWN],
        "more_other_tickets": len(others) > OTHER_TICKETS_SHOWN,
        "can_edit": can_edit,
        "state": state,
        "reply_state": reply_state or state,
        "properties_state": properties_state or state,
        "reply_form": reply_form or ReplyForm(user=user),
        "properties_form": properties_form
        or PropertiesForm(initial=properties_initial(ticket, tags)),
        "merge_form": merge_form or MergeForm(),
        "follower_form": follower_form or FollowerForm(ticket=ticket),
        "reply_notice": notice if reply_stale else None,
        "properties_notice": notice if properties_stale else None,
    }


def posted_state(form: StateForm) -> dict[str, int] | None:
    """What a submitted (possibly invalid) form had seen, when its version is readable."""
    data = getattr(form, "cleaned_data", {})
    if not data.get("version"):
        return None
    return {
        "version": data["version"],
        "seen_message": data.get("seen_message") or 0,
        "seen_event": data.get("seen_event") or 0,
    }
