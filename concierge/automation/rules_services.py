"""Every write to time rules. Conditions and actions are checked as for triggers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from concierge.automation.models.rules import BUSINESS_UNITS, TimeAnchor, TimeRule, TimeUnit
from concierge.automation.triggers_actions import clean_actions
from concierge.automation.triggers_conditions import TIME_RULE, clean_conditions
from concierge.automation.triggers_services import reorder
from concierge.people.models import User
from concierge.sla.models import BusinessCalendar

# Ten years in hours: longer waits are a typo, not a rule.
MAX_AMOUNT = 87600


def _checked(
    *,
    name: str,
    anchor: str,
    amount: int,
    unit: str,
    calendar: BusinessCalendar | None,
    conditions_all: Sequence[dict[str, Any]],
    conditions_any: Sequence[dict[str, Any]],
    actions: Sequence[dict[str, Any]],
) -> dict[str, Any]:
    errors: dict[str, str] = {}
    name = " ".join(name.split())[:100]
    if not name:
        errors["name"] = _("Give the rule a name.")
    if anchor not in TimeAnchor.values:
        errors["anchor"] = _("Choose a moment from the list.")
    if unit not in TimeUnit.values:
        errors["unit"] = _("Choose a unit from the list.")
    if not 1 <= amount <= MAX_AMOUNT:
        errors["amount"] = _("Enter a number from 1 to %(max)s.") % {"max": MAX_AMOUNT}
    if unit in BUSINESS_UNITS and calendar is None:
        errors["calendar"] = _("Business hours and days are counted under a calendar: choose one.")
    if errors:
        raise ValidationError(errors)
    return {
        "name": name,
        "anchor": anchor,
        "amount": amount,
        "unit": unit,
        "calendar": calendar if unit in BUSINESS_UNITS else None,
        "conditions_all": clean_conditions(conditions_all, TIME_RULE),
        "conditions_any": clean_conditions(conditions_any, TIME_RULE),
        "actions": clean_actions(actions),
    }


def time_rule_create(
    *,
    name: str,
    anchor: str,
    amount: int,
    unit: str,
    actions: Sequence[dict[str, Any]],
    calendar: BusinessCalendar | None = None,
    conditions_all: Sequence[dict[str, Any]] = (),
    conditions_any: Sequence[dict[str, Any]] = (),
    description: str = "",
    is_active: bool = True,
    actor: User | None = None,
) -> TimeRule:
    values = _checked(
        name=name,
        anchor=anchor,
        amount=amount,
        unit=unit,
        calendar=calendar,
        conditions_all=conditions_all,
        conditions_any=conditions_any,
        actions=actions,
    )
    with transaction.atomic():
        last = TimeRule.objects.select_for_update().aggregate(last=Max("position"))["last"]
        return TimeRule.objects.create(
            **values,
            description=description.strip(),
            is_active=is_active,
            position=(last or 0) + 1,
            created_by=actor,
        )


def time_rule_update(
    *,
    rule: TimeRule,
    name: str,
    anchor: str,
    amount: int,
    unit: str,
    actions: Sequence[dict[str, Any]],
    calendar: BusinessCalendar | None = None,
    conditions_all: Sequence[dict[str, Any]] = (),
    conditions_any: Sequence[dict[str, Any]] = (),
    description: str = "",
    is_active: bool = True,
) -> TimeRule:
    """Change a rule. Tickets it already acted on keep their record: changing the time
    does not make it act on them again for the same moment."""
    values = _checked(
        name=name,
        anchor=anchor,
        amount=amount,
        unit=unit,
        calendar=calendar,
        conditions_all=conditions_all,
        conditions_any=conditions_any,
        actions=actions,
    )
    for field, value in values.items():
        setattr(rule, field, value)
    rule.description = description.strip()
    rule.is_active = is_active
    rule.updated_at = timezone.now()
    rule.save(update_fields=[*values, "description", "is_active", "updated_at"])
    return rule


def time_rule_set_active(*, rule: TimeRule, active: bool) -> TimeRule:
    rule.is_active = active
    rule.updated_at = timezone.now()
    rule.save(update_fields=["is_active", "updated_at"])
    return rule


def time_rule_move(*, rule: TimeRule, direction: str) -> None:
    reorder(TimeRule, rule.pk, direction)


def time_rule_delete(*, rule: TimeRule) -> None:
    rule.delete()
