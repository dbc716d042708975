"""Settings: who may open them, the index, the roles page and the agents' accounts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from concierge.people.models import Role, Team, User
from concierge.people.services import agent_add

pytestmark = pytest.mark.django_db

PAGES = [
    "people:settings",
    "people:settings_roles",
    "people:settings_agents",
    "people:settings_agent_new",
    "people:settings_teams",
    "people:settings_team_new",
    "people:settings_tags",
    "people:settings_views",
    "people:settings_view_new",
]


def agent_data(**overrides: object) -> dict[str, object]:
    data = {
        "email": "New.Agent@Example.com",
        "full_name": "Niko New",
        "role": "agent",
        "languages": "fi, en",
        "skills": "returns, Billing disputes",
        "password": "",
    }
    data.update(overrides)
    return data


def edit_data(agent: User, **overrides: object) -> dict[str, object]:
    data = {
        "full_name": agent.full_name,
        "role": agent.role,
        "languages": ", ".join(agent.languages),
        "skills": ", ".join(agent.skills),
        "teams": [t.pk for t in agent.teams.all()],
        "new_password": "",
    }
    data.update(overrides)
    return data


# --- who may open the settings ---------------------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
def test_admins_open_every_settings_page(login, admin, name):
    response = login(admin).get(reverse(name))
    assert response.status_code == 200
    # The shared settings navigation is on every page.
    assert reverse("people:settings_views") in response.content.decode()


@pytest.mark.parametrize("person", ["agent", "light_agent", "outsider", "customer"])
@pytest.mark.parametrize("name", PAGES)
def test_the_settings_do_not_exist_for_anyone_else(request, login, person, name):
    user = request.getfixturevalue(person)
    user = getattr(user, "user", user)
    assert login(user).get(reverse(name)).status_code == 404


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("people:login"))


def test_agents_cannot_change_accounts_by_posting(login, agent, teammate):
    client = login(agent)
    assert client.post(reverse("people:settings_agent_new"), agent_data()).status_code == 404
    response = client.post(
        reverse("people:settings_agent_edit", args=[teammate.pk]),
        edit_data(teammate, role="admin"),
    )
    assert response.status_code == 404
    deactivated = client.post(
        reverse("people:settings_agent_active", args=[teammate.pk]), {"active": "0"}
    )
    assert deactivated.status_code == 404
    teammate.refresh_from_db()
    assert teammate.role == Role.AGENT
    assert teammate.is_active
    assert not User.objects.filter(email="new.agent@example.com").exists()


def test_the_settings_link_shows_only_for_admins(login, admin, agent, customer):
    assert (
        reverse("people:settings")
        in login(admin).get(reverse("people:customer_list")).content.decode()
    )
    page = login(agent).get(reverse("people:customer_list")).content.decode()
    assert f'href="{reverse("people:settings")}"' not in page


# --- roles -----------------------------------------------------------------------------------


def test_the_roles_page_explains_each_role(login, admin):
    body = login(admin).get(reverse("people:settings_roles")).content.decode()
    for expected in (
        "Admin",
        "Agent",
        "Light agent",
        "Open the settings",
        "merge or split tickets",
        "Add internal notes to tickets",
        "Cannot reply to customers",
    ):
        assert expected in body


# --- the agents list -------------------------------------------------------------------------


def test_it_lists_agents_with_roles_teams_and_skills(login, admin, agent, light_agent, customer):
    agent.skills = ["returns"]
    agent.languages = ["fi"]
    agent.save(update_fields=["skills", "languages"])
    response = login(admin).get(reverse("people:settings_agents"))
    listed = list(response.context["agents"])
    assert set(listed) == {admin, agent, light_agent}
    body = response.content.decode()
    assert "Aino Agent" in body
    assert "Support" in body
    assert "returns" in body
    assert "Light agent" in body
    assert "Kirsi Customer" not in body


def test_the_agents_list_query_count_does_not_grow_with_rows(login, admin, support_team):
    client = login(admin)

    def add(count: int, prefix: str) -> None:
        for index in range(count):
            agent_add(
                email=f"{prefix}{index}@example.com",
                full_name=f"{prefix} {index}",
                role=Role.AGENT,
                teams=[support_team],
            )

    add(5, "few")
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("people:settings_agents"))
    add(25, "many")
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("people:settings_agents"))
    assert len(response.context["agents"]) == 31
    assert len(many.captured_queries) == len(few.captured_queries)


# --- adding agents ---------------------------------------------------------------------------


def test_an_admin_adds_an_agent_with_a_password_who_can_then_sign_in(client, login, admin):
    team = Team.objects.create(name="Returns")
    response = login(admin).post(
        reverse("people:settings_agent_new"),
        agent_data(password="a long and unusual passphrase", teams=[team.pk]),
    )
    assert response.status_code == 302
    created = User.objects.get(email="new.agent@example.com")
    assert (created.full_name, created.role) == ("Niko New", Role.AGENT)
    assert created.languages == ["fi", "en"]
    assert created.skills == ["returns", "billing disputes"]
    assert list(created.teams.all()) == [team]
    client.logout()
    assert client.login(username="new.agent@example.com", password="a long and unusual passphrase")


def test_without_a_password_the_account_waits_for_one(login, admin):
    login(admin).post(reverse("people:settings_agent_new"), agent_data(role="light_agent"))
    created = User.objects.get(email="new.agent@example.com")
    assert created.role == Role.LIGHT_AGENT
    assert not created.has_usable_password()
    listing = login(admin).get(reverse("people:settings_agents")).content.decode()
    assert "No password yet" in listing


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"email": "AGENT@example.com"}, "email", "An agent with this e-mail address"),
        ({"email": "customer@example.com"}, "email", "belongs to a customer's account"),
        ({"email": "not-an-address"}, "email", "valid email"),
        ({"role": "customer"}, "role", "Select a valid choice"),
        ({"languages": "fi, klingon"}, "languages", "Unknown language codes: klingon"),
        ({"password": "123"}, "password", "too short"),
        ({"full_name": ""}, "full_name", "required"),
    ],
)
def test_bad_agent_input_is_a_field_error(login, admin, agent, customer, overrides, field, message):
    response = login(admin).post(reverse("people:settings_agent_new"), agent_data(**overrides))
    assert response.status_code == 422
    errors = " ".join(response.context["form"].errors[field])
    assert message in errors
    assert User.objects.filter(role__in=["admin", "agent", "light_agent"]).count() == 2


# --- editing agents --------------------------------------------------------------------------


def test_an_admin_changes_role_teams_languages_and_skills(login, admin, agent, billing_team):
    response = login(admin).post(
        reverse("people:settings_agent_edit", args=[agent.pk]),
        edit_data(agent, role="light_agent", teams=[billing_team.pk], languages="ru", skills="api"),
    )
    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.role == Role.LIGHT_AGENT
    assert list(agent.teams.all()) == [billing_team]
    assert (agent.languages, agent.skills) == (["ru"], ["api"])


def test_a_team_lead_stays_lead_of_the_teams_they_keep(login, admin, agent, support_team):
    support_team.memberships.filter(user=agent).update(is_lead=True)
    billing = Team.objects.create(name="Billing desk")
    login(admin).post(
        reverse("people:settings_agent_edit", args=[agent.pk]),
        edit_data(agent, teams=[support_team.pk, billing.pk]),
    )
    assert support_team.memberships.get(user=agent).is_lead
    assert not billing.memberships.get(user=agent).is_lead


def test_an_admin_sets_a_new_password(client, login, admin, agent):
    login(admin).post(
        reverse("people:settings_agent_edit", args=[agent.pk]),
        edit_data(agent, new_password="another fine passphrase"),
    )
    client.logout()
    assert client.login(username="agent@example.com", password="another fine passphrase")


def test_the_last_admin_cannot_demote_themselves(login, admin):
    response = login(admin).post(
        reverse("people:settings_agent_edit", args=[admin.pk]), edit_data(admin, role="agent")
    )
    assert response.status_code == 422
    assert "You are the last active admin" in " ".join(response.context["form"].errors["role"])
    admin.refresh_from_db()
    assert admin.role == Role.ADMIN


def test_an_admin_may_step_down_when_another_admin_remains(login, admin):
    agent_add(email="second@example.com", full_name="Second Admin", role=Role.ADMIN)
    response = login(admin).post(
        reverse("people:settings_agent_edit", args=[admin.pk]), edit_data(admin, role="agent")
    )
    assert response.status_code == 302
    admin.refresh_from_db()
    assert admin.role == Role.AGENT


def test_a_deactivated_admin_does_not_count_as_the_remaining_one(login, admin):
    other = agent_add(email="second@example.com", full_name="Second Admin", role=Role.ADMIN)
    other.is_active = False
    other.save(update_fields=["is_active"])
    response = login(admin).post(
        reverse("people:settings_agent_edit", args=[admin.pk]), edit_data(admin, role="agent")
    )
    assert response.status_code == 422


def test_editing_a_customer_account_is_not_found(login, admin, customer):
    response = login(admin).get(reverse("people:settings_agent_edit", args=[customer.user.pk]))
    assert response.status_code == 404


# --- deactivating ----------------------------------------------------------------------------


def test_an_admin_deactivates_an_agent_who_is_kept_but_cannot_sign_in(client, login, admin, agent):
    response = login(admin).post(
        reverse("people:settings_agent_active", args=[agent.pk]), {"active": "0"}
    )
    assert response.status_code == 302
    agent.refresh_from_db()
    assert not agent.is_active
    client.logout()
    assert not client.login(username="agent@example.com", password="correct horse battery staple")
    listing = login(admin).get(reverse("people:settings_agents")).content.decode()
    assert "Aino Agent" in listing
    assert "Deactivated" in listing


def test_an_admin_reactivates_an_agent(login, admin, agent):
    agent.is_active = False
    agent.save(update_fields=["is_active"])
    login(admin).post(reverse("people:settings_agent_active", args=[agent.pk]), {"active": "1"})
    agent.refresh_from_db()
    assert agent.is_active


def test_the_last_admin_cannot_deactivate_themselves(login, admin):
    client = login(admin)
    response = client.post(
        reverse("people:settings_agent_active", args=[admin.pk]), {"active": "0"}, follow=True
    )
    assert "You are the last active admin" in response.content.decode()
    admin.refresh_from_db()
    assert admin.is_active


def test_the_index_links_to_every_settings_page(login, admin):
    body = login(admin).get(reverse("people:settings")).content.decode()
    assert reverse("people:settings_tags") in body
    for name in PAGES[1:]:
        if not name.endswith("_new"):
            assert reverse(name) in body
