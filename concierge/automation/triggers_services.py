"""Every write to triggers and e-mail templates.

Conditions and actions arrive as raw rows (from the settings form or an import) and are
checked here, so nothing invalid is stored whoever calls.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from concierge.automation.models.triggers import EmailTemplate, Trigger, TriggerEvent
from concierge.automation.triggers_actions import clean_actions
from concierge.automation.triggers_conditions import TRIGGER, clean_conditions
from concierge.automation.triggers_render import validate_placeholders
from concierge.people.models import User


def _clean_events(events: Sequence[str]) -> list[str]:
    chosen = [e for e in TriggerEvent.values if e in set(events)]
    if not chosen or len(chosen) != len(set(events)):
        raise ValidationError({"events": _("Choose at least one event from the list.")})
    return chosen


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Give the trigger a name.")})
    return name[:100]


def _checked(
    *,
    name: str,
    events: Sequence[str],
    conditions_all: Sequence[dict[str, Any]],
    conditions_any: Sequence[dict[str, Any]],
    actions: Sequence[dict[str, Any]],
) -> dict[str, Any]:
    return {
        "name": _clean_name(name),
        "events": _clean_events(events),
        "conditions_all": clean_conditions(conditions_all, TRIGGER),
        "conditions_any": clean_conditions(conditions_any, TRIGGER),
        "actions": clean_actions(actions),
    }


def trigger_create(
    *,
    name: str,
    events: Sequence[str],
    actions: Sequence[dict[str, Any]],
    conditions_all: Sequence[dict[str, Any]] = (),
    conditions_any: Sequence[dict[str, Any]] = (),
    description: str = "",
    is_active: bool = True,
    actor: User | None = None,
) -> Trigger:
    """A new trigger, last in the order. Raises ValidationError naming the bad part."""
    values = _checked(
        name=name,
        events=events,
        conditions_all=conditions_all,
        conditions_any=conditions_any,
        actions=actions,
    )
    with transaction.atomic():
        last = Trigger.objects.select_for_update().aggregate(last=Max("position"))["last"]
        return Trigger.objects.create(
            **values,
            description=description.strip(),
            is_active=is_active,
            position=(last or 0) + 1,
            created_by=actor,
        )


def trigger_update(
    *,
    trigger: Trigger,
    name: str,
    events: Sequence[str],
    actions: Sequence[dict[str, Any]],
    conditions_all: Sequence[dict[str, Any]] = (),
    conditions_any: Sequence[dict[str, Any]] = (),
    description: str = "",
    is_active: bool = True,
) -> Trigger:
    values = _checked(
        name=name,
        events=events,
        conditions_all=conditions_all,
        conditions_any=conditions_any,
        actions=actions,
    )
    for field, value in values.items():
        setattr(trigger, field, value)
    trigger.description = description.strip()
    trigger.is_active = is_active
    trigger.updated_at = timezone.now()
    trigger.save(update_fields=[*values, "description", "is_active", "updated_at"])
    return trigger


def trigger_set_active(*, trigger: Trigger, active: bool) -> Trigger:
    trigger.is_active = active
    trigger.updated_at = timezone.now()
    trigger.save(update_fields=["is_active", "updated_at"])
    return trigger


def reorder(model: type[models.Model], pk: int, direction: str) -> None:
    """Swap a rule (trigger, time rule, routing rule) with its neighbour above ("up") or
    below ("down").

    Positions are renumbered 1..n under a lock first, so gaps and ties left by deletions
    or concurrent creations never make a move do nothing.
    """
    with transaction.atomic():
        ordered = list(model.objects.select_for_update().order_by("position", "pk"))
        index = next((i for i, rule in enumerate(ordered) if rule.pk == pk), None)
        if index is None:
            return
        other = index - 1 if direction == "up" else index + 1
        if 0 <= other < len(ordered):
            ordered[index], ordered[other] = ordered[other], ordered[index]
        for position, item in enumerate(ordered, start=1):
            if item.position != position:
                item.position = position
                item.save(update_fields=["position"])


def trigger_move(*, trigger: Trigger, direction: str) -> None:
    reorder(Trigger, trigger.pk, direction)


def trigger_delete(*, trigger: Trigger) -> None:
    trigger.delete()


# --- e-mail templates ---------------------------------------------------------------------


def _clean_variants(variants: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """Only the desk's languages, only filled-in texts; placeholders must be known ones.

    Errors are keyed "<language>_subject" / "<language>_body" like the form's fields.
    """
    cleaned: dict[str, dict[str, str]] = {}
    errors: dict[str, list[str]] = {}
    for code, _name in settings.LANGUAGES:
        variant = variants.get(code) or {}
        subject = " ".join(str(variant.get("subject", "")).split())
        body = str(variant.get("body", "")).strip()
        if not subject and not body:
            continue
        if not body:
            errors[f"{code}_body"] = [_("Write the text of the e-mail, or clear its subject.")]
        for key, text in (("subject", subject), ("body", body)):
            try:
                validate_placeholders(text)
            except ValidationError as error:
                errors[f"{code}_{key}"] = error.messages
        cleaned[code] = {"subject": subject[:250], "body": body}
    if errors:
        raise ValidationError(errors)
    if not cleaned:
        raise ValidationError(_("Write the e-mail in at least one language."))
    return cleaned


def email_template_save(
    *, name: str, variants: dict[str, dict[str, str]], template: EmailTemplate | None = None
) -> EmailTemplate:
    name = " ".join(name.split())[:100]
    if not name:
        raise ValidationError({"name": _("Give the e-mail a name.")})
    duplicate = EmailTemplate.objects.filter(name__iexact=name)
    if template is not None:
        duplicate = duplicate.exclude(pk=template.pk)
    if duplicate.exists():
        raise ValidationError({"name": _("Another e-mail has this name.")})
    cleaned = _clean_variants(variants)
    if template is None:
        return EmailTemplate.objects.create(name=name, variants=cleaned)
    template.name = name
    template.variants = cleaned
    template.updated_at = timezone.now()
    template.save(update_fields=["name", "variants", "updated_at"])
    return template


def email_template_delete(*, template: EmailTemplate) -> None:
    """Delete an e-mail that no trigger or time rule sends; refuse with the users' names."""
    from concierge.automation.triggers_queries import rules_sending

    users = rules_sending(template)
    if users:
        raise ValidationError(
            _("These rules send this e-mail: %(names)s. Change them first.")
            % {"names": ", ".join(users)}
        )
    template.delete()
