"""Settings pages for time rules. Admins only; others get 404."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from concierge.automation.models.rules import ScheduledJob, TimeAnchor, TimeRule, TimeUnit
from concierge.automation.rules import due_tickets
from concierge.automation.rules_services import (
    MAX_AMOUNT,
    time_rule_create,
    time_rule_delete,
    time_rule_move,
    time_rule_set_active,
    time_rule_update,
)
from concierge.automation.triggers_conditions import TIME_RULE, CalendarCache
from concierge.automation.triggers_forms import checked_rule_rows, rule_formsets
from concierge.automation.triggers_queries import DescribedRule, Describer
from concierge.automation.triggers_render import PLACEHOLDERS
from concierge.people.queries import admin_or_404
from concierge.sla.models import BusinessCalendar

INVALID = 422
TIME_RULES_JOB = "automation.time_rules"


class TimeRuleForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    is_active = forms.BooleanField(label=gettext_lazy("Active"), required=False, initial=True)
    amount = forms.IntegerField(label=gettext_lazy("When"), min_value=1, max_value=MAX_AMOUNT)
    unit = forms.ChoiceField(label=gettext_lazy("Unit"), choices=TimeUnit.choices)
    anchor = forms.ChoiceField(label=gettext_lazy("have passed since"), choices=TimeAnchor.choices)
    calendar = forms.ModelChoiceField(
        label=gettext_lazy("Business hours"),
        queryset=BusinessCalendar.objects.order_by("name"),
        required=False,
        help_text=gettext_lazy("Needed for business hours and business days."),
    )


def rule_for_admin(user: object, pk: int) -> TimeRule:
    admin_or_404(user)
    rule = TimeRule.objects.select_related("calendar").filter(pk=pk).first()
    if rule is None:
        raise Http404
    return rule


def _described(rules: list[TimeRule]) -> list[DescribedRule]:
    words = Describer(rules)
    return [
        DescribedRule(
            rule=rule,
            events=[],
            all_of=words.conditions(rule.conditions_all),
            any_of=words.conditions(rule.conditions_any),
            actions=words.actions(rule.actions),
        )
        for rule in rules
    ]


@login_required
@require_GET
def time_rule_list(request: HttpRequest) -> HttpResponse:
    admin_or_404(request.user)
    rules = list(TimeRule.objects.select_related("calendar").order_by("position", "pk"))
    return render(
        request,
        "automation/rules/list.html",
        {
            "section": "time_rules",
            "rules": _described(rules),
            "job": ScheduledJob.objects.filter(name=TIME_RULES_JOB).first(),
        },
    )


def _form_page(request: HttpRequest, rule: TimeRule | None) -> HttpResponse:
    initial: dict[str, Any] | None = None
    if rule is not None:
        initial = {
            "name": rule.name,
            "description": rule.description,
            "is_active": rule.is_active,
            "amount": rule.amount,
            "unit": rule.unit,
            "anchor": rule.anchor,
            "calendar": rule.calendar,
        }
    form = TimeRuleForm(request.POST or None, initial=initial)
    data = request.POST if request.method == "POST" else None
    all_of, any_of, actions = rule_formsets(data, rule, TIME_RULE)
    if data is not None:
        head_ok = form.is_valid()
        rows = checked_rule_rows(form, all_of, any_of, actions, TIME_RULE)
        if head_ok and rows is not None:
            values = {k: form.cleaned_data[k] for k in TimeRuleForm.base_fields} | rows
            try:
                if rule is None:
                    time_rule_create(**values, actor=request.user)
                else:
                    time_rule_update(rule=rule, **values)
            except ValidationError as error:
                for key, texts in error.message_dict.items():
                    for text in texts:
                        form.add_error(key if key in form.fields else None, text)
            else:
                messages.success(request, _("The time rule was saved."))
                return redirect("automation:time_rule_list")
    return render(
        request,
        "automation/rules/form.html",
        {
            "section": "time_rules",
            "rule": rule,
            "form": form,
            "all_of": all_of,
            "any_of": any_of,
            "actions": actions,
            "placeholders": PLACEHOLDERS,
        },
        status=INVALID if data is not None else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def time_rule_new(request: HttpRequest) -> HttpResponse:
    admin_or_404(request.user)
    return _form_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def time_rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_page(request, rule_for_admin(request.user, pk))


@login_required
@require_POST
def time_rule_reorder(request: HttpRequest, pk: int) -> HttpResponse:
    rule = rule_for_admin(request.user, pk)
    if request.POST.get("direction") in ("up", "down"):
        time_rule_move(rule=rule, direction=request.POST["direction"])
    return redirect("automation:time_rule_list")


@login_required
@require_POST
def time_rule_active(request: HttpRequest, pk: int) -> HttpResponse:
    rule = rule_for_admin(request.user, pk)
    time_rule_set_active(rule=rule, active=request.POST.get("active") == "1")
    return redirect("automation:time_rule_list")


@login_required
@require_POST
def time_rule_remove(request: HttpRequest, pk: int) -> HttpResponse:
    rule = rule_for_admin(request.user, pk)
    name = rule.name
    time_rule_delete(rule=rule)
    messages.success(request, _("The time rule “%(name)s” was deleted.") % {"name": name})
    return redirect("automation:time_rule_list")


@login_required
@require_GET
def time_rule_preview(request: HttpRequest, pk: int) -> HttpResponse:
    rule = rule_for_admin(request.user, pk)
    [described] = _described([rule])
    return render(
        request,
        "automation/rules/preview.html",
        {
            "section": "time_rules",
            "rule": rule,
            "described": described,
            "due": due_tickets(rule, timezone.now(), CalendarCache()),
        },
    )
