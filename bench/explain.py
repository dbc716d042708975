"""Show how the database runs the inbox's and the ticket page's queries.

    python -m bench.explain inbox [--view open] [--user admin|agent] [--deep]
    python -m bench.explain ticket_page

Requests the page once, captures every query it makes, and prints each with its time and
its plan (`EXPLAIN QUERY PLAN` on SQLite, `EXPLAIN (ANALYZE, BUFFERS)` on PostgreSQL), the
slowest first. This is how a missed budget is traced to a query and an index.
"""

from __future__ import annotations

import argparse
import time
from typing import Any
from urllib.parse import urlencode

from bench.environment import describe_database, setup_django


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Explain the queries of a benchmarked page.")
    parser.add_argument("page", choices=["inbox", "ticket_page"])
    parser.add_argument("--view", default="open", help="built-in inbox view (default: open)")
    parser.add_argument("--user", choices=["admin", "agent"], default="admin")
    parser.add_argument("--deep", action="store_true", help="use a cursor halfway into the view")
    parser.add_argument("--top", type=int, default=5, help="how many of the slowest to explain")
    options = parser.parse_args(argv)

    setup_django()
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from bench.benchmarks import deep_cursor
    from bench.dataset import BENCH_ADMIN, BENCH_AGENT, LONG_THREAD_TAG
    from concierge.people.models import User
    from concierge.tickets.models import Ticket

    print(f"database: {describe_database()}")
    user = User.objects.get(email=BENCH_ADMIN if options.user == "admin" else BENCH_AGENT)
    client = Client()
    client.force_login(user)
    if options.page == "inbox":
        query = {"view": options.view}
        if options.deep:
            position = deep_cursor(user, options.view)
            if position:
                query["cursor"] = position[0]
                print(f"cursor {position[1]:,} rows deep")
        url = f"{reverse('tickets:inbox')}?{urlencode(query)}"
    else:
        number = Ticket.objects.filter(tags__name=LONG_THREAD_TAG).values_list("number", flat=True)
        url = reverse("tickets:detail", args=[number.get()])
    client.get(url)  # warm
    captured: list[tuple[float, str, Any]] = []

    def capture(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            captured.append(((time.perf_counter() - started) * 1000, sql, params))

    with connection.execute_wrapper(capture):
        response = client.get(url)
    print(f"GET {url} -> {response.status_code}, {len(captured)} queries")
    # Explained with the parameters bound, as the page runs them: with literal values in
    # their place SQLite's planner may choose a different (better) plan than it really uses.
    prefix = (
        "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
    )
    for elapsed, sql, params in sorted(captured, key=lambda q: -q[0])[: options.top]:
        print(f"\n--- {elapsed:.1f} ms\n{sql[:1500]}\n    params: {params!r:.300}")
        with connection.cursor() as cursor:
            cursor.execute(prefix + sql, params)
            for row in cursor.fetchall():
                print("   ", " | ".join(str(v) for v in row))


if __name__ == "__main__":
    main()
