"""Settings: teams, their ticket visibility, members and leads."""

from __future__ import annotations

import pytest
from django.urls import reverse

from concierge.people.models import Team, TicketVisibility
from concierge.people.queries import agent_team_scope

pytestmark = pytest.mark.django_db


def team_data(**overrides: object) -> dict[str, object]:
    data = {
        "name": "Returns",
        "description": "Parcels coming back.",
        "ticket_visibility": "team",
        "languages": "fi, sv",
    }
    data.update(overrides)
    return data


def test_an_admin_creates_a_team_and_goes_on_to_its_members(login, admin):
    response = login(admin).post(reverse("people:settings_team_new"), team_data())
    team = Team.objects.get(name="Returns")
    assert response.status_code == 302
    assert response.url == reverse("people:settings_team_edit", args=[team.pk])
    assert team.description == "Parcels coming back."
    assert team.ticket_visibility == TicketVisibility.TEAM
    assert team.languages == ["fi", "sv"]


def test_the_teams_list_shows_visibility_and_member_counts(login, admin, agent, teammate):
    response = login(admin).get(reverse("people:settings_teams"))
    body = response.content.decode()
    assert "Support" in body
    assert "Only this team&#x27;s tickets" in body
    (support,) = response.context["teams"]
    assert support.member_count == 2


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": "support"}, "name"),
        ({"name": ""}, "name"),
        ({"ticket_visibility": "everyone"}, "ticket_visibility"),
        ({"languages": "xx-nonsense"}, "languages"),
    ],
)
def test_bad_team_input_is_a_field_error(login, admin, support_team, overrides, field):
    response = login(admin).post(reverse("people:settings_team_new"), team_data(**overrides))
    assert response.status_code == 422
    assert response.context["form"].errors[field]
    assert Team.objects.count() == 1


def test_an_admin_edits_a_team_and_its_visibility(login, admin, agent, support_team):
    assert agent_team_scope(agent) == [support_team.pk]
    response = login(admin).post(
        reverse("people:settings_team_edit", args=[support_team.pk]),
        team_data(name="Support", ticket_visibility="all", languages="en"),
    )
    assert response.status_code == 302
    support_team.refresh_from_db()
    assert support_team.ticket_visibility == TicketVisibility.ALL
    assert support_team.languages == ["en"]
    # Members of a team that sees everything are no longer limited.
    assert agent_team_scope(agent) is None


def test_renaming_a_team_to_another_teams_name_is_refused(login, admin, support_team, billing_team):
    response = login(admin).post(
        reverse("people:settings_team_edit", args=[support_team.pk]), team_data(name="BILLING")
    )
    assert response.status_code == 422
    assert "already exists" in " ".join(response.context["form"].errors["name"])
    support_team.refresh_from_db()
    assert support_team.name == "Support"


def test_an_admin_sets_members_and_leads(login, admin, agent, teammate, outsider, support_team):
    response = login(admin).post(
        reverse("people:settings_team_members", args=[support_team.pk]),
        {"members": [agent.pk, outsider.pk], "leads": [outsider.pk]},
    )
    assert response.status_code == 302
    memberships = {m.user: m.is_lead for m in support_team.memberships.select_related("user")}
    assert memberships == {agent: False, outsider: True}


def test_the_team_page_shows_each_agent_with_member_and_lead_boxes(
    login, admin, agent, support_team
):
    support_team.memberships.filter(user=agent).update(is_lead=True)
    response = login(admin).get(reverse("people:settings_team_edit", args=[support_team.pk]))
    rows = {
        str(user): (member, lead) for user, member, lead in response.context["members_form"].rows()
    }
    assert set(rows) == {"Ada Admin", "Aino Agent"}
    member, lead = rows["Aino Agent"]
    assert member.data["selected"]
    assert lead.data["selected"]
    assert not rows["Ada Admin"][0].data["selected"]


def test_a_lead_who_is_not_a_member_is_refused(login, admin, agent, teammate, support_team):
    response = login(admin).post(
        reverse("people:settings_team_members", args=[support_team.pk]),
        {"members": [agent.pk], "leads": [teammate.pk]},
    )
    assert response.status_code == 422
    assert response.context["members_form"].errors["leads"]
    assert set(support_team.members.all()) == {agent, teammate}


def test_a_customer_cannot_be_made_a_member(login, admin, customer, support_team):
    response = login(admin).post(
        reverse("people:settings_team_members", args=[support_team.pk]),
        {"members": [customer.user.pk]},
    )
    assert response.status_code == 422
    assert not support_team.members.exists()


def test_agents_cannot_change_teams(login, agent, support_team, teammate):
    client = login(agent)
    assert (
        client.get(reverse("people:settings_team_edit", args=[support_team.pk])).status_code == 404
    )
    edited = client.post(
        reverse("people:settings_team_edit", args=[support_team.pk]),
        team_data(ticket_visibility="all"),
    )
    members = client.post(
        reverse("people:settings_team_members", args=[support_team.pk]), {"members": [agent.pk]}
    )
    assert edited.status_code == members.status_code == 404
    support_team.refresh_from_db()
    assert support_team.ticket_visibility == TicketVisibility.TEAM
    assert set(support_team.members.all()) == {agent, teammate}


def test_a_team_that_does_not_exist_is_not_found(login, admin):
    assert login(admin).get(reverse("people:settings_team_edit", args=[9999])).status_code == 404
