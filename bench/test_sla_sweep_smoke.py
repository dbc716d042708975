"""The SLA benchmark on a tiny desk: `prepare` makes the case, `run` measures every part and
leaves the data as it was. Timings are not asserted (they mean something only at full
scale); the structure of the results is."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from bench import sla_sweep
from bench.dataset import Scale
from bench.load import generate
from concierge.sla.models import SlaEscalation, SlaPolicy
from concierge.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_prepare_then_run_reports_wall_and_cpu_time_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    generate(Scale(tickets=120, messages_per_ticket=1, customers=30), chunk_size=64)

    sla_sweep.prepare(argparse.Namespace(open=60, days=1, seed=1, no_backlog_sweep=False))

    unresolved = Ticket.objects.filter(status__in=["new", "open", "pending", "on_hold"])
    assert unresolved.count() == 60
    assert SlaPolicy.objects.count() == 3
    assert unresolved.filter(sla_check_at__isnull=False).exists()
    before = (
        SlaEscalation.objects.count(),
        list(Ticket.objects.order_by("pk").values_list("priority", "sla_check_at")),
    )
    target = tmp_path / "sla.json"

    sla_sweep.run(argparse.Namespace(ticks=2, repeat=2, updates=3, json=str(target), sample=0))

    report = json.loads(target.read_text())
    cases = [row["case"] for row in report["results"]]
    assert cases[:3] == [
        "find: due in the next minute",
        "find: due in the next 10 minutes",
        "find: due in the next hour",
    ]
    assert "update: SLA overhead (on minus off)" in cases
    for row in report["results"]:
        assert {"n", "p50_ms", "p95_ms", "cpu_p50_ms", "cpu_p95_ms"} <= set(row)
    assert report["dataset"]["unresolved"] == 60
    assert report["machine"]["cpus"] >= 1
    assert "CPU p50" in capsys.readouterr().out
    # Everything measured ran in a transaction that was rolled back.
    after = (
        SlaEscalation.objects.count(),
        list(Ticket.objects.order_by("pk").values_list("priority", "sla_check_at")),
    )
    assert after == before

    sample = tmp_path / "sample.json"
    sla_sweep.run(argparse.Namespace(ticks=0, repeat=1, updates=1, json=str(sample), sample=5))
    cases = [row["case"] for row in json.loads(sample.read_text())["results"]]
    assert "sweep: projected one-minute tick" in cases
