"""Settings: SLA policies in their order, with conditions and targets. Admins only."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from concierge.people.queries import admin_or_404
from concierge.sla.forms.fields import format_minutes
from concierge.sla.forms.policies import PolicyForm
from concierge.sla.models import Metric, SlaPolicy
from concierge.sla.queries import policies_for_list, policy_for_admin
from concierge.sla.services import policy_create, policy_delete, policy_move, policy_update
from concierge.tickets.models import Channel, Priority, TicketType

INVALID = 422


def conditions_summary(policy: SlaPolicy) -> list[tuple[str, str]]:
    """(label, values) for each condition the policy sets, as its list row shows them."""
    rows: list[tuple[str, str]] = []
    if policy.priorities:
        rows.append((_("Priority"), ", ".join(str(Priority(p).label) for p in policy.priorities)))
    if policy.ticket_types:
        labels = [str(TicketType(t).label) for t in policy.ticket_types if t in TicketType]
        rows.append((_("Type"), ", ".join(labels)))
    if policy.channels:
        labels = [str(Channel(c).label) for c in policy.channels if c in Channel]
        rows.append((_("Channel"), ", ".join(labels)))
    customers = [o.name for o in policy.organizations.all()] + [
        _("%(plan)s plan") % {"plan": plan} for plan in policy.support_plans
    ]
    if customers:
        rows.append((_("Customer"), ", ".join(customers)))
    if policy.teams.all():
        rows.append((_("Team"), ", ".join(t.name for t in policy.teams.all())))
    if policy.tags.all():
        rows.append((_("Tags"), ", ".join(t.name for t in policy.tags.all())))
    return rows


def targets_summary(policy: SlaPolicy) -> list[tuple[str, list[str]]]:
    """(priority, ["1h", "—", "1d"]) per priority with a target, highest first."""
    return [
        (
            str(target.get_priority_display()),
            [
                format_minutes(minutes) if (minutes := target.minutes(metric)) else "—"
                for metric in Metric
            ],
        )
        for target in policy.targets.all()
    ]


@login_required
@require_GET
def policy_list(request: HttpRequest) -> HttpResponse:
    admin_or_404(request.user)
    policies = policies_for_list()
    return render(
        request,
        "sla/settings/policies.html",
        {
            "section": "sla",
            "tab": "policies",
            "rows": [(p, conditions_summary(p), targets_summary(p)) for p in policies],
            "metrics": [metric.label for metric in Metric],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def policy_new(request: HttpRequest) -> HttpResponse:
    admin_or_404(request.user)
    form = PolicyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        policy = policy_create(draft=form.draft())
        messages.success(
            request,
            _("The policy %(name)s was created; it applies after the policies above it.")
            % {"name": policy.name},
        )
        return redirect("sla:policy_list")
    return render(
        request,
        "sla/settings/policy_form.html",
        {"section": "sla", "tab": "policies", "form": form},
        status=INVALID if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def policy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    policy = policy_for_admin(request.user, pk)
    form = PolicyForm(request.POST or None, policy=policy)
    if request.method == "POST" and form.is_valid():
        policy_update(policy=policy, draft=form.draft())
        messages.success(
            request,
            _("The policy was saved. Tickets follow it from their next change."),
        )
        return redirect("sla:policy_list")
    return render(
        request,
        "sla/settings/policy_form.html",
        {"section": "sla", "tab": "policies", "form": form, "policy": policy},
        status=INVALID if form.is_bound else 200,
    )


@login_required
@require_POST
def policy_move_view(request: HttpRequest, pk: int) -> HttpResponse:
    policy = policy_for_admin(request.user, pk)
    direction = request.POST.get("direction")
    if direction in ("up", "down"):
        policy_move(policy=policy, up=direction == "up")
    return redirect("sla:policy_list")


@login_required
@require_POST
def policy_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    policy = policy_for_admin(request.user, pk)
    policy_delete(policy=policy)
    messages.success(request, _("The policy %(name)s was deleted.") % {"name": policy.name})
    return redirect("sla:policy_list")
