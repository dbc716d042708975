"""Forms for playbooks: the procedure an admin writes, and a step an agent ticks."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from concierge.automation.models.playbooks import Playbook
from concierge.tickets.models import Tag, TicketType

MAX_STEPS = 100
STEP_LENGTH = 300


class PlaybookForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        error_messages={"required": _("Give the procedure a title, say “Return request”.")},
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=5_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why the procedure exists and what a good outcome is."),
    )
    ticket_type = forms.ChoiceField(
        label=_("For tickets of type"),
        choices=[("", _("Any type")), *TicketType.choices],
        required=False,
    )
    tag = forms.CharField(
        label=_("For tickets tagged"),
        max_length=60,
        required=False,
        help_text=_("One tag. With a type as well, a ticket needs both."),
    )
    steps = forms.CharField(
        label=_("Steps"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "One step per line, in order. A step whose text you leave unchanged keeps "
            "its ticks on open tickets."
        ),
        error_messages={"required": _("Write at least one step.")},
    )
    required_before_solving = forms.BooleanField(
        label=_("Must be complete before the ticket is solved"), required=False
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "playbook_%s")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    @staticmethod
    def initial_for(playbook: Playbook) -> dict[str, Any]:
        return {
            "title": playbook.title,
            "description": playbook.description,
            "ticket_type": playbook.ticket_type,
            "tag": playbook.tag.name if playbook.tag else "",
            "steps": "\n".join(step.text for step in playbook.steps.all()),
            "required_before_solving": playbook.required_before_solving,
            "is_active": playbook.is_active,
        }

    def clean_tag(self) -> str:
        name = self.cleaned_data["tag"]
        if "," in name:
            raise ValidationError(_("Give one tag; a playbook follows a single tag."))
        return Tag.normalize(name) if name.strip() else ""

    def clean_steps(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["steps"].splitlines()]
        steps = [line.lstrip("-*•").strip() for line in lines if line]
        steps = [step for step in steps if step]
        if not steps:
            raise ValidationError(_("Write at least one step."))
        if len(steps) > MAX_STEPS:
            raise ValidationError(_("A procedure has at most %(max)d steps.") % {"max": MAX_STEPS})
        long = [step for step in steps if len(step) > STEP_LENGTH]
        if long:
            raise ValidationError(
                _("Each step fits in %(max)d characters; this one is longer: %(step)s")
                % {"max": STEP_LENGTH, "step": long[0][:60] + "…"}
            )
        if len(set(steps)) != len(steps):
            raise ValidationError(_("Two steps have the same text; make each one distinct."))
        return steps

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("ticket_type") and not data.get("tag") and "tag" not in self.errors:
            raise ValidationError(
                _("Choose a ticket type, a tag, or both: a playbook needs at least one condition.")
            )
        return data

    def values(self) -> dict[str, Any]:
        """Keyword arguments for playbook_create and playbook_update."""
        data = self.cleaned_data
        return {
            "title": data["title"].strip(),
            "description": data.get("description", "").strip(),
            "ticket_type": data.get("ticket_type") or "",
            "tag_name": data.get("tag") or "",
            "required_before_solving": data.get("required_before_solving", False),
            "is_active": data.get("is_active", False),
        }


class StepForm(forms.Form):
    """A tick or untick: the state wanted, so that a repeated request changes nothing."""

    done = forms.BooleanField(required=False)
