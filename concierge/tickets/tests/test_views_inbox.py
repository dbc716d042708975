"""The inbox: views, filters, sorting, keyset pages, and who may see which rows."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from concierge.tickets.models import Channel, Priority, SavedView, Status, TicketType
from concierge.tickets.services import ticket_create, ticket_update

INBOX = reverse("tickets:inbox")


def make_ticket(requester, subject, **fields):
    return ticket_create(
        requester=requester, subject=subject, body_text="Hello", channel=Channel.EMAIL, **fields
    )


def rows(response) -> str:
    """Only the table body, so a subject in the sidebar or a flash does not count."""
    html = response.content.decode()
    match = re.search(r'<tbody id="inbox-rows">(.*?)</tbody>', html, re.S)
    assert match, "no inbox rows in the response"
    return match.group(1)


def test_it_lists_the_open_tickets_by_default_with_view_counts(login, agent, ticket, customer):
    solved = make_ticket(customer, "Thanks, all good", team=ticket.team)
    ticket_update(ticket=solved, actor=agent, status=Status.SOLVED)

    response = login(agent).get(INBOX)

    assert response.status_code == 200
    body = rows(response)
    assert "Order arrived damaged" in body
    assert f'href="{reverse("tickets:detail", args=[ticket.number])}"' in body
    assert "Kirsi Customer" in body
    assert "Thanks, all good" not in body
    html = response.content.decode()
    # The counts arrive after the page, from their own address.
    assert (
        'aria-current="page"><span>All open</span><span class="count" id="view-count-open">' in html
    )
    assert f'hx-get="{reverse("tickets:inbox_counts")}" hx-trigger="load"' in html
    counts = login(agent).get(reverse("tickets:inbox_counts")).content.decode()
    assert '<span class="count" id="view-count-open" hx-swap-oob="true">1</span>' in counts
    assert '<span class="count" id="view-count-solved" hx-swap-oob="true">1</span>' in counts


def test_view_counts_are_of_the_agents_own_tickets_and_for_agents_only(
    login, agent, outsider, customer, ticket, billing_team
):
    make_ticket(customer, "Invoice is wrong", team=billing_team)
    url = reverse("tickets:inbox_counts")

    agent_counts = login(agent).get(url).content.decode()
    outsider_counts = login(outsider).get(url).content.decode()

    # The agent's team sees only its own ticket; the outsider's team only the invoice.
    assert 'id="view-count-open" hx-swap-oob="true">1</span>' in agent_counts
    assert 'id="view-count-open" hx-swap-oob="true">1</span>' in outsider_counts
    assert login(customer.user).get(url).status_code == 404
    anonymous = Client().get(url)
    assert anonymous.status_code == 302


def test_it_shows_only_tickets_of_the_agents_team_scope(
    login, agent, outsider, ticket, customer, billing_team
):
    make_ticket(customer, "Invoice is wrong", team=billing_team)

    agent_rows = rows(login(agent).get(INBOX, {"view": "all"}))
    assert "Order arrived damaged" in agent_rows
    assert "Invoice is wrong" not in agent_rows

    outsider_rows = rows(login(outsider).get(INBOX, {"view": "all"}))
    assert "Invoice is wrong" in outsider_rows
    assert "Order arrived damaged" not in outsider_rows


def test_builtin_views_filter_by_assignee(login, agent, teammate, ticket, customer):
    mine = make_ticket(customer, "Assigned to me", team=ticket.team, assignee=agent)
    make_ticket(customer, "Assigned to teammate", team=ticket.team, assignee=teammate)
    client = login(agent)

    mine_rows = rows(client.get(INBOX, {"view": "mine"}))
    assert mine.subject in mine_rows
    assert "Assigned to teammate" not in mine_rows
    assert "Order arrived damaged" not in mine_rows

    unassigned_rows = rows(client.get(INBOX, {"view": "unassigned"}))
    assert "Order arrived damaged" in unassigned_rows
    assert mine.subject not in unassigned_rows


def test_a_shared_view_applies_its_filters_and_sort(login, agent, ticket, customer, admin):
    first = make_ticket(customer, "Urgent first", team=ticket.team, priority=Priority.URGENT)
    second = make_ticket(customer, "Urgent second", team=ticket.team, priority=Priority.URGENT)
    saved = SavedView.objects.create(
        name="Fires", filters={"priority": ["4"]}, sort="created_at", created_by=admin
    )

    response = login(agent).get(INBOX, {"shared": saved.pk})

    body = rows(response)
    assert "Order arrived damaged" not in body
    assert body.index(first.subject) < body.index(second.subject)
    html = response.content.decode()
    assert "<h1>Fires</h1>" in html
    assert f'<input type="hidden" name="shared" value="{saved.pk}">' in html


def test_a_shared_view_stored_with_a_single_value_still_filters(login, agent, ticket, customer):
    make_ticket(customer, "A real incident", team=ticket.team, ticket_type=TicketType.INCIDENT)
    saved = SavedView.objects.create(name="Incidents", filters={"type": "incident"})

    body = rows(login(agent).get(INBOX, {"shared": saved.pk}))

    assert "A real incident" in body
    assert "Order arrived damaged" not in body


def test_an_unknown_shared_view_or_view_falls_back_with_a_warning(login, agent, ticket):
    client = login(agent)

    gone = client.get(INBOX, {"shared": "9999"})
    assert gone.status_code == 200
    assert "That shared view does not exist any more." in gone.content.decode()
    assert "Order arrived damaged" in rows(gone)

    bogus = client.get(INBOX, {"view": "nonsense"})
    assert bogus.status_code == 200
    assert "There is no view called" in bogus.content.decode()
    assert client.get(INBOX, {"shared": "abc"}).status_code == 200


def test_the_filter_bar_narrows_the_view(login, agent, ticket, customer, other_customer):
    tagged = make_ticket(
        other_customer,
        "Russian question",
        team=ticket.team,
        language="ru",
        tags=["VIP"],
        priority=Priority.HIGH,
    )
    client = login(agent)

    by_language = rows(client.get(INBOX, {"view": "all", "language": "ru"}))
    assert tagged.subject in by_language
    assert "Order arrived damaged" not in by_language

    by_tag = rows(client.get(INBOX, {"view": "all", "tag": "vip"}))
    assert tagged.subject in by_tag
    assert "Order arrived damaged" not in by_tag

    by_priority = rows(client.get(INBOX, {"view": "all", "priority": "3"}))
    assert tagged.subject in by_priority
    assert "Order arrived damaged" not in by_priority

    by_channel = rows(client.get(INBOX, {"view": "all", "channel": "web"}))
    assert "Order arrived damaged" in by_channel
    assert tagged.subject not in by_channel

    by_type = rows(client.get(INBOX, {"view": "all", "type": "incident"}))
    assert "No tickets match this view." in by_type

    by_team = rows(client.get(INBOX, {"view": "all", "team": str(ticket.team_id)}))
    assert "Order arrived damaged" in by_team


def test_a_filter_value_replaces_the_views_own_filter(login, agent, ticket, customer):
    solved = make_ticket(customer, "Solved already", team=ticket.team, assignee=agent)
    ticket_update(ticket=solved, actor=agent, status=Status.SOLVED)
    client = login(agent)

    assert "Solved already" not in rows(client.get(INBOX, {"view": "mine"}))
    body = rows(client.get(INBOX, {"view": "mine", "status": "solved"}))
    assert "Solved already" in body
    assert "Order arrived damaged" not in body


def test_repeated_filter_values_are_all_applied(login, agent, ticket, customer):
    pending = make_ticket(customer, "Waiting on customer", team=ticket.team)
    ticket_update(ticket=pending, actor=agent, status=Status.PENDING)

    body = rows(login(agent).get(f"{INBOX}?view=all&status=new&status=pending"))

    assert "Waiting on customer" in body
    assert "Order arrived damaged" in body


def test_an_unknown_filter_value_is_a_field_error_not_a_crash(login, agent, ticket):
    response = login(agent).get(INBOX, {"view": "all", "status": "exploded", "priority": "x"})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="errorlist' in html
    assert "exploded is not one of the available choices" in html
    # The invalid filters are left out rather than guessed at.
    assert "Order arrived damaged" in rows(response)


def test_an_htmx_filter_change_renders_only_the_rows(login, agent, ticket):
    response = login(agent).get(
        INBOX,
        {"view": "all", "status": "new", "priority": "", "tag": ""},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="inbox-rows",
    )

    html = response.content.decode()
    assert html.lstrip().startswith('<tbody id="inbox-rows">')
    assert "<html" not in html
    assert "Order arrived damaged" in html
    assert '<nav id="inbox-pager" class="pager"' in html
    assert 'id="bulk-next" value="/inbox/?view=all&amp;status=new" hx-swap-oob="true"' in html
    # The address bar keeps the filters, without the bar's empty fields.
    assert response["HX-Push-Url"] == "/inbox/?view=all&status=new"


def test_keyset_pages_walk_the_whole_view_without_repeats(
    login, agent, customer, support_team, settings
):
    settings.INBOX_PAGE_SIZE = 3
    created = [
        make_ticket(customer, f"Question number {i:02d}", team=support_team) for i in range(7)
    ]
    client = login(agent)
    seen: list[str] = []
    url = f"{INBOX}?view=all&sort=number"
    pages = 0
    while url:
        response = client.get(url)
        body = rows(response)
        seen += re.findall(r"Question number \d\d", body)
        html = response.content.decode()
        if pages:
            assert f'href="{INBOX}?view=all&amp;sort=number">First page</a>' in html
        else:
            assert "First page" not in html
        match = re.search(r'href="([^"]+)" rel="next">Next page', html)
        url = match.group(1).replace("&amp;", "&") if match else None
        pages += 1

    assert pages == 3
    assert seen == [ticket.subject for ticket in created]


def test_a_malformed_cursor_shows_the_first_page(login, agent, ticket):
    response = login(agent).get(INBOX, {"view": "all", "cursor": "not-a-cursor!!"})

    assert response.status_code == 200
    assert "Order arrived damaged" in rows(response)


def test_updated_times_are_shown_in_the_agents_time_zone(login, agent, ticket):
    agent.time_zone = "Asia/Kolkata"
    agent.save(update_fields=["time_zone"])

    body = rows(login(agent).get(INBOX, {"view": "all"}))

    assert re.search(r'<time datetime="[^"]+\+05:30"', body)


@pytest.mark.parametrize("who", ["customer", "other_customer"])
def test_customers_get_404(request, login, ticket, who):
    person = request.getfixturevalue(who)
    assert login(person.user).get(INBOX).status_code == 404


def test_anonymous_people_are_sent_to_sign_in(client, ticket):
    response = client.get(INBOX)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("people:login"))
    assert "Order arrived damaged" not in response.content.decode()


def test_light_agents_see_the_inbox_without_bulk_actions(login, light_agent, ticket):
    response = login(light_agent).get(INBOX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Order arrived damaged" in rows(response)
    assert 'id="bulk-form"' not in html
    assert 'name="tickets"' not in html


def test_agents_see_the_bulk_bar_and_row_checkboxes(login, agent, ticket):
    html = login(agent).get(INBOX).content.decode()

    assert 'id="bulk-form"' in html
    assert f'name="tickets" value="{ticket.pk}" form="bulk-form"' in html


def _inbox_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(INBOX, {"view": "all"})
    assert response.status_code == 200
    return len(queries)


def test_the_inbox_query_count_does_not_grow_with_the_rows(
    login, agent, teammate, customer, other_customer, support_team
):
    client = login(agent)
    for i in range(5):
        make_ticket(customer, f"Small {i}", team=support_team, assignee=agent, tags=["a", "b"])
    few = _inbox_queries(client)
    for i in range(35):
        make_ticket(
            other_customer if i % 2 else customer,
            f"Large {i}",
            team=support_team,
            assignee=teammate if i % 3 else agent,
            tags=[f"t{i}", "shared"],
        )
    many = _inbox_queries(client)

    assert len(rows(client.get(INBOX, {"view": "all"})).split("<tr>")) - 1 == 40
    assert many == few
