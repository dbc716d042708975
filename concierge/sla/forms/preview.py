"""The SLA preview form: a policy, a priority and a start instant."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from concierge.sla.models import SlaPolicy
from concierge.tickets.models import Priority


class PreviewForm(forms.Form):
    policy = forms.ModelChoiceField(
        label=_("Policy"), queryset=SlaPolicy.objects.order_by("position", "id")
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"), choices=Priority.choices, coerce=int, initial=Priority.NORMAL
    )
    at = forms.DateTimeField(
        label=_("Ticket arrives at"),
        help_text=_("In your time zone."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
    )
