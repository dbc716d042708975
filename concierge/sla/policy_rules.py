"""SLA policies as values: compiled once per configuration and matched against tickets.

Recomputing a ticket's due times happens on every reply and every field change, so it
must not reload the policies, their targets, conditions and calendars each time. Each
process keeps one compiled `SlaConfig` and checks a single token row before using it
(`SlaConfigVersion`); every service that changes policies, escalation rules or calendars
calls `config_changed()`, which gives the row a new random token.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import Prefetch

from concierge.people.models import Organization
from concierge.sla.calendar import Calendar, CalendarError
from concierge.sla.models import (
    BusinessInterval,
    Holiday,
    Metric,
    SlaConfigVersion,
    SlaEscalationRule,
    SlaPolicy,
    SlaPolicyTarget,
)
from concierge.sla.queries import calendar_value
from concierge.tickets import batch
from concierge.tickets.models import Ticket

logger = logging.getLogger(__name__)

#: What a policy without a calendar counts: every second ("calendar hours").
CALENDAR_HOURS = Calendar(name="24/7", time_zone=ZoneInfo("UTC"), always_open=True)

METRICS: tuple[str, ...] = tuple(Metric.values)


@dataclass(frozen=True)
class TicketFacts:
    """What policy conditions look at, read once per recomputation."""

    priority: int
    ticket_type: str
    channel: str
    status: str
    organization_id: int | None = None
    support_plan: str = ""
    team_id: int | None = None
    tag_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class PolicyRules:
    """One policy, ready to match tickets and to count its targets."""

    id: int
    name: str
    calendar: Calendar
    business_hours: bool
    pause_statuses: frozenset[str] = frozenset()
    priorities: frozenset[int] = frozenset()
    ticket_types: frozenset[str] = frozenset()
    channels: frozenset[str] = frozenset()
    organization_ids: frozenset[int] = frozenset()
    support_plans: frozenset[str] = frozenset()
    team_ids: frozenset[int] = frozenset()
    tag_ids: frozenset[int] = frozenset()
    # priority -> metric -> minutes; a metric missing is not promised for that priority.
    targets: Mapping[int, Mapping[str, int]] = field(default_factory=dict)

    def matches(self, facts: TicketFacts) -> bool:
        if self.priorities and facts.priority not in self.priorities:
            return False
        if self.ticket_types and facts.ticket_type not in self.ticket_types:
            return False
        if self.channels and facts.channel not in self.channels:
            return False
        if (self.organization_ids or self.support_plans) and not (
            facts.organization_id in self.organization_ids
            or (facts.support_plan and facts.support_plan in self.support_plans)
        ):
            return False
        if self.team_ids and facts.team_id not in self.team_ids:
            return False
        return not (self.tag_ids and not self.tag_ids & facts.tag_ids)

    def target_minutes(self, priority: int, metric: str) -> int | None:
        return self.targets.get(priority, {}).get(metric)

    def pauses_on(self, status: str) -> bool:
        return status in self.pause_statuses


@dataclass(frozen=True)
class EscalationRuleValue:
    """An active escalation rule: which timers it watches and when it fires for them."""

    id: int
    name: str
    percent: int
    policy_id: int | None = None
    metric: str = ""

    def watches(self, policy_id: int | None, metric: str) -> bool:
        return (self.policy_id is None or self.policy_id == policy_id) and (
            not self.metric or self.metric == metric
        )


@dataclass(frozen=True)
class SlaConfig:
    token: str
    policies: tuple[PolicyRules, ...] = ()
    escalation_rules: tuple[EscalationRuleValue, ...] = ()

    @property
    def uses_tags(self) -> bool:
        return any(policy.tag_ids for policy in self.policies)

    @property
    def uses_support_plans(self) -> bool:
        return any(policy.support_plans for policy in self.policies)

    def policy_for(self, facts: TicketFacts) -> PolicyRules | None:
        """The first policy, in the admins' order, whose conditions all match."""
        for policy in self.policies:
            if policy.matches(facts):
                return policy
        return None

    def policy_by_id(self, policy_id: int | None) -> PolicyRules | None:
        for policy in self.policies:
            if policy.id == policy_id:
                return policy
        return None


def compile_policy(policy: SlaPolicy) -> PolicyRules:
    """The value of a stored policy; uses prefetched relations when present."""
    calendar = calendar_value(policy.calendar) if policy.calendar_id else CALENDAR_HOURS
    targets: dict[int, dict[str, int]] = {}
    for target in policy.targets.all():
        minutes = {metric: target.minutes(metric) for metric in METRICS}
        targets[target.priority] = {m: value for m, value in minutes.items() if value}
    return PolicyRules(
        id=policy.pk,
        name=policy.name,
        calendar=calendar,
        business_hours=policy.calendar_id is not None,
        pause_statuses=frozenset(policy.pause_statuses),
        priorities=frozenset(int(p) for p in policy.priorities),
        ticket_types=frozenset(policy.ticket_types),
        channels=frozenset(policy.channels),
        organization_ids=frozenset(o.pk for o in policy.organizations.all()),
        support_plans=frozenset(policy.support_plans),
        team_ids=frozenset(t.pk for t in policy.teams.all()),
        tag_ids=frozenset(t.pk for t in policy.tags.all()),
        targets=targets,
    )


def policies_with_rules(*, active_only: bool = False) -> list[SlaPolicy]:
    """Policies in order with everything `compile_policy` reads, in a fixed number of queries."""
    policies = SlaPolicy.objects.select_related("calendar").prefetch_related(
        Prefetch("targets", queryset=SlaPolicyTarget.objects.order_by("-priority")),
        "organizations",
        "teams",
        "tags",
        Prefetch(
            "calendar__intervals",
            queryset=BusinessInterval.objects.order_by("weekday", "start_minute"),
        ),
        Prefetch("calendar__holidays", queryset=Holiday.objects.order_by("date")),
    )
    if active_only:
        policies = policies.filter(is_active=True)
    return list(policies.order_by("position", "id"))


def load_config(token: str) -> SlaConfig:
    compiled = []
    for policy in policies_with_rules(active_only=True):
        try:
            compiled.append(compile_policy(policy))
        except CalendarError:
            # Rows written around the services; the policy cannot count time, so it is
            # left out rather than stopping every ticket change.
            logger.exception("SLA policy %r has an unusable calendar; it is skipped", policy.name)
    rules = tuple(
        EscalationRuleValue(
            id=rule.pk,
            name=rule.name,
            percent=rule.percent,
            policy_id=rule.policy_id,
            metric=rule.metric,
        )
        for rule in SlaEscalationRule.objects.filter(is_active=True).order_by("percent", "id")
    )
    return SlaConfig(token=token, policies=tuple(compiled), escalation_rules=rules)


_cached: SlaConfig | None = None
_cache_lock = threading.Lock()


_TOKEN_SQL = f"SELECT token FROM {SlaConfigVersion._meta.db_table} WHERE id = 1"  # noqa: S608


def config_token() -> str:
    # Plain SQL: this runs on every ticket change, and building the query through the
    # ORM would cost several times what the database takes to answer it.
    with connection.cursor() as cursor:
        cursor.execute(_TOKEN_SQL)
        row = cursor.fetchone()
    return row[0] if row else ""


def current_config() -> SlaConfig:
    """The compiled configuration, reloaded only when its token changed (one query;
    none after the first in a batch of incoming mail, see concierge.tickets.batch)."""
    return batch.memo("sla.config", _current_config)


def _current_config() -> SlaConfig:
    global _cached
    token = config_token()
    cached = _cached
    if cached is not None and cached.token == token:
        return cached
    config = load_config(token)
    with _cache_lock:
        _cached = config
    return config


def config_changed() -> None:
    """Call inside the transaction of every change to policies, rules or calendars."""
    SlaConfigVersion.objects.update_or_create(pk=1, defaults={"token": uuid.uuid4().hex})


_TAGS_SQL = f"SELECT tag_id FROM {Ticket.tags.through._meta.db_table} WHERE ticket_id = %s"  # noqa: S608
_PLAN_SQL = f"SELECT support_plan FROM {Organization._meta.db_table} WHERE id = %s"  # noqa: S608


def ticket_facts(ticket: Ticket, config: SlaConfig) -> TicketFacts:
    """The ticket's facts; tags and the support plan are read only if a policy needs them
    (in plain SQL, for the same reason as the token)."""
    tag_ids: frozenset[int] = frozenset()
    if config.uses_tags:
        with connection.cursor() as cursor:
            cursor.execute(_TAGS_SQL, [ticket.pk])
            tag_ids = frozenset(row[0] for row in cursor.fetchall())
    plan = ""
    if config.uses_support_plans and ticket.organization_id:
        if Ticket.organization.is_cached(ticket):  # type: ignore[attr-defined]
            plan = ticket.organization.support_plan if ticket.organization else ""
        else:
            with connection.cursor() as cursor:
                cursor.execute(_PLAN_SQL, [ticket.organization_id])
                row = cursor.fetchone()
            plan = row[0] if row else ""
    return TicketFacts(
        priority=ticket.priority,
        ticket_type=ticket.ticket_type,
        channel=ticket.channel,
        status=ticket.status,
        organization_id=ticket.organization_id,
        support_plan=plan,
        team_id=ticket.team_id,
        tag_ids=tag_ids,
    )
