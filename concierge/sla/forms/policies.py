"""The SLA policy form: settings, conditions and the grid of targets per priority."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from concierge.people.models import Organization, SupportPlan, Team
from concierge.sla.forms.fields import MinutesField
from concierge.sla.models import BusinessCalendar, Metric, SlaPolicy
from concierge.sla.services import PolicyDraft
from concierge.tickets.models import Channel, Priority, Tag, TicketType

PRIORITIES_HIGH_FIRST = sorted(Priority, reverse=True)


def target_field_name(priority: int, metric: str) -> str:
    return f"target_{priority}_{metric}"


class PolicyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    calendar = forms.ModelChoiceField(
        label=_("Count in"),
        queryset=BusinessCalendar.objects.order_by("name"),
        required=False,
        empty_label=_("Calendar hours (every hour counts)"),
        help_text=_("With a calendar, targets count only its opening hours."),
    )
    pause_when_pending = forms.BooleanField(
        label=_("Pause while pending"), required=False, initial=True
    )
    pause_when_on_hold = forms.BooleanField(
        label=_("Pause while on hold"), required=False, initial=True
    )
    priorities = forms.TypedMultipleChoiceField(
        label=_("Priority"),
        choices=Priority.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    ticket_types = forms.MultipleChoiceField(
        label=_("Type"),
        choices=TicketType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    channels = forms.MultipleChoiceField(
        label=_("Channel"),
        choices=Channel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    support_plans = forms.MultipleChoiceField(
        label=_("Organization's support plan"),
        choices=[(value, label) for value, label in SupportPlan.choices if value],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    organizations = forms.ModelMultipleChoiceField(
        label=_("Organizations"),
        queryset=Organization.objects.order_by("name"),
        required=False,
        help_text=_("Matches when the organization or its support plan is listed."),
    )
    teams = forms.ModelMultipleChoiceField(
        label=_("Team"),
        queryset=Team.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=1000,
        help_text=_("Comma-separated; the ticket has at least one of them."),
    )

    def __init__(self, *args: Any, policy: SlaPolicy | None = None, **kwargs: Any) -> None:
        if policy is not None:
            kwargs.setdefault("initial", self.initial_for(policy))
        super().__init__(*args, **kwargs)
        self.policy = policy
        for priority in PRIORITIES_HIGH_FIRST:
            for metric in Metric:
                self.fields[target_field_name(priority, metric)] = MinutesField(
                    label=f"{priority.label}: {metric.label}"
                )

    @staticmethod
    def initial_for(policy: SlaPolicy) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "name": policy.name,
            "description": policy.description,
            "is_active": policy.is_active,
            "calendar": policy.calendar_id,
            "pause_when_pending": policy.pause_when_pending,
            "pause_when_on_hold": policy.pause_when_on_hold,
            "priorities": policy.priorities,
            "ticket_types": policy.ticket_types,
            "channels": policy.channels,
            "support_plans": policy.support_plans,
            "organizations": list(policy.organizations.all()),
            "teams": list(policy.teams.all()),
            "tags": ", ".join(tag.name for tag in policy.tags.all()),
        }
        for target in policy.targets.all():
            for metric in Metric:
                initial[target_field_name(target.priority, metric)] = target.minutes(metric)
        return initial

    def target_rows(self) -> list[tuple[Any, list[forms.BoundField]]]:
        """The grid: one row per priority (highest first), one field per metric."""
        return [
            (priority.label, [self[target_field_name(priority, metric)] for metric in Metric])
            for priority in PRIORITIES_HIGH_FIRST
        ]

    def condition_fields(self) -> list[forms.BoundField]:
        names = (
            "priorities",
            "ticket_types",
            "channels",
            "teams",
            "support_plans",
            "organizations",
            "tags",
        )
        return [self[name] for name in names]

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError(_("Give the policy a name."), code="required")
        taken = SlaPolicy.objects.filter(name=name)
        if self.policy is not None:
            taken = taken.exclude(pk=self.policy.pk)
        if taken.exists():
            raise ValidationError(_("A policy with this name already exists."), code="unique")
        return name

    def clean_tags(self) -> list[Tag]:
        names = sorted(
            {Tag.normalize(n) for n in self.cleaned_data["tags"].split(",") if n.strip()}
        )
        tags = list(Tag.objects.filter(name__in=names))
        missing = sorted(set(names) - {tag.name for tag in tags})
        if missing:
            raise ValidationError(
                _("No tag is called %(names)s."),
                code="unknown_tag",
                params={"names": ", ".join(f"“{name}”" for name in missing)},
            )
        return tags

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        targets = {
            int(priority): {
                str(metric): data.get(target_field_name(priority, metric)) for metric in Metric
            }
            for priority in PRIORITIES_HIGH_FIRST
        }
        if not self.errors and not any(
            value for minutes in targets.values() for value in minutes.values()
        ):
            raise ValidationError(
                _("Set at least one target; a policy without targets promises nothing."),
                code="no_targets",
            )
        data["targets"] = targets
        return data

    def draft(self) -> PolicyDraft:
        data = self.cleaned_data
        return PolicyDraft(
            name=data["name"],
            description=data["description"].strip(),
            is_active=data["is_active"],
            calendar=data["calendar"],
            pause_when_pending=data["pause_when_pending"],
            pause_when_on_hold=data["pause_when_on_hold"],
            priorities=data["priorities"],
            ticket_types=data["ticket_types"],
            channels=data["channels"],
            support_plans=data["support_plans"],
            organizations=list(data["organizations"]),
            teams=list(data["teams"]),
            tags=data["tags"],
            targets=data["targets"],
        )
