"""Playbook pages: admins write the procedures; agents tick steps on the ticket page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from concierge.automation.models.playbooks import Playbook
from concierge.automation.playbooks_forms import PlaybookForm, StepForm
from concierge.automation.playbooks_queries import (
    Checklist,
    playbook_for_admin,
    playbooks_for_admin,
    step_for_ticket,
    ticket_checklists,
)
from concierge.automation.playbooks_services import (
    playbook_create,
    playbook_delete,
    playbook_step_set_done,
    playbook_update,
)
from concierge.tickets.models import Ticket
from concierge.tickets.queries import ticket_for_user, ticket_timeline
from concierge.tickets.services import NotAllowedError
from concierge.tickets.views.access import agent_required, refuse
from concierge.tickets.views.display import timeline_entry
from concierge.tickets.windows import history_window

INVALID = 422


# --- on the ticket -----------------------------------------------------------------------------


def checklist_context(request: HttpRequest, ticket: Ticket) -> dict[str, Any]:
    return {
        "ticket": ticket,
        "checklists": ticket_checklists(ticket),
        "can_tick": request.user.can_reply_publicly,
    }


@agent_required
@require_GET
def ticket_playbooks(request: HttpRequest, number: int) -> HttpResponse:
    """The checklists alone, for the page to refresh them after the ticket's type or
    tags changed.

    `shown` lists the playbooks the page shows; when they are still the ones that match,
    the answer is 204 and the page keeps its checklist, so a refresh never overwrites a
    tick that is on its way.
    """
    ticket = ticket_for_user(request.user, number)
    context = checklist_context(request, ticket)
    if request.GET.get("shown") == playbook_ids(context["checklists"]):
        return HttpResponse(status=204)
    return render(request, "automation/_playbook_checklist.html", context)


def playbook_ids(checklists: list[Checklist]) -> str:
    return ",".join(str(checklist.playbook.pk) for checklist in checklists)


@agent_required
@require_POST
def playbook_step(request: HttpRequest, number: int, step_id: int) -> HttpResponse:
    user = request.user
    ticket = ticket_for_user(user, number)
    step = step_for_ticket(ticket, step_id)
    form = StepForm(request.POST)
    form.is_valid()  # a checkbox: anything but a ticked box means "not done"
    try:
        playbook_step_set_done(
            ticket=ticket, step=step, actor=user, done=form.cleaned_data.get("done", False)
        )
    except NotAllowedError as error:
        return refuse(request, str(error))
    if not request.htmx:
        return redirect("tickets:detail", number=number)
    context = checklist_context(request, ticket)
    # The tick is in the ticket's history too: refresh it beside the checklist, as the
    # ticket page shows it (its latest changes).
    history = history_window(ticket_timeline(ticket))
    context["timeline"] = [timeline_entry(event) for event in history.events]
    context["timeline_more"] = history.more
    return render(request, "automation/_after_playbook_step.html", context)


# --- settings (admins) -------------------------------------------------------------------------


@login_required
@require_GET
def settings_playbooks(request: HttpRequest) -> HttpResponse:
    playbooks = list(playbooks_for_admin(request.user))
    return render(
        request,
        "automation/settings/playbooks.html",
        {"section": "playbooks", "playbooks": playbooks},
    )


@login_required
@require_http_methods(["GET", "POST"])
def settings_playbook_new(request: HttpRequest) -> HttpResponse:
    playbooks_for_admin(request.user)  # admins only
    return _playbook_edit(request, playbook=None)


@login_required
@require_http_methods(["GET", "POST"])
def settings_playbook_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _playbook_edit(request, playbook=playbook_for_admin(request.user, pk))


@login_required
@require_POST
def settings_playbook_remove(request: HttpRequest, pk: int) -> HttpResponse:
    playbook = playbook_for_admin(request.user, pk)
    playbook_delete(playbook=playbook, actor=request.user)
    messages.success(
        request, _("The playbook “%(title)s” was deleted.") % {"title": playbook.title}
    )
    return redirect("automation:settings_playbooks")


def _playbook_edit(request: HttpRequest, *, playbook: Playbook | None) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        form = PlaybookForm(request.POST)
        if form.is_valid():
            steps = form.cleaned_data["steps"]
            if playbook is None:
                playbook_create(actor=user, steps=steps, **form.values())
                messages.success(request, _("The playbook was created."))
            else:
                playbook_update(playbook=playbook, actor=user, steps=steps, **form.values())
                messages.success(request, _("The playbook was saved."))
            return redirect("automation:settings_playbooks")
        status = INVALID
    else:
        form = PlaybookForm(initial=PlaybookForm.initial_for(playbook) if playbook else None)
        status = 200
    return render(
        request,
        "automation/settings/playbook_form.html",
        {"section": "playbooks", "form": form, "playbook": playbook},
        status=status,
    )
