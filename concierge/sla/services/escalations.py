"""Every write to escalation rules and agents' notices."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from concierge.people.models import Team, User
from concierge.sla.models import AgentNotice, SlaEscalationRule, SlaPolicy
from concierge.sla.policy_rules import config_changed


@dataclass
class RuleDraft:
    name: str
    percent: int
    is_active: bool = True
    policy: SlaPolicy | None = None
    metric: str = ""
    notify_assignee: bool = False
    notify_team_lead: bool = False
    notify_users: Sequence[User] = field(default_factory=list)
    send_email: bool = True
    reassign_to: User | None = None
    reassign_team: Team | None = None
    raise_priority: bool = False


_FIELDS = (
    "name",
    "percent",
    "is_active",
    "policy",
    "metric",
    "notify_assignee",
    "notify_team_lead",
    "send_email",
    "reassign_to",
    "reassign_team",
    "raise_priority",
)


def escalation_rule_save(
    *, draft: RuleDraft, rule: SlaEscalationRule | None = None
) -> SlaEscalationRule:
    """Create a rule, or replace an existing one's settings. It applies to a ticket's
    timers from the ticket's next change or check; what fired before stays fired."""
    with transaction.atomic():
        rule = rule or SlaEscalationRule()
        for name in _FIELDS:
            setattr(rule, name, getattr(draft, name))
        rule.updated_at = timezone.now()
        rule.save()
        rule.notify_users.set(draft.notify_users)
        config_changed()
    return rule


def escalation_rule_delete(*, rule: SlaEscalationRule) -> None:
    with transaction.atomic():
        rule.delete()
        config_changed()


def notices_mark_read(*, user: User, ids: Sequence[int] | None = None) -> int:
    """Mark the agent's unread notices read (all, or those listed); returns how many."""
    notices = AgentNotice.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        notices = notices.filter(pk__in=ids)
    return notices.update(read_at=timezone.now())
