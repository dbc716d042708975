"""Settings: the index, the staff roles and the agents' accounts. Admins only.

To anyone else the settings do not exist (404), like every page a person may not see.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from concierge.people.forms import AgentCreateForm, AgentEditForm
from concierge.people.models import Role
from concierge.people.queries import admin_or_404, agent_for_admin, staff_directory
from concierge.people.services import (
    LastAdminError,
    agent_add,
    agent_set_active,
    agent_set_password,
    agent_update,
)

INVALID = 422
LAST_ADMIN = gettext_lazy(
    "You are the last active admin: make another agent an admin first, "
    "or the settings would have nobody to run them."
)

# What each staff role may do, as the roles page explains it. Roles are fixed in this
# version; the list mirrors the checks in the services (`User.can_reply_publicly`,
# `is_admin`) and the access helpers.
ROLE_ABILITIES = [
    (
        Role.ADMIN,
        gettext_lazy("Runs the desk: everything an agent does, and the settings."),
        [
            gettext_lazy("Everything an agent may do"),
            gettext_lazy("Open the settings: agents, teams, tags and shared views"),
            gettext_lazy("Add, change and deactivate agents; set their roles and teams"),
            gettext_lazy("Create and edit organizations, their domains and members"),
            gettext_lazy("Sees every ticket, whatever the team settings"),
        ],
    ),
    (
        Role.AGENT,
        gettext_lazy("Works the inbox and answers customers."),
        [
            gettext_lazy("Reply to customers and add internal notes"),
            gettext_lazy("Change status, priority, type, assignee, team and tags"),
            gettext_lazy("Update many tickets at once and merge or split tickets"),
            gettext_lazy("Edit customers' profiles, identities and notes"),
            gettext_lazy("View organizations"),
            gettext_lazy(
                "Sees all tickets, or only their teams' ones when every team "
                "they belong to is limited to its own tickets"
            ),
        ],
    ),
    (
        Role.LIGHT_AGENT,
        gettext_lazy("Reads along and helps colleagues: experts from other departments."),
        [
            gettext_lazy("Read tickets, customers and organizations"),
            gettext_lazy("Add internal notes to tickets, which customers never see"),
            gettext_lazy("Keep notes about customers"),
            gettext_lazy("Cannot reply to customers or change tickets' fields"),
        ],
    ),
]


@login_required
@require_GET
def settings_index(request: HttpRequest) -> HttpResponse:
    admin_or_404(request.user)
    return render(request, "people/settings/index.html", {"section": "index"})


@login_required
@require_GET
def settings_roles(request: HttpRequest) -> HttpResponse:
    admin_or_404(request.user)
    return render(
        request, "people/settings/roles.html", {"section": "roles", "roles": ROLE_ABILITIES}
    )


@login_required
@require_GET
def settings_agents(request: HttpRequest) -> HttpResponse:
    admin_or_404(request.user)
    return render(
        request, "people/settings/agents.html", {"section": "agents", "agents": staff_directory()}
    )


@login_required
@require_http_methods(["GET", "POST"])
def settings_agent_new(request: HttpRequest) -> HttpResponse:
    admin_or_404(request.user)
    form = AgentCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            agent = agent_add(
                email=data["email"],
                full_name=data["full_name"],
                role=data["role"],
                password=data["password"] or None,
                languages=data["languages"],
                skills=data["skills"],
                teams=list(data["teams"]),
            )
        except IntegrityError:
            form.add_error("email", _("An account with this e-mail address already exists."))
        else:
            messages.success(request, _("%(agent)s was added.") % {"agent": agent})
            return redirect("people:settings_agents")
    return render(
        request,
        "people/settings/agent_form.html",
        {"section": "agents", "form": form},
        status=INVALID if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def settings_agent_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agent = agent_for_admin(request.user, pk)
    form = AgentEditForm(request.POST or None, agent=agent)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            agent_update(
                agent=agent,
                full_name=data["full_name"],
                role=data["role"],
                languages=data["languages"],
                skills=data["skills"],
                teams=list(data["teams"]),
            )
        except LastAdminError:
            form.add_error("role", LAST_ADMIN)
        else:
            if data["new_password"]:
                agent_set_password(agent=agent, password=data["new_password"])
            messages.success(request, _("%(agent)s was saved.") % {"agent": agent})
            return redirect("people:settings_agents")
        agent = agent_for_admin(request.user, pk)  # as stored, for the page's heading
    return render(
        request,
        "people/settings/agent_form.html",
        {"section": "agents", "form": form, "agent": agent},
        status=INVALID if form.is_bound else 200,
    )


@login_required
@require_POST
def settings_agent_active(request: HttpRequest, pk: int) -> HttpResponse:
    """Deactivate or reactivate an account. Accounts are never deleted: tickets, notes and
    the audit trail keep showing who did what."""
    agent = agent_for_admin(request.user, pk)
    is_active = request.POST.get("active") == "1"
    try:
        agent_set_active(agent=agent, is_active=is_active)
    except LastAdminError:
        messages.error(request, LAST_ADMIN)
    else:
        if is_active:
            messages.success(request, _("%(agent)s can sign in again.") % {"agent": agent})
        else:
            messages.success(
                request,
                _("%(agent)s was deactivated and can no longer sign in.") % {"agent": agent},
            )
    return redirect("people:settings_agents")
