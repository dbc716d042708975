"""Recomputing the due times of many tickets at once, after SLAs are set up or changed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from concierge.sla.due_times import recompute
from concierge.sla.models import Metric, SlaTimer
from concierge.sla.policy_rules import current_config
from concierge.tickets.models import UNRESOLVED_STATUSES, Ticket


def recompute_unresolved(
    *,
    now: datetime | None = None,
    batch: int = 500,
    report: Callable[[int], None] | None = None,
) -> int:
    """Apply today's policies to every unresolved ticket now, rather than at its next
    change: after SLAs are first set up on a desk, or after a policy changed. Tickets are
    taken in batches, each batch in one transaction under the tickets' row locks."""
    now = now or timezone.now()
    config = current_config()
    done, last = 0, 0
    while True:
        ids = list(
            Ticket.objects.filter(status__in=UNRESOLVED_STATUSES, pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch]
        )
        if not ids:
            return done
        with transaction.atomic():
            tickets = list(
                # `of`: PostgreSQL locks no row on the nullable side of the join.
                Ticket.objects.select_for_update(of=("self",))
                .select_related("organization")
                .filter(pk__in=ids)
                .order_by("pk")
            )
            timers: dict[int, list[SlaTimer]] = {ticket.pk: [] for ticket in tickets}
            for timer in (
                SlaTimer.objects.filter(ticket_id__in=ids)
                .filter(Q(stopped_at__isnull=True) | Q(metric=Metric.RESOLUTION))
                .order_by("started_at", "id")
            ):
                timers[timer.ticket_id].append(timer)
            for ticket in tickets:
                recompute(ticket, now=now, config=config, timers=timers[ticket.pk])
        done, last = done + len(ids), ids[-1]
        if report is not None:
            report(done)
