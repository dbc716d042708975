"""What the ticket services share: errors, locking, events, messages, attachments."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import F

from concierge.people.models import Customer, User
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
    Message,
    MessageKind,
    Status,
    Tag,
    Ticket,
    TicketEvent,
    TicketNumberSequence,
)
from concierge.tickets.system_notes import system_note, system_note_desk_text


class StaleTicketError(Exception):
    """The ticket changed since the caller loaded it; nothing was written."""

    def __init__(self, ticket: Ticket) -> None:
        super().__init__(f"ticket #{ticket.number} is at version {ticket.version}")
        self.ticket = ticket


class NotAllowedError(Exception):
    """The actor's role does not allow this change."""


UNSET: Any = object()

# The events of the unit of work running now (see `unit_of_work`); None outside one.
_kept_events: ContextVar[list[TicketEvent] | None] = ContextVar("kept_events", default=None)


@contextmanager
def unit_of_work(events: list[TicketEvent]) -> Iterator[None]:
    """Many ticket changes in one transaction, each in a savepoint the caller makes.

    Inside the block the events the services write are appended to `events`, not
    stored: the caller stores them (with one bulk INSERT) before its transaction ends,
    and takes back those of a change it rolls back. Nothing in a ticket change reads
    its events back from the database (the pipeline gets them as objects, and nothing
    refers to an event's row). And the services that open a ticket or add a customer's
    message make no savepoint of their own (`change_atomic`): a failure rolls back to
    the caller's. A group of incoming mail is such a unit.
    """
    token = _kept_events.set(events)
    try:
        yield
    finally:
        _kept_events.reset(token)


def change_atomic() -> transaction.Atomic:
    """The transaction of one ticket change: a savepoint when called inside a
    transaction, except in a unit of work, where the caller makes one around it."""
    return transaction.atomic(savepoint=_kept_events.get() is None)


# The rule on whose behalf the services are running (see `caused_by`); None for people.
_cause: ContextVar[dict[str, object] | None] = ContextVar("ticket_event_cause", default=None)


@contextmanager
def caused_by(kind: str, pk: int, name: str) -> Iterator[None]:
    """Every event written inside this block names the rule that caused it.

    Automation (a trigger, a time rule, routing) calls the same services as people do,
    with no actor; the audit trail then says which rule acted instead of "nobody".
    """
    token = _cause.set({"kind": kind, "id": pk, "name": name})
    try:
        yield
    finally:
        _cause.reset(token)


def current_cause() -> dict[str, object] | None:
    return _cause.get()


AttachmentInput = UploadedFile | IncomingFile


# --- helpers -------------------------------------------------------------------------------


_NEXT_NUMBER_SQL = (
    f"UPDATE {TicketNumberSequence._meta.db_table} "  # noqa: S608 - no outside input
    "SET last_number = last_number + 1 WHERE id = 1 RETURNING last_number"
)


def _next_ticket_number() -> int:
    """Hand out the next number; the row lock serializes concurrent creators.

    One UPDATE ... RETURNING (SQLite and PostgreSQL both have it) takes the lock and
    the number at once; only the very first ticket creates the row.
    """
    with connection.cursor() as cursor:
        cursor.execute(_NEXT_NUMBER_SQL)
        row = cursor.fetchone()
    if row is not None:
        return row[0]
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
    event = TicketEvent(
        ticket=ticket,
        kind=kind,
        actor=actor,
        actor_customer=actor_customer,
        field=field,
        before=_label(before),
        after=_label(after),
        message=message,
        cause=_cause.get(),
    )
    kept = _kept_events.get()
    if kept is None:
        event.save()
    else:
        kept.append(event)
    return event


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


def _system_message(ticket: Ticket, note: str, *, number: int) -> Message:
    """A line from the desk itself in the thread, shown in each reader's language."""
    data = system_note(note, number=number)
    return Message.objects.create(
        ticket=ticket,
        kind=MessageKind.SYSTEM,
        body_text=system_note_desk_text(data),
        system_note=data,
        channel=ticket.channel,
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


def _tags(names: Iterable[str]) -> list[Tag]:
    cleaned = sorted({Tag.normalize(n) for n in names if n and n.strip()})
    existing = {t.name: t for t in Tag.objects.filter(name__in=cleaned)}
    for name in cleaned:
        if name not in existing:
            existing[name], _ = Tag.objects.get_or_create(name=name)
    return [existing[n] for n in cleaned]
