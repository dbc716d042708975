"""Every write to SLA policies: create, change, reorder, delete.

The functions take a validated `PolicyDraft` (from the settings form or the JSON import),
so what makes a valid policy lives in the form and the import, and these only store it.
Each change also renews the configuration token, so every process picks it up.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from concierge.people.models import Organization, Team
from concierge.sla.models import BusinessCalendar, Metric, SlaPolicy, SlaPolicyTarget
from concierge.sla.policy_rules import config_changed
from concierge.tickets.models import Tag

#: priority -> metric -> minutes (None: not promised).
TargetTable = Mapping[int, Mapping[str, int | None]]


@dataclass
class PolicyDraft:
    """Everything a policy is made of, validated, ready to store."""

    name: str
    description: str = ""
    is_active: bool = True
    calendar: BusinessCalendar | None = None
    pause_when_pending: bool = True
    pause_when_on_hold: bool = True
    priorities: Sequence[int] = ()
    ticket_types: Sequence[str] = ()
    channels: Sequence[str] = ()
    support_plans: Sequence[str] = ()
    organizations: Sequence[Organization] = ()
    teams: Sequence[Team] = ()
    tags: Sequence[Tag] = ()
    targets: TargetTable = field(default_factory=dict)


def _write_targets(policy: SlaPolicy, targets: TargetTable) -> None:
    policy.targets.all().delete()
    rows = []
    for priority, minutes in sorted(targets.items()):
        values = {metric: minutes.get(metric) for metric in Metric.values}
        if any(values.values()):
            rows.append(
                SlaPolicyTarget(
                    policy=policy,
                    priority=priority,
                    **{f"{metric}_minutes": value or None for metric, value in values.items()},
                )
            )
    SlaPolicyTarget.objects.bulk_create(rows)


def _apply(policy: SlaPolicy, draft: PolicyDraft) -> None:
    policy.name = draft.name
    policy.description = draft.description
    policy.is_active = draft.is_active
    policy.calendar = draft.calendar
    policy.pause_when_pending = draft.pause_when_pending
    policy.pause_when_on_hold = draft.pause_when_on_hold
    policy.priorities = sorted({int(p) for p in draft.priorities})
    policy.ticket_types = sorted(set(draft.ticket_types))
    policy.channels = sorted(set(draft.channels))
    policy.support_plans = sorted(set(draft.support_plans))


def policy_create(*, draft: PolicyDraft) -> SlaPolicy:
    """Store a new policy at the end of the list (it applies after all the others)."""
    with transaction.atomic():
        # Locking the rows keeps two admins creating at once from taking the same place.
        positions = list(SlaPolicy.objects.select_for_update().values_list("position", flat=True))
        policy = SlaPolicy(position=max(positions, default=-1) + 1)
        _apply(policy, draft)
        policy.save()
        policy.organizations.set(draft.organizations)
        policy.teams.set(draft.teams)
        policy.tags.set(draft.tags)
        _write_targets(policy, draft.targets)
        config_changed()
    return policy


def policy_update(*, policy: SlaPolicy, draft: PolicyDraft) -> SlaPolicy:
    """Replace a policy's settings, conditions and targets; its place in the list stays.

    Tickets keep their due times until their next change, which recomputes them under
    the policy as it is then (as a new promise should not rewrite old ones at once).
    """
    with transaction.atomic():
        policy = SlaPolicy.objects.select_for_update().get(pk=policy.pk)
        _apply(policy, draft)
        policy.updated_at = timezone.now()
        policy.save()
        policy.organizations.set(draft.organizations)
        policy.teams.set(draft.teams)
        policy.tags.set(draft.tags)
        _write_targets(policy, draft.targets)
        config_changed()
    return policy


def policy_move(*, policy: SlaPolicy, up: bool) -> None:
    """Swap a policy with its neighbour above (`up`) or below; at an end nothing moves."""
    with transaction.atomic():
        ordered = list(SlaPolicy.objects.select_for_update().order_by("position", "id"))
        index = next((i for i, p in enumerate(ordered) if p.pk == policy.pk), None)
        if index is None:
            return
        other = index - 1 if up else index + 1
        if not 0 <= other < len(ordered):
            return
        ordered[index], ordered[other] = ordered[other], ordered[index]
        # Renumber all: positions may have gaps or ties after deletions and imports.
        for position, item in enumerate(ordered):
            if item.position != position:
                item.position = position
                item.save(update_fields=["position"])
        config_changed()


def policy_delete(*, policy: SlaPolicy) -> None:
    """Delete a policy. Its tickets' timers keep their history (the policy link is cleared)
    and the tickets are matched again at their next change."""
    with transaction.atomic():
        policy.delete()
        config_changed()
