"""Forms for writing macros: what they change, and their texts per language and register.

They validate and give field-level errors; the views save through the macro services.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from concierge.automation.macros_render import check_macro_text
from concierge.automation.macros_services import VariantInput
from concierge.automation.models.macros import AssigneeAction, Macro, SendAs, Tone
from concierge.people.models import Team
from concierge.people.queries import active_agents
from concierge.tickets.forms import PRIORITY_CHOICES, split_tags
from concierge.tickets.models import Status, Tag, TicketType

KEEP = [("", _("Leave unchanged"))]


class MacroForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        error_messages={"required": _("Give the macro a title agents will recognise.")},
    )
    description = forms.CharField(label=_("When to use it"), max_length=300, required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    send_as = forms.ChoiceField(label=_("Send the text as"), choices=SendAs.choices, required=False)
    set_status = forms.ChoiceField(
        label=_("Status"),
        choices=KEEP + list(Status.choices),
        required=False,
        help_text=_("Proposed in the composer, where the agent can still change it."),
    )
    set_priority = forms.TypedChoiceField(
        label=_("Priority"),
        choices=KEEP + PRIORITY_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
    )
    set_ticket_type = forms.ChoiceField(
        label=_("Type"), choices=KEEP + list(TicketType.choices), required=False
    )
    set_team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.all(), required=False, empty_label=KEEP[0][1]
    )
    assignee_action = forms.ChoiceField(
        label=_("Assignee"), choices=AssigneeAction.choices, required=False
    )
    set_assignee = forms.ModelChoiceField(
        label=_("Agent to assign"),
        queryset=active_agents(),
        required=False,
        empty_label="—",
        help_text=_("Only used with “A chosen agent”."),
    )
    add_tags = forms.CharField(
        label=_("Add tags"),
        max_length=1000,
        required=False,
        help_text=_("Separate tags with commas."),
    )
    remove_tags = forms.CharField(
        label=_("Remove tags"),
        max_length=1000,
        required=False,
        help_text=_("Separate tags with commas."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "macro_%s")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["set_assignee"].queryset = active_agents()

    @staticmethod
    def initial_for(macro: Macro) -> dict[str, Any]:
        return {
            "title": macro.title,
            "description": macro.description,
            "is_active": macro.is_active,
            "send_as": macro.send_as,
            "set_status": macro.set_status,
            "set_priority": str(macro.set_priority or ""),
            "set_ticket_type": macro.set_ticket_type,
            "set_team": macro.set_team_id,
            "assignee_action": macro.assignee_action,
            "set_assignee": macro.set_assignee_id,
            "add_tags": ", ".join(macro.add_tags),
            "remove_tags": ", ".join(macro.remove_tags),
        }

    def clean_add_tags(self) -> list[str]:
        return [Tag.normalize(name) for name in split_tags(self.cleaned_data["add_tags"])]

    def clean_remove_tags(self) -> list[str]:
        return [Tag.normalize(name) for name in split_tags(self.cleaned_data["remove_tags"])]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("assignee_action") == AssigneeAction.AGENT and not data.get("set_assignee"):
            self.add_error("set_assignee", _("Choose the agent to assign."))
        both = set(data.get("add_tags") or []) & set(data.get("remove_tags") or [])
        if both:
            self.add_error(
                "remove_tags",
                _("A tag cannot be both added and removed: %(tags)s.")
                % {"tags": ", ".join(sorted(both))},
            )
        return data

    def values(self) -> dict[str, Any]:
        """Keyword arguments for macro_create and macro_update."""
        data = self.cleaned_data
        action = data.get("assignee_action") or ""
        return {
            "title": data["title"].strip(),
            "description": data.get("description", "").strip(),
            "is_active": data.get("is_active", False),
            "send_as": data.get("send_as") or "",
            "set_status": data.get("set_status") or "",
            "set_priority": data.get("set_priority"),
            "set_ticket_type": data.get("set_ticket_type") or "",
            "set_team": data.get("set_team"),
            "assignee_action": action,
            "set_assignee": data.get("set_assignee") if action == AssigneeAction.AGENT else None,
            "add_tags": data.get("add_tags") or [],
            "remove_tags": data.get("remove_tags") or [],
        }


class VariantForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    tone = forms.ChoiceField(
        label=_("Register"),
        choices=[("", _("Either register")), *Tone.choices],
        required=False,
    )
    body = forms.CharField(
        label=_("Text"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Write the text, or remove this row.")},
    )

    def has_changed(self) -> bool:
        # A row counts as filled in by its text alone: the language box always posts a
        # value, and an untouched new row must not demand a text. (Existing rows are
        # validated whatever this says, so emptying one is an error, not a removal.)
        return bool((self.data.get(self.add_prefix("body")) or "").strip())

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].replace("\r\n", "\n").strip()
        check_macro_text(body)
        return body


class BaseVariantFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        seen: set[tuple[str, str]] = set()
        kept = 0
        for form in self._kept_forms():
            key = (form.cleaned_data["language"], form.cleaned_data.get("tone") or "")
            if key in seen:
                raise ValidationError(
                    _("Each language and register has one text; two rows are for the same.")
                )
            seen.add(key)
            kept += 1
        if not kept:
            raise ValidationError(_("Write the macro's text in at least one language."))

    def _kept_forms(self) -> list[forms.Form]:
        """The texts to keep: every existing one not marked for removal, and new rows
        that were filled in (blank new rows are ignored)."""
        return [
            form
            for index, form in enumerate(self.forms)
            if (index < self.initial_form_count() or form.has_changed())
            and not self._should_delete_form(form)
        ]

    def variants(self) -> list[VariantInput]:
        return [
            VariantInput(
                language=form.cleaned_data["language"],
                tone=form.cleaned_data.get("tone") or "",
                body=form.cleaned_data["body"],
            )
            for form in self._kept_forms()
        ]


VariantFormSet = forms.formset_factory(
    VariantForm, formset=BaseVariantFormSet, extra=2, can_delete=True, max_num=40
)


def variant_formset(data: Any = None, *, macro: Macro | None = None) -> BaseVariantFormSet:
    initial = None
    if macro is not None:
        initial = [
            {"language": v.language, "tone": v.tone, "body": v.body} for v in macro.variants.all()
        ]
    return VariantFormSet(data, initial=initial, prefix="variant")
