"""Which ticket an incoming message belongs to.

In order: a per-ticket reply address, the Message-IDs it answers (In-Reply-To, then
References from the newest), and the `[#1234]` token in the subject, which counts
only when the sender already takes part in that ticket. Never the subject alone.
"""

from __future__ import annotations

import email
import re
from collections.abc import Iterable
from dataclasses import dataclass
from email import policy

from django.db.models import Q

from concierge.mail import addresses
from concierge.mail.headers import parse_id_list, parse_message_id
from concierge.mail.mime import ParsedMessage
from concierge.mail.models import Direction, MailMessageId
from concierge.mail.services import agent_replies
from concierge.people.models import Customer, IdentityKind
from concierge.tickets.models import Ticket

SUBJECT_TOKEN = re.compile(r"\[#(\d{1,18})\]")
REPORT_TYPES = {"message/rfc822", "text/rfc822-headers", "message/global-headers"}


def recipient_addresses(parsed: ParsedMessage, envelope_to: Iterable[str] = ()) -> list[str]:
    """Every address the message was delivered to, envelope and headers alike."""
    found = [*envelope_to]
    found += [a.address for a in (*parsed.to, *parsed.cc)]
    for name in ("Delivered-To", "X-Original-To", "Envelope-To"):
        found += [value for key, value in parsed.headers if key.lower() == name.lower()]
    return [addresses.normalize(a) for a in found if a and "@" in a]


def bounced_message_ids(parsed: ParsedMessage) -> list[str]:
    """The Message-IDs of the messages a bounce reports, read from its attached copy."""
    ids: list[str] = []
    for attachment in parsed.attachments:
        if attachment.content_type.lower() not in REPORT_TYPES:
            continue
        original = email.message_from_bytes(attachment.content, policy=policy.compat32)
        ids += [
            parse_message_id(original.get("Message-ID")),
            *parse_id_list(original.get("References")),
        ]
    return [i for i in ids if i]


def referenced_ids(parsed: ParsedMessage) -> list[str]:
    """The ids this message answers, the most specific first."""
    ids = [parsed.in_reply_to, *reversed(parsed.references)]
    if parsed.is_bounce:
        ids += bounced_message_ids(parsed)
    return list(dict.fromkeys(i for i in ids if i))


def ticket_by_message_ids(ids: list[str]) -> Ticket | None:
    if not ids:
        return None
    # The last row of an id wins: our own sent ids ("out") come after received ones, as
    # they cannot be forged by reuse, and of each direction the oldest comes last.
    tickets = dict(
        MailMessageId.objects.filter(message_id__in=ids)
        .order_by("direction", "-pk")
        .values_list("message_id", "ticket_id")
    )
    # The ticket alone, not joined to the ids: most ids name no ticket, and building
    # rows for the join costs more than the one read of the ticket found.
    found = next((tickets[i] for i in ids if i in tickets), None)
    if found is None:
        return None
    # No first(): it would order by the key, of which there is one row.
    return next(iter(Ticket.objects.filter(pk=found)), None)  # None: deleted since


def _takes_part(ticket: Ticket, sender: str) -> bool:
    """Whether the sender is the ticket's requester or one of its followers."""
    customers = Customer.objects.filter(
        identities__kind=IdentityKind.EMAIL, identities__value=addresses.normalize(sender)
    )
    return (
        Ticket.objects.filter(pk=ticket.pk)
        .filter(Q(requester__in=customers) | Q(followers__in=customers))
        .exists()
    )


def merge_target(ticket: Ticket) -> Ticket:
    """A merged ticket's conversation goes on in the ticket it was merged into."""
    seen = {ticket.pk}
    while ticket.merged_into_id and ticket.merged_into_id not in seen:
        seen.add(ticket.merged_into_id)
        ticket = Ticket.objects.get(pk=ticket.merged_into_id)
    return ticket


def ticket_for_message(
    parsed: ParsedMessage, *, envelope_to: Iterable[str] = (), sender: str = ""
) -> Ticket | None:
    found = _find(parsed, envelope_to=envelope_to, sender=sender)
    return merge_target(found) if found is not None else None


@dataclass(frozen=True)
class ThreadKeys:
    """Every way a message names a ticket, as `_find` tries them in turn. No query."""

    # Its per-ticket reply address, or else the key of an agent's e-mail it answers.
    number: int | None
    # The Message-IDs it answers, the most specific first.
    message_ids: list[str]
    # The `[#1234]` token of its subject (it counts only when the sender takes part).
    subject_number: int | None

    @property
    def ticket_numbers(self) -> set[int]:
        return {n for n in (self.number, self.subject_number) if n is not None}


def thread_keys(parsed: ParsedMessage, envelope_to: Iterable[str] = ()) -> ThreadKeys:
    """The keys of a message; one with none can only open a ticket."""
    number = addresses.ticket_number_from(recipient_addresses(parsed, envelope_to))
    if number is None:
        # A valid key of an e-mail to an agent names its ticket, as a reply address does.
        number = agent_replies.keyed_ticket_number(parsed, envelope_to)
    match = SUBJECT_TOKEN.search(parsed.subject)
    return ThreadKeys(
        number=number,
        message_ids=referenced_ids(parsed),
        subject_number=int(match.group(1)) if match else None,
    )


def _find(parsed: ParsedMessage, *, envelope_to: Iterable[str], sender: str) -> Ticket | None:
    keys = thread_keys(parsed, envelope_to)
    if keys.number is not None:
        ticket = Ticket.objects.filter(number=keys.number).first()
        if ticket is not None:
            return ticket
    ticket = ticket_by_message_ids(keys.message_ids)
    if ticket is not None:
        return ticket
    if keys.subject_number is not None and sender:
        ticket = Ticket.objects.filter(number=keys.subject_number).first()
        if ticket is not None and _takes_part(ticket, sender):
            return ticket
    return None


#: What `make_msgid(idstring=OWN_MESSAGE_ID_TAG)` puts before the "@" of every Message-ID
#: the outbox gives out.
OWN_MESSAGE_ID_TAG = "concierge"


def is_our_own_message(message_id: str) -> bool:
    """Whether the outbox sent a message with this Message-ID (it came back to us).

    Only a Message-ID of the form the outbox makes is looked up: most mail costs no query.
    """
    return (
        f".{OWN_MESSAGE_ID_TAG}@" in message_id
        and MailMessageId.objects.filter(
            message_id=message_id, direction=Direction.OUTBOUND
        ).exists()
    )
