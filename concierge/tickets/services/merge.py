"""Merging tickets, splitting messages out, and bulk changes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from concierge.people.models import Team, User
from concierge.tickets import pipeline
from concierge.tickets.models import (
    PUBLIC_MESSAGE_KINDS,
    EventKind,
    Message,
    MessageKind,
    Status,
    Ticket,
)
from concierge.tickets.services._common import (
    UNSET,
    NotAllowedError,
    _event,
    _locked,
    _next_ticket_number,
    _status_timestamps,
    _system_message,
    _touch,
)
from concierge.tickets.services.fields import SolveBlockedError, ticket_set_tags, ticket_update

# --- merge and split -------------------------------------------------------------------------


def ticket_merge(*, source: Ticket, target: Ticket, actor: User) -> Ticket:
    """Move every message of `source` into `target` and close `source` with a pointer.

    The source's requester and followers follow the target, so nobody loses sight of
    their conversation. Merging a ticket into itself or into a merged ticket is refused.
    """
    if not actor.can_reply_publicly:
        raise NotAllowedError(_("Your role may only add internal notes."))
    if source.pk == target.pk:
        raise ValueError(_("A ticket cannot be merged into itself."))
    now = timezone.now()
    with transaction.atomic():
        # Lock both in a fixed order so two opposite merges cannot deadlock.
        locked = {
            t.pk: t
            for t in Ticket.objects.select_for_update()
            .filter(pk__in=[source.pk, target.pk])
            .order_by("pk")
        }
        source, target = locked[source.pk], locked[target.pk]
        if source.merged_into_id or target.merged_into_id:
            raise ValueError(_("A merged ticket cannot be merged again."))
        Message.objects.filter(ticket=source).update(ticket=target)
        if source.requester_id != target.requester_id:
            target.followers.add(source.requester_id)
        target.followers.add(*source.followers.all())
        target.tags.add(*source.tags.all())
        _system_message(target, "merged_from", number=source.number)
        _system_message(source, "merged_into", number=target.number)
        before_status = source.status
        source.merged_into = target
        fields = ["merged_into", *_status_timestamps(source, Status.CLOSED, now)]
        events = [
            _event(source, EventKind.MERGED_INTO, actor=actor, field="merged_into", after=target),
            _event(
                source,
                EventKind.FIELD_CHANGED,
                actor=actor,
                field="status",
                before=before_status,
                after=Status.CLOSED,
            ),
            _event(target, EventKind.MERGED, actor=actor, field="merged", after=source),
        ]
        _touch(source, fields, now)
        target_fields: list[str] = []
        if source.last_customer_message_at and (
            target.last_customer_message_at is None
            or source.last_customer_message_at > target.last_customer_message_at
        ):
            target.last_customer_message_at = source.last_customer_message_at
            target_fields.append("last_customer_message_at")
        _touch(target, target_fields, now)
        pipeline.run(events)
    return target


def message_split(*, message: Message, actor: User) -> Ticket:
    """Move one customer message out into a ticket of its own."""
    if not actor.can_reply_publicly:
        raise NotAllowedError(_("Your role may only add internal notes."))
    if message.kind != MessageKind.CUSTOMER:
        raise ValueError(_("Only a customer's message can be split into a new ticket."))
    now = timezone.now()
    with transaction.atomic():
        original = _locked(message.ticket, None)
        # Notes and system messages do not make a conversation: something public must stay.
        if original.messages.filter(kind__in=PUBLIC_MESSAGE_KINDS).count() < 2:
            raise ValueError(_("The only message of a ticket cannot be split out."))
        requester = message.author_customer or original.requester
        new_ticket = Ticket.objects.create(
            number=_next_ticket_number(),
            subject=original.subject,
            channel=message.channel,
            requester=requester,
            organization=original.organization,
            priority=original.priority,
            ticket_type=original.ticket_type,
            language=original.language,
            team=original.team,
            status=Status.OPEN,
            created_at=now,
            updated_at=now,
            last_customer_message_at=message.created_at,
        )
        Message.objects.filter(pk=message.pk).update(ticket=new_ticket)
        _system_message(new_ticket, "split_from", number=original.number)
        _system_message(original, "split_out", number=new_ticket.number)
        events = [
            _event(new_ticket, EventKind.CREATED, actor=actor, message=message),
            _event(
                original,
                EventKind.SPLIT,
                actor=actor,
                field="split",
                after=new_ticket,
                message=message,
            ),
        ]
        _touch(original, [], now)
        pipeline.run(events)
    return new_ticket


# --- bulk ----------------------------------------------------------------------------------------


@dataclass
class BulkResult:
    """What a bulk change did: how many tickets changed, and those left as they were."""

    changed: int = 0
    # (ticket, why): tickets that may not be solved yet (a required procedure is unfinished).
    blocked: list[tuple[Ticket, str]] = field(default_factory=list)


def ticket_bulk_update(
    *,
    tickets: Sequence[Ticket],
    actor: User,
    status: str = UNSET,
    priority: int = UNSET,
    assignee: User | None = UNSET,
    team: Team | None = UNSET,
    add_tags: Iterable[str] = (),
) -> BulkResult:
    """Apply the same change to many tickets; each gets its own audit events.

    Each ticket changes whole or not at all. One that may not be solved yet is left as
    it was and reported in `blocked`, and the others still change; any other refusal
    (the actor's role) stops the whole change.
    """
    add_tags = list(add_tags)
    result = BulkResult()
    for ticket in tickets:
        try:
            with transaction.atomic():
                ticket_update(
                    ticket=ticket,
                    actor=actor,
                    status=status,
                    priority=priority,
                    assignee=assignee,
                    team=team,
                )
                if add_tags:
                    ticket_set_tags(ticket=ticket, actor=actor, add=add_tags)
        except SolveBlockedError as error:
            result.blocked.append((ticket, str(error)))
            continue
        result.changed += 1
    return result


def ticket_bulk_merge(*, tickets: Sequence[Ticket], target: Ticket, actor: User) -> Ticket:
    for ticket in tickets:
        if ticket.pk != target.pk:
            ticket_merge(source=ticket, target=target, actor=actor)
    return target
