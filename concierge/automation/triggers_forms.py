"""Forms of the rule settings pages: a rule's head, its condition rows and action rows.

A condition or action row has one list for every value that is picked (statuses, teams,
agents, calendars, ...) and one text box for what is typed (keywords, tags, a note, an
address, an organization's name); `rules.js` shows only the one the chosen field needs,
and without scripts both are shown and the server takes the right one. Rows are checked
by the same functions the services use, and their errors are put on the row's fields.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from concierge.automation.models.triggers import EmailTemplate, TriggerEvent
from concierge.automation.triggers_actions import SPECS, ActionType, clean_action
from concierge.automation.triggers_conditions import (
    FIELDS,
    PICKED_SOURCES,
    SOURCE_LABELS,
    Operator,
    clean_condition,
    fields_for,
    organization_choices,
    value_choices,
)

NOTE_ROWS = 2


def grouped_value_choices(sources: tuple[str, ...] = PICKED_SOURCES) -> list[Any]:
    """Every value that is picked from a list, grouped by what it is; each option's value
    says its kind ("team:3"), since ids of different kinds look alike."""
    choices = value_choices(sources)
    return [("", "—")] + [
        (str(SOURCE_LABELS[source]), [(f"{source}:{v}", label) for v, label in choices[source]])
        for source in sources
        if source in choices
    ]


def _picked(value: str, source: str) -> str | None:
    kind, _, picked = value.partition(":")
    return picked if kind == source else None


class _ValueSelect(forms.Select):
    """Options carry their kind, so the page's script can show only the fitting ones."""

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        if value:
            option["attrs"]["data-source"] = str(value).partition(":")[0]
        return option


class ConditionForm(forms.Form):
    field = forms.ChoiceField(label=_("Field"), required=False)
    operator = forms.ChoiceField(label=_("Comparison"), required=False, choices=Operator.choices)
    choice = forms.ChoiceField(label=_("Value"), required=False, widget=_ValueSelect)
    text = forms.CharField(label=_("Text"), required=False, max_length=500)

    def __init__(self, *args: Any, scope: str, value_options: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scope = scope
        specs = fields_for(scope)
        self.fields["field"].choices = [("", "—")] + [(f.key, f.label) for f in specs]
        self.fields["field"].widget.attrs["data-rule-field"] = "condition"
        self.fields["choice"].choices = value_options
        self.fields["choice"].widget.attrs["data-rule-choice"] = ""
        self.fields["text"].widget.attrs["data-rule-text"] = ""
        # Which operators and which kind of value each field takes, for the page's script.
        self.fields["field"].widget.attrs["data-fields"] = ";".join(
            f"{f.key}={f.source}={','.join(f.operators)}" for f in specs
        )

    def value_field(self) -> str:
        spec = FIELDS.get(self.cleaned_data.get("field", ""))
        return "choice" if spec is not None and spec.source in PICKED_SOURCES else "text"

    def condition(self) -> dict[str, str] | None:
        """The row as a raw condition, or None for an untouched (or removed) row."""
        data = self.cleaned_data
        if not data.get("field") or data.get("DELETE"):
            return None
        spec = FIELDS[data["field"]]
        value = data.get("text", "")
        if spec.source in PICKED_SOURCES:
            value = _picked(data.get("choice", ""), spec.source)
            if value is None:
                value = "\0"  # nothing of the right kind was picked: refused as "not in the list"
        return {"field": spec.key, "operator": data.get("operator", ""), "value": value}


def condition_initial(
    conditions: list[dict[str, str]], organizations: dict[str, str]
) -> list[dict[str, str]]:
    rows = []
    for condition in conditions:
        spec = FIELDS.get(condition.get("field", ""))
        if spec is None:
            continue
        row = {"field": spec.key, "operator": condition.get("operator", "")}
        value = condition.get("value", "")
        if spec.source in PICKED_SOURCES:
            row["choice"] = f"{spec.source}:{value}"
        elif spec.source == "organization":
            row["text"] = organizations.get(value, value)
        else:
            row["text"] = value
        rows.append(row)
    return rows


ConditionFormSet = formset_factory(ConditionForm, extra=2, can_delete=True, max_num=30)


ACTION_SOURCES = ("status", "priority", "ticket_type", "agent", "team")


class ActionForm(forms.Form):
    type = forms.ChoiceField(label=_("Action"), required=False)
    choice = forms.ChoiceField(label=_("Value"), required=False, widget=_ValueSelect)
    template = forms.ChoiceField(label=_("E-mail"), required=False)
    text = forms.CharField(
        label=_("Text"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": NOTE_ROWS}),
    )

    def __init__(
        self,
        *args: Any,
        value_options: list[Any],
        template_options: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", "—"), *ActionType.choices]
        self.fields["type"].widget.attrs["data-rule-field"] = "action"
        self.fields["type"].widget.attrs["data-fields"] = ";".join(
            f"{kind}={spec.source or '-'}={'template' if spec.template else ''}"
            for kind, spec in SPECS.items()
        )
        self.fields["choice"].choices = value_options
        self.fields["choice"].widget.attrs["data-rule-choice"] = ""
        self.fields["template"].choices = [("", "—"), *template_options]
        self.fields["template"].widget.attrs["data-rule-template"] = ""
        self.fields["text"].widget.attrs["data-rule-text"] = ""

    def value_field(self) -> str:
        spec = SPECS.get(self.cleaned_data.get("type", ""))
        return "choice" if spec is not None and spec.source in ACTION_SOURCES else "text"

    def action(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        if not data.get("type") or data.get("DELETE"):
            return None
        spec = SPECS[data["type"]]
        action: dict[str, Any] = {"type": data["type"], "template": data.get("template", "")}
        if spec.source in ACTION_SOURCES:
            picked = _picked(data.get("choice", ""), spec.source)
            action["value"] = "\0" if picked is None else picked
        else:
            action["value"] = data.get("text", "")
        return action


def action_initial(actions: list[dict[str, Any]]) -> list[dict[str, str]]:
    rows = []
    for action in actions:
        spec = SPECS.get(action.get("type", ""))
        if spec is None:
            continue
        row = {"type": action["type"], "template": str(action.get("template", "") or "")}
        if spec.source in ACTION_SOURCES:
            row["choice"] = f"{spec.source}:{action.get('value', '')}"
        else:
            row["text"] = str(action.get("value", ""))
        rows.append(row)
    return rows


ActionFormSet = formset_factory(ActionForm, extra=2, can_delete=True, max_num=30)


def put_row_errors(form: Any, error: ValidationError) -> None:
    """Show a service's error for one row on the row's own fields ("value" errors go to
    the list or the text box, whichever the row's field uses)."""
    messages = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    for key, texts in messages.items():
        if key == "value":
            target = form.value_field()
        elif key in form.fields:
            target = key
        else:
            target = None
        for text in texts:
            form.add_error(target, text)


def formset_rules(formset: Any, clean: Any, row: str) -> tuple[list[dict[str, Any]], bool]:
    """The rows of a bound formset checked one by one with `clean` (a service's checker).

    Returns (the raw rows, whether every row was fine); a bad row gets its errors.
    """
    rows, ok = [], formset.is_valid()
    if not ok:
        return [], False
    for form in formset.forms:
        raw = getattr(form, row)()
        if raw is None:
            continue
        try:
            clean(raw)
        except ValidationError as error:
            put_row_errors(form, error)
            ok = False
            continue
        rows.append(raw)
    return rows, ok


class TriggerForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    events = forms.MultipleChoiceField(
        label=_("Run when"),
        choices=TriggerEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one event.")},
    )


def template_options() -> list[tuple[str, str]]:
    return [(str(pk), name) for pk, name in EmailTemplate.objects.values_list("pk", "name")]


def organization_names_of(conditions: list[dict[str, str]]) -> dict[str, str]:
    return dict(organization_choices(conditions))


class EmailTemplateForm(forms.Form):
    """A subject and a text per desk language; the desk's default language first."""

    name = forms.CharField(label=_("Name"), max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        languages = sorted(settings.LANGUAGES, key=lambda item: item[0] != settings.LANGUAGE_CODE)
        self.languages = []
        for code, name in languages:
            self.fields[f"{code}_subject"] = forms.CharField(
                label=_("Subject (%(language)s)") % {"language": name},
                required=False,
                max_length=250,
            )
            self.fields[f"{code}_body"] = forms.CharField(
                label=_("Text (%(language)s)") % {"language": name},
                required=False,
                max_length=20000,
                widget=forms.Textarea(attrs={"rows": 6}),
            )
            self.languages.append((code, name))

    def language_fields(self) -> list[tuple[str, Any, Any]]:
        return [
            (name, self[f"{code}_subject"], self[f"{code}_body"]) for code, name in self.languages
        ]

    def variants(self) -> dict[str, dict[str, str]]:
        data = self.cleaned_data
        return {
            code: {"subject": data.get(f"{code}_subject", ""), "body": data.get(f"{code}_body", "")}
            for code, _name in self.languages
        }

    @staticmethod
    def initial_for(template: EmailTemplate) -> dict[str, str]:
        initial = {"name": template.name}
        for code, variant in (template.variants or {}).items():
            initial[f"{code}_subject"] = variant.get("subject", "")
            initial[f"{code}_body"] = variant.get("body", "")
        return initial

    def add_service_errors(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for key, messages in error.message_dict.items():
                for message in messages:
                    self.add_error(key if key in self.fields else None, message)
        else:
            for message in error.messages:
                self.add_error(None, message)


# --- a rule's rows, shared by the trigger, time rule and routing pages -------------------


def rule_formsets(data: Any, rule: Any, scope: str) -> tuple[Any, Any, Any]:
    """The condition ("all", "any") and action formsets of a rule's page.

    What is posted stands on its own: initial rows are only given to an unbound page,
    else a posted row equal to an initial one would count as unchanged and be dropped.
    """
    values = grouped_value_choices()
    editing = rule if data is None else None
    organizations: dict[str, str] = {}
    if editing is not None:
        organizations = organization_names_of([*editing.conditions_all, *editing.conditions_any])
    options = {"scope": scope, "value_options": values}
    all_of = ConditionFormSet(
        data,
        prefix="all",
        form_kwargs=options,
        initial=condition_initial(editing.conditions_all, organizations) if editing else None,
    )
    any_of = ConditionFormSet(
        data,
        prefix="any",
        form_kwargs=options,
        initial=condition_initial(editing.conditions_any, organizations) if editing else None,
    )
    actions = ActionFormSet(
        data,
        prefix="actions",
        form_kwargs={"value_options": values, "template_options": template_options()},
        initial=action_initial(editing.actions) if editing else None,
    )
    return all_of, any_of, actions


def checked_rule_rows(
    head: forms.Form, all_of: Any, any_of: Any, actions: Any, scope: str
) -> dict[str, Any] | None:
    """The posted rows as the services take them, or None with errors on the rows."""

    def check_condition(raw: dict[str, Any]) -> None:
        clean_condition(raw, scope)

    all_rows, all_ok = formset_rules(all_of, check_condition, "condition")
    any_rows, any_ok = formset_rules(any_of, check_condition, "condition")
    action_rows, actions_ok = formset_rules(actions, clean_action, "action")
    if actions_ok and not action_rows:
        head.add_error(None, _("Add at least one action."))
        actions_ok = False
    if not (all_ok and any_ok and actions_ok):
        return None
    return {"conditions_all": all_rows, "conditions_any": any_rows, "actions": action_rows}
