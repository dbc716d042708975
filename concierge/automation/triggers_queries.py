"""Reads for the trigger settings pages: access helpers and rules described in words."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from concierge.automation.models.triggers import EmailTemplate, Trigger, TriggerEvent
from concierge.automation.triggers_actions import describe as describe_action
from concierge.automation.triggers_conditions import (
    describe as describe_condition,
)
from concierge.automation.triggers_conditions import (
    organization_choices,
    value_choices,
)
from concierge.people.queries import admin_or_404


def trigger_for_admin(user: object, pk: int) -> Trigger:
    admin_or_404(user)
    trigger = Trigger.objects.filter(pk=pk).first()
    if trigger is None:
        raise Http404
    return trigger


def email_template_for_admin(user: object, pk: int) -> EmailTemplate:
    admin_or_404(user)
    template = EmailTemplate.objects.filter(pk=pk).first()
    if template is None:
        raise Http404
    return template


def email_templates() -> QuerySet[EmailTemplate]:
    return EmailTemplate.objects.order_by("name")


@dataclass(frozen=True)
class DescribedRule:
    """A rule with its parts in words, for the lists."""

    rule: Any
    events: list[str]
    all_of: list[str]
    any_of: list[str]
    actions: list[str]


class Describer:
    """Turns conditions and actions into words with a fixed number of queries, however
    many rules are listed."""

    def __init__(self, rules: Iterable[Any]) -> None:
        rules = list(rules)
        self.choices = value_choices()
        conditions = [
            c
            for rule in rules
            for c in [*getattr(rule, "conditions_all", []), *getattr(rule, "conditions_any", [])]
        ]
        self.choices["organization"] = organization_choices(conditions)
        self.templates = dict(EmailTemplate.objects.values_list("pk", "name"))

    def conditions(self, conditions: Iterable[dict[str, str]]) -> list[str]:
        return [describe_condition(c, self.choices) for c in conditions]

    def actions(self, actions: Iterable[dict[str, Any]]) -> list[str]:
        return [describe_action(a, self.choices, self.templates) for a in actions]


EVENT_LABELS = dict(TriggerEvent.choices)


def described_triggers() -> list[DescribedRule]:
    triggers = list(Trigger.objects.order_by("position", "pk"))
    words = Describer(triggers)
    return [
        DescribedRule(
            rule=trigger,
            events=[str(EVENT_LABELS.get(e, e)) for e in trigger.events],
            all_of=words.conditions(trigger.conditions_all),
            any_of=words.conditions(trigger.conditions_any),
            actions=words.actions(trigger.actions),
        )
        for trigger in triggers
    ]


def rules_sending(template: EmailTemplate) -> list[str]:
    """Names of the triggers and time rules whose actions send this e-mail."""
    from concierge.automation.models.rules import TimeRule

    names = []
    for model in (Trigger, TimeRule):
        for name, actions in model.objects.values_list("name", "actions"):
            if any(a.get("template") == template.pk for a in actions or []):
                names.append(name)
    return sorted(names)
