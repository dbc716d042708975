"""Ticket search from the top bar: ranked, highlighted, narrowed by the inbox's filters,
and limited to what the agent may open."""

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


def test_a_ticket_found_by_number_among_others_shows_its_subject_escaped(
    login, agent, customer, support_team
):
    hostile = ticket_create(
        requester=customer,
        subject='<img src=x onerror="alert(1)">',
        body_text="x",
        channel="web",
        team=support_team,
    )
    # Another ticket holds the same number in its words: a result page, not a redirect.
    ticket_create(
        requester=customer,
        subject=f"About order {hostile.number}",
        body_text="x",
        channel="web",
        team=support_team,
    )

    response = login(agent).get(SEARCH, {"q": str(hostile.number)})

    html = response.content.decode()
    assert response.status_code == 200
    assert '<img src=x onerror="alert(1)">' not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html


def test_words_find_tickets_by_subject_and_customer(login, agent, ticket):
    client = login(agent)

    by_subject = client.get(SEARCH, {"q": "damaged"}).content.decode()
    assert "Order arrived <mark>damaged</mark>" in by_subject
    assert f'href="{reverse("tickets:detail", args=[ticket.number])}"' in by_subject

    by_email = client.get(SEARCH, {"q": "customer@example"}).content.decode()
    assert "Order arrived damaged" in by_email
    by_name = client.get(SEARCH, {"q": "Kirsi"}).content.decode()
    assert "Order arrived damaged" in by_name

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


# --- the search engine, the inbox's filters and who sees what ------------------------------


@pytest.fixture
def lamps(customer, other_customer, support_team, billing_team, agent):
    """Three tickets about lamps: two in Support (one assigned to `agent`), one in Billing."""
    from concierge.tickets.models import Tag, Ticket

    first = ticket_create(
        requester=customer,
        subject="Broken lamp",
        body_text="The lamp flickers every evening.",
        channel="email",
        team=support_team,
        assignee=agent,
    )
    second = ticket_create(
        requester=other_customer,
        subject="Lamp shade colour",
        body_text="Can I get the lamp shade in green?",
        channel="web",
        team=support_team,
    )
    billing = ticket_create(
        requester=customer,
        subject="Invoice for the lamp",
        body_text="Please send the lamp invoice again.",
        channel="web",
        team=billing_team,
    )
    Ticket.objects.filter(pk=first.pk).update(
        status="open", priority=4, ticket_type="incident", language="en"
    )
    Ticket.objects.filter(pk=second.pk).update(
        status="pending", priority=2, ticket_type="question", language="fi"
    )
    first.tags.add(Tag.objects.create(name="vip"))
    return {"first": first, "second": second, "billing": billing}


def found(client, **params) -> list[int]:
    response = client.get(SEARCH, params)
    assert response.status_code == 200
    return sorted(hit.ticket.number for hit in response.context["hits"])


def test_message_text_is_found_and_quoted_with_the_words_marked(login, agent, lamps):
    client = login(agent)
    page = client.get(SEARCH, {"q": "flickers"}).content.decode()
    assert "Broken lamp" in page
    assert "<mark>flickers</mark>" in page


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ["first", "second"]),
        ({"status": "open"}, ["first"]),
        ({"priority": "2"}, ["second"]),
        ({"assignee": "me"}, ["first"]),
        ({"assignee": "none"}, ["second"]),
        ({"tag": "VIP"}, ["first"]),
        ({"channel": "web"}, ["second"]),
        ({"type": "question"}, ["second"]),
        ({"language": "fi"}, ["second"]),
        ({"status": "open", "channel": "web"}, []),
    ],
)
def test_the_inboxs_filters_narrow_the_results(login, agent, lamps, filters, expected):
    client = login(agent)
    numbers = sorted(lamps[name].number for name in expected)
    assert found(client, q="lamp", **filters) == numbers


def test_the_team_filter(login, admin, lamps, support_team, billing_team):
    client = login(admin)
    assert found(client, q="lamp", team=str(billing_team.pk)) == [lamps["billing"].number]
    assert len(found(client, q="lamp", team=str(support_team.pk))) == 2


def test_the_filters_are_shown_with_the_chosen_values(login, agent, lamps):
    page = login(agent).get(SEARCH, {"q": "lamp", "status": "open"}).content.decode()
    assert 'name="status"' in page
    assert 'value="open" selected' in page
    assert 'name="sort"' not in page
    assert "No tickets match these words and filters." in (
        login(agent).get(SEARCH, {"q": "lamp", "status": "solved"}).content.decode()
    )


@pytest.mark.parametrize(
    "filters",
    [
        {"status": "bogus"},
        {"priority": "high"},
        {"priority": "9" * 40},
        {"assignee": "x"},
        {"team": "²"},
        {"language": "xx"},
        {"tag": "t" * 500},
        {"type": "<script>"},
    ],
)
def test_bad_filter_values_are_harmless(login, agent, lamps, filters):
    client = login(agent)
    response = client.get(SEARCH, {"q": "lamp", **filters})
    assert response.status_code == 200
    # An invalid value is left out: the search still shows what the agent may see.
    assert len(response.context["hits"]) <= 2


def test_an_outsider_never_sees_a_team_restricted_ticket(login, outsider, lamps, support_team):
    client = login(outsider)
    assert found(client, q="lamp") == [lamps["billing"].number]
    assert found(client, q="flickers") == []
    assert found(client, q="lamp", team=str(support_team.pk)) == []
    assert found(client, q="lamp", assignee="none", status="pending") == []
    response = client.get(SEARCH, {"q": str(lamps["first"].number)})
    assert response.status_code == 200
    assert "Broken lamp" not in response.content.decode()


def test_a_light_agent_finds_their_teams_tickets(login, light_agent, lamps):
    assert found(login(light_agent), q="lamp") == sorted(
        [lamps["first"].number, lamps["second"].number]
    )


def test_the_query_count_does_not_grow_with_filters_and_results(
    login, agent, lamps, support_team, django_assert_max_num_queries
):
    from concierge.tickets.models import Tag, Ticket

    client = login(agent)
    params = {"q": "lamp", "status": "open", "tag": "vip"}
    client.get(SEARCH, params)
    with django_assert_max_num_queries(30) as few:
        client.get(SEARCH, params)
    for i in range(8):
        extra = ticket_create(
            requester=lamps["first"].requester,
            subject=f"Lamp {i}",
            body_text="lamp",
            channel="email",
            team=support_team,
        )
        Ticket.objects.filter(pk=extra.pk).update(status="open")
        extra.tags.add(Tag.objects.get(name="vip"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(SEARCH, params).context["hits"]) == 9
