"""Rows a group of incoming mail stores together, with one INSERT per table.

A message's Message-IDs (its own, and its acknowledgement's), its new ticket's mail
link (`EmailTicket`) and its acknowledgement (`OutboundEmail`, sent only after the
commit anyway) are read by no later step of that message: only by a later message
that answers the ticket, through threading or the outbox (the group counts the
acknowledgements it queued itself, concierge.mail.services.lookups). So a group keeps
them and stores them all at once: when it ends, and before a message that names one of
the tickets or Message-IDs kept (`concerns`, from `threading.thread_keys`), since only
such a message can reach them. A message that fails takes its rows back out (`mark`,
`rollback_to`), as its savepoint takes back everything else it wrote.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from concierge.mail.models import EmailTicket, MailMessageId, OutboundEmail
from concierge.mail.services import outbox
from concierge.tickets.models import TicketEvent


@dataclass
class DeferredRows:
    email_tickets: list[EmailTicket] = field(default_factory=list)
    message_ids: list[MailMessageId] = field(default_factory=list)
    outbound_emails: list[OutboundEmail] = field(default_factory=list)
    # The ticket events the messages' changes wrote (tickets.services.unit_of_work):
    # nothing reads them back, so they wait for the group's end whatever comes.
    ticket_events: list[TicketEvent] = field(default_factory=list)

    def _lists(self) -> tuple[list, ...]:
        return (self.email_tickets, self.message_ids, self.outbound_emails, self.ticket_events)

    def __bool__(self) -> bool:
        # Events alone never make a message store early: nothing reads them back.
        return bool(self.email_tickets or self.message_ids or self.outbound_emails)

    def extend(self, other: DeferredRows) -> None:
        for mine, theirs in zip(self._lists(), other._lists(), strict=True):
            mine += theirs

    def concerns(self, message_ids: Iterable[str], ticket_numbers: set[int]) -> bool:
        """Whether a message answering these ids, or naming these tickets, may need a
        row kept here (rows of the tickets they lead to, or the ids themselves)."""
        if not self:
            return False
        kept_ids = {row.message_id for row in self.message_ids}
        kept_tickets = {
            row.ticket.number
            for rows in (self.message_ids, self.email_tickets, self.outbound_emails)
            for row in rows
        }
        return not kept_ids.isdisjoint(message_ids) or not kept_tickets.isdisjoint(ticket_numbers)

    def mark(self) -> tuple[int, ...]:
        return tuple(len(rows) for rows in self._lists())

    def rollback_to(self, mark: tuple[int, ...]) -> None:
        """Forget the rows added since `mark` (their message was rolled back)."""
        for rows, kept in zip(self._lists(), mark, strict=True):
            del rows[kept:]

    def store(self) -> None:
        """Store the rows kept so far (one query per table that has any), and forget them;
        the e-mails among them are sent once the transaction commits."""
        if self.email_tickets:
            EmailTicket.objects.bulk_create(self.email_tickets)
        if self.message_ids:
            MailMessageId.objects.bulk_create(self.message_ids)
        if self.outbound_emails:
            stored = OutboundEmail.objects.bulk_create(self.outbound_emails)
            outbox.send_when_committed([email.pk for email in stored])
        if self.ticket_events:
            TicketEvent.objects.bulk_create(self.ticket_events)
        for rows in self._lists():
            rows.clear()  # in place: the services append events to that very list
