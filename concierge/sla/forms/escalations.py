"""The escalation rule form: which timers, when, and what happens."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from concierge.people.models import Team, User
from concierge.people.queries import active_agents
from concierge.sla.models import MAX_PERCENT, Metric, SlaEscalationRule, SlaPolicy
from concierge.sla.services import RuleDraft


class AgentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj} ({obj.email})"


class AgentsChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj} ({obj.email})"


class EscalationRuleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    policy = forms.ModelChoiceField(
        label=_("Policy"),
        queryset=SlaPolicy.objects.order_by("position", "id"),
        required=False,
        empty_label=_("Any policy"),
    )
    metric = forms.ChoiceField(
        label=_("Target"), choices=[("", _("Any target")), *Metric.choices], required=False
    )
    percent = forms.IntegerField(
        label=_("When this share of the target has passed (%)"),
        min_value=1,
        max_value=MAX_PERCENT,
        initial=100,
        help_text=_("100 is the moment of the breach; 75 is three quarters of the way."),
    )
    notify_assignee = forms.BooleanField(label=_("Notify the assignee"), required=False)
    notify_team_lead = forms.BooleanField(label=_("Notify the team's leads"), required=False)
    notify_users = AgentsChoiceField(
        label=_("Notify these agents"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    send_email = forms.BooleanField(
        label=_("Also send the notice by e-mail"), required=False, initial=True
    )
    reassign_to = AgentChoiceField(
        label=_("Reassign to"), queryset=User.objects.none(), required=False
    )
    reassign_team = forms.ModelChoiceField(
        label=_("Move to team"), queryset=Team.objects.order_by("name"), required=False
    )
    raise_priority = forms.BooleanField(label=_("Raise the priority one level"), required=False)

    def __init__(self, *args: Any, rule: SlaEscalationRule | None = None, **kwargs: Any) -> None:
        if rule is not None:
            kwargs.setdefault("initial", self.initial_for(rule))
        super().__init__(*args, **kwargs)
        agents = active_agents().order_by("full_name")
        self.fields["notify_users"].queryset = agents
        self.fields["reassign_to"].queryset = agents

    @staticmethod
    def initial_for(rule: SlaEscalationRule) -> dict[str, Any]:
        initial = {name: getattr(rule, name) for name in RuleDraft.__dataclass_fields__}
        initial["policy"] = rule.policy_id
        initial["reassign_to"] = rule.reassign_to_id
        initial["reassign_team"] = rule.reassign_team_id
        initial["notify_users"] = list(rule.notify_users.all())
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        actions = (
            data.get("notify_assignee"),
            data.get("notify_team_lead"),
            data.get("notify_users"),
            data.get("reassign_to"),
            data.get("reassign_team"),
            data.get("raise_priority"),
        )
        if not self.errors and not any(actions):
            raise ValidationError(
                _("Choose at least one thing the rule does: notify, reassign or raise."),
                code="no_action",
            )
        return data

    def draft(self) -> RuleDraft:
        data = self.cleaned_data
        return RuleDraft(
            name=data["name"].strip(),
            percent=data["percent"],
            is_active=data["is_active"],
            policy=data["policy"],
            metric=data["metric"],
            notify_assignee=data["notify_assignee"],
            notify_team_lead=data["notify_team_lead"],
            notify_users=list(data["notify_users"]),
            send_email=data["send_email"],
            reassign_to=data["reassign_to"],
            reassign_team=data["reassign_team"],
            raise_priority=data["raise_priority"],
        )
