"""Settings pages for triggers and the e-mails they send. Admins only; others get 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from concierge.automation.models.triggers import Trigger
from concierge.automation.triggers import DRY_RUN_DAYS, DRY_RUN_TICKETS, dry_run
from concierge.automation.triggers_conditions import TRIGGER
from concierge.automation.triggers_forms import (
    EmailTemplateForm,
    TriggerForm,
    checked_rule_rows,
    rule_formsets,
)
from concierge.automation.triggers_queries import (
    EVENT_LABELS,
    Describer,
    described_triggers,
    email_template_for_admin,
    email_templates,
    trigger_for_admin,
)
from concierge.automation.triggers_render import PLACEHOLDERS
from concierge.automation.triggers_services import (
    email_template_delete,
    email_template_save,
    trigger_create,
    trigger_delete,
    trigger_move,
    trigger_set_active,
    trigger_update,
)
from concierge.people.queries import admin_or_404

INVALID = 422


@login_required
@require_GET
def trigger_list(request: HttpRequest) -> HttpResponse:
    admin_or_404(request.user)
    return render(
        request,
        "automation/triggers/list.html",
        {"section": "triggers", "triggers": described_triggers()},
    )


def _save(request: HttpRequest, trigger: Trigger | None) -> tuple[HttpResponse | None, dict]:
    """Check and save the posted trigger; (a redirect, {}) or (None, the bound forms)."""
    initial = None
    if trigger is not None:
        initial = {
            "name": trigger.name,
            "description": trigger.description,
            "is_active": trigger.is_active,
            "events": trigger.events,
        }
    form = TriggerForm(request.POST or None, initial=initial)
    data = request.POST if request.method == "POST" else None
    all_of, any_of, actions = rule_formsets(data, trigger, TRIGGER)
    context = {"form": form, "all_of": all_of, "any_of": any_of, "actions": actions}
    if data is None:
        return None, context
    head_ok = form.is_valid()
    rows = checked_rule_rows(form, all_of, any_of, actions, TRIGGER)
    if not head_ok or rows is None:
        return None, context
    values = {
        "name": form.cleaned_data["name"],
        "description": form.cleaned_data["description"],
        "is_active": form.cleaned_data["is_active"],
        "events": form.cleaned_data["events"],
        **rows,
    }
    try:
        if trigger is None:
            trigger_create(**values, actor=request.user)
        else:
            trigger_update(trigger=trigger, **values)
    except ValidationError as error:  # a value that changed between the check and the save
        for message in error.messages:
            form.add_error(None, message)
        return None, context
    return redirect("automation:trigger_list"), context


def _form_page(request: HttpRequest, trigger: Trigger | None) -> HttpResponse:
    response, context = _save(request, trigger)
    if response is not None:
        messages.success(request, _("The trigger was saved."))
        return response
    context.update({"section": "triggers", "trigger": trigger, "placeholders": PLACEHOLDERS})
    return render(
        request,
        "automation/triggers/form.html",
        context,
        status=INVALID if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def trigger_new(request: HttpRequest) -> HttpResponse:
    admin_or_404(request.user)
    return _form_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def trigger_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_page(request, trigger_for_admin(request.user, pk))


@login_required
@require_POST
def trigger_reorder(request: HttpRequest, pk: int) -> HttpResponse:
    trigger = trigger_for_admin(request.user, pk)
    if request.POST.get("direction") in ("up", "down"):
        trigger_move(trigger=trigger, direction=request.POST["direction"])
    return redirect("automation:trigger_list")


@login_required
@require_POST
def trigger_active(request: HttpRequest, pk: int) -> HttpResponse:
    trigger = trigger_for_admin(request.user, pk)
    active = request.POST.get("active") == "1"
    trigger_set_active(trigger=trigger, active=active)
    if active:
        messages.success(request, _("“%(name)s” is on.") % {"name": trigger.name})
    else:
        messages.success(request, _("“%(name)s” is off.") % {"name": trigger.name})
    return redirect("automation:trigger_list")


@login_required
@require_POST
def trigger_remove(request: HttpRequest, pk: int) -> HttpResponse:
    trigger = trigger_for_admin(request.user, pk)
    name = trigger.name
    trigger_delete(trigger=trigger)
    messages.success(request, _("The trigger “%(name)s” was deleted.") % {"name": name})
    return redirect("automation:trigger_list")


@login_required
@require_GET
def trigger_dry_run(request: HttpRequest, pk: int) -> HttpResponse:
    trigger = trigger_for_admin(request.user, pk)
    words = Describer([trigger])
    return render(
        request,
        "automation/triggers/dry_run.html",
        {
            "section": "triggers",
            "trigger": trigger,
            "events": [str(EVENT_LABELS.get(e, e)) for e in trigger.events],
            "all_of": words.conditions(trigger.conditions_all),
            "any_of": words.conditions(trigger.conditions_any),
            "actions": words.actions(trigger.actions),
            "matches": dry_run(trigger),
            "event_labels": EVENT_LABELS,
            "days": DRY_RUN_DAYS,
            "limit": DRY_RUN_TICKETS,
        },
    )


# --- e-mail templates ---------------------------------------------------------------------


@login_required
@require_GET
def email_template_list(request: HttpRequest) -> HttpResponse:
    admin_or_404(request.user)
    return render(
        request,
        "automation/triggers/email_templates.html",
        {"section": "email_templates", "templates": email_templates()},
    )


def _template_page(request: HttpRequest, template: Any) -> HttpResponse:
    initial = EmailTemplateForm.initial_for(template) if template else None
    form = EmailTemplateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            email_template_save(
                name=form.cleaned_data["name"], variants=form.variants(), template=template
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The e-mail was saved."))
            return redirect("automation:email_template_list")
    return render(
        request,
        "automation/triggers/email_template_form.html",
        {
            "section": "email_templates",
            "form": form,
            "template": template,
            "placeholders": PLACEHOLDERS,
        },
        status=INVALID if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def email_template_new(request: HttpRequest) -> HttpResponse:
    admin_or_404(request.user)
    return _template_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def email_template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _template_page(request, email_template_for_admin(request.user, pk))


@login_required
@require_POST
def email_template_remove(request: HttpRequest, pk: int) -> HttpResponse:
    template = email_template_for_admin(request.user, pk)
    name = template.name
    try:
        email_template_delete(template=template)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The e-mail “%(name)s” was deleted.") % {"name": name})
    return redirect("automation:email_template_list")
