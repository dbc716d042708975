"""Server-side timings of the real views, through Django's test client.

Each request goes through the whole stack a browser request meets inside the server
(middleware, session, the view, its queries, template rendering), without the network.
Every case is warmed up, then timed N times; the query count is taken from one more
request. Budgets are those of DESIGN.md, measured on the 2-core machine.
"""

from __future__ import annotations

import html
import math
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from urllib.parse import urlencode

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.dataset import BENCH_ADMIN, BENCH_AGENT, LONG_THREAD_TAG
from concierge.people.models import User
from concierge.tickets.models import Ticket
from concierge.tickets.queries import (
    BUILTIN_VIEWS,
    SORTS,
    apply_filters,
    encode_cursor,
    tickets_visible_to,
)

BUDGETS_MS = {"inbox": 50.0, "ticket_page": 80.0}
BENCHMARKS = tuple(BUDGETS_MS)
NEXT_LINK = re.compile(r'<a[^>]*href="([^"]+)"[^>]*rel="next"')
MIN_SAMPLES = 5
# How deep the directly positioned cursor sits: halfway into the view, at most this far.
DEEP_CURSOR_MAX_ROWS = 500_000


class BenchmarkError(Exception):
    """A measured request did not answer 200: the numbers would mean nothing."""


@dataclass
class Result:
    benchmark: str
    case: str
    user: str
    samples: int
    p50_ms: float
    p95_ms: float
    max_ms: float
    # CPU time of this process: Django's work, plus the database's own on SQLite (in
    # process). Unlike wall time it does not grow when other work shares the machine.
    cpu_p50_ms: float
    queries: int
    budget_ms: float

    @property
    def within_budget(self) -> bool:
        return self.p95_ms < self.budget_ms

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "within_budget": self.within_budget}


@dataclass(frozen=True)
class Settings:
    iterations: int = 30
    warmup: int = 3
    depth: int = 200
    # A case far over its budget would otherwise hold the machine for many minutes: after
    # this long it stops with the samples it has (at least MIN_SAMPLES; `samples` says how many).
    max_case_seconds: float = 60.0


def percentile(samples: list[float], percent: float) -> float:
    """Nearest-rank percentile: a value that was actually measured."""
    ordered = sorted(samples)
    rank = max(1, math.ceil(percent / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Timing:
    wall_ms: float
    cpu_ms: float


def _get(client: Client, url: str) -> tuple[Timing, str]:
    started, cpu_started = time.perf_counter(), time.process_time()
    response = client.get(url)
    timing = Timing(
        wall_ms=(time.perf_counter() - started) * 1000,
        cpu_ms=(time.process_time() - cpu_started) * 1000,
    )
    if response.status_code != 200:
        raise BenchmarkError(f"GET {url} answered {response.status_code}")
    return timing, response.content.decode()


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured)


def _summary(benchmark: str, case: str, user: str, timings: list[Timing], queries: int) -> Result:
    walls = [t.wall_ms for t in timings]
    return Result(
        benchmark=benchmark,
        case=case,
        user=user,
        samples=len(walls),
        p50_ms=round(percentile(walls, 50), 2),
        p95_ms=round(percentile(walls, 95), 2),
        max_ms=round(max(walls), 2),
        cpu_p50_ms=round(percentile([t.cpu_ms for t in timings], 50), 2),
        queries=queries,
        budget_ms=BUDGETS_MS[benchmark],
    )


def repeat(
    benchmark: str, case: str, user: str, client: Client, url: str, settings: Settings
) -> Result:
    deadline = time.monotonic() + settings.max_case_seconds
    for _ in range(settings.warmup):
        if _get(client, url)[0].wall_ms > settings.max_case_seconds * 1000 / MIN_SAMPLES:
            break
    timings: list[Timing] = []
    while len(timings) < settings.iterations:
        timings.append(_get(client, url)[0])
        if len(timings) >= MIN_SAMPLES and time.monotonic() > deadline:
            break
    return _summary(benchmark, case, user, timings, _queries(client, url))


def walk(user: str, client: Client, first_url: str, slug: str, settings: Settings) -> Result:
    """Follow the page's own "next page" link, page after page, timing each."""
    _get(client, first_url)
    deadline = time.monotonic() + settings.max_case_seconds * 3
    timings, url, deepest = [], first_url, first_url
    for _ in range(settings.depth):
        timing, body = _get(client, url)
        timings.append(timing)
        deepest = url
        if len(timings) >= MIN_SAMPLES and time.monotonic() > deadline:
            break
        link = NEXT_LINK.search(body)
        if link is None:
            break
        url = html.unescape(link.group(1))
    pages = f"pages 1-{len(timings)}"
    return _summary(
        "inbox", f"{slug}: {pages} by next link", user, timings, _queries(client, deepest)
    )


def deep_cursor(user: User, slug: str) -> tuple[str, int] | None:
    """A cursor halfway into the view's rows (or DEEP_CURSOR_MAX_ROWS deep), and its depth."""
    view = BUILTIN_VIEWS[slug]
    tickets = apply_filters(tickets_visible_to(user), user, view.filters)
    column, descending = SORTS[view.sort]
    order = [f"-{column}", "-id"] if descending else [column, "id"]
    depth = min(tickets.count() // 2, DEEP_CURSOR_MAX_ROWS)
    if depth < 1:
        return None
    value, pk = tickets.order_by(*order).values_list(column, "id")[depth]
    return encode_cursor(value, pk), depth


def inbox_cases(
    users: dict[str, User], clients: dict[str, Client], settings: Settings
) -> Iterator[Result]:
    inbox = reverse("tickets:inbox")
    for label, user in users.items():
        client = clients[label]
        for slug in BUILTIN_VIEWS:
            first = f"{inbox}?{urlencode({'view': slug})}"
            yield repeat("inbox", f"{slug}: first page", label, client, first, settings)
            yield walk(label, client, first, slug, settings)
            position = deep_cursor(user, slug)
            if position is not None:
                cursor, depth = position
                url = f"{inbox}?{urlencode({'view': slug, 'cursor': cursor})}"
                case = f"{slug}: cursor {depth:,} rows deep"
                yield repeat("inbox", case, label, client, url, settings)
        # The page asks for its sidebar's counts once shown: a request of the inbox too.
        counts = reverse("tickets:inbox_counts")
        yield repeat("inbox", "sidebar counts, after the page", label, client, counts, settings)


def ticket_page_cases(
    users: dict[str, User], clients: dict[str, Client], settings: Settings
) -> Iterator[Result]:
    number, pk, team_id = (
        Ticket.objects.filter(tags__name=LONG_THREAD_TAG).values_list("number", "id", "team").get()
    )
    messages = Ticket.objects.get(pk=pk).messages.count()
    # A recent ticket of the same team, to compare the worst case with the usual one.
    typical = (
        Ticket.objects.filter(team_id=team_id)
        .exclude(pk=pk)
        .order_by("-updated_at", "-id")
        .values_list("number", flat=True)
        .first()
    )
    for label in users:
        client = clients[label]
        url = reverse("tickets:detail", args=[number])
        case = f"#{number}, {messages}-message thread"
        yield repeat("ticket_page", case, label, client, url, settings)
        if typical is not None:
            url = reverse("tickets:detail", args=[typical])
            case = f"#{typical}, a recent ticket of the same team"
            yield repeat("ticket_page", case, label, client, url, settings)


CASES: dict[str, Callable[[dict[str, User], dict[str, Client], Settings], Iterator[Result]]] = {
    "inbox": inbox_cases,
    "ticket_page": ticket_page_cases,
}


def run_benchmarks(
    names: list[str], settings: Settings, on_result: Callable[[Result], None] | None = None
) -> list[Result]:
    """Run the named benchmarks as the bench admin and the team-restricted agent."""
    users = {
        "admin": User.objects.get(email=BENCH_ADMIN),
        "restricted agent": User.objects.get(email=BENCH_AGENT),
    }
    clients = {}
    for label, user in users.items():
        clients[label] = Client()
        clients[label].force_login(user)
    results = []
    for name in names:
        for result in CASES[name](users, clients, settings):
            results.append(result)
            if on_result is not None:
                on_result(result)
    return results
