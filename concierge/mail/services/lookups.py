"""What the messages of one group would each look up, read for many of them at once.

Most of the cost of a message is the ORM's, query by query, and two of its questions are
the same for every message of a group: who the sender is (a customer, usually one the
desk knows) and how many automatic answers that address got in the last hour. A group
asks both for the senders of its next few messages at once (`ingest.READ_AHEAD`, one
query each), and each message takes its answer from there. A sender nobody owns yet
becomes a customer without being looked up again, in the organization that owns its
domain (read ahead too). Only customers committed before are read ahead: one the group
itself creates is looked up by its next message the ordinary way. The acknowledgements
the group queues are counted as it goes, so the hourly limit holds within a group as it
does between them. The group also asks once which of its messages' fingerprints an
accepted copy has already (a duplicate), and notes each message it accepts itself.
"""

from __future__ import annotations

import email.utils
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from concierge.mail import addresses
from concierge.mail.models import ACCEPTED_STATUSES, RawMessage
from concierge.mail.services import outbox
from concierge.people.models import Customer
from concierge.people.services import (
    customer_create_by_email,
    customer_find_or_create_by_email,
    customers_by_email,
    first_organization_ids,
    normalize_email,
    organizations_by_domain,
)
from concierge.tickets.services import UNSET

# A header block longer than this is no ordinary message: its sender is not read ahead.
HEAD_LIMIT = 64 * 1024
HEADER_END = re.compile(rb"\r?\n\r?\n")
# The From field at the start of a line, with its folded continuation lines.
FROM_FIELD = re.compile(rb"^From[ \t]*:(.*(?:\r?\n[ \t].*)*)", re.MULTILINE | re.IGNORECASE)


def sender_address(raw: bytes) -> str:
    """The From address of a raw message, from its header block alone ("" if none).

    Only a hint to read ahead with (processing parses the whole message and decides),
    so only the From field is read, not the whole header block; it never raises,
    whatever the bytes.
    """
    head = raw[:HEAD_LIMIT]
    end = HEADER_END.search(head)
    found = FROM_FIELD.search(head, 0, end.start() if end else len(head))
    if found is None:
        return ""
    value = found.group(1).decode("utf-8", "replace").replace("\r", "").replace("\n", "")
    try:
        pairs = email.utils.getaddresses([value])
    except Exception:  # a hint only: a malformed field is processing's to report
        return ""
    address = addresses.normalize(pairs[0][1]) if pairs else ""
    return address if "@" in address else ""


@dataclass
class GroupLookups:
    """The answers for the messages of one group read so far (`read_ahead`).

    An address not read ahead gets no answer here (None), and the message asks the
    database itself, as it would alone.
    """

    customers: dict[str, Customer] = field(default_factory=dict)
    acknowledgements: Counter[str] = field(default_factory=Counter)
    asked: set[str] = field(default_factory=set)
    # The addresses whose acknowledgements are counted: the senders read ahead, and
    # any other the group was asked about (the group's own are stored at its end).
    counted: set[str] = field(default_factory=set)
    # The organization owning each domain of the senders nobody owned, where one does.
    organizations: dict[str, int] = field(default_factory=dict)
    # Senders the group made customers of: their next messages look them up (the
    # customer may have been rolled back with a failed message).
    created: set[str] = field(default_factory=set)
    # The first organization of each customer read ahead (by customer id; None for
    # none): what their new tickets belong to.
    organization_ids: dict[int, int | None] = field(default_factory=dict)
    # The fingerprints asked for, and the accepted message of each that has one.
    fingerprints: set[str] = field(default_factory=set)
    accepted_copies: dict[str, int] = field(default_factory=dict)

    def read_ahead(self, raws: Iterable[RawMessage], fingerprints: Iterable[str] = ()) -> None:
        """Read the answers for these messages' senders, and for these fingerprints,
        those not read before."""
        wanted = set(fingerprints) - self.fingerprints
        if wanted:
            self.fingerprints |= wanted
            self.accepted_copies.update(
                RawMessage.objects.filter(fingerprint__in=wanted, status__in=ACCEPTED_STATUSES)
                .values_list("fingerprint", "pk")
                .order_by()
            )
        senders = {raw.sender for raw in raws if raw.sender} - self.asked
        if not senders:
            return
        self.asked |= senders
        self.counted |= senders
        found = customers_by_email(senders)
        self.customers.update(found)
        firsts = first_organization_ids(customer.pk for customer in found.values())
        self.organization_ids.update({c.pk: firsts.get(c.pk) for c in found.values()})
        self.acknowledgements.update(outbox.acknowledgements_sent(senders))
        unknown = senders - self.customers.keys()
        if unknown:
            domains = {sender.rpartition("@")[2] for sender in unknown}
            self.organizations.update(organizations_by_domain(domains))

    def customer(self, address: str, *, full_name: str, language: str) -> Customer:
        """The customer who owns `address`: read ahead, created (as nobody owned it when
        it was read ahead), or looked up as a message alone would."""
        address = normalize_email(address)
        known = self.customers.get(address)
        if known is not None:
            return known
        organization_id = self.organizations.get(address.rpartition("@")[2])
        if address not in self.asked or address in self.created:
            customer = customer_find_or_create_by_email(
                email=address, full_name=full_name, language=language
            )
            created = False
        else:
            self.created.add(address)
            customer, created = customer_create_by_email(
                email=address,
                full_name=full_name,
                language=language,
                organization_id=organization_id,
            )
        # A customer made here belongs to what it was put in, without reading that back.
        # Any other one (found, or another worker's) may belong elsewhere; SQLite may even
        # hand a rolled-back customer's id to it.
        if created:
            self.organization_ids[customer.pk] = organization_id
        else:
            self.organization_ids.pop(customer.pk, None)
        return customer

    def organization_id(self, customer: Customer) -> int | None:
        """The first organization of a customer read ahead or made by the group (None for
        none), or UNSET for one it did not read: `ticket_create` then reads it itself."""
        return self.organization_ids.get(customer.pk, UNSET)

    def knows_copies_of(self, fingerprint: str) -> bool:
        return fingerprint in self.fingerprints

    def accepted(self, fingerprint: str, raw_message_id: int) -> None:
        """A message of this group with this fingerprint was accepted: its copies later
        in the group are duplicates of it."""
        if fingerprint:
            self.accepted_copies.setdefault(fingerprint, raw_message_id)

    def acknowledgements_sent(self, address: str) -> int:
        """Acknowledgements to `address` within the hour, the group's own included; an
        address not read ahead is counted now (the group's own to it are none yet)."""
        address = addresses.normalize(address)
        if address not in self.counted:
            self.counted.add(address)
            self.acknowledgements.update(outbox.acknowledgements_sent([address]))
        return self.acknowledgements[address]

    def acknowledged(self, address: str) -> None:
        """An acknowledgement to `address` was queued by a message of this group."""
        address = addresses.normalize(address)
        self.acknowledgements[address] += 1
