"""Every write to routing settings: team rules, each team's assignment, agents' hours."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from concierge.automation.models.routing import (
    AgentAvailability,
    AssignmentMode,
    RoutingRule,
    TeamRouting,
)
from concierge.automation.triggers_conditions import ROUTING, clean_conditions
from concierge.automation.triggers_services import reorder
from concierge.people.models import Team, User
from concierge.sla.models import BusinessCalendar


def _checked(
    *,
    name: str,
    team: Team | None,
    conditions_all: Sequence[dict[str, Any]],
    conditions_any: Sequence[dict[str, Any]],
) -> dict[str, Any]:
    errors = {}
    name = " ".join(name.split())[:100]
    if not name:
        errors["name"] = _("Give the rule a name.")
    if team is None:
        errors["team"] = _("Choose the team the tickets go to.")
    if errors:
        raise ValidationError(errors)
    all_of = clean_conditions(conditions_all, ROUTING)
    any_of = clean_conditions(conditions_any, ROUTING)
    if not all_of and not any_of:
        raise ValidationError(
            _("Add at least one condition; a rule without any would take every ticket.")
        )
    return {"name": name, "team": team, "conditions_all": all_of, "conditions_any": any_of}


def routing_rule_save(
    *,
    name: str,
    team: Team | None,
    conditions_all: Sequence[dict[str, Any]] = (),
    conditions_any: Sequence[dict[str, Any]] = (),
    is_active: bool = True,
    rule: RoutingRule | None = None,
) -> RoutingRule:
    values = _checked(
        name=name, team=team, conditions_all=conditions_all, conditions_any=conditions_any
    )
    with transaction.atomic():
        if rule is None:
            last = RoutingRule.objects.select_for_update().aggregate(last=Max("position"))
            return RoutingRule.objects.create(
                **values, is_active=is_active, position=(last["last"] or 0) + 1
            )
        for field, value in values.items():
            setattr(rule, field, value)
        rule.is_active = is_active
        rule.updated_at = timezone.now()
        rule.save(update_fields=[*values, "is_active", "updated_at"])
        return rule


def routing_rule_set_active(*, rule: RoutingRule, active: bool) -> RoutingRule:
    rule.is_active = active
    rule.updated_at = timezone.now()
    rule.save(update_fields=["is_active", "updated_at"])
    return rule


def routing_rule_move(*, rule: RoutingRule, direction: str) -> None:
    reorder(RoutingRule, rule.pk, direction)


def routing_rule_delete(*, rule: RoutingRule) -> None:
    rule.delete()


def team_routing_save(
    *, team: Team, mode: str, max_open_per_agent: int | None, return_when_away: bool
) -> TeamRouting:
    if mode not in AssignmentMode.values:
        raise ValidationError({"mode": _("Choose a way from the list.")})
    if max_open_per_agent is not None and max_open_per_agent < 1:
        raise ValidationError({"max_open_per_agent": _("Enter 1 or more, or leave it empty.")})
    with transaction.atomic():
        routing, _created = TeamRouting.objects.select_for_update().get_or_create(team=team)
        routing.mode = mode
        routing.max_open_per_agent = max_open_per_agent
        routing.return_when_away = return_when_away
        routing.updated_at = timezone.now()
        routing.save(update_fields=["mode", "max_open_per_agent", "return_when_away", "updated_at"])
    return routing


def agent_set_working_hours(*, agent: User, calendar: BusinessCalendar | None) -> AgentAvailability:
    with transaction.atomic():
        availability, _created = AgentAvailability.objects.select_for_update().get_or_create(
            agent=agent
        )
        availability.calendar = calendar
        availability.save(update_fields=["calendar"])
    return availability
