"""Changing a ticket's fields, tags and followers."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from concierge.people.models import Customer, Team, User
from concierge.tickets import pipeline
from concierge.tickets.models import (
    EventKind,
    Status,
    Tag,
    Ticket,
)
from concierge.tickets.services._common import (
    UNSET,
    NotAllowedError,
    _event,
    _locked,
    _status_timestamps,
    _tags,
    _touch,
)

# --- changing fields -------------------------------------------------------------------------


class SolveBlockedError(NotAllowedError):
    """Something the desk requires before a ticket is solved is not done yet."""


def check_ticket_may_be_solved(ticket: Ticket, status: str) -> None:
    """Refuse to solve (or close) a ticket whose required procedures are unfinished.

    The services that set a status call this under the ticket's lock. A solved ticket
    may still be closed, and a merge closes its source without asking.
    """
    if status not in (Status.SOLVED, Status.CLOSED) or ticket.is_resolved:
        return
    # Imported here: the automation app is built on top of the ticket services.
    from concierge.automation.playbooks_queries import solve_blockers

    blockers = solve_blockers(ticket)
    if blockers:
        raise SolveBlockedError(" ".join(blockers))


def ticket_update(
    *,
    ticket: Ticket,
    actor: User | None,
    expected_version: int | None = None,
    status: str = UNSET,
    priority: int = UNSET,
    ticket_type: str = UNSET,
    assignee: User | None = UNSET,
    team: Team | None = UNSET,
    subject: str = UNSET,
    actor_customer: Customer | None = None,
) -> Ticket:
    """Change any of the ticket's fields; one audit event per field that really changed."""
    if actor is not None and not actor.can_reply_publicly:
        raise NotAllowedError(_("Your role may only add internal notes."))
    now = timezone.now()
    requested = {
        "status": status,
        "priority": priority,
        "ticket_type": ticket_type,
        "assignee": assignee,
        "team": team,
        "subject": subject,
    }
    with transaction.atomic():
        ticket = _locked(ticket, expected_version)
        events, fields = [], []
        for field, value in requested.items():
            if value is UNSET:
                continue
            before = getattr(ticket, field)
            if field in ("assignee", "team"):
                if getattr(ticket, f"{field}_id") == (value.pk if value else None):
                    continue
            elif before == value:
                continue
            if field == "status":
                check_ticket_may_be_solved(ticket, value)
                fields += _status_timestamps(ticket, value, now)
            else:
                setattr(ticket, field, value)
                fields.append(field)
            events.append(
                _event(
                    ticket,
                    EventKind.FIELD_CHANGED,
                    actor=actor,
                    actor_customer=actor_customer,
                    field=field,
                    before=before,
                    after=value,
                )
            )
        if events:
            _touch(ticket, fields, now)
            pipeline.run(events)
    return ticket


def ticket_set_tags(
    *,
    ticket: Ticket,
    actor: User | None,
    names: Iterable[str] = (),
    add: Iterable[str] = (),
    remove: Iterable[str] = (),
    expected_version: int | None = None,
    replace: bool = False,
) -> Ticket:
    """Replace the tags (`replace=True` with `names`), or add and remove some.

    `actor` None is automation acting on its own (see `caused_by`).
    """
    if actor is not None and not actor.can_reply_publicly:
        raise NotAllowedError(_("Your role may only add internal notes."))
    now = timezone.now()
    with transaction.atomic():
        ticket = _locked(ticket, expected_version)
        before = sorted(ticket.tags.values_list("name", flat=True))
        if replace:
            wanted = {t.name for t in _tags(names)}
        else:
            removed = {Tag.normalize(n) for n in remove}
            wanted = (set(before) | {t.name for t in _tags(add)}) - removed
        after = sorted(wanted)
        if after != before:
            ticket.tags.set(Tag.objects.filter(name__in=after))
            events = [
                _event(
                    ticket,
                    EventKind.TAGS_CHANGED,
                    actor=actor,
                    field="tags",
                    before=before,
                    after=after,
                )
            ]
            _touch(ticket, [], now)
            pipeline.run(events)
    return ticket


def ticket_set_followers(
    *,
    ticket: Ticket,
    actor: User,
    followers: Iterable[Customer] | None = None,
    add: Iterable[Customer] = (),
    remove: Iterable[Customer] = (),
) -> Ticket:
    """Replace the followers (`followers`), or add and remove some.

    Adding and removing start from the list as it is under the ticket's lock, so two
    agents changing the followers at the same moment do not undo each other's change.
    """
    now = timezone.now()
    with transaction.atomic():
        ticket = _locked(ticket, None)
        current = list(ticket.followers.all())
        before = sorted(str(c) for c in current)
        if followers is not None:
            wanted = list(followers)
        else:
            removed = {c.pk for c in remove}
            wanted = [c for c in [*current, *add] if c.pk not in removed]
        ticket.followers.set(wanted)
        after = sorted(str(c) for c in ticket.followers.all())
        if before != after:
            events = [
                _event(
                    ticket,
                    EventKind.FOLLOWERS_CHANGED,
                    actor=actor,
                    field="followers",
                    before=before,
                    after=after,
                )
            ]
            _touch(ticket, [], now)
            pipeline.run(events)
    return ticket
