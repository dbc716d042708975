"""The customer directory and the customer page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from concierge.people.models import CustomerIdentity, IdentityKind, Organization
from concierge.people.services import (
    customer_find_or_create_by_email,
    customer_identity_add,
    organization_add_member,
)
from concierge.people.views import directory
from concierge.tickets.models import Channel
from concierge.tickets.services import ticket_create

pytestmark = pytest.mark.django_db


def detail_url(customer) -> str:
    return reverse("people:customer_detail", args=[customer.pk])


def make_customers(count: int, support_team) -> None:
    organization = Organization.objects.create(name=f"Org {count}")
    for index in range(count):
        person = customer_find_or_create_by_email(
            email=f"person{count}-{index}@example.net", full_name=f"Person {index:03d}"
        )
        organization_add_member(organization=organization, customer=person)
        ticket_create(
            requester=person,
            subject=f"Question {index}",
            body_text="Hello",
            channel=Channel.EMAIL,
            team=support_team,
        )


# --- who may see the pages -------------------------------------------------------------------


def test_it_sends_anonymous_visitors_to_sign_in(client, customer):
    for url in (reverse("people:customer_list"), detail_url(customer)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("people:login"))


@pytest.mark.parametrize("person", ["customer", "other_customer"])
def test_it_hides_every_customer_page_from_customers(request, login, customer, person):
    client = login(request.getfixturevalue(person).user)
    identity = customer.identities.get()
    assert client.get(reverse("people:customer_list")).status_code == 404
    assert client.get(detail_url(customer)).status_code == 404
    posts = [
        reverse("people:customer_profile", args=[customer.pk]),
        reverse("people:customer_notes", args=[customer.pk]),
        reverse("people:customer_identity_create", args=[customer.pk]),
        reverse("people:customer_identity_delete", args=[customer.pk, identity.pk]),
        reverse("people:customer_identity_primary", args=[customer.pk, identity.pk]),
    ]
    for url in posts:
        assert client.post(url, {"notes": "x", "profile-full_name": "x"}).status_code == 404
    customer.refresh_from_db()
    assert customer.notes == ""
    assert customer.full_name == "Kirsi Customer"


def test_it_answers_404_for_a_customer_who_does_not_exist(login, agent):
    assert login(agent).get(reverse("people:customer_detail", args=[999999])).status_code == 404


# --- the directory ---------------------------------------------------------------------------


def test_it_lists_customers_with_email_organizations_and_ticket_counts(login, agent, ticket):
    organization = Organization.objects.create(name="Lamps Oy")
    organization_add_member(organization=organization, customer=ticket.requester)
    response = login(agent).get(reverse("people:customer_list"))
    assert response.status_code == 200
    row = response.context["page"].customers[0]
    assert row == ticket.requester
    assert row.ticket_count == 1
    body = response.content.decode()
    assert "Kirsi Customer" in body
    assert "customer@example.com" in body
    assert "Lamps Oy" in body


def test_it_counts_only_the_tickets_the_agent_may_open(login, outsider, ticket):
    response = login(outsider).get(reverse("people:customer_list"))
    assert response.context["page"].customers[0].ticket_count == 0


def test_it_finds_customers_by_name_and_by_email(login, agent, customer, other_customer):
    client = login(agent)
    by_name = client.get(reverse("people:customer_list"), {"q": "oleg"})
    assert by_name.context["page"].customers == [other_customer]
    by_email = client.get(reverse("people:customer_list"), {"q": "customer@EXAMPLE"})
    assert by_email.context["page"].customers == [customer]
    nobody = client.get(reverse("people:customer_list"), {"q": "nobody-here"})
    assert nobody.context["page"].customers == []
    assert "No customer matches" in nobody.content.decode()


def test_it_renders_only_the_results_for_htmx_searches(login, agent, customer):
    response = login(agent).get(
        reverse("people:customer_list"),
        {"q": "kirsi"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="customer-results",
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="customer-results"')
    assert "Kirsi Customer" in body
    assert "<html" not in body


def test_it_pages_through_customers_in_name_order(login, agent, support_team, monkeypatch):
    monkeypatch.setattr(directory, "CUSTOMER_PAGE_SIZE", 2)
    make_customers(5, support_team)
    client = login(agent)
    seen = []
    response = client.get(reverse("people:customer_list"))
    while True:
        page = response.context["page"]
        seen += [c.full_name for c in page.customers]
        if not page.next_cursor:
            break
        response = client.get(reverse("people:customer_list"), {"cursor": page.next_cursor})
    assert seen == [f"Person {i:03d}" for i in range(5)]


def test_it_ignores_a_malformed_cursor(login, agent, customer):
    response = login(agent).get(reverse("people:customer_list"), {"cursor": "%%%not-a-cursor"})
    assert response.status_code == 200
    assert response.context["page"].customers == [customer]


def test_the_directory_query_count_does_not_grow_with_rows(login, agent, support_team):
    client = login(agent)
    make_customers(5, support_team)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("people:customer_list")).status_code == 200
    make_customers(30, support_team)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("people:customer_list"))
    assert len(response.context["page"].customers) == 35
    assert len(many.captured_queries) == len(few.captured_queries)


# --- the customer page -----------------------------------------------------------------------


def test_it_shows_the_profile_identities_organizations_and_history(login, agent, ticket):
    customer = ticket.requester
    organization = Organization.objects.create(name="Lamps Oy")
    organization_add_member(organization=organization, customer=customer, is_manager=True)
    customer_identity_add(customer=customer, kind=IdentityKind.PHONE, value="+358 40 123 4567")
    response = login(agent).get(detail_url(customer))
    assert response.status_code == 200
    body = response.content.decode()
    assert "customer@example.com" in body
    assert "+358 40 123 4567" in body
    assert "Lamps Oy" in body
    assert "Manager" in body
    assert f"#{ticket.number} Order arrived damaged" in body
    assert list(response.context["tickets"]) == [ticket]


def test_the_history_spans_channels(login, agent, ticket, support_team):
    chat = ticket_create(
        requester=ticket.requester,
        subject="Chat about delivery",
        body_text="hi",
        channel=Channel.CHAT,
        team=support_team,
    )
    response = login(agent).get(detail_url(ticket.requester))
    assert list(response.context["tickets"]) == [chat, ticket]
    assert "Live chat" in response.content.decode()


def test_an_agent_of_another_restricted_team_does_not_see_supports_tickets(login, outsider, ticket):
    response = login(outsider).get(detail_url(ticket.requester))
    assert response.status_code == 200
    assert list(response.context["tickets"]) == []
    assert "Order arrived damaged" not in response.content.decode()


def test_light_agents_see_the_page_without_edit_forms(login, light_agent, ticket):
    response = login(light_agent).get(detail_url(ticket.requester))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Order arrived damaged" in body
    assert "Edit profile" not in body
    assert "Add an identity" not in body
    assert "Edit notes" in body


# --- editing the profile ---------------------------------------------------------------------


def test_an_agent_edits_the_profile(login, agent, customer):
    response = login(agent).post(
        reverse("people:customer_profile", args=[customer.pk]),
        {
            "profile-full_name": "Kirsi Virtanen",
            "profile-language": "sv",
            "profile-time_zone": "Europe/Helsinki",
        },
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.full_name, customer.language, customer.time_zone) == (
        "Kirsi Virtanen",
        "sv",
        "Europe/Helsinki",
    )


def test_a_profile_edit_keeps_the_notes(login, agent, customer):
    customer.notes = "Loves Finnish design."
    customer.save(update_fields=["notes"])
    login(agent).post(
        reverse("people:customer_profile", args=[customer.pk]),
        {"profile-full_name": "K", "profile-language": "", "profile-time_zone": ""},
    )
    customer.refresh_from_db()
    assert customer.notes == "Loves Finnish design."


def test_it_refuses_an_unknown_time_zone(login, agent, customer):
    response = login(agent).post(
        reverse("people:customer_profile", args=[customer.pk]),
        {"profile-full_name": "K", "profile-language": "fi", "profile-time_zone": "Mars/Base"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    assert response.context["profile_form"].errors["time_zone"]
    customer.refresh_from_db()
    assert customer.time_zone == ""


def test_light_agents_cannot_edit_the_profile(login, light_agent, customer):
    response = login(light_agent).post(
        reverse("people:customer_profile", args=[customer.pk]),
        {"profile-full_name": "Changed", "profile-language": "", "profile-time_zone": ""},
    )
    assert response.status_code == 404
    customer.refresh_from_db()
    assert customer.full_name == "Kirsi Customer"


# --- notes -----------------------------------------------------------------------------------


def test_notes_are_edited_inline_with_htmx(login, agent, customer):
    client = login(agent)
    url = reverse("people:customer_notes", args=[customer.pk])
    editor = client.get(url, {"edit": "1"}, HTTP_HX_REQUEST="true")
    assert editor.status_code == 200
    assert "<textarea" in editor.content.decode()
    saved = client.post(url, {"notes": "Collects vintage lamps."}, HTTP_HX_REQUEST="true")
    assert saved.status_code == 200
    body = saved.content.decode()
    assert "Collects vintage lamps." in body
    assert "<html" not in body
    customer.refresh_from_db()
    assert customer.notes == "Collects vintage lamps."


def test_light_agents_may_keep_notes(login, light_agent, customer):
    response = login(light_agent).post(
        reverse("people:customer_notes", args=[customer.pk]), {"notes": "Prefers phone calls."}
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.notes == "Prefers phone calls."


def test_notes_that_are_too_long_come_back_with_an_error(login, agent, customer):
    response = login(agent).post(
        reverse("people:customer_notes", args=[customer.pk]),
        {"notes": "x" * 20001},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    assert "errorlist" in response.content.decode()
    customer.refresh_from_db()
    assert customer.notes == ""


def test_the_page_without_javascript_opens_the_notes_editor(login, agent, customer):
    response = login(agent).get(detail_url(customer), {"edit_notes": "1"})
    assert 'name="notes"' in response.content.decode()


# --- identities ------------------------------------------------------------------------------


def test_an_agent_adds_an_identity(login, agent, customer):
    response = login(agent).post(
        reverse("people:customer_identity_create", args=[customer.pk]),
        {"identity-kind": "email", "identity-value": " Kirsi.Work@Example.ORG "},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "kirsi.work@example.org" in response.content.decode()
    assert customer.identities.filter(kind="email", value="kirsi.work@example.org").exists()


def test_a_duplicate_identity_is_a_field_error(login, agent, customer, other_customer):
    response = login(agent).post(
        reverse("people:customer_identity_create", args=[customer.pk]),
        {"identity-kind": "email", "identity-value": "OTHER@example.com"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    form = response.context["identity_form"]
    assert form.errors["value"] == ["This already belongs to Oleg Other."]
    assert "This already belongs to Oleg Other." in response.content.decode()
    assert customer.identities.count() == 1


def test_a_duplicate_identity_without_htmx_renders_the_page_with_the_error(
    login, agent, customer, other_customer
):
    response = login(agent).post(
        reverse("people:customer_identity_create", args=[customer.pk]),
        {"identity-kind": "email", "identity-value": "other@example.com"},
    )
    assert response.status_code == 422
    assert "This already belongs to Oleg Other." in response.content.decode()


@pytest.mark.parametrize(
    ("kind", "value"), [("email", "not-an-address"), ("phone", "call me"), ("bogus", "x")]
)
def test_malformed_identities_are_field_errors(login, agent, customer, kind, value):
    response = login(agent).post(
        reverse("people:customer_identity_create", args=[customer.pk]),
        {"identity-kind": kind, "identity-value": value},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    assert response.context["identity_form"].errors
    assert customer.identities.count() == 1


def test_an_agent_removes_an_identity_and_the_primary_moves_on(login, agent, customer):
    second = customer_identity_add(customer=customer, kind="email", value="kirsi@work.example")
    first = customer.identities.get(is_primary=True)
    response = login(agent).post(
        reverse("people:customer_identity_delete", args=[customer.pk, first.pk])
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.is_primary
    assert not CustomerIdentity.objects.filter(pk=first.pk).exists()


def test_the_last_identity_cannot_be_removed(login, agent, customer):
    identity = customer.identities.get()
    response = login(agent).post(
        reverse("people:customer_identity_delete", args=[customer.pk, identity.pk]),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    assert "at least one way to be reached" in response.content.decode()
    assert customer.identities.count() == 1


def test_another_customers_identity_is_not_found(login, agent, customer, other_customer):
    theirs = other_customer.identities.get()
    response = login(agent).post(
        reverse("people:customer_identity_delete", args=[customer.pk, theirs.pk])
    )
    assert response.status_code == 404
    assert other_customer.identities.count() == 1


def test_an_agent_makes_another_address_primary(login, agent, customer):
    second = customer_identity_add(customer=customer, kind="email", value="kirsi@work.example")
    login(agent).post(reverse("people:customer_identity_primary", args=[customer.pk, second.pk]))
    customer = type(customer).objects.get(pk=customer.pk)
    assert customer.primary_email == "kirsi@work.example"
    assert customer.identities.filter(is_primary=True).count() == 1


def test_light_agents_cannot_change_identities(login, light_agent, customer):
    identity = customer.identities.get()
    client = login(light_agent)
    added = client.post(
        reverse("people:customer_identity_create", args=[customer.pk]),
        {"identity-kind": "phone", "identity-value": "+358 40 1"},
    )
    removed = client.post(
        reverse("people:customer_identity_delete", args=[customer.pk, identity.pk])
    )
    assert added.status_code == removed.status_code == 404
    assert list(customer.identities.all()) == [identity]
