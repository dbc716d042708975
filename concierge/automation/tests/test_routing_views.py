"""Routing settings (admins only) and the top bar's online/away switch (any agent)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from concierge.automation.models.routing import AgentAvailability, Presence, RoutingRule
from concierge.automation.models.triggers import Trigger
from concierge.automation.tests.test_triggers_views import rows
from concierge.sla.calendar import Calendar
from concierge.sla.services import calendar_save


@pytest.fixture(autouse=True)
def _no_triggers(db):
    Trigger.objects.all().delete()


@pytest.mark.parametrize(
    ("name", "needs"), [("routing", None), ("routing_rule_new", None), ("routing_team", "team")]
)
def test_only_admins_see_the_routing_pages(
    client, login, admin, agent, customer, support_team, name, needs
):
    url = reverse(f"automation:{name}", args=[support_team.pk] if needs else [])

    assert client.get(url).status_code == 302
    for user in (agent, customer.user):
        assert login(user).get(url).status_code == 404
    assert login(admin).get(url).status_code == 200


def test_the_overview_lists_teams_agents_and_rules_in_few_queries(
    login, admin, agent, teammate, support_team, django_assert_max_num_queries
):
    RoutingRule.objects.create(
        name="Chats to Support",
        team=support_team,
        conditions_all=[{"field": "channel", "operator": "is", "value": "chat"}],
    )
    AgentAvailability.objects.create(agent=agent, presence=Presence.ONLINE)
    client = login(admin)
    client.get(reverse("automation:routing"))

    with django_assert_max_num_queries(20):
        text = client.get(reverse("automation:routing")).content.decode()

    assert "Chats to Support" in text
    assert "Channel is Live chat" in text
    assert "Aino Agent" in text
    assert "Timur Teammate" in text


def test_an_admin_creates_a_routing_rule(login, admin, support_team):
    data = {"name": "Finnish", "team": str(support_team.pk), "is_active": "on"}
    data.update(rows("all", [{"field": "language", "operator": "is", "choice": "language:fi"}]))
    data.update(rows("any", []))

    response = login(admin).post(reverse("automation:routing_rule_new"), data)

    assert response.status_code == 302
    rule = RoutingRule.objects.get()
    assert (rule.name, rule.team) == ("Finnish", support_team)
    assert rule.conditions_all == [{"field": "language", "operator": "is", "value": "fi"}]


def test_a_routing_rule_needs_a_condition_and_a_team(login, admin):
    data = {"name": "Everything", "team": ""}
    data.update(rows("all", []))
    data.update(rows("any", []))

    response = login(admin).post(reverse("automation:routing_rule_new"), data)

    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    assert not RoutingRule.objects.exists()


def test_an_admin_sets_how_a_team_assigns(login, admin, support_team):
    response = login(admin).post(
        reverse("automation:routing_team", args=[support_team.pk]),
        {"mode": "least_loaded", "max_open_per_agent": "5", "return_when_away": "on"},
    )

    assert response.status_code == 302
    routing = support_team.routing
    assert (routing.mode, routing.max_open_per_agent, routing.return_when_away) == (
        "least_loaded",
        5,
        True,
    )
    bad = login(admin).post(
        reverse("automation:routing_team", args=[support_team.pk]),
        {"mode": "lottery", "max_open_per_agent": "0"},
    )
    assert bad.status_code == 422


def test_an_admin_sets_an_agents_working_hours(login, admin, agent):
    office, _ = calendar_save(calendar=Calendar.build(name="Office", time_zone="Europe/Moscow"))

    login(admin).post(
        reverse("automation:routing_agent_hours", args=[agent.pk]), {"calendar": office.pk}
    )

    assert AgentAvailability.objects.get(agent=agent).calendar == office


def test_agents_cannot_change_routing(login, agent, support_team):
    client = login(agent)

    assert client.post(reverse("automation:routing_team", args=[support_team.pk]), {
        "mode": "round_robin"}).status_code == 404  # fmt: skip
    assert (
        client.post(
            reverse("automation:routing_agent_hours", args=[agent.pk]), {"calendar": ""}
        ).status_code
        == 404
    )


# --- the switch in the top bar ---------------------------------------------------------------


def test_an_agent_sees_the_switch_and_goes_online_and_away(login, agent):
    client = login(agent)
    page = client.get(reverse("tickets:inbox")).content.decode()
    assert "Go online" in page

    response = client.post(
        reverse("automation:availability"), {"presence": "online", "next": "/inbox/?view=mine"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/inbox/?view=mine"
    assert AgentAvailability.objects.get(agent=agent).presence == Presence.ONLINE
    assert "Go away" in client.get(reverse("tickets:inbox")).content.decode()

    partial = client.post(
        reverse("automation:availability"), {"presence": "away"}, HTTP_HX_REQUEST="true"
    )
    assert "Go online" in partial.content.decode()
    assert "<html" not in partial.content.decode()
    assert AgentAvailability.objects.get(agent=agent).presence == Presence.AWAY


def test_the_switch_refuses_bad_values_strangers_and_foreign_redirects(
    client, login, agent, customer
):
    assert (
        client.post(reverse("automation:availability"), {"presence": "online"}).status_code == 302
    )
    assert not AgentAvailability.objects.exists()  # anonymous: sent to sign in
    assert (
        login(customer.user)
        .post(reverse("automation:availability"), {"presence": "online"})
        .status_code
        == 404
    )
    assert (
        login(agent).post(reverse("automation:availability"), {"presence": "asleep"}).status_code
        == 400
    )

    response = login(agent).post(
        reverse("automation:availability"),
        {"presence": "online", "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("tickets:inbox")
