"""Run the benchmarks: `python -m bench.run inbox|ticket_page|all [--json bench/results/x.json]`.

Measures against whatever DATABASE_URL points at, or `var/bench.sqlite3` when it is not
set; generate the data first with `python -m bench.generate`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.environment import describe_database, setup_django

COLUMNS = (
    ("benchmark", 11, "benchmark"),
    ("case", 44, "case"),
    ("user", 16, "user"),
    ("samples", 7, "n"),
    ("p50_ms", 8, "p50 ms"),
    ("p95_ms", 8, "p95 ms"),
    ("max_ms", 8, "max ms"),
    ("cpu_p50_ms", 8, "cpu p50"),
    ("queries", 7, "queries"),
    ("budget_ms", 7, "budget"),
)


def _line(values: list[str]) -> str:
    cells = []
    for (_, width, _), value in zip(COLUMNS, values, strict=False):
        numeric = value[:1].isdigit()
        cells.append(value.rjust(width) if numeric else value[:width].ljust(width))
    return "  ".join(cells + values[len(COLUMNS) :])


def table_header() -> str:
    return _line([title for _, _, title in COLUMNS] + ["within"])


def table_row(row: dict[str, Any]) -> str:
    values = [
        f"{row[key]:.1f}" if isinstance(row[key], float) else str(row[key]) for key, _, _ in COLUMNS
    ]
    return _line([*values, "yes" if row["within_budget"] else "NO"])


def code_version() -> str:
    """The commit measured: from git when run in a checkout, else from BENCH_COMMIT."""
    try:
        found = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607 - git from PATH
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).resolve().parent,
        )
        return found.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return os.environ.get("BENCH_COMMIT", "unknown")


def dataset_facts() -> dict[str, int]:
    from concierge.people.models import Customer
    from concierge.tickets.models import Message, Ticket

    return {
        "tickets": Ticket.objects.count(),
        "messages": Message.objects.count(),
        "customers": Customer.objects.count(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time the inbox and the ticket page.")
    parser.add_argument("benchmark", choices=["inbox", "ticket_page", "all"])
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--iterations", type=int, default=30, help="timed requests per case")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests first")
    parser.add_argument("--depth", type=int, default=200, help="pages to follow by next link")
    parser.add_argument(
        "--max-case-seconds",
        type=float,
        default=60.0,
        help="stop a case after this long once it has 5 samples (a walk: three times this)",
    )
    parser.add_argument(
        "--strict", action="store_true", help="exit with status 1 when a budget is missed"
    )
    options = parser.parse_args(argv)

    setup_django()
    from django.core.management import call_command

    from bench.benchmarks import BENCHMARKS, BUDGETS_MS, Settings, run_benchmarks

    database = describe_database()
    print(f"database: {database}", flush=True)
    # The data may predate a migration; the views need the current schema.
    call_command("migrate", interactive=False, verbosity=0)
    facts = dataset_facts()
    print(", ".join(f"{value:,} {name}" for name, value in facts.items()), flush=True)
    # What a web process does once loaded (concierge/asgi.py), so that the collector's
    # full passes cost here what they cost there.
    from concierge.system.runtime import settle_heap

    settle_heap()
    names = list(BENCHMARKS) if options.benchmark == "all" else [options.benchmark]
    settings = Settings(
        iterations=options.iterations,
        warmup=options.warmup,
        depth=options.depth,
        max_case_seconds=options.max_case_seconds,
    )
    # The machine may be shared: the load around the run says how quiet it was.
    load_before = os.getloadavg()
    print(table_header(), flush=True)
    results = [
        r.as_dict()
        for r in run_benchmarks(
            names, settings, on_result=lambda r: print(table_row(r.as_dict()), flush=True)
        )
    ]
    load_after = os.getloadavg()
    missed = [r for r in results if not r["within_budget"]]
    print(f"{len(results) - len(missed)} of {len(results)} cases within budget (p95).")
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f}")

    if options.json:
        report = {
            "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "database": database,
            "commit": code_version(),
            "machine": {
                "cpus": os.cpu_count(),
                "platform": platform.platform(),
                "python": platform.python_version(),
                "load_average_before": load_before,
                "load_average_after": load_after,
            },
            "dataset": facts,
            "settings": asdict(settings),
            "budgets_ms": BUDGETS_MS,
            "results": results,
        }
        options.json.parent.mkdir(parents=True, exist_ok=True)
        options.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        print(f"wrote {options.json}")
    return 1 if options.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
