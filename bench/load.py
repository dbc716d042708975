"""Fill the current database with a generated desk (the work behind `bench.generate`)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from bench import bulk
from bench.dataset import DAY, Scale, create_staff, write_customers
from bench.texts import text_pools
from bench.tickets import Chunk, TicketGenerator
from concierge.people.models import (
    Customer,
    CustomerIdentity,
    Organization,
    OrganizationDomain,
    OrganizationMembership,
)
from concierge.tickets.models import Attachment, Message, Ticket, TicketEvent, TicketNumberSequence

# Below this many tickets, keeping the indexes is faster than rebuilding them.
BULK_LOAD_FROM = 50_000
BIG_TABLES = ("tickets_ticket", "tickets_message", "tickets_ticketevent", "tickets_ticket_tags")


class DatabaseNotEmptyError(Exception):
    pass


@dataclass
class GenerationResult:
    tickets: int
    messages: int
    long_thread_number: int
    seconds: float


def generate(
    scale: Scale, *, chunk_size: int = 20_000, report: Callable[[str], None] = print
) -> GenerationResult:
    """Generate the desk into the default database; the database must hold no tickets."""
    started = time.monotonic()
    if Ticket.objects.exists():
        raise DatabaseNotEmptyError(
            "This database already holds tickets. Generate into a fresh one: remove "
            "var/bench.sqlite3, or drop and recreate the PostgreSQL database."
        )
    bulk_load = scale.tickets >= BULK_LOAD_FROM
    bulk.prepare_session(bulk_load)
    rng = random.Random(scale.seed)
    now = int(timezone.now().timestamp()) // 3600 * 3600
    counter = bulk.Counter()
    writer = bulk.Writer(counter)
    pools = text_pools(scale.seed)

    with transaction.atomic():
        staff = create_staff(scale, rng)
        customers = write_customers(scale, rng, writer, now - int(scale.years * 365 * DAY))
    report(
        f"people: {scale.agent_count} agents, {scale.customer_count:,} customers, "
        f"{scale.organization_count:,} organizations"
    )

    existing = set(connection.introspection.table_names())
    tables = [t for t in BIG_TABLES if t in existing]
    dropped = bulk.drop_secondary_schema(tables) if bulk_load else bulk.DroppedSchema()
    generator = TicketGenerator(scale, rng, writer, staff, customers, pools, now)

    def flush(chunk: Chunk, done: int) -> None:
        with transaction.atomic():
            writer.write(generator.tables["ticket"], chunk.tickets)
            writer.write(generator.tables["tagging"], chunk.taggings)
            writer.write(generator.tables["message"], chunk.messages)
            writer.write(generator.tables["attachment"], chunk.attachments)
            writer.write(generator.tables["event"], chunk.events)
        messages = counter.rows.get("tickets_message", 0)
        report(
            f"tickets {done:>10,}/{scale.tickets:,} ({done / scale.tickets:4.0%})  "
            f"messages {messages:>12,}  {counter.rate():>9,.0f} rows/s"
        )

    generator.generate(chunk_size, flush)
    if dropped.indexes or dropped.foreign_keys:
        report("rebuilding indexes and foreign keys:")
        bulk.restore_schema(dropped, report)
    with transaction.atomic():
        sequence, _ = TicketNumberSequence.objects.get_or_create(pk=1)
        last_number = max(sequence.last_number, generator.ids.number - 1)
        TicketNumberSequence.objects.filter(pk=1).update(last_number=last_number)
        long_thread = Ticket.objects.get(number=generator.long_thread_number)
        long_thread.followers.add(*Customer.objects.order_by("pk")[:2])
        bulk.reset_sequences(
            [
                Ticket, Message, TicketEvent, Attachment, Ticket.tags.through, Customer,
                CustomerIdentity, Organization, OrganizationDomain, OrganizationMembership,
            ]
        )  # fmt: skip
    bulk.finish_session(report)
    seconds = time.monotonic() - started
    report(
        f"done: {counter.total:,} rows in {seconds:,.0f}s ({counter.total / seconds:,.0f} rows/s); "
        f"the {scale.long_thread_messages}-message thread is ticket #{generator.long_thread_number}"
    )
    return GenerationResult(
        tickets=scale.tickets,
        messages=counter.rows.get("tickets_message", 0),
        long_thread_number=generator.long_thread_number,
        seconds=seconds,
    )
