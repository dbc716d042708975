"""Helpers for the automation tests: rules made the way the settings pages make them."""

from __future__ import annotations

from typing import Any

from concierge.automation.models.triggers import EmailTemplate, Trigger
from concierge.automation.triggers_actions import clean_actions
from concierge.automation.triggers_conditions import TRIGGER, clean_conditions


def make_trigger(
    name: str = "Rule",
    *,
    events: list[str],
    actions: list[dict[str, Any]],
    all_of: list[dict[str, Any]] = (),
    any_of: list[dict[str, Any]] = (),
    position: int | None = None,
    is_active: bool = True,
) -> Trigger:
    return Trigger.objects.create(
        name=name,
        events=events,
        conditions_all=clean_conditions(list(all_of), TRIGGER),
        conditions_any=clean_conditions(list(any_of), TRIGGER),
        actions=clean_actions(actions),
        position=Trigger.objects.count() + 1 if position is None else position,
        is_active=is_active,
    )


def make_email_template(name: str = "Update") -> EmailTemplate:
    return EmailTemplate.objects.create(
        name=name,
        variants={
            "en": {
                "subject": "#{{ ticket.number }}: {{ ticket.status }}",
                "body": "Hello {{ customer.first_name }}, your request is {{ ticket.status }}.",
            },
            "fi": {
                "subject": "#{{ ticket.number }}: {{ ticket.status }}",
                "body": "Hei {{ customer.first_name }}, pyyntösi tila: {{ ticket.status }}.",
            },
        },
    )


def cond(field: str, operator: str, value: object) -> dict[str, Any]:
    return {"field": field, "operator": operator, "value": str(value)}


def ensure_shipped_defaults() -> None:
    """Bring back the triggers, time rules and e-mails the data migrations ship.

    Tests that commit (transactional ones) empty every table when they end, migration
    data included; tests about the shipped defaults run after them as well.
    """
    from importlib import import_module

    from django.apps import apps

    from concierge.automation.models.rules import TimeRule

    if not Trigger.objects.filter(name="Acknowledge a new request").exists():
        import_module("concierge.automation.migrations.0003_default_triggers").create_defaults(
            apps, None
        )
    if not Trigger.objects.filter(name="Tell an agent a ticket was assigned to them").exists():
        import_module(
            "concierge.automation.migrations.0008_default_assigned_trigger"
        ).create_defaults(apps, None)
    if not TimeRule.objects.filter(name="Close 4 days after solving").exists():
        import_module("concierge.automation.migrations.0005_default_time_rules").create_defaults(
            apps, None
        )
