"""Every write to tickets and messages.

Each function owns its transaction, writes `TicketEvent` rows for the audit trail,
saves with `update_fields`, and hands the events to `pipeline.run` so that what
follows (SLA timers, triggers, notifications, ...) happens in one visible order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from concierge.people.models import Customer, Team, User
from concierge.tickets import pipeline
from concierge.tickets.attachments import (
    IncomingFile,
    clean_filename,
    guess_content_type,
    validate_attachment,
)
from concierge.tickets.html import sanitize_html
from concierge.tickets.models import (
    UNRESOLVED_STATUSES,
    Attachment,
    Channel,
    EventKind,
    Message,
    MessageKind,
    Priority,
    Status,
    Tag,
    Ticket,
    TicketEvent,
    TicketNumberSequence,
    TicketType,
)


class StaleTicketError(Exception):
    """The ticket changed since the caller loaded it; nothing was written."""

    def __init__(self, ticket: Ticket) -> None:
        super().__init__(f"ticket #{ticket.number} is at version {ticket.version}")
        self.ticket = ticket


class NotAllowedError(Exception):
    """The actor's role does not allow this change."""


UNSET: Any = object()

AttachmentInput = UploadedFile | IncomingFile


# --- helpers -------------------------------------------------------------------------------


def _next_ticket_number() -> int:
    """Hand out the next number; the row lock serializes concurrent creators."""
    sequence, _ = TicketNumberSequence.objects.select_for_update().get_or_create(pk=1)
    TicketNumberSequence.objects.filter(pk=1).update(last_number=F("last_number") + 1)
    return sequence.last_number + 1


def _locked(ticket: Ticket, expected_version: int | None) -> Ticket:
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleTicketError(locked)
    return locked


def _label(value: object) -> object:
    """How an event remembers a value: plain values as they are, objects by id and name."""
    if value is None or isinstance(value, str | int | bool | list):
        return value
    return {"id": value.pk, "label": str(value)}


def _event(
    ticket: Ticket,
    kind: str,
    *,
    actor: User | None = None,
    actor_customer: Customer | None = None,
    field: str = "",
    before: object = None,
    after: object = None,
    message: Message | None = None,
) -> TicketEvent:
    return TicketEvent.objects.create(
        ticket=ticket,
        kind=kind,
        actor=actor,
        actor_customer=actor_customer,
        field=field,
        before=_label(before),
        after=_label(after),
        message=message,
    )


def _store_attachments(message: Message, files: Sequence[AttachmentInput]) -> list[Attachment]:
    # Every file is checked before the first is written: a refused file must not leave
    # its siblings behind in storage, where no rolled-back row would ever point to them.
    checked = []
    for item in files:
        if isinstance(item, IncomingFile):
            name = clean_filename(item.filename)
            content_type = guess_content_type(name, item.content_type)
            size = len(item.content)
            content: Any = ContentFile(item.content)
        else:
            name = clean_filename(item.name or "file")
            content_type = guess_content_type(name, item.content_type or "")
            size = item.size or 0
            content = item
        validate_attachment(filename=name, content_type=content_type, size=size)
        checked.append((name, content_type, size, content))
    stored = []
    for name, content_type, size, content in checked:
        attachment = Attachment(
            message=message, filename=name, content_type=content_type, size=size
        )
        attachment.file.save(name, content, save=False)
        attachment.save()
        stored.append(attachment)
    return stored


def _add_message(
    ticket: Ticket,
    *,
    kind: str,
    body_text: str,
    body_html: str = "",
    channel: str,
    author_user: User | None = None,
    author_customer: Customer | None = None,
    attachments: Sequence[AttachmentInput] = (),
) -> Message:
    message = Message.objects.create(
        ticket=ticket,
        kind=kind,
        body_text=body_text.strip(),
        body_html=sanitize_html(body_html),
        channel=channel,
        author_user=author_user,
        author_customer=author_customer,
    )
    if attachments:
        _store_attachments(message, attachments)
    return message


def _system_message(ticket: Ticket, text: str) -> Message:
    return Message.objects.create(
        ticket=ticket, kind=MessageKind.SYSTEM, body_text=text, channel=ticket.channel
    )


def _status_timestamps(ticket: Ticket, status: str, now: Any) -> list[str]:
    """Keep the report timestamps true to the status change."""
    ticket.status = status
    fields = ["status"]
    if status == Status.SOLVED:
        ticket.solved_at = now
        fields.append("solved_at")
        if ticket.closed_at is not None:  # taken back from closed: no longer closed
            ticket.closed_at = None
            fields.append("closed_at")
    elif status == Status.CLOSED:
        ticket.closed_at = now
        fields.append("closed_at")
        if ticket.solved_at is None:
            ticket.solved_at = now
            fields.append("solved_at")
    elif status in UNRESOLVED_STATUSES and (ticket.solved_at or ticket.closed_at):
        ticket.solved_at = None
        ticket.closed_at = None
        fields += ["solved_at", "closed_at"]
    return fields


def _touch(ticket: Ticket, fields: list[str], now: Any) -> None:
    ticket.updated_at = now
    ticket.version += 1
    ticket.save(update_fields=[*dict.fromkeys([*fields, "updated_at", "version"])])


# --- creating tickets and messages -------------------------------------------------------------


def ticket_create(
    *,
    requester: Customer,
    subject: str,
    body_text: str,
    channel: str,
    body_html: str = "",
    attachments: Sequence[AttachmentInput] = (),
    actor: User | None = None,
    priority: int = Priority.NORMAL,
    ticket_type: str = TicketType.QUESTION,
    language: str = "",
    assignee: User | None = None,
    team: Team | None = None,
    tags: Iterable[str] = (),
) -> Ticket:
    """Open a ticket with its first message.

    With `actor` an agent opens it on the customer's behalf (its first message is then
    a public reply from the agent); without, the message is the customer's own.
    """
    now = timezone.now()
    with transaction.atomic():
        organization = requester.organizations.order_by("pk").first()
        ticket = Ticket.objects.create(
            number=_next_ticket_number(),
            subject=subject.strip()[:300] or _("(no subject)"),
            channel=channel,
            requester=requester,
            organization=organization,
            priority=priority,
            ticket_type=ticket_type,
            language=language or requester.language,
            assignee=assignee,
            team=team,
            created_at=now,
            updated_at=now,
            last_customer_message_at=None if actor else now,
            status=Status.OPEN if actor else Status.NEW,
        )
        if tags:
            ticket.tags.set(_tags(tags))
        message = _add_message(
            ticket,
            kind=MessageKind.REPLY if actor else MessageKind.CUSTOMER,
            body_text=body_text,
            body_html=body_html,
            channel=channel,
            author_user=actor,
            author_customer=None if actor else requester,
            attachments=attachments,
        )
        events = [
            _event(
                ticket,
                EventKind.CREATED,
                actor=actor,
                actor_customer=None if actor else requester,
                message=message,
            )
        ]
        pipeline.run(events)
    return ticket


def message_receive(
    *,
    ticket: Ticket,
    customer: Customer,
    body_text: str,
    channel: str,
    body_html: str = "",
    attachments: Sequence[AttachmentInput] = (),
) -> Message:
    """A customer wrote again on an existing ticket (portal reply, e-mail, chat, ...).

    A ticket waiting for the customer (pending), or one marked solved, opens again.
    """
    now = timezone.now()
    with transaction.atomic():
        ticket = _locked(ticket, None)
        message = _add_message(
            ticket,
            kind=MessageKind.CUSTOMER,
            body_text=body_text,
            body_html=body_html,
            channel=channel,
            author_customer=customer,
            attachments=attachments,
        )
        events = [_event(ticket, EventKind.MESSAGE_ADDED, actor_customer=customer, message=message)]
        fields = ["last_customer_message_at"]
        ticket.last_customer_message_at = now
        if ticket.status in (Status.PENDING, Status.SOLVED):
            before = ticket.status
            fields += _status_timestamps(ticket, Status.OPEN, now)
            events.append(
                _event(
                    ticket,
                    EventKind.FIELD_CHANGED,
                    actor_customer=customer,
                    field="status",
                    before=before,
                    after=Status.OPEN,
                )
            )
        _touch(ticket, fields, now)
        pipeline.run(events)
    return message


def ticket_reply(
    *,
    ticket: Ticket,
    author: User,
    body_text: str,
    internal: bool,
    body_html: str = "",
    attachments: Sequence[AttachmentInput] = (),
    expected_version: int | None = None,
    status: str | None = None,
) -> Message:
    """An agent answers the customer, or leaves an internal note for the team.

    Raises StaleTicketError when `expected_version` is given and someone else changed
    the ticket since: the reply is not sent, so the agent can read the news first.
    A public reply to a new ticket opens it; `status` sets another status at once
    (the "reply and set pending" button).
    """
    if not internal and not author.can_reply_publicly:
        raise NotAllowedError(_("Your role may only add internal notes."))
    now = timezone.now()
    with transaction.atomic():
        ticket = _locked(ticket, expected_version)
        message = _add_message(
            ticket,
            kind=MessageKind.NOTE if internal else MessageKind.REPLY,
            body_text=body_text,
            body_html=body_html,
            channel=Channel.WEB if internal else ticket.channel,
            author_user=author,
            attachments=attachments,
        )
        events = [_event(ticket, EventKind.MESSAGE_ADDED, actor=author, message=message)]
        fields: list[str] = []
        if not internal:
            ticket.last_agent_message_at = now
            fields.append("last_agent_message_at")
            if ticket.first_response_at is None:
                ticket.first_response_at = now
                fields.append("first_response_at")
            new_status = status or (Status.OPEN if ticket.status == Status.NEW else None)
        else:
            new_status = status
        if new_status and new_status != ticket.status:
            before = ticket.status
            fields += _status_timestamps(ticket, new_status, now)
            events.append(
                _event(
                    ticket,
                    EventKind.FIELD_CHANGED,
                    actor=author,
                    field="status",
                    before=before,
                    after=new_status,
                )
            )
        _touch(ticket, fields, now)
        pipeline.run(events)
    return message


# --- changing fields -------------------------------------------------------------------------


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


def _tags(names: Iterable[str]) -> list[Tag]:
    cleaned = sorted({n.strip().lower()[:60] for n in names if n and n.strip()})
    existing = {t.name: t for t in Tag.objects.filter(name__in=cleaned)}
    for name in cleaned:
        if name not in existing:
            existing[name], _ = Tag.objects.get_or_create(name=name)
    return [existing[n] for n in cleaned]


def ticket_set_tags(
    *,
    ticket: Ticket,
    actor: User,
    names: Iterable[str] = (),
    add: Iterable[str] = (),
    remove: Iterable[str] = (),
    expected_version: int | None = None,
    replace: bool = False,
) -> Ticket:
    """Replace the tags (`replace=True` with `names`), or add and remove some."""
    if not actor.can_reply_publicly:
        raise NotAllowedError(_("Your role may only add internal notes."))
    now = timezone.now()
    with transaction.atomic():
        ticket = _locked(ticket, expected_version)
        before = sorted(ticket.tags.values_list("name", flat=True))
        if replace:
            wanted = {t.name for t in _tags(names)}
        else:
            removed = {n.strip().lower() for n in remove}
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


def ticket_set_followers(*, ticket: Ticket, actor: User, followers: Iterable[Customer]) -> Ticket:
    now = timezone.now()
    with transaction.atomic():
        ticket = _locked(ticket, None)
        before = sorted(str(c) for c in ticket.followers.all())
        ticket.followers.set(list(followers))
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
        _system_message(
            target, _("Ticket #%(number)s was merged into this ticket.") % {"number": source.number}
        )
        _system_message(
            source, _("This ticket was merged into #%(number)s.") % {"number": target.number}
        )
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
        if original.messages.count() < 2:
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
        _system_message(
            new_ticket, _("Split from ticket #%(number)s.") % {"number": original.number}
        )
        _system_message(
            original,
            _("A message was split out into ticket #%(number)s.") % {"number": new_ticket.number},
        )
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


def ticket_bulk_update(
    *,
    tickets: Sequence[Ticket],
    actor: User,
    status: str = UNSET,
    priority: int = UNSET,
    assignee: User | None = UNSET,
    team: Team | None = UNSET,
    add_tags: Iterable[str] = (),
) -> int:
    """Apply the same change to many tickets; each gets its own audit events."""
    add_tags = list(add_tags)
    for ticket in tickets:
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
    return len(tickets)


def ticket_bulk_merge(*, tickets: Sequence[Ticket], target: Ticket, actor: User) -> Ticket:
    for ticket in tickets:
        if ticket.pk != target.pk:
            ticket_merge(source=ticket, target=target, actor=actor)
    return target
