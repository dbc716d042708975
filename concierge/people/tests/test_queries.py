"""Specification of the people access helpers: who counts as an agent, and who may open what."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from concierge.people.models import Organization, Team, TicketVisibility, User
from concierge.people.queries import (
    active_agents,
    agent_for_admin,
    agent_team_scope,
    customer_for_agent,
    is_admin,
    is_agent,
    organization_for_agent,
)
from concierge.people.services import agent_create


def deactivate(user):
    User.objects.filter(pk=user.pk).update(is_active=False)
    user.refresh_from_db()
    return user


def test_admins_agents_and_light_agents_are_agents(admin, agent, light_agent, customer):
    assert [is_agent(u) for u in (admin, agent, light_agent)] == [True, True, True]
    assert is_agent(customer.user) is False
    assert is_agent(AnonymousUser()) is False
    assert is_agent(None) is False


def test_only_admins_are_admins(admin, agent, customer):
    assert is_admin(admin) is True
    assert is_admin(agent) is False
    assert is_admin(customer.user) is False
    assert is_admin(AnonymousUser()) is False


def test_a_deactivated_agent_or_admin_is_neither(admin, agent):
    assert is_agent(deactivate(agent)) is False
    assert is_admin(deactivate(admin)) is False


def test_the_team_scope_of_each_kind_of_agent(admin, agent, outsider, support_team, billing_team):
    loner = agent_create(email="loner@example.com", full_name="Lone", role="agent")
    both = agent_create(email="both@example.com", full_name="Both", role="agent")
    support_team.memberships.create(user=both)
    billing_team.memberships.create(user=both)

    assert agent_team_scope(admin) is None
    assert agent_team_scope(agent) == [support_team.pk]
    assert agent_team_scope(outsider) == [billing_team.pk]
    assert sorted(agent_team_scope(both)) == sorted([support_team.pk, billing_team.pk])
    assert agent_team_scope(loner) is None


def test_one_team_that_sees_everything_lifts_the_scope(agent):
    everyone = Team.objects.create(name="Everyone", ticket_visibility=TicketVisibility.ALL)
    everyone.memberships.create(user=agent)

    assert agent_team_scope(agent) is None


def test_an_agent_opens_a_customer_and_nobody_else_does(
    agent, light_agent, customer, other_customer
):
    assert customer_for_agent(agent, customer.pk) == customer
    assert customer_for_agent(light_agent, customer.pk) == customer
    for person, pk in (
        (customer.user, customer.pk),
        (other_customer.user, customer.pk),
        (AnonymousUser(), customer.pk),
        (agent, 999_999),
        (deactivate(light_agent), customer.pk),
    ):
        with pytest.raises(Http404):
            customer_for_agent(person, pk)


def test_an_agent_opens_an_organization_and_nobody_else_does(agent, customer):
    acme = Organization.objects.create(name="Acme")

    assert organization_for_agent(agent, acme.pk) == acme
    for person, pk in ((customer.user, acme.pk), (AnonymousUser(), acme.pk), (agent, 999_999)):
        with pytest.raises(Http404):
            organization_for_agent(person, pk)


def test_only_an_admin_opens_an_agents_account(admin, agent, teammate, customer):
    assert agent_for_admin(admin, agent.pk) == agent
    for person, pk in ((teammate, agent.pk), (customer.user, agent.pk), (admin, customer.user.pk)):
        with pytest.raises(Http404):
            agent_for_admin(person, pk)


def test_active_agents_are_staff_who_may_sign_in_ordered_by_name(
    admin, agent, teammate, light_agent, customer
):
    deactivate(teammate)

    assert list(active_agents()) == [admin, agent, light_agent]  # Ada, Aino, Leyla
