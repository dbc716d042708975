"""The organization directory and the organization page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from concierge.people.models import Organization, OrganizationDomain, OrganizationMembership
from concierge.people.services import (
    customer_find_or_create_by_email,
    organization_add_member,
    organization_set_domains,
)
from concierge.tickets.models import Channel
from concierge.tickets.services import ticket_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def lamps(customer) -> Organization:
    organization = Organization.objects.create(name="Lamps Oy", notes="Design lamps.")
    organization_set_domains(organization=organization, domains=["lamps.example"])
    organization_add_member(organization=organization, customer=customer)
    return organization


def detail_url(organization) -> str:
    return reverse("people:organization_detail", args=[organization.pk])


def form_data(**overrides: object) -> dict[str, object]:
    data = {
        "name": "Valo Ltd",
        "domains": "valo.example, valo.example.net",
        "support_plan": "premium",
        "managers_see_all_requests": "on",
        "notes": "Key account.",
    }
    data.update(overrides)
    return data


def make_organizations(count: int, support_team, prefix: str) -> None:
    for index in range(count):
        organization = Organization.objects.create(name=f"{prefix} {index:03d}")
        organization_set_domains(organization=organization, domains=[f"{prefix}{index}.example"])
        person = customer_find_or_create_by_email(
            email=f"boss@{prefix}{index}.example", full_name="Boss"
        )
        organization_add_member(organization=organization, customer=person)
        ticket_create(
            requester=person, subject="Hi", body_text="Hi", channel=Channel.WEB, team=support_team
        )


# --- who may see the pages -------------------------------------------------------------------


def test_it_sends_anonymous_visitors_to_sign_in(client, lamps):
    for url in (reverse("people:organization_list"), detail_url(lamps)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("people:login"))


@pytest.mark.parametrize("person", ["customer", "other_customer"])
def test_it_hides_organizations_from_customers(request, login, lamps, person):
    client = login(request.getfixturevalue(person).user)
    assert client.get(reverse("people:organization_list")).status_code == 404
    assert client.get(detail_url(lamps)).status_code == 404
    assert client.get(reverse("people:organization_new")).status_code == 404
    edited = client.post(reverse("people:organization_edit", args=[lamps.pk]), form_data())
    assert edited.status_code == 404
    assert Organization.objects.get(pk=lamps.pk).name == "Lamps Oy"


def test_agents_view_but_cannot_change_organizations(login, agent, lamps, other_customer):
    client = login(agent)
    page = client.get(detail_url(lamps))
    assert page.status_code == 200
    assert "Edit organization" not in page.content.decode()
    assert "Add member" not in page.content.decode()
    assert client.get(reverse("people:organization_new")).status_code == 404
    assert client.post(reverse("people:organization_new"), form_data()).status_code == 404
    assert (
        client.post(reverse("people:organization_edit", args=[lamps.pk]), form_data()).status_code
        == 404
    )
    added = client.post(
        reverse("people:organization_member_add", args=[lamps.pk]),
        {"member-email": "other@example.com"},
    )
    assert added.status_code == 404
    assert not lamps.memberships.filter(customer=other_customer).exists()


# --- the directory ---------------------------------------------------------------------------


def test_it_lists_organizations_with_domains_and_counts(login, agent, lamps, ticket):
    response = login(agent).get(reverse("people:organization_list"))
    assert response.status_code == 200
    row = next(iter(response.context["organizations"]))
    assert (row.name, row.member_count, row.ticket_count) == ("Lamps Oy", 1, 1)
    assert "lamps.example" in response.content.decode()


def test_ticket_counts_respect_the_agents_team_scope(login, outsider, lamps, ticket):
    response = login(outsider).get(reverse("people:organization_list"))
    assert next(iter(response.context["organizations"])).ticket_count == 0


def test_it_finds_organizations_by_name_or_domain(login, agent, lamps):
    Organization.objects.create(name="Other Co")
    client = login(agent)
    by_domain = client.get(reverse("people:organization_list"), {"q": "@LAMPS.example"})
    assert [o.name for o in by_domain.context["organizations"]] == ["Lamps Oy"]
    by_name = client.get(reverse("people:organization_list"), {"q": "other"})
    assert [o.name for o in by_name.context["organizations"]] == ["Other Co"]


def test_the_directory_query_count_does_not_grow_with_rows(login, agent, support_team):
    client = login(agent)
    make_organizations(5, support_team, "few")
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("people:organization_list")).status_code == 200
    make_organizations(25, support_team, "many")
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("people:organization_list"))
    assert len(response.context["organizations"].object_list) == 30
    assert len(many.captured_queries) == len(few.captured_queries)


# --- the organization page -------------------------------------------------------------------


def test_it_shows_the_organization_its_members_and_tickets(login, agent, lamps, ticket):
    ticket.refresh_from_db()
    assert ticket.organization_id == lamps.pk
    response = login(agent).get(detail_url(lamps))
    body = response.content.decode()
    assert "Design lamps." in body
    assert "lamps.example" in body
    assert "Kirsi Customer" in body
    assert list(response.context["tickets"]) == [ticket]


def test_an_outsider_does_not_see_the_organizations_support_tickets(login, outsider, lamps, ticket):
    response = login(outsider).get(detail_url(lamps))
    assert response.status_code == 200
    assert list(response.context["tickets"]) == []
    assert "Order arrived damaged" not in response.content.decode()


def test_the_page_query_count_does_not_grow_with_members(login, admin, lamps, support_team):
    client = login(admin)

    def add_members(count: int, prefix: str) -> None:
        for index in range(count):
            person = customer_find_or_create_by_email(email=f"{prefix}{index}@lamps.example")
            organization_add_member(organization=lamps, customer=person)
            ticket_create(
                requester=person, subject="Hi", body_text="Hi", channel=Channel.WEB, team=None
            )

    add_members(5, "few")
    with CaptureQueriesContext(connection) as few:
        client.get(detail_url(lamps))
    add_members(20, "many")
    with CaptureQueriesContext(connection) as many:
        response = client.get(detail_url(lamps))
    assert response.context["members"].paginator.count == 26
    assert len(many.captured_queries) == len(few.captured_queries)


# --- creating and editing --------------------------------------------------------------------


def test_an_admin_creates_an_organization_with_domains(login, admin):
    response = login(admin).post(reverse("people:organization_new"), form_data())
    organization = Organization.objects.get(name="Valo Ltd")
    assert response.status_code == 302
    assert response.url == detail_url(organization)
    assert sorted(organization.domains.values_list("domain", flat=True)) == [
        "valo.example",
        "valo.example.net",
    ]
    assert organization.support_plan == "premium"
    assert organization.managers_see_all_requests
    # A new customer writing from the domain joins the organization.
    newcomer = customer_find_or_create_by_email(email="new@valo.example")
    assert list(newcomer.organizations.all()) == [organization]


def test_a_domain_of_another_organization_is_a_field_error(login, admin, lamps):
    response = login(admin).post(
        reverse("people:organization_new"), form_data(domains="valo.example\nLAMPS.example")
    )
    assert response.status_code == 422
    assert response.context["form"].errors["domains"] == [
        "lamps.example already belongs to Lamps Oy."
    ]
    assert not Organization.objects.filter(name="Valo Ltd").exists()
    assert OrganizationDomain.objects.get(domain="lamps.example").organization == lamps


@pytest.mark.parametrize(
    ("field", "value"), [("domains", "not a domain!"), ("name", "lamps oy"), ("name", "")]
)
def test_bad_organization_input_is_a_field_error(login, admin, lamps, field, value):
    response = login(admin).post(reverse("people:organization_new"), form_data(**{field: value}))
    assert response.status_code == 422
    assert response.context["form"].errors[field]
    assert Organization.objects.count() == 1


def test_an_admin_edits_an_organization(login, admin, lamps):
    response = login(admin).post(
        reverse("people:organization_edit", args=[lamps.pk]),
        form_data(name="Lamps Group", domains="lamps.example\nlamps.example.org", notes="VIP"),
    )
    assert response.status_code == 302
    lamps.refresh_from_db()
    assert (lamps.name, lamps.notes, lamps.support_plan) == ("Lamps Group", "VIP", "premium")
    assert lamps.managers_see_all_requests
    assert sorted(lamps.domains.values_list("domain", flat=True)) == [
        "lamps.example",
        "lamps.example.org",
    ]


def test_editing_keeps_the_domains_unique_across_organizations(login, admin, lamps):
    other = Organization.objects.create(name="Other Co")
    response = login(admin).post(
        reverse("people:organization_edit", args=[other.pk]),
        form_data(name="Other Co", domains="lamps.example"),
    )
    assert response.status_code == 422
    assert "lamps.example already belongs to Lamps Oy." in response.content.decode()
    assert not other.domains.exists()


# --- members ---------------------------------------------------------------------------------


def test_an_admin_adds_an_existing_customer_by_email(login, admin, lamps, other_customer):
    response = login(admin).post(
        reverse("people:organization_member_add", args=[lamps.pk]),
        {"member-email": "OTHER@example.com", "member-is_manager": "on"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "Oleg Other" in response.content.decode()
    membership = lamps.memberships.get(customer=other_customer)
    assert membership.is_manager


def test_adding_an_unknown_address_is_a_field_error(login, admin, lamps):
    response = login(admin).post(
        reverse("people:organization_member_add", args=[lamps.pk]),
        {"member-email": "stranger@example.com"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    assert "No customer has this e-mail address." in response.content.decode()
    assert lamps.memberships.count() == 1


def test_an_admin_sets_and_unsets_a_manager_and_removes_a_member(login, admin, lamps, customer):
    client = login(admin)
    url = reverse("people:organization_member_change", args=[lamps.pk, customer.pk])
    client.post(url, {"action": "make_manager"})
    assert lamps.memberships.get(customer=customer).is_manager
    client.post(url, {"action": "unmake_manager"})
    assert not lamps.memberships.get(customer=customer).is_manager
    client.post(url, {"action": "remove"})
    assert not OrganizationMembership.objects.filter(organization=lamps).exists()


def test_changing_someone_who_is_not_a_member_is_not_found(login, admin, lamps, other_customer):
    response = login(admin).post(
        reverse("people:organization_member_change", args=[lamps.pk, other_customer.pk]),
        {"action": "make_manager"},
    )
    assert response.status_code == 404


def test_an_unknown_member_action_is_refused(login, admin, lamps, customer):
    response = login(admin).post(
        reverse("people:organization_member_change", args=[lamps.pk, customer.pk]),
        {"action": "promote-to-ceo"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    assert lamps.memberships.get(customer=customer).is_manager is False
