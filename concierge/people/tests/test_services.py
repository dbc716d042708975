"""Specification of the core people services: finding customers by address, portal accounts."""

from __future__ import annotations

import pytest

from concierge.people.models import (
    Customer,
    CustomerIdentity,
    IdentityKind,
    Organization,
    OrganizationMembership,
    Role,
    Team,
    User,
)
from concierge.people.services import (
    agent_create,
    customer_find_or_create_by_email,
    customer_identity_add,
    customer_portal_user,
    organization_add_member,
    organization_set_domains,
    team_set_members,
)


@pytest.fixture
def acme(db):
    acme = Organization.objects.create(name="Acme")
    organization_set_domains(organization=acme, domains=["acme.test"])
    return acme


# --- finding customers by e-mail -----------------------------------------------------------------


def test_a_new_address_makes_a_new_customer_with_a_primary_identity(db):
    customer = customer_find_or_create_by_email(
        email="  Selin.Yilmaz@Example.COM ", full_name="  Selin Yılmaz ", language="tr"
    )

    assert (customer.full_name, customer.language) == ("Selin Yılmaz", "tr")
    [identity] = customer.identities.all()
    assert (identity.kind, identity.value, identity.is_primary) == (
        IdentityKind.EMAIL,
        "selin.yilmaz@example.com",
        True,
    )
    assert customer.primary_email == "selin.yilmaz@example.com"


def test_the_same_address_in_any_case_finds_the_same_customer(db):
    first = customer_find_or_create_by_email(email="selin@example.com", full_name="Selin")

    again = customer_find_or_create_by_email(email="SELIN@Example.com ", full_name="Someone Else")

    assert again == first
    assert Customer.objects.count() == CustomerIdentity.objects.count() == 1
    again.refresh_from_db()
    assert again.full_name == "Selin"  # a later message does not rename anyone


def test_a_customer_is_found_by_any_of_their_addresses(db):
    customer = customer_find_or_create_by_email(email="home@example.com")
    customer_identity_add(customer=customer, kind=IdentityKind.EMAIL, value=" Work@Example.com")

    assert customer_find_or_create_by_email(email="work@example.com") == customer
    assert customer.primary_email == "home@example.com"


def test_a_new_customer_joins_the_organization_of_their_mail_domain(acme):
    customer = customer_find_or_create_by_email(email="Pekka@ACME.test")

    membership = OrganizationMembership.objects.get(customer=customer)
    assert membership.organization == acme
    assert membership.is_manager is False


def test_finding_a_known_customer_again_adds_no_second_membership(acme):
    customer = customer_find_or_create_by_email(email="pekka@acme.test")

    customer_find_or_create_by_email(email="pekka@acme.test")

    assert OrganizationMembership.objects.filter(customer=customer).count() == 1


@pytest.mark.parametrize("email", ["pekka@example.com", "pekka@mail.acme.test", "acme.test@x.org"])
def test_other_domains_join_no_organization(acme, email):
    customer = customer_find_or_create_by_email(email=email)

    assert not customer.organizations.exists()


# --- portal accounts -----------------------------------------------------------------------------


def test_a_portal_account_is_made_from_the_customers_details(db):
    customer = customer_find_or_create_by_email(
        email="Anna@Example.com", full_name="Anna Petrova", language="ru"
    )
    Customer.objects.filter(pk=customer.pk).update(time_zone="Europe/Moscow")
    customer.refresh_from_db()

    user = customer_portal_user(customer=customer)

    assert (user.email, user.full_name, user.role) == (
        "anna@example.com",
        "Anna Petrova",
        "customer",
    )
    assert (user.language, user.time_zone) == ("ru", "Europe/Moscow")
    assert not user.has_usable_password()  # signs in by e-mailed link until a password is set
    assert not user.is_agent
    customer.refresh_from_db()
    assert customer.user == user


def test_a_portal_account_is_made_only_once(db):
    customer = customer_find_or_create_by_email(email="anna@example.com")
    stale = Customer.objects.get(pk=customer.pk)  # loaded before the account existed

    user = customer_portal_user(customer=customer)

    assert customer_portal_user(customer=customer) == user
    assert customer_portal_user(customer=stale) == user
    assert User.objects.filter(role=Role.CUSTOMER).count() == 1


# --- organizations, teams, agents ----------------------------------------------------------------


def test_organization_domains_are_normalized_and_replaced(acme):
    organization_set_domains(organization=acme, domains=[" @ACME.org ", "acme.org", "", "acme.fi"])

    assert sorted(acme.domains.values_list("domain", flat=True)) == ["acme.fi", "acme.org"]


def test_adding_a_member_twice_updates_their_manager_flag(acme, customer):
    organization_add_member(organization=acme, customer=customer)
    organization_add_member(organization=acme, customer=customer, is_manager=True)

    [membership] = OrganizationMembership.objects.filter(customer=customer)
    assert membership.is_manager is True


def test_team_members_and_leads_are_set_together(support_team, agent, teammate, light_agent):
    newcomer = agent_create(email="NEW@example.com", full_name="Nina New", role=Role.AGENT)

    team_set_members(team=support_team, members=[agent, newcomer], leads=[newcomer])

    memberships = {m.user: m.is_lead for m in support_team.memberships.all()}
    assert memberships == {agent: False, newcomer: True}
    assert newcomer.email == "new@example.com"
    assert Team.objects.get(pk=support_team.pk).members.count() == 2
