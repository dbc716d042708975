"""Fixtures of the SLA tests: a clock the tests move, and policies made in one line."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from concierge.sla.models import Metric, SlaPolicy
from concierge.sla.services import PolicyDraft, policy_create
from concierge.tickets.models import Priority

# Monday 3 March 2025, 09:00 UTC: a working day, far from any clock change.
MONDAY_9 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


class Clock:
    """What `timezone.now()` answers in the services and the SLA code during a test."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now

    def set(self, instant: datetime) -> datetime:
        self.now = instant
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    current = Clock(MONDAY_9)
    monkeypatch.setattr(timezone, "now", lambda: current.now)
    return current


def targets(
    first: int | None = 60, next_: int | None = 30, resolution: int | None = 480
) -> dict[str, int | None]:
    return {
        Metric.FIRST_RESPONSE: first,
        Metric.NEXT_RESPONSE: next_,
        Metric.RESOLUTION: resolution,
    }


def make_policy(
    name: str = "Standard",
    table: Mapping[int, Mapping[str, int | None]] | None = None,
    **fields: Any,
) -> SlaPolicy:
    """A policy; by default every priority gets 60/30/480 minutes in calendar hours."""
    if table is None:
        table = {priority: targets() for priority in Priority.values}
    return policy_create(draft=PolicyDraft(name=name, targets=table, **fields))
