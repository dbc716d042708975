"""The benchmark tools on a tiny desk: the generator respects the schema, every case runs.

Timings are not asserted here (they mean something only at full scale, on the reference
machine); the structure of the results and the generated data are.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.db.models import Count

from bench import run as bench_run
from bench.benchmarks import BUDGETS_MS, Result, Settings, percentile, run_benchmarks
from bench.dataset import BENCH_ADMIN, BENCH_AGENT, LONG_THREAD_TAG, RESTRICTED_TEAM, Scale
from bench.load import DatabaseNotEmptyError, GenerationResult, generate
from concierge.people.models import Customer, User
from concierge.tickets.models import (
    Message,
    Status,
    Ticket,
    TicketEvent,
    TicketNumberSequence,
)
from concierge.tickets.queries import BUILTIN_VIEWS, tickets_visible_to

pytestmark = pytest.mark.django_db
TINY = Scale(tickets=200, messages_per_ticket=3, customers=40)


@pytest.fixture
def tiny_desk() -> GenerationResult:
    lines: list[str] = []
    result = generate(TINY, chunk_size=64, report=lines.append)
    assert any(line.startswith("done:") for line in lines)
    return result


def test_it_generates_a_desk_that_respects_the_schema(tiny_desk: GenerationResult) -> None:
    tickets = Ticket.objects.all()

    assert tickets.count() == 200
    assert Customer.objects.count() == 40
    numbers = list(tickets.order_by("number").values_list("number", flat=True))
    assert numbers == list(range(1, 201))
    assert TicketNumberSequence.objects.get(pk=1).last_number == 200
    # Every ticket opens with a message at its own arrival time, and has its audit event.
    threads = Message.objects.values("ticket").annotate(n=Count("id")).values_list("ticket", "n")
    assert {ticket for ticket, _ in threads} == set(tickets.values_list("pk", flat=True))
    assert TicketEvent.objects.filter(kind="created").count() == 200
    assert set(tickets.values_list("status", flat=True)) >= {Status.CLOSED, Status.OPEN}
    for ticket in tickets.exclude(tags__name=LONG_THREAD_TAG)[:50]:
        assert ticket.created_at <= ticket.updated_at
        times = sorted(m.created_at for m in ticket.messages.all())
        assert times[0] == ticket.created_at
        assert times[-1] <= ticket.updated_at


def test_it_adds_the_long_thread_in_the_restricted_team(tiny_desk: GenerationResult) -> None:
    long_thread = Ticket.objects.get(tags__name=LONG_THREAD_TAG)
    restricted = User.objects.get(email=BENCH_AGENT)

    assert long_thread.number == tiny_desk.long_thread_number
    assert long_thread.messages.count() == 200
    assert long_thread.team.name == RESTRICTED_TEAM
    assert tickets_visible_to(restricted).filter(pk=long_thread.pk).exists()
    assert tickets_visible_to(restricted).count() < Ticket.objects.count()


def test_it_refuses_a_database_that_already_has_tickets(tiny_desk: GenerationResult) -> None:
    with pytest.raises(DatabaseNotEmptyError):
        generate(TINY, report=lambda line: None)


def test_every_benchmark_runs_and_reports_its_structure(tiny_desk: GenerationResult) -> None:
    results = run_benchmarks(["inbox", "ticket_page"], Settings(iterations=2, warmup=1, depth=3))

    assert {r.benchmark for r in results} == {"inbox", "ticket_page"}
    assert {r.user for r in results} == {"admin", "restricted agent"}
    inbox_cases = {r.case for r in results if r.benchmark == "inbox"}
    for slug in BUILTIN_VIEWS:
        assert f"{slug}: first page" in inbox_cases
        assert any(c.startswith(f"{slug}: pages 1-") for c in inbox_cases)
    assert any("rows deep" in c for c in inbox_cases)
    assert "sidebar counts, after the page" in inbox_cases
    assert any("200-message thread" in r.case for r in results if r.benchmark == "ticket_page")
    for result in results:
        assert isinstance(result, Result)
        assert result.samples >= 1
        assert 0 < result.p50_ms <= result.p95_ms <= result.max_ms
        assert result.cpu_p50_ms > 0
        assert result.queries > 0
        assert result.budget_ms == BUDGETS_MS[result.benchmark]
        assert result.as_dict()["within_budget"] == (result.p95_ms < result.budget_ms)


def test_the_command_prints_a_table_and_writes_json(
    tiny_desk: GenerationResult,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The test database is already set up; the command must not switch settings under it.
    monkeypatch.setattr(bench_run, "setup_django", lambda: None)
    target = tmp_path / "results" / "smoke.json"

    status = bench_run.main(
        ["ticket_page", "--iterations", "2", "--warmup", "0", "--json", str(target)]
    )

    assert status == 0
    printed = capsys.readouterr().out
    assert "p95 ms" in printed
    assert "200-message thread" in printed
    report = json.loads(target.read_text())
    assert report["dataset"]["tickets"] == 200
    assert report["machine"]["cpus"] >= 1
    assert {r["benchmark"] for r in report["results"]} == {"ticket_page"}
    assert set(report["results"][0]) >= {
        "p50_ms",
        "p95_ms",
        "max_ms",
        "cpu_p50_ms",
        "queries",
        "within_budget",
    }


def test_percentiles_are_measured_values() -> None:
    samples = [float(n) for n in range(1, 21)]

    assert percentile(samples, 50) == 10.0
    assert percentile(samples, 95) == 19.0
    assert percentile([7.0], 95) == 7.0


def test_the_bench_users_are_an_admin_and_a_team_restricted_agent(
    tiny_desk: GenerationResult,
) -> None:
    admin = User.objects.get(email=BENCH_ADMIN)
    agent = User.objects.get(email=BENCH_AGENT)

    assert admin.is_admin
    assert not agent.is_admin
    assert agent.teams.get().name == RESTRICTED_TEAM
