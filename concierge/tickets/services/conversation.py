"""Opening tickets and adding to their conversation."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from operator import attrgetter

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from concierge.automation.language import new_ticket_language
from concierge.people.models import Customer, Team, User
from concierge.tickets import pipeline
from concierge.tickets.models import (
    Channel,
    EventKind,
    Message,
    MessageKind,
    Priority,
    Status,
    Ticket,
    TicketType,
)
from concierge.tickets.services._common import (
    UNSET,
    AttachmentInput,
    NotAllowedError,
    _add_message,
    _event,
    _locked,
    _next_ticket_number,
    _status_timestamps,
    _tags,
    _touch,
    change_atomic,
)
from concierge.tickets.services.fields import check_ticket_may_be_solved

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
    recorded_by: User | None = None,
    organization_id: int | None = UNSET,
) -> Ticket:
    """Open a ticket with its first message.

    With `actor` an agent opens it on the customer's behalf (its first message is then
    a public reply from the agent); without, the message is the customer's own.
    `recorded_by` is the agent who wrote the customer's words down (a phone call, a
    walk-in): the audit trail names them as the one who opened the ticket. The ticket
    belongs to the requester's first organization (by id): `organization_id` when the
    caller looked it up already (people.services.first_organization_ids, None for none).
    The returned ticket carries its first message as `opening_message`.
    """
    now = timezone.now()
    subject = subject.strip()[:300] or _("(no subject)")
    # Only the customer's own words say it: an agent who opens a ticket, or writes a
    # call down, chose its language.
    if actor is None and recorded_by is None:
        language = new_ticket_language(
            given=language,
            requester_language=requester.language,
            subject=subject,
            body=body_text.strip(),
        )
    with change_atomic():
        if organization_id is UNSET:
            # All of them, not the first by a query: a caller that read many customers
            # at once may have read their organizations with them (prefetch_related).
            first = min(requester.organizations.all(), key=attrgetter("pk"), default=None)
            organization_id = first.pk if first is not None else None
        ticket = Ticket.objects.create(
            number=_next_ticket_number(),
            subject=subject,
            channel=channel,
            requester=requester,
            organization_id=organization_id,
            priority=priority,
            ticket_type=ticket_type,
            language=language or requester.language,
            assignee=assignee,
            team=team,
            created_at=now,
            updated_at=now,
            last_customer_message_at=None if actor else now,
            # An agent's ticket starts with the agent's public reply.
            last_agent_message_at=now if actor else None,
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
                actor=actor or recorded_by,
                actor_customer=None if actor else requester,
                message=message,
            )
        ]
        pipeline.run(events)
    ticket.opening_message = message
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
    A message for a merged ticket lands in the ticket it was merged into.
    """
    now = timezone.now()
    with change_atomic():
        ticket = _locked(ticket, None)
        # A merged ticket is closed; its conversation continues in the ticket it went into.
        seen = {ticket.pk}
        while ticket.merged_into_id and ticket.merged_into_id not in seen:
            seen.add(ticket.merged_into_id)
            ticket = _locked(ticket.merged_into, None)
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
    author: User | None,
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
    (the "reply and set pending" button). Only an internal note may have no author:
    automation writes those (see `caused_by`).
    """
    if not internal and (author is None or not author.can_reply_publicly):
        raise NotAllowedError(_("Your role may only add internal notes."))
    now = timezone.now()
    with transaction.atomic():
        ticket = _locked(ticket, expected_version)
        if status:
            check_ticket_may_be_solved(ticket, status)
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
