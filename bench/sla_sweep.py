"""Benchmark the SLA engine: the escalation sweep, and the cost of recomputing due times.

    python -m bench.sla_sweep prepare [--open 200000]
    python -m bench.sla_sweep run [--ticks 30] [--updates 200] [--json FILE]

Budgets (issue "service levels"): with 1,000,000 tickets of which 200,000 are unresolved,
the sweep that finds the tickets due for escalation takes under one second, and
recomputing due times adds under 5 ms to a ticket update.

Without DATABASE_URL it uses `var/bench-sla.sqlite3`, a desk of its own, generated with

    DATABASE_URL=sqlite:///var/bench-sla.sqlite3 python -m bench.generate \\
        --tickets 1000000 --messages-per-ticket 1

`prepare` turns that desk into the SLA case: exactly `--open` unresolved tickets (the
most recent ones; new, open, pending and on hold), two calendars, three policies and two
escalation rules (75 % and at the breach), then applies the policies to the unresolved
tickets (`recompute_unresolved`, timed) and sweeps the backlog this leaves (timed).

`run` measures, inside a transaction that is rolled back so every run sees the same data:

- **find**: the index-backed query that picks the tickets due at an instant, for the next
  minute, ten minutes and hour after the last check (repeated);
- **sweep**: whole sweeps one minute apart from the first due check on (finding the
  tickets, recomputing them, recording breaches, firing and acting on rules), and one
  sweep over ten minutes' worth of due tickets;
- **update**: `ticket_update` changing the priority of unresolved tickets with the SLA
  step in the pipeline and without it, interleaved, and `recompute` alone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH_SLA_PATH = Path(__file__).resolve().parent.parent / "var" / "bench-sla.sqlite3"
BUDGET_FIND_MS = 1000.0
BUDGET_UPDATE_OVERHEAD_MS = 5.0
# The shares of unresolved statuses among the prepared tickets, by ticket id modulo 10.
STATUS_BY_DIGIT = [
    "new",
    "open",
    "open",
    "open",
    "open",
    "open",
    "pending",
    "pending",
    "on_hold",
    "open",
]


def _setup() -> None:
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{BENCH_SLA_PATH}")
    from bench.environment import setup_django

    setup_django()


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


def _stats(samples: list[float], cpu: list[float]) -> dict[str, float]:
    """Wall time, and this process's CPU time: Django's work, and on SQLite the database's
    too. Unlike wall time, CPU time does not grow when other work shares the machine."""
    from bench.benchmarks import percentile

    return {
        "n": len(samples),
        "p50_ms": _ms(percentile(samples, 50)),
        "p95_ms": _ms(percentile(samples, 95)),
        "max_ms": _ms(max(samples)),
        "cpu_p50_ms": _ms(percentile(cpu, 50)),
        "cpu_p95_ms": _ms(percentile(cpu, 95)),
    }


def _timed(work: Callable[[], Any]) -> tuple[float, float, Any]:
    """(wall seconds, CPU seconds of this process, the work's value)."""
    started, cpu = time.perf_counter(), time.process_time()
    value = work()
    return time.perf_counter() - started, time.process_time() - cpu, value


# --- prepare -----------------------------------------------------------------------------------


def _reset_sla() -> None:
    from django.db import connection

    from concierge.sla.models import (
        AgentNotice,
        BusinessCalendar,
        SlaEscalation,
        SlaEscalationRule,
        SlaPolicy,
        SlaTimer,
    )
    from concierge.tickets.models import TicketEvent

    with connection.cursor() as cursor:
        # Plain DELETEs for the big tables: the ORM would collect their rows in Python.
        for model in (AgentNotice, SlaEscalation, SlaTimer):
            cursor.execute(f"DELETE FROM {model._meta.db_table}")
    SlaEscalationRule.objects.all().delete()
    SlaPolicy.objects.all().delete()
    BusinessCalendar.objects.filter(name__startswith="Bench ").delete()
    TicketEvent.objects.filter(kind__in=["sla_breached", "sla_escalated"]).delete()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE tickets_ticket SET first_response_due_at = NULL, next_response_due_at = NULL,"
            " resolution_due_at = NULL, sla_next_due_at = NULL, sla_paused_at = NULL,"
            " sla_check_at = NULL WHERE sla_check_at IS NOT NULL OR sla_next_due_at IS NOT NULL"
            " OR sla_paused_at IS NOT NULL OR resolution_due_at IS NOT NULL"
        )


def _make_unresolved(count: int) -> int:
    """Exactly `count` unresolved tickets: the most recent ones; every older one closed."""
    from django.db import connection, transaction

    from concierge.tickets.models import Ticket

    ids = Ticket.objects.order_by("-id").values_list("id", flat=True)
    threshold = ids[count - 1] if count else None
    cases = " ".join(
        f"WHEN {digit} THEN '{status}'" for digit, status in enumerate(STATUS_BY_DIGIT)
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE tickets_ticket SET status = 'closed',"
            " closed_at = COALESCE(closed_at, updated_at),"
            " solved_at = COALESCE(solved_at, updated_at)"
            " WHERE id < %s AND status IN ('new', 'open', 'pending', 'on_hold')",
            [threshold],
        )
        cursor.execute(
            f"UPDATE tickets_ticket SET status = CASE (id %% 10) {cases} END,"
            " solved_at = NULL, closed_at = NULL WHERE id >= %s",
            [threshold],
        )
    return Ticket.objects.filter(status__in=["new", "open", "pending", "on_hold"]).count()


def _reage(now: dt.datetime, spread: dt.timedelta, seed: int) -> None:
    """Give the unresolved tickets a recent life: arrived within `spread` before `now`,
    answered or not as their status says, some with the customer waiting again.

    The generated desk spreads its tickets over two years; 200,000 unresolved tickets of
    that age would all be long overdue, which is no steady state to measure a sweep in.
    """
    import random

    from django.db import connection, transaction

    from concierge.tickets.models import Ticket

    rng = random.Random(seed)
    rows = list(
        Ticket.objects.filter(status__in=["new", "open", "pending", "on_hold"])
        .order_by("id")
        .values_list("id", "status")
    )
    updates = []
    for index, (pk, status) in enumerate(rows):
        created = now - spread * (1 - (index + rng.random()) / len(rows))
        first = last_agent = None
        last_customer = created
        if status != "new":
            first = min(now, created + dt.timedelta(minutes=rng.uniform(5, 600)))
            last_agent = first
            if status == "open" and rng.random() < 0.5:  # the customer wrote again
                last_customer = min(now, first + dt.timedelta(minutes=rng.uniform(1, 2000)))
        updates.append(
            (
                created,
                max(last_customer, last_agent or created),
                first,
                last_customer,
                last_agent,
                pk,
            )
        )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            "UPDATE tickets_ticket SET created_at = %s, updated_at = %s, first_response_at = %s,"
            " last_customer_message_at = %s, last_agent_message_at = %s WHERE id = %s",
            updates,
        )


def _configure() -> None:
    from concierge.people.models import SupportPlan, Team
    from concierge.sla.calendar import Calendar
    from concierge.sla.models import Metric
    from concierge.sla.services import (
        PolicyDraft,
        RuleDraft,
        calendar_save,
        escalation_rule_save,
        policy_create,
    )
    from concierge.tickets.models import Priority

    weekdays = ("mon", "tue", "wed", "thu", "fri")
    office, _ = calendar_save(
        calendar=Calendar.build(
            name="Bench office",
            time_zone="Europe/Helsinki",
            week={day: [("08:00", "12:00"), ("13:00", "18:00")] for day in weekdays},
        ),
        replace=True,
    )

    def table(first: int, following: int, resolution: int) -> dict[int, dict[str, int]]:
        return {
            int(priority): {
                Metric.FIRST_RESPONSE: max(15, first // (2 ** (priority - 1))),
                Metric.NEXT_RESPONSE: max(15, following // (2 ** (priority - 1))),
                Metric.RESOLUTION: max(60, resolution // (2 ** (priority - 1))),
            }
            for priority in Priority
        }

    policy_create(
        draft=PolicyDraft(
            name="Urgent around the clock",
            priorities=[Priority.URGENT],
            targets={
                Priority.URGENT: {"first_response": 60, "next_response": 60, "resolution": 480}
            },
        )
    )
    policy_create(
        draft=PolicyDraft(
            name="Premium customers",
            calendar=office,
            support_plans=[SupportPlan.PREMIUM, SupportPlan.ENTERPRISE],
            targets=table(480, 480, 4 * 24 * 60),
        )
    )
    policy_create(
        draft=PolicyDraft(
            name="Everyone else", calendar=office, targets=table(16 * 60, 16 * 60, 10 * 24 * 60)
        )
    )
    escalation_rule_save(
        draft=RuleDraft(name="Warn the assignee", percent=75, notify_assignee=True)
    )
    escalation_rule_save(
        draft=RuleDraft(
            name="Tell the leads at the breach",
            percent=100,
            notify_team_lead=True,
            send_email=True,
        )
    )
    print(f"  {Team.objects.count()} teams; 3 policies, 2 escalation rules", flush=True)


def prepare(options: argparse.Namespace) -> int:
    from django.core.management import call_command
    from django.utils import timezone

    from bench.environment import describe_database
    from concierge.sla.bulk import recompute_unresolved
    from concierge.sla.escalations import sweep
    from concierge.tickets.models import Ticket

    print(f"database: {describe_database()}", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    total = Ticket.objects.count()
    if total < options.open:
        raise SystemExit(f"the database holds {total} tickets; generate a desk first")
    print("resetting SLA state...", flush=True)
    _reset_sla()
    unresolved = _make_unresolved(options.open)
    print(f"{total:,} tickets, {unresolved:,} unresolved", flush=True)
    now = timezone.now()
    _reage(now, dt.timedelta(days=options.days), options.seed)
    print(f"unresolved tickets arrived over the last {options.days} days", flush=True)
    _configure()

    def progress(done: int) -> None:
        if done % 20_000 == 0:
            print(f"  recomputed {done:,}", flush=True)

    seconds, cpu, done = _timed(lambda: recompute_unresolved(now=now, batch=1000, report=progress))
    print(
        f"backfill: {done:,} tickets in {seconds:.1f} s, CPU {cpu:.1f} s ({done / seconds:,.0f}/s)",
        flush=True,
    )
    if options.no_backlog_sweep:
        print("backlog left unswept: measure with `run --sample N`", flush=True)
    else:
        seconds, cpu, result = _timed(lambda: sweep(now=now))
        print(f"backlog sweep: {result} in {seconds:.1f} s, CPU {cpu:.1f} s", flush=True)
    _analyze()
    return 0


def _analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# --- run -----------------------------------------------------------------------------------------


class _Rollback(Exception):
    pass


def _find_cases(start: dt.datetime, repeat: int) -> list[dict[str, Any]]:
    from concierge.sla.escalations import due_ticket_ids

    cases = []
    for label, ahead in (("next minute", 60), ("next 10 minutes", 600), ("next hour", 3600)):
        at = start + dt.timedelta(seconds=ahead)
        samples, cpu, found = [], [], 0
        for _ in range(repeat):
            seconds, cpu_seconds, ids = _timed(lambda at=at: due_ticket_ids(at))
            samples.append(seconds)
            cpu.append(cpu_seconds)
            found = len(ids)
        cases.append(
            {"case": f"find: due in the {label}", "tickets": found, **_stats(samples, cpu)}
        )
    return cases


def _sweep_cases(start: dt.datetime, ticks: int) -> list[dict[str, Any]]:
    from concierge.sla.escalations import sweep

    samples, cpu, tickets, escalations = [], [], 0, 0
    for tick in range(1, ticks + 1):
        seconds, cpu_seconds, result = _timed(
            lambda tick=tick: sweep(now=start + dt.timedelta(minutes=tick))
        )
        samples.append(seconds)
        cpu.append(cpu_seconds)
        tickets += result.tickets
        escalations += result.escalations
    cases = [
        {
            "case": f"sweep: {ticks} one-minute ticks",
            "tickets": tickets,
            "escalations": escalations,
            **_stats(samples, cpu),
        }
    ]
    later = start + dt.timedelta(minutes=ticks + 10)
    seconds, cpu_seconds, result = _timed(lambda: sweep(now=later))
    cases.append(
        {
            "case": "sweep: ten minutes of due tickets at once",
            "tickets": result.tickets,
            "escalations": result.escalations,
            **_stats([seconds], [cpu_seconds]),
        }
    )
    return cases


def _sweep_sample_cases(start: dt.datetime, count: int) -> list[dict[str, Any]]:
    """Sweep `count` tickets one by one, each at the instant its check comes after `start`,
    and project a one-minute tick from how many checks fall in each minute of the next
    hour. For a desk whose backlog (checks before `start`) was not swept: a whole sweep
    there would first work through the backlog."""
    from django.template.loader import get_template
    from django.urls import reverse

    from concierge.sla.escalations import SweepCache, SweepResult, sweep_ticket
    from concierge.sla.policy_rules import current_config
    from concierge.tickets.models import Ticket

    due = list(
        Ticket.objects.filter(sla_check_at__gt=start)
        .order_by("sla_check_at")
        .values_list("pk", "sla_check_at")[:count]
    )
    hour = Ticket.objects.filter(
        sla_check_at__gt=start, sla_check_at__lte=start + dt.timedelta(hours=1)
    ).count()
    config, cache, result = current_config(), SweepCache(), SweepResult()
    # A worker has done this long before its first sweep: URLs resolved, templates read.
    reverse("tickets:inbox")
    for name in ("subject.txt", "body.txt", "body.html"):
        get_template(f"sla/emails/escalation-{name}")
    samples, cpu = [], []
    for pk, at in due:
        seconds, cpu_seconds, _ = _timed(
            lambda pk=pk, at=at: sweep_ticket(pk, now=at, result=result, config=config, cache=cache)
        )
        samples.append(seconds)
        cpu.append(cpu_seconds)
    stats = _stats(samples, cpu)
    per_minute = hour / 60
    mean_wall, mean_cpu = sum(samples) / len(samples), sum(cpu) / len(cpu)
    return [
        {
            "case": "sweep: one due ticket (sampled)",
            "tickets": result.tickets,
            "escalations": result.escalations,
            **stats,
        },
        {
            "case": "sweep: projected one-minute tick",
            "tickets": round(per_minute, 1),
            "n": len(samples),
            "p50_ms": _ms(per_minute * mean_wall),
            "p95_ms": None,
            "max_ms": None,
            "cpu_p50_ms": _ms(per_minute * mean_cpu),
            "cpu_p95_ms": None,
            "budget_ms": BUDGET_FIND_MS,
        },
    ]


def _update_cases(count: int) -> list[dict[str, Any]]:
    from concierge.sla.due_times import recompute
    from concierge.tickets import pipeline
    from concierge.tickets.models import Priority, Ticket
    from concierge.tickets.services import ticket_update

    tickets = list(
        Ticket.objects.filter(status__in=["new", "open"], sla_next_due_at__isnull=False).order_by(
            "-id"
        )[:count]
    )
    with_sla, without_sla, alone = [], [], []
    with_cpu, without_cpu, alone_cpu = [], [], []
    full_steps = list(pipeline.STEPS)
    no_sla_steps = [step for step in full_steps if step is not pipeline.apply_sla_timers]
    for index, ticket in enumerate(tickets):
        # Alternate which arm goes first, so neither always finds the other's cache warm.
        arms = [(full_steps, with_sla, with_cpu), (no_sla_steps, without_sla, without_cpu)]
        for steps, samples, cpu in arms if index % 2 == 0 else reversed(arms):
            pipeline.STEPS[:] = steps
            try:
                target = Priority.HIGH if ticket.priority != Priority.HIGH else Priority.NORMAL
                seconds, cpu_seconds, _ = _timed(
                    lambda ticket=ticket, target=target: ticket_update(
                        ticket=ticket, actor=None, priority=target
                    )
                )
            finally:
                pipeline.STEPS[:] = full_steps
            samples.append(seconds)
            cpu.append(cpu_seconds)
            ticket = Ticket.objects.get(pk=ticket.pk)
        seconds, cpu_seconds, _ = _timed(lambda ticket=ticket: recompute(ticket))
        alone.append(seconds)
        alone_cpu.append(cpu_seconds)
    with_stats, without_stats = _stats(with_sla, with_cpu), _stats(without_sla, without_cpu)
    return [
        {"case": "update: priority change, SLA step on", **with_stats},
        {"case": "update: priority change, SLA step off", **without_stats},
        {
            "case": "update: SLA overhead (on minus off)",
            "n": with_stats["n"],
            "p50_ms": round(with_stats["p50_ms"] - without_stats["p50_ms"], 3),
            "p95_ms": round(with_stats["p95_ms"] - without_stats["p95_ms"], 3),
            "max_ms": None,
            "cpu_p50_ms": round(with_stats["cpu_p50_ms"] - without_stats["cpu_p50_ms"], 3),
            "cpu_p95_ms": round(with_stats["cpu_p95_ms"] - without_stats["cpu_p95_ms"], 3),
            "budget_ms": BUDGET_UPDATE_OVERHEAD_MS,
        },
        {"case": "update: recompute alone", **_stats(alone, alone_cpu)},
    ]


def run(options: argparse.Namespace) -> int:
    from django.db import transaction

    from bench.environment import describe_database
    from concierge.tickets.models import Ticket

    database = describe_database()
    print(f"database: {database}", flush=True)
    first = (
        Ticket.objects.filter(sla_check_at__isnull=False)
        .order_by("sla_check_at")
        .values_list("sla_check_at", flat=True)
        .first()
    )
    if first is None:
        raise SystemExit("no ticket has an SLA check: run `python -m bench.sla_sweep prepare`")
    facts = {
        "tickets": Ticket.objects.count(),
        "unresolved": Ticket.objects.filter(
            status__in=["new", "open", "pending", "on_hold"]
        ).count(),
        "with_sla_check": Ticket.objects.filter(sla_check_at__isnull=False).count(),
    }
    print(", ".join(f"{key} {value:,}" for key, value in facts.items()), flush=True)
    start = first - dt.timedelta(seconds=1)
    if options.sample:
        from django.utils import timezone

        start = timezone.now()
    load_before = os.getloadavg()
    rows: list[dict[str, Any]] = []
    try:
        with transaction.atomic():
            rows += _find_cases(start, options.repeat)
            for row in rows:
                row["budget_ms"] = BUDGET_FIND_MS
            if options.sample:
                rows += _sweep_sample_cases(start, options.sample)
            else:
                rows += _sweep_cases(start, options.ticks)
            rows += _update_cases(options.updates)
            raise _Rollback
    except _Rollback:
        pass
    for row in rows:
        print(_format(row), flush=True)
    if options.json:
        document = {
            "benchmark": "sla_sweep",
            "database": database,
            "dataset": facts,
            "machine": {
                "cpus": os.cpu_count(),
                "platform": platform.platform(),
                "python": sys.version.split()[0],
                "load_before": load_before,
                "load_after": os.getloadavg(),
            },
            "measured_at": dt.datetime.now(dt.UTC).isoformat(),
            "results": rows,
        }
        Path(options.json).parent.mkdir(parents=True, exist_ok=True)
        Path(options.json).write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return 0


def _format(row: dict[str, Any]) -> str:
    def cell(key: str) -> str:
        value = row.get(key)
        return "-" if value is None else str(value)

    extra = ""
    if "tickets" in row:
        extra = f"  tickets {row['tickets']}"
    if "escalations" in row:
        extra += f"  escalations {row['escalations']}"
    budget = f"  budget {row['budget_ms']} ms" if row.get("budget_ms") else ""
    return (
        f"{row['case']:<44} n {cell('n'):>4}  p50 {cell('p50_ms'):>9} ms  "
        f"p95 {cell('p95_ms'):>9} ms  max {cell('max_ms'):>9} ms  "
        f"CPU p50 {cell('cpu_p50_ms'):>9} ms{extra}{budget}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the SLA sweep and recomputation.")
    actions = parser.add_subparsers(dest="action", required=True)
    ready = actions.add_parser("prepare", help="turn a generated desk into the SLA case")
    ready.add_argument("--open", type=int, default=200_000, help="unresolved tickets")
    ready.add_argument("--days", type=int, default=7, help="over which they arrived")
    ready.add_argument("--seed", type=int, default=1)
    ready.add_argument(
        "--no-backlog-sweep",
        action="store_true",
        help="leave the checks that are due at once unswept (a long job at full scale)",
    )
    measure = actions.add_parser("run", help="measure (the data is left as it was)")
    measure.add_argument("--ticks", type=int, default=30, help="one-minute sweeps to time")
    measure.add_argument("--repeat", type=int, default=30, help="timed runs of each find")
    measure.add_argument("--updates", type=int, default=200, help="tickets updated per arm")
    measure.add_argument("--json", help="also write the results to this file")
    measure.add_argument(
        "--sample",
        type=int,
        default=0,
        help="instead of whole sweeps from the first check, sweep this many tickets due "
        "after now one by one and project a one-minute tick (for a desk whose backlog "
        "was not swept: see `prepare --no-backlog-sweep`)",
    )
    options = parser.parse_args(argv)
    _setup()
    return prepare(options) if options.action == "prepare" else run(options)


if __name__ == "__main__":
    raise SystemExit(main())
