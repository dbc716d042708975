"""Quick search from the top bar."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from concierge.people.services import customer_find_or_create_by_email
from concierge.tickets.services import ticket_create

SEARCH = reverse("tickets:search")


def test_a_ticket_number_jumps_straight_to_the_ticket(login, agent, ticket):
    client = login(agent)
    detail = reverse("tickets:detail", args=[ticket.number])

    for query in (str(ticket.number), f"#{ticket.number}", f"  {ticket.number} "):
        response = client.get(SEARCH, {"q": query})
        assert response.status_code == 302
        assert response["Location"] == detail


def test_words_find_tickets_by_subject_and_customer(login, agent, ticket):
    client = login(agent)

    by_subject = client.get(SEARCH, {"q": "damaged"}).content.decode()
    assert "Order arrived damaged" in by_subject
    assert f'href="{reverse("tickets:detail", args=[ticket.number])}"' in by_subject

    by_email = client.get(SEARCH, {"q": "customer@example"}).content.decode()
    assert "Order arrived damaged" in by_email

    nothing = client.get(SEARCH, {"q": "teapot"}).content.decode()
    assert "No tickets found." in nothing


def test_tickets_outside_the_agents_scope_are_not_found(
    login, agent, customer, billing_team, ticket
):
    hidden = ticket_create(
        requester=customer,
        subject="Refund request",
        body_text="x",
        channel="web",
        team=billing_team,
    )
    client = login(agent)

    by_number = client.get(SEARCH, {"q": str(hidden.number)})
    assert by_number.status_code == 200
    assert "Refund request" not in by_number.content.decode()
    assert "Refund request" not in client.get(SEARCH, {"q": "refund"}).content.decode()


def test_an_empty_or_odd_query_is_harmless(login, agent, ticket):
    client = login(agent)

    assert client.get(SEARCH).status_code == 200
    assert client.get(SEARCH, {"q": "   "}).status_code == 200
    assert client.get(SEARCH, {"q": "%_'\"<script>" * 50}).status_code == 200
    assert "&lt;script&gt;" in client.get(SEARCH, {"q": "<script>"}).content.decode()


@pytest.mark.parametrize("who", ["customer", "other_customer"])
def test_customers_get_404(request, login, ticket, who):
    person = request.getfixturevalue(who)
    assert login(person.user).get(SEARCH, {"q": "damaged"}).status_code == 404


def test_anonymous_people_are_sent_to_sign_in(client, ticket):
    response = client.get(SEARCH, {"q": str(ticket.number)})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("people:login"))


def _search_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(SEARCH, {"q": "lamp"})
    assert response.status_code == 200
    return len(queries)


def test_the_result_list_query_count_does_not_grow(login, agent, support_team):
    client = login(agent)

    def unnamed_requester(i):
        # No name: the list shows the e-mail address, read from the identities.
        customer = customer_find_or_create_by_email(email=f"buyer{i}@example.com")
        ticket_create(
            requester=customer,
            subject=f"Lamp {i}",
            body_text="x",
            channel="email",
            team=support_team,
            assignee=agent,
        )

    unnamed_requester(0)
    few = _search_queries(client)
    for i in range(1, 12):
        unnamed_requester(i)
    many = _search_queries(client)

    assert "buyer11@example.com" in client.get(SEARCH, {"q": "lamp"}).content.decode()
    assert many == few
