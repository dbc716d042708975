"""SLA policies as JSON, next to the calendars in the file `concierge sla export` writes.

One policy::

    {"name": "Premium", "description": "", "active": true,
     "calendar": "Helsinki office",          # null: calendar hours
     "pause_when_pending": true, "pause_when_on_hold": true,
     "conditions": {"priorities": ["urgent", "high"], "types": ["incident"],
                    "channels": ["email"], "organizations": ["Acme"],
                    "support_plans": ["premium"], "teams": ["Support"], "tags": ["vip"]},
     "targets": {"urgent": {"first_response": 30, "next_response": 60, "resolution": 240}}}

Targets are minutes; a metric left out is not promised. Policies are listed in their
order. Calendars, organizations and teams are named; a name that does not exist where
the file is imported is an error (a condition silently dropped would widen the policy),
while tags are created, as tagging a ticket would. Keys this module does not know are
ignored. Every error says where it is: `policies[1] (policy "VIP"): conditions.teams[0]:
no team named "Sales"`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from concierge.sla.calendars_json import CalendarFormatError
from concierge.sla.models import MAX_TARGET_MINUTES, Metric, SlaPolicy
from concierge.tickets.models import Channel, Priority, TicketType

NAME_MAX_LENGTH = 100
PRIORITY_NAMES = {priority.name.lower(): int(priority) for priority in Priority}
PRIORITY_KEYS = {value: name for name, value in PRIORITY_NAMES.items()}


@dataclass
class PolicySpec:
    """A policy read from a file, with names still to be found where it is imported."""

    name: str
    description: str = ""
    active: bool = True
    calendar: str | None = None
    pause_when_pending: bool = True
    pause_when_on_hold: bool = True
    priorities: list[int] = field(default_factory=list)
    ticket_types: list[str] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)
    organizations: list[str] = field(default_factory=list)
    support_plans: list[str] = field(default_factory=list)
    teams: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    targets: dict[int, dict[str, int | None]] = field(default_factory=dict)
    where: str = ""


def _fail(where: str, message: str) -> CalendarFormatError:
    return CalendarFormatError(f"{where}: {message}")


def _bool(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise _fail(where, "true or false")
    return value


def _names(value: Any, where: str, allowed: Iterable[str] | None = None) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail(where, "a list of names")
    names = [v.strip() for v in value]
    if allowed is not None:
        known = set(allowed)
        for index, name in enumerate(names):
            if name not in known:
                raise _fail(
                    f"{where}[{index}]", f"{name!r} is not one of {', '.join(sorted(known))}"
                )
    return names


def _priority(value: Any, where: str) -> int:
    if isinstance(value, str) and value.lower() in PRIORITY_NAMES:
        return PRIORITY_NAMES[value.lower()]
    raise _fail(where, f"{value!r} is not a priority ({', '.join(PRIORITY_NAMES)})")


def _targets(value: Any, where: str) -> dict[int, dict[str, int | None]]:
    if not isinstance(value, dict):
        raise _fail(where, 'targets are an object like {"urgent": {"first_response": 30}}')
    targets: dict[int, dict[str, int | None]] = {}
    for key, minutes in value.items():
        priority = _priority(key, f"{where}.{key}")
        if not isinstance(minutes, dict):
            raise _fail(f"{where}.{key}", "an object of metric: minutes")
        row: dict[str, int | None] = {}
        for metric, amount in minutes.items():
            if metric not in Metric.values:
                raise _fail(f"{where}.{key}.{metric}", f"not one of {', '.join(Metric.values)}")
            if amount is not None and (
                isinstance(amount, bool)
                or not isinstance(amount, int)
                or not 1 <= amount <= MAX_TARGET_MINUTES
            ):
                raise _fail(
                    f"{where}.{key}.{metric}",
                    f"whole minutes from 1 to {MAX_TARGET_MINUTES}, or null",
                )
            row[metric] = amount
        targets[priority] = row
    return targets


def policy_from_json(value: Any, where: str) -> PolicySpec:
    if not isinstance(value, dict):
        raise _fail(where, "a policy is an object with a name, conditions and targets")
    name = value.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > NAME_MAX_LENGTH:
        raise _fail(f"{where}.name", f"a name of 1 to {NAME_MAX_LENGTH} characters")
    name = name.strip()
    where = f'{where} (policy "{name}")'
    calendar = value.get("calendar")
    if calendar is not None and (not isinstance(calendar, str) or not calendar.strip()):
        raise _fail(f"{where}: calendar", "a calendar's name, or null for calendar hours")
    description = value.get("description", "")
    if not isinstance(description, str):
        raise _fail(f"{where}: description", "a text")
    conditions = value.get("conditions", {})
    if not isinstance(conditions, dict):
        raise _fail(f"{where}: conditions", "an object")
    at = f"{where}: conditions"
    return PolicySpec(
        name=name,
        description=description,
        active=_bool(value.get("active", True), f"{where}: active"),
        calendar=calendar.strip() if calendar else None,
        pause_when_pending=_bool(
            value.get("pause_when_pending", True), f"{where}: pause_when_pending"
        ),
        pause_when_on_hold=_bool(
            value.get("pause_when_on_hold", True), f"{where}: pause_when_on_hold"
        ),
        priorities=[
            _priority(p, f"{at}.priorities")
            for p in _names(conditions.get("priorities", []), f"{at}.priorities")
        ],
        ticket_types=_names(conditions.get("types", []), f"{at}.types", TicketType.values),
        channels=_names(conditions.get("channels", []), f"{at}.channels", Channel.values),
        organizations=_names(conditions.get("organizations", []), f"{at}.organizations"),
        support_plans=_names(conditions.get("support_plans", []), f"{at}.support_plans"),
        teams=_names(conditions.get("teams", []), f"{at}.teams"),
        tags=_names(conditions.get("tags", []), f"{at}.tags"),
        targets=_targets(value.get("targets", {}), f"{where}: targets"),
        where=where,
    )


def policies_from_json(value: Any) -> list[PolicySpec]:
    if not isinstance(value, list):
        raise CalendarFormatError("policies: a list of policies")
    specs = [policy_from_json(item, f"policies[{index}]") for index, item in enumerate(value)]
    seen: set[str] = set()
    for spec in specs:
        if spec.name in seen:
            raise _fail(spec.where, "this name is used twice in the file")
        seen.add(spec.name)
    return specs


def policy_to_json(policy: SlaPolicy) -> dict[str, Any]:
    """One stored policy (with its relations prefetched) as the file holds it."""
    targets: dict[str, dict[str, int]] = {}
    for target in sorted(policy.targets.all(), key=lambda t: -t.priority):
        minutes = {metric: target.minutes(metric) for metric in Metric.values}
        targets[PRIORITY_KEYS[target.priority]] = {m: v for m, v in minutes.items() if v}
    return {
        "name": policy.name,
        "description": policy.description,
        "active": policy.is_active,
        "calendar": policy.calendar.name if policy.calendar else None,
        "pause_when_pending": policy.pause_when_pending,
        "pause_when_on_hold": policy.pause_when_on_hold,
        "conditions": {
            "priorities": [PRIORITY_KEYS[p] for p in sorted(policy.priorities, reverse=True)],
            "types": list(policy.ticket_types),
            "channels": list(policy.channels),
            "organizations": sorted(o.name for o in policy.organizations.all()),
            "support_plans": list(policy.support_plans),
            "teams": sorted(t.name for t in policy.teams.all()),
            "tags": sorted(t.name for t in policy.tags.all()),
        },
        "targets": targets,
    }


def split_file(value: Any) -> tuple[Any, Any]:
    """(calendars, policies) of a decoded file: the whole export, or calendars alone (one
    calendar object or a list of them, as files before policies were exported)."""
    if isinstance(value, Mapping) and ("calendars" in value or "policies" in value):
        return value.get("calendars", []), value.get("policies", [])
    return value, []
