"""Followers (CCs) on the ticket page: added by e-mail address, removed, and told of replies."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from concierge.people.models import Customer, Organization, OrganizationDomain
from concierge.people.services import (
    customer_find_or_create_by_email,
    customer_identity_add,
    customer_portal_user,
)
from concierge.tickets.models import EventKind, Ticket, TicketEvent
from concierge.tickets.services import ticket_set_followers


def add_url(ticket) -> str:
    return reverse("tickets:follower_add", args=[ticket.number])


def remove_url(ticket, customer) -> str:
    return reverse("tickets:follower_remove", args=[ticket.number, customer.pk])


def add(client, ticket, email, name="", *, htmx=True):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(add_url(ticket), {"email": email, "name": name}, **headers)


def remove(client, ticket, customer, *, htmx=True):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(remove_url(ticket, customer), **headers)


def followers_of(ticket) -> list[str]:
    return sorted(str(c) for c in Ticket.objects.get(pk=ticket.pk).followers.all())


def follower_events(ticket) -> list[TicketEvent]:
    return list(ticket.events.filter(kind=EventKind.FOLLOWERS_CHANGED).order_by("pk"))


@pytest.fixture
def followed(ticket, agent, other_customer):
    """The ticket with `other_customer` following it."""
    ticket_set_followers(ticket=ticket, actor=agent, add=[other_customer])
    ticket.refresh_from_db()
    return ticket


# --- adding ----------------------------------------------------------------------------------


def test_an_agent_adds_an_existing_customer_by_address(login, agent, ticket, other_customer):
    response = add(login(agent), ticket, "  OTHER@example.com ")

    assert response.status_code == 200
    assert followers_of(ticket) == ["Oleg Other"]
    [event] = follower_events(ticket)
    assert (event.actor, event.field, event.before, event.after) == (
        agent,
        "followers",
        [],
        ["Oleg Other"],
    )
    version = Ticket.objects.get(pk=ticket.pk).version
    assert version == ticket.version + 1
    html = response.content.decode()
    # The panel itself, then what the change touched, out of band.
    assert html.lstrip().startswith('<section id="customer"')
    panel = html.split('<section id="properties"')[0]
    assert (
        f'href="{reverse("people:customer_detail", args=[other_customer.pk])}">Oleg Other' in panel
    )
    assert f'action="{remove_url(ticket, other_customer)}"' in panel
    assert re.search(r'<section id="timeline"[^>]*hx-swap-oob="true">', html)
    assert (
        '<span class="field-name">Followers</span>: <span class="before">none</span>'
        ' → <span class="after">Oleg Other</span>'
    ) in html
    # Both forms on the page learn the new version, so the agent's next write goes through.
    assert re.search(
        rf'<div id="composer-state" hx-swap-oob="true">\s*'
        rf'<input type="hidden" name="version" value="{version}">',
        html,
    )
    assert re.search(
        rf'<section id="properties"[^>]*hx-swap-oob="true">.*?'
        rf'name="version" value="{version}"',
        html,
        re.S,
    )
    assert "Oleg Other now follows this ticket and receives its public replies." in html


def test_a_new_address_creates_the_customer_in_their_organization(login, agent, ticket):
    acme = Organization.objects.create(name="Acme")
    OrganizationDomain.objects.create(organization=acme, domain="acme.example")

    add(login(agent), ticket, "Boss@Acme.example", "Bea Boss")

    follower = Customer.objects.get(identities__value="boss@acme.example")
    assert follower.full_name == "Bea Boss"
    assert list(follower.organizations.all()) == [acme]
    assert followers_of(ticket) == ["Bea Boss"]


def test_adding_keeps_the_followers_already_there(login, agent, followed):
    add(login(agent), followed, "third@example.com", "Tove Third")

    assert followers_of(followed) == ["Oleg Other", "Tove Third"]
    assert follower_events(followed)[-1].before == ["Oleg Other"]


def test_without_htmx_the_change_leads_back_to_the_ticket(login, agent, ticket, other_customer):
    response = add(login(agent), ticket, "other@example.com", htmx=False)

    assert response.status_code == 302
    assert response["Location"] == reverse("tickets:detail", args=[ticket.number])
    assert followers_of(ticket) == ["Oleg Other"]


def test_the_change_shows_in_the_audit_timeline_of_the_page(login, agent, ticket, other_customer):
    client = login(agent)
    add(client, ticket, "other@example.com")

    html = client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()

    timeline = html.split('<section id="timeline"')[1]
    assert re.search(
        r'<li class="timeline-followers_changed"><strong>Aino Agent</strong> · '
        r'<span class="field-name">Followers</span>: <span class="before">none</span> → '
        r'<span class="after">Oleg Other</span>',
        timeline,
    )


def test_a_follower_receives_the_next_public_reply(
    login, agent, ticket, mailoutbox, django_capture_on_commit_callbacks
):
    client = login(agent)
    response = add(client, ticket, "cc@example.com", "Cora Copy")
    # The reply is written against the version the panel's change handed back.
    version = re.search(
        r'<div id="composer-state" hx-swap-oob="true">\s*'
        r'<input type="hidden" name="version" value="(\d+)">',
        response.content.decode(),
    ).group(1)

    with django_capture_on_commit_callbacks(execute=True):
        reply = client.post(
            reverse("tickets:reply", args=[ticket.number]),
            {"body": "A courier collects the lamp on Monday.", "mode": "reply", "version": version},
            HTTP_HX_REQUEST="true",
        )

    assert reply.status_code == 200
    assert sorted(m.to[0] for m in mailoutbox) == ["cc@example.com", "customer@example.com"]
    to_follower = next(m for m in mailoutbox if m.to == ["cc@example.com"])
    assert "A courier collects the lamp on Monday." in to_follower.body


def test_a_removed_follower_no_longer_receives_replies(
    login, agent, followed, other_customer, mailoutbox, django_capture_on_commit_callbacks
):
    client = login(agent)
    response = remove(client, followed, other_customer)

    assert response.status_code == 200
    assert followers_of(followed) == []
    event = follower_events(followed)[-1]
    assert (event.actor, event.before, event.after) == (agent, ["Oleg Other"], [])
    assert "Oleg Other no longer follows this ticket." in response.content.decode()
    assert "Nobody follows this ticket." in response.content.decode()

    followed.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("tickets:reply", args=[followed.number]),
            {"body": "Solved.", "mode": "reply", "version": followed.version},
        )
    assert [m.to for m in mailoutbox] == [["customer@example.com"]]


def test_removing_someone_who_no_longer_follows_changes_nothing(
    login, agent, ticket, other_customer
):
    response = remove(login(agent), ticket, other_customer)

    assert response.status_code == 200
    assert follower_events(ticket) == []
    assert Ticket.objects.get(pk=ticket.pk).version == ticket.version


# --- bad input -------------------------------------------------------------------------------


def field_errors(response, field: str) -> list[str]:
    return response.context["follower_form"].errors.get(field, [])


def test_the_requester_cannot_follow_their_own_ticket(login, agent, ticket, customer):
    # Found by any of the requester's addresses, not only the primary one.
    customer_identity_add(customer=customer, kind="email", value="kirsi@home.example")
    client = login(agent)

    for address in ("customer@example.com", "KIRSI@home.example"):
        response = add(client, ticket, address)

        assert response.status_code == 422
        assert field_errors(response, "email") == [
            "Kirsi Customer is the requester of this ticket and receives its replies anyway."
        ]
    assert followers_of(ticket) == []
    assert follower_events(ticket) == []


def test_someone_already_following_is_a_field_error(login, agent, followed):
    response = add(login(agent), followed, "other@example.com")

    assert response.status_code == 422
    assert field_errors(response, "email") == ["Oleg Other already follows this ticket."]
    assert len(follower_events(followed)) == 1


@pytest.mark.parametrize(
    ("email", "error"),
    [
        ("", "Enter the follower's e-mail address."),
        ("not-an-address", "Enter a valid email address."),
        ("two@example.com, three@example.com", "Enter a valid email address."),
    ],
)
def test_a_missing_or_invalid_address_is_a_field_error(login, agent, ticket, email, error):
    response = add(login(agent), ticket, email, "Nia Name")

    assert response.status_code == 422
    assert field_errors(response, "email") == [error]
    html = response.content.decode()
    # Only the panel comes back, with the errors and what was typed.
    assert html.lstrip().startswith('<section id="customer"')
    assert 'value="Nia Name"' in html
    assert followers_of(ticket) == []
    assert Customer.objects.count() == 1


def test_without_htmx_an_error_shows_the_whole_page(login, agent, ticket):
    response = add(login(agent), ticket, "nope", htmx=False)

    assert response.status_code == 422
    assert "<html" in response.content.decode()
    assert field_errors(response, "email") == ["Enter a valid email address."]


# --- who may change followers ----------------------------------------------------------------


def test_light_agents_see_the_followers_but_may_not_change_them(
    login, light_agent, followed, other_customer
):
    client = login(light_agent)
    page = client.get(reverse("tickets:detail", args=[followed.number])).content.decode()

    assert "Oleg Other" in page.split('<section id="customer"')[1]
    assert add_url(followed) not in page
    assert remove_url(followed, other_customer) not in page
    assert add(client, followed, "new@example.com").status_code == 403
    assert remove(client, followed, other_customer).status_code == 403
    assert followers_of(followed) == ["Oleg Other"]
    assert not Customer.objects.filter(identities__value="new@example.com").exists()


@pytest.mark.parametrize("who", ["outsider", "customer", "other_customer"])
def test_people_outside_the_tickets_scope_get_404(request, login, followed, other_customer, who):
    person = request.getfixturevalue(who)
    client = login(getattr(person, "user", person))

    assert add(client, followed, "new@example.com").status_code == 404
    assert remove(client, followed, other_customer).status_code == 404
    assert followers_of(followed) == ["Oleg Other"]
    assert not Customer.objects.filter(identities__value="new@example.com").exists()


def test_anonymous_people_are_sent_to_sign_in(client, followed, other_customer):
    for response in (
        add(client, followed, "new@example.com", htmx=False),
        remove(client, followed, other_customer, htmx=False),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("people:login"))
    assert followers_of(followed) == ["Oleg Other"]


def test_only_post(login, agent, ticket, other_customer):
    client = login(agent)

    assert client.get(add_url(ticket)).status_code == 405
    assert client.get(remove_url(ticket, other_customer)).status_code == 405


def test_a_follower_may_read_the_ticket_in_the_portal_but_not_change_followers(
    login, agent, ticket
):
    follower = customer_find_or_create_by_email(email="cc@example.com", full_name="Cora Copy")
    ticket_set_followers(ticket=ticket, actor=agent, add=[follower])

    client = login(customer_portal_user(customer=follower))

    assert client.get(reverse("portal:request_detail", args=[ticket.number])).status_code == 200
    assert add(client, ticket, "friend@example.com").status_code == 404
    assert remove(client, ticket, follower).status_code == 404
    assert followers_of(ticket) == ["Cora Copy"]
