"""Routing settings (admins only; others get 404) and the agent's online/away switch."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from concierge.automation.models.routing import (
    AgentAvailability,
    AssignmentMode,
    Presence,
    RoutingRule,
    TeamRouting,
)
from concierge.automation.routing import agent_set_presence, open_loads, team_loads
from concierge.automation.routing_services import (
    agent_set_working_hours,
    routing_rule_delete,
    routing_rule_move,
    routing_rule_save,
    routing_rule_set_active,
    team_routing_save,
)
from concierge.automation.triggers_conditions import ROUTING, clean_condition
from concierge.automation.triggers_forms import (
    ConditionFormSet,
    condition_initial,
    formset_rules,
    grouped_value_choices,
    organization_names_of,
)
from concierge.automation.triggers_queries import Describer
from concierge.people.models import Team
from concierge.people.queries import active_agents, admin_or_404, agent_or_404
from concierge.sla.models import BusinessCalendar

INVALID = 422


class RoutingRuleForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    is_active = forms.BooleanField(label=gettext_lazy("Active"), required=False, initial=True)
    team = forms.ModelChoiceField(
        label=gettext_lazy("Send the ticket to"), queryset=Team.objects.order_by("name")
    )


class TeamRoutingForm(forms.Form):
    mode = forms.ChoiceField(
        label=gettext_lazy("Assign to"), choices=AssignmentMode.choices, required=False
    )
    max_open_per_agent = forms.IntegerField(
        label=gettext_lazy("Most new and open tickets per agent"),
        min_value=1,
        max_value=10000,
        required=False,
        help_text=gettext_lazy("Empty: no limit."),
    )
    return_when_away = forms.BooleanField(
        label=gettext_lazy("Give an agent's tickets back when they go away"),
        help_text=gettext_lazy(
            "Also when their own working hours end. Their new and open tickets go back to "
            "the team's queue and on to another available agent."
        ),
        required=False,
    )


class WorkingHoursForm(forms.Form):
    calendar = forms.ModelChoiceField(
        label=gettext_lazy("Working hours"),
        queryset=BusinessCalendar.objects.order_by("name"),
        required=False,
        empty_label=gettext_lazy("Any time while online"),
    )


def rule_for_admin(user: object, pk: int) -> RoutingRule:
    admin_or_404(user)
    rule = RoutingRule.objects.filter(pk=pk).first()
    if rule is None:
        raise Http404
    return rule


def team_for_admin(user: object, pk: int) -> Team:
    admin_or_404(user)
    team = Team.objects.filter(pk=pk).first()
    if team is None:
        raise Http404
    return team


@login_required
@require_GET
def routing_overview(request: HttpRequest) -> HttpResponse:
    admin_or_404(request.user)
    rules = list(RoutingRule.objects.select_related("team").order_by("position", "pk"))
    words = Describer(rules)
    routing = {r.team_id: r for r in TeamRouting.objects.all()}
    queues = team_loads()
    teams = [
        (team, routing.get(team.pk), queues.get(team.pk, 0))
        for team in Team.objects.order_by("name")
    ]
    agents = list(active_agents())
    availability = {a.agent_id: a for a in AgentAvailability.objects.select_related("calendar")}
    loads = open_loads(agents)
    return render(
        request,
        "automation/routing/overview.html",
        {
            "section": "routing",
            "rules": [
                (rule, words.conditions(rule.conditions_all), words.conditions(rule.conditions_any))
                for rule in rules
            ],
            "teams": teams,
            "agents": [(a, availability.get(a.pk), loads[a.pk]) for a in agents],
            "calendars": BusinessCalendar.objects.order_by("name"),
        },
    )


def _rule_page(request: HttpRequest, rule: RoutingRule | None) -> HttpResponse:
    initial: dict[str, Any] | None = None
    if rule is not None:
        initial = {"name": rule.name, "is_active": rule.is_active, "team": rule.team}
    form = RoutingRuleForm(request.POST or None, initial=initial)
    data = request.POST if request.method == "POST" else None
    editing = rule if data is None else None
    organizations = (
        organization_names_of([*editing.conditions_all, *editing.conditions_any]) if editing else {}
    )
    options = {"scope": ROUTING, "value_options": grouped_value_choices()}
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
    if data is not None:

        def check(raw: dict[str, Any]) -> None:
            clean_condition(raw, ROUTING)

        head_ok = form.is_valid()
        all_rows, all_ok = formset_rules(all_of, check, "condition")
        any_rows, any_ok = formset_rules(any_of, check, "condition")
        if head_ok and all_ok and any_ok:
            try:
                routing_rule_save(
                    name=form.cleaned_data["name"],
                    team=form.cleaned_data["team"],
                    is_active=form.cleaned_data["is_active"],
                    conditions_all=all_rows,
                    conditions_any=any_rows,
                    rule=rule,
                )
            except ValidationError as error:
                for key, texts in getattr(error, "message_dict", {None: error.messages}).items():
                    for text in texts:
                        form.add_error(key if key in form.fields else None, text)
            else:
                messages.success(request, _("The routing rule was saved."))
                return redirect("automation:routing")
    return render(
        request,
        "automation/routing/rule_form.html",
        {"section": "routing", "rule": rule, "form": form, "all_of": all_of, "any_of": any_of},
        status=INVALID if data is not None else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def routing_rule_new(request: HttpRequest) -> HttpResponse:
    admin_or_404(request.user)
    return _rule_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def routing_rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _rule_page(request, rule_for_admin(request.user, pk))


@login_required
@require_POST
def routing_rule_reorder(request: HttpRequest, pk: int) -> HttpResponse:
    rule = rule_for_admin(request.user, pk)
    if request.POST.get("direction") in ("up", "down"):
        routing_rule_move(rule=rule, direction=request.POST["direction"])
    return redirect("automation:routing")


@login_required
@require_POST
def routing_rule_active(request: HttpRequest, pk: int) -> HttpResponse:
    rule = rule_for_admin(request.user, pk)
    routing_rule_set_active(rule=rule, active=request.POST.get("active") == "1")
    return redirect("automation:routing")


@login_required
@require_POST
def routing_rule_remove(request: HttpRequest, pk: int) -> HttpResponse:
    rule = rule_for_admin(request.user, pk)
    name = rule.name
    routing_rule_delete(rule=rule)
    messages.success(request, _("The routing rule “%(name)s” was deleted.") % {"name": name})
    return redirect("automation:routing")


@login_required
@require_http_methods(["GET", "POST"])
def routing_team(request: HttpRequest, pk: int) -> HttpResponse:
    team = team_for_admin(request.user, pk)
    current = TeamRouting.objects.filter(team=team).first()
    initial = {
        "mode": current.mode if current else "",
        "max_open_per_agent": current.max_open_per_agent if current else None,
        "return_when_away": current.return_when_away if current else False,
    }
    form = TeamRoutingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            team_routing_save(team=team, **form.cleaned_data)
        except ValidationError as error:
            for key, texts in error.message_dict.items():
                for text in texts:
                    form.add_error(key if key in form.fields else None, text)
        else:
            messages.success(
                request, _("How %(team)s assigns tickets was saved.") % {"team": team.name}
            )
            return redirect("automation:routing")
    return render(
        request,
        "automation/routing/team_form.html",
        {"section": "routing", "team": team, "form": form},
        status=INVALID if form.is_bound else 200,
    )


@login_required
@require_POST
def routing_agent_hours(request: HttpRequest, pk: int) -> HttpResponse:
    admin_or_404(request.user)
    agent = active_agents().filter(pk=pk).first()
    if agent is None:
        raise Http404
    form = WorkingHoursForm(request.POST)
    if form.is_valid():
        agent_set_working_hours(agent=agent, calendar=form.cleaned_data["calendar"])
        messages.success(request, _("%(agent)s's working hours were saved.") % {"agent": agent})
    else:
        messages.error(request, _("Choose a calendar from the list."))
    return redirect("automation:routing")


# --- the agent's own switch -------------------------------------------------------------------


@login_required
@require_POST
def availability_set(request: HttpRequest) -> HttpResponse:
    """The top bar's online/away switch; any agent, for themselves."""
    agent_or_404(request.user)
    presence = request.POST.get("presence", "")
    if presence not in Presence.values:
        return HttpResponse(_("Choose online or away."), status=400)
    availability = agent_set_presence(agent=request.user, presence=presence)
    if getattr(request, "htmx", False):
        return render(
            request,
            "automation/routing/_availability.html",
            {"show": True, "availability": availability},
        )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "tickets:inbox"
    return redirect(target)
