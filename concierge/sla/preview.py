"""What a policy would promise a ticket arriving at a given instant: its due times.

Shared by the preview page and `concierge sla preview --policy`, so both answer alike.
A preview counts from the arrival for every target, as the timers do for a new ticket
(the next response counts from a customer message arriving at that same instant).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from concierge.sla.business_time import add_business_minutes, next_opening
from concierge.sla.models import Metric, SlaPolicy
from concierge.sla.policy_rules import PolicyRules, compile_policy, policies_with_rules


@dataclass(frozen=True)
class TargetPreview:
    metric: str
    label: str
    minutes: int
    due_at: datetime


@dataclass(frozen=True)
class PolicyPreview:
    policy: PolicyRules
    priority: int
    at: datetime
    # The calendar's next opening at or after `at` (`at` itself when open, or 24/7).
    clock_starts_at: datetime
    targets: list[TargetPreview]


def stored_policy_rules(policy: SlaPolicy) -> PolicyRules:
    """The compiled value of one stored policy, active or not."""
    return compile_policy(next(p for p in policies_with_rules() if p.pk == policy.pk))


def preview_policy(policy: PolicyRules, *, at: datetime, priority: int) -> PolicyPreview:
    """Due times of every target `policy` sets for `priority`, counted from `at`.

    Raises `CalendarError` (`NoBusinessHoursError`) when the calendar never opens and
    `ValueError` for an instant out of range.
    """
    targets = []
    for metric in Metric:
        minutes = policy.target_minutes(priority, metric)
        if minutes:
            due = add_business_minutes(policy.calendar, at, minutes)
            targets.append(TargetPreview(str(metric), str(metric.label), minutes, due))
    return PolicyPreview(
        policy=policy,
        priority=priority,
        at=at,
        clock_starts_at=next_opening(policy.calendar, at),
        targets=targets,
    )
