"""Tickets, their threads, tags and audit events, generated in arrival order, chunk by chunk.

Ticket i of n arrives at the i-th quantile of a volume that grows linearly over the
window (half the average at the start, one and a half at the end), so numbers follow
arrival. Each ticket's thread alternates customer and agent turns with internal notes,
spread between its arrival and its last activity; timestamps on the ticket (first
response, last messages, solved, closed) are the thread's own.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from bench.bulk import Row, Table, Writer, next_id
from bench.dataset import (
    CHANNELS,
    DAY,
    HOUR,
    PRIORITIES,
    STATUS_BY_AGE,
    TYPES,
    Customers,
    Scale,
    Staff,
    Weighted,
)
from bench.texts import TextPool
from concierge.tickets.models import Attachment, Message, Ticket, TicketEvent

TICKET_FIELDS = [
    "id", "number", "subject", "status", "priority", "ticket_type", "channel", "requester",
    "organization", "assignee", "team", "language", "merged_into", "version", "created_at",
    "updated_at", "first_response_at", "last_customer_message_at", "last_agent_message_at",
    "solved_at", "closed_at",
]  # fmt: skip
MESSAGE_FIELDS = [
    "id", "ticket", "kind", "author_user", "author_customer", "channel", "body_text",
    "body_html", "created_at",
]  # fmt: skip
EVENT_FIELDS = [
    "id", "ticket", "kind", "actor", "actor_customer", "field", "before", "after", "message",
    "created_at",
]  # fmt: skip
QUOTED = {s: json.dumps(s) for s in ("new", "open", "pending", "on_hold", "solved", "closed")}


@dataclass
class Ids:
    ticket: int
    number: int
    message: int
    event: int
    tagging: int
    attachment: int

    @classmethod
    def after_existing(cls) -> Ids:
        sequence_top = Ticket.objects.order_by("-number").values_list("number", flat=True).first()
        return cls(
            ticket=next_id(Ticket),
            number=(sequence_top or 0) + 1,
            message=next_id(Message),
            event=next_id(TicketEvent),
            tagging=next_id(Ticket.tags.through),
            attachment=next_id(Attachment),
        )


@dataclass
class Chunk:
    tickets: list[Row] = field(default_factory=list)
    taggings: list[Row] = field(default_factory=list)
    messages: list[Row] = field(default_factory=list)
    events: list[Row] = field(default_factory=list)
    attachments: list[Row] = field(default_factory=list)


class TicketGenerator:
    def __init__(
        self,
        scale: Scale,
        rng: random.Random,
        writer: Writer,
        staff: Staff,
        customers: Customers,
        pools: dict[str, TextPool],
        now: int,
    ) -> None:
        self.scale, self.rng, self.writer = scale, rng, writer
        self.staff, self.customers, self.pools = staff, customers, pools
        self.now = now
        self.start = now - int(scale.years * 365 * DAY)
        self.ids = Ids.after_existing()
        self.tables = {
            "ticket": Table(Ticket, TICKET_FIELDS),
            "tagging": Table(Ticket.tags.through, ["id", "ticket", "tag"]),
            "message": Table(Message, MESSAGE_FIELDS),
            "event": Table(TicketEvent, EVENT_FIELDS),
            "attachment": Table(
                Attachment,
                ["id", "message", "file", "filename", "content_type", "size", "created_at"],
            ),
        }
        self.priorities, self.types = Weighted(PRIORITIES), Weighted(TYPES)
        self.channels = Weighted(CHANNELS)
        self.teams = Weighted(tuple((team.pk, share) for team, share in staff.teams))
        self.statuses = [(age, Weighted(pairs)) for age, pairs in STATUS_BY_AGE]
        # The long thread sits where tickets six weeks old arrive, in the restricted team.
        self.long_thread_index = self._index_at(now - 42 * DAY)
        self.long_thread_number = 0

    def _index_at(self, instant: int) -> int:
        fraction = (instant - self.start) / (self.now - self.start)
        quantile = 0.5 * fraction + fraction * fraction / 2
        return min(self.scale.tickets - 1, int(quantile * self.scale.tickets))

    def _arrival(self, index: int) -> int:
        quantile = (index + self.rng.random()) / self.scale.tickets
        fraction = -0.5 + math.sqrt(0.25 + 2 * quantile)
        return self.start + int(fraction * (self.now - self.start - HOUR))

    def _status(self, age: int) -> str:
        for limit, chooser in self.statuses:
            if age < limit:
                return chooser.draw(self.rng)
        raise AssertionError("the last age bucket is unbounded")

    def _message_count(self, status: str) -> int:
        if status == "new":
            return 1 + (self.rng.random() < 0.2)
        mean = max(self.scale.messages_per_ticket - 0.5, 0.5)
        return min(80, 1 + int(self.rng.expovariate(1 / mean)))

    def generate(self, chunk_size: int, flush: Callable[[Chunk, int], None]) -> None:
        chunk = Chunk()
        for index in range(self.scale.tickets):
            if index == self.long_thread_index:
                self._long_thread(chunk)
            else:
                self._ticket(chunk, index)
            if len(chunk.tickets) >= chunk_size:
                flush(chunk, index + 1)
                chunk = Chunk()
        if chunk.tickets:
            flush(chunk, self.scale.tickets)

    def _ticket(self, chunk: Chunk, index: int) -> None:
        rng, ts = self.rng, self.writer.timestamp
        created = self._arrival(index)
        age = self.now - created
        status = self._status(age)
        customer = int(len(self.customers.languages) * rng.random() ** 1.5)
        language = self.customers.languages[customer]
        pool = self.pools[language]
        team = self.teams.draw(rng) if rng.random() < 0.96 else None
        members = self.staff.members[team] if team else self.staff.members[self.teams.values[0]]
        assigned = rng.random() < (0.15 if status == "new" else 0.92)
        assignee = rng.choice(members) if assigned else None
        channel = self.channels.draw(rng)
        if channel == "agent" and assignee is None:
            channel = "email"

        # When the conversation ended (or last moved), inside the ticket's lifetime.
        solved = closed = None
        if status in ("solved", "closed"):
            room = age - (4 * DAY if status == "closed" else 0) - 600
            if room <= 600:
                status, room = "open", age - 60
            else:
                solved = created + min(room, int(rng.expovariate(1 / (36 * HOUR))) + 600)
                closed = solved + 4 * DAY if status == "closed" else None
            last = solved or created + max(60, room)
        else:
            last = created + min(max(age - 60, 60), int(rng.expovariate(1 / (24 * HOUR))) + 60)

        ticket_id, number = self.ids.ticket, self.ids.number
        self.ids.ticket += 1
        self.ids.number += 1
        customer_id = self.customers.first_id + customer
        count = self._message_count(status)
        first_response = last_customer = last_agent = None
        first_message_id = self.ids.message
        kind = "reply" if channel == "agent" else "customer"
        for position in range(count):
            at = created if position == 0 else created + (last - created) * position // (count - 1)
            if position == count - 1 and solved is not None:
                kind = "reply"
            if kind == "customer":
                body = rng.choice(pool.customer)
                html = (
                    rng.choice(pool.customer_html)
                    if channel == "email" and rng.random() < 0.3
                    else ""
                )
                author_user, author_customer, last_customer = None, customer_id, at
            else:
                body = rng.choice(pool.notes if kind == "note" else pool.agent)
                html = ""
                author_user, author_customer = assignee or rng.choice(members), None
                if kind == "reply":
                    last_agent = at
                    first_response = first_response or at
            chunk.messages.append(
                (
                    self.ids.message, ticket_id, kind, author_user, author_customer,
                    "web" if kind == "note" else channel, body, html, ts(at),
                )
            )  # fmt: skip
            self.ids.message += 1
            roll = rng.random()
            if kind == "customer":
                kind = "note" if roll < 0.12 else "reply"
            else:
                kind = "customer" if roll < 0.8 else ("note" if roll < 0.9 else "reply")

        updated = closed or solved or last
        organization_ids = self.customers.organization_ids
        chunk.tickets.append(
            (
                ticket_id, number, rng.choice(pool.subjects), status, self.priorities.draw(rng),
                self.types.draw(rng), channel, customer_id, organization_ids[customer],
                assignee, team, language, None, count + 1, ts(created), ts(updated),
                first_response and ts(first_response), last_customer and ts(last_customer),
                last_agent and ts(last_agent), solved and ts(solved), closed and ts(closed),
            )
        )  # fmt: skip
        self._event(
            chunk,
            ticket_id,
            "created",
            None,
            customer_id,
            "",
            None,
            None,
            first_message_id,
            created,
        )
        if solved is not None:
            self._event(
                chunk,
                ticket_id,
                "field_changed",
                assignee,
                None,
                "status",
                "open",
                "solved",
                None,
                solved,
            )
        if closed is not None:
            self._event(
                chunk,
                ticket_id,
                "field_changed",
                None,
                None,
                "status",
                "solved",
                "closed",
                None,
                closed,
            )
        tags = {
            int(len(self.staff.tag_ids) * rng.random() ** 2)
            for _ in range(rng.choice((0, 1, 1, 2, 2, 3)))
        }
        for tag in sorted(tags):
            chunk.taggings.append((self.ids.tagging, ticket_id, self.staff.tag_ids[tag]))
            self.ids.tagging += 1

    def _event(
        self,
        chunk: Chunk,
        ticket_id: int,
        kind: str,
        actor: int | None,
        actor_customer: int | None,
        field_name: str,
        before: str | None,
        after: str | None,
        message_id: int | None,
        at: int,
    ) -> None:
        chunk.events.append(
            (
                self.ids.event, ticket_id, kind, actor, actor_customer, field_name,
                QUOTED.get(before) if before else None, QUOTED.get(after) if after else None,
                message_id, self.writer.timestamp(at),
            )
        )  # fmt: skip
        self.ids.event += 1

    def _long_thread(self, chunk: Chunk) -> None:
        """One ticket worked on for weeks: the ticket page's worst case."""
        from bench.long_thread import add_long_thread

        self.long_thread_number = add_long_thread(self, chunk)
