"""The ticket page's worst case: one ticket with a 200-message thread and a long timeline.

It is a partner's integration problem that went back and forth for six weeks: customer
messages with screenshots and logs attached, replies, internal notes, two merged-in
duplicates (system messages), and every change in the audit trail. It belongs to the
restricted team, so both benchmark users may open it.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from bench.dataset import HOUR, RESTRICTED_TEAM

if TYPE_CHECKING:
    from bench.tickets import Chunk, TicketGenerator

ATTACHMENT_KINDS = (
    ("screenshot-{n}.png", "image/png"),
    ("api-log-{n}.txt", "text/plain"),
    ("invoice-{n}.pdf", "application/pdf"),
)


def add_long_thread(generator: TicketGenerator, chunk: Chunk) -> int:
    """Append the long ticket to the chunk; returns its number."""
    rng, ts, ids = generator.rng, generator.writer.timestamp, generator.ids
    staff = generator.staff
    team = next(team.pk for team, _ in staff.teams if team.name == RESTRICTED_TEAM)
    agent = staff.restricted_agent.pk
    colleagues = staff.members[team]
    customer = 1 % len(generator.customers.languages)
    customer_id = generator.customers.first_id + customer
    language = generator.customers.languages[customer]
    pool = generator.pools[language]
    count = generator.scale.long_thread_messages
    created = generator.now - 42 * 24 * HOUR
    last = generator.now - HOUR
    ticket_id, number = ids.ticket, ids.number
    ids.ticket += 1
    ids.number += 1

    def event(kind: str, at: int, **values: object) -> None:
        generator._event(
            chunk,
            ticket_id,
            kind,
            values.get("actor", agent),
            values.get("actor_customer"),
            str(values.get("field", "")),
            None,
            None,
            values.get("message"),  # type: ignore[arg-type]
            at,
        )
        before, after = values.get("before"), values.get("after")
        if before is not None or after is not None:
            row = chunk.events[-1]
            chunk.events[-1] = (*row[:6], json.dumps(before), json.dumps(after), *row[8:])

    first_response = last_customer = last_agent = None
    for position in range(count):
        at = created + (last - created) * position // (count - 1)
        message_id = ids.message
        ids.message += 1
        if position in (60, 140):
            kind, author_user, author_customer = "system", None, None
            body = f"Ticket #{number + position} was merged into this ticket."
        elif position % 2 == 0:
            kind, author_user, author_customer = "customer", None, customer_id
            body = rng.choice(pool.customer)
            last_customer = at
        elif position % 7 == 3:
            kind, author_user, author_customer = "note", rng.choice(colleagues), None
            body = rng.choice(pool.notes)
        else:
            kind, author_user, author_customer = "reply", agent, None
            body = rng.choice(pool.agent)
            last_agent = at
            first_response = first_response or at
        channel = "web" if kind == "note" else "email"
        html = rng.choice(pool.customer_html) if kind == "customer" and position % 3 == 0 else ""
        chunk.messages.append(
            (message_id, ticket_id, kind, author_user, author_customer, channel, body, html, ts(at))
        )
        if position == 0:
            event("created", at, actor=None, actor_customer=customer_id, message=message_id)
        else:
            actor = author_user if kind != "customer" else None
            event(
                "message_added", at, actor=actor, actor_customer=author_customer, message=message_id
            )
        if kind == "customer" and position % 8 == 0:
            name, content_type = ATTACHMENT_KINDS[position % len(ATTACHMENT_KINDS)]
            filename = name.format(n=position)
            chunk.attachments.append(
                (
                    ids.attachment,
                    message_id,
                    f"attachments/bench/{ticket_id}/{filename}",
                    filename,
                    content_type,
                    rng.randint(20_000, 2_000_000),
                    ts(at),
                )
            )
            ids.attachment += 1
        if position % 20 == 1:
            status = "pending" if position % 40 == 1 else "open"
            previous = "open" if status == "pending" else "pending"
            event("field_changed", at + 60, field="status", before=previous, after=status)
        if position in (5, 55, 105):
            event(
                "field_changed",
                at + 90,
                field="priority",
                before=position // 50 + 1,
                after=position // 50 + 2,
            )
        if position in (11, 77):
            event("tags_changed", at + 120, field="tags", before=["api"], after=["api", "bug"])
    chunk.tickets.append(
        (
            ticket_id, number, "Integration: webhook deliveries fail intermittently", "open", 4,
            "problem", "email", customer_id, generator.customers.organization_ids[customer], agent,
            team, language, None, count + 40, ts(created), ts(last + 300),
            first_response and ts(first_response), last_customer and ts(last_customer),
            last_agent and ts(last_agent), None, None,
        )
    )  # fmt: skip
    for tag in (staff.long_thread_tag_id, *staff.tag_ids[:2]):
        chunk.taggings.append((ids.tagging, ticket_id, tag))
        ids.tagging += 1
    return number
