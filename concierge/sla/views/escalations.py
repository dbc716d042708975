"""Settings: escalation rules (admins only), and the notices they send to agents."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from concierge.people.queries import admin_or_404
from concierge.sla.forms.escalations import EscalationRuleForm
from concierge.sla.notices import notice_summary
from concierge.sla.queries import (
    escalation_rule_for_admin,
    escalation_rules_for_list,
    notices_for,
)
from concierge.sla.services import escalation_rule_delete, escalation_rule_save, notices_mark_read
from concierge.tickets.views.access import agent_required

INVALID = 422


@login_required
@require_GET
def escalation_list(request: HttpRequest) -> HttpResponse:
    admin_or_404(request.user)
    return render(
        request,
        "sla/settings/escalations.html",
        {"section": "sla", "tab": "escalations", "rules": escalation_rules_for_list()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def escalation_new(request: HttpRequest) -> HttpResponse:
    admin_or_404(request.user)
    form = EscalationRuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        rule = escalation_rule_save(draft=form.draft())
        messages.success(request, _("The escalation rule %(name)s was created.") % {"name": rule})
        return redirect("sla:escalation_list")
    return render(
        request,
        "sla/settings/escalation_form.html",
        {"section": "sla", "tab": "escalations", "form": form},
        status=INVALID if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def escalation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    rule = escalation_rule_for_admin(request.user, pk)
    form = EscalationRuleForm(request.POST or None, rule=rule)
    if request.method == "POST" and form.is_valid():
        escalation_rule_save(draft=form.draft(), rule=rule)
        messages.success(request, _("The escalation rule was saved."))
        return redirect("sla:escalation_list")
    return render(
        request,
        "sla/settings/escalation_form.html",
        {"section": "sla", "tab": "escalations", "form": form, "rule": rule},
        status=INVALID if form.is_bound else 200,
    )


@login_required
@require_POST
def escalation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    rule = escalation_rule_for_admin(request.user, pk)
    escalation_rule_delete(rule=rule)
    messages.success(request, _("The escalation rule %(name)s was deleted.") % {"name": rule})
    return redirect("sla:escalation_list")


# --- agents' notices -----------------------------------------------------------------------------


@agent_required
@require_GET
def notice_list(request: HttpRequest) -> HttpResponse:
    notices = notices_for(request.user)
    return render(
        request,
        "sla/notices.html",
        {"notices": [(notice, notice_summary(notice)) for notice in notices]},
    )


@agent_required
@require_POST
def notice_read(request: HttpRequest) -> HttpResponse:
    notices_mark_read(user=request.user)
    return redirect("sla:notices")
