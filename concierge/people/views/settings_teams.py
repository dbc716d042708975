"""Settings: teams, their ticket visibility, members and leads. Admins only."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from concierge.people.forms import TeamForm, TeamMembersForm
from concierge.people.models import Team
from concierge.people.queries import admin_or_404, team_directory, team_for_admin
from concierge.people.services import team_create, team_set_members, team_update

INVALID = 422


@login_required
@require_GET
def settings_teams(request: HttpRequest) -> HttpResponse:
    admin_or_404(request.user)
    return render(
        request, "people/settings/teams.html", {"section": "teams", "teams": team_directory()}
    )


@login_required
@require_http_methods(["GET", "POST"])
def settings_team_new(request: HttpRequest) -> HttpResponse:
    admin_or_404(request.user)
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            team = team_create(**form.cleaned_data)
        except IntegrityError:
            form.add_error("name", _("A team with this name already exists."))
        else:
            messages.success(
                request, _("The team %(team)s was created; now add its members.") % {"team": team}
            )
            return redirect("people:settings_team_edit", pk=team.pk)
    return render(
        request,
        "people/settings/team_form.html",
        {"section": "teams", "form": form},
        status=INVALID if form.is_bound else 200,
    )


def _team_page(
    request: HttpRequest,
    team: Team,
    *,
    form: TeamForm | None = None,
    members_form: TeamMembersForm | None = None,
) -> HttpResponse:
    invalid = any(f is not None and f.is_bound for f in (form, members_form))
    return render(
        request,
        "people/settings/team_form.html",
        {
            "section": "teams",
            "team": team,
            "form": form or TeamForm(team=team),
            "members_form": members_form or TeamMembersForm(team=team),
        },
        status=INVALID if invalid else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def settings_team_edit(request: HttpRequest, pk: int) -> HttpResponse:
    team = team_for_admin(request.user, pk)
    if request.method == "GET":
        return _team_page(request, team)
    form = TeamForm(request.POST, team=team)
    if form.is_valid():
        try:
            team_update(team=team, **form.cleaned_data)
        except IntegrityError:
            form.add_error("name", _("A team with this name already exists."))
        else:
            messages.success(request, _("The team %(team)s was saved.") % {"team": team})
            return redirect("people:settings_teams")
    return _team_page(request, team_for_admin(request.user, pk), form=form)


@login_required
@require_POST
def settings_team_members(request: HttpRequest, pk: int) -> HttpResponse:
    team = team_for_admin(request.user, pk)
    members_form = TeamMembersForm(request.POST, team=team)
    if not members_form.is_valid():
        return _team_page(request, team, members_form=members_form)
    team_set_members(
        team=team,
        members=list(members_form.cleaned_data["members"]),
        leads=list(members_form.cleaned_data["leads"]),
    )
    messages.success(request, _("The members of %(team)s were saved.") % {"team": team})
    return redirect("people:settings_team_edit", pk=team.pk)
