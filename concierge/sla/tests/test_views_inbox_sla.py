"""Due times where agents work: badges in inbox rows and on the ticket page, the
"breaching within the hour" view, and sorting by the next due time."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from concierge.tickets.models import Channel, Ticket
from concierge.tickets.services import ticket_create

INBOX = reverse("tickets:inbox")
# A little more than the minutes written, so the seconds a test takes never round it down.
SLACK = timedelta(seconds=40)


def make_ticket(requester, subject, **fields) -> Ticket:
    return ticket_create(
        requester=requester, subject=subject, body_text="Hello", channel=Channel.EMAIL, **fields
    )


def set_due(ticket: Ticket, *, minutes: float | None, paused: bool = False, **columns) -> None:
    """Give a ticket SLA columns as the pipeline would have, `minutes` from now."""
    now = timezone.now()
    due = None if minutes is None else now + timedelta(minutes=minutes) + SLACK
    values = {
        "first_response_due_at": due,
        "sla_next_due_at": None if paused else due,
        "sla_paused_at": now if paused else None,
        **columns,
    }
    Ticket.objects.filter(pk=ticket.pk).update(**values)


def rows(response) -> str:
    html = response.content.decode()
    match = re.search(r'<tbody id="inbox-rows">(.*?)</tbody>', html, re.S)
    assert match, "no inbox rows in the response"
    return match.group(1)


def subjects(response) -> list[str]:
    return re.findall(r'class="ticket-subject"[^>]*>([^<]+)</a>', rows(response))


# --- badges ----------------------------------------------------------------------------------


def test_inbox_rows_say_when_the_next_target_is_due(login, agent, ticket, customer, support_team):
    late = make_ticket(customer, "Late one", team=support_team)
    far = make_ticket(customer, "Far one", team=support_team)
    set_due(ticket, minutes=25)
    set_due(late, minutes=-121)
    set_due(far, minutes=60 * 26)

    body = rows(login(agent).get(INBOX, {"view": "all"}))

    assert '<span class="badge sla-badge sla-soon"' in body
    assert "due in 25 min</span>" in body
    assert "breached 2 h ago</span>" in body
    assert "due in 1 d 2 h</span>" in body
    assert 'title="first response due ' in body


def test_a_paused_ticket_says_so_and_a_ticket_without_targets_shows_no_badge(
    login, agent, ticket, customer, support_team
):
    make_ticket(customer, "No policy", team=support_team)
    set_due(ticket, minutes=25, paused=True)

    body = rows(login(agent).get(INBOX, {"view": "all"}))

    assert body.count("sla-badge") == 1
    assert "SLA paused" in body


def test_the_ticket_page_lists_each_running_target(login, agent, ticket):
    set_due(ticket, minutes=25, resolution_due_at=timezone.now() + timedelta(hours=7) + SLACK)

    html = login(agent).get(reverse("tickets:detail", args=[ticket.number])).content.decode()

    assert "First response: due in 25 min" in html
    assert "Resolution: due in 7 h" in html
    assert html.index("First response: due") < html.index("Resolution: due")


def test_the_badges_cost_no_query_per_row(login, agent, customer, support_team):
    client = login(agent)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(INBOX, {"view": "all"}).status_code == 200
        return len(queries)

    for i in range(3):
        set_due(make_ticket(customer, f"Few {i}", team=support_team), minutes=10 * i)
    few = count()
    for i in range(20):
        set_due(make_ticket(customer, f"Many {i}", team=support_team), minutes=10 * i)
    assert count() == few


# --- the "breaching within the hour" view ------------------------------------------------------


def test_the_breaching_view_lists_targets_due_within_the_hour_soonest_first(
    login, agent, ticket, customer, support_team
):
    soon = make_ticket(customer, "Due in ten", team=support_team)
    later = make_ticket(customer, "Due tomorrow", team=support_team)
    late = make_ticket(customer, "Already late", team=support_team)
    paused = make_ticket(customer, "Waiting", team=support_team)
    make_ticket(customer, "No target", team=support_team)
    set_due(ticket, minutes=45)
    set_due(soon, minutes=10)
    set_due(later, minutes=60 * 20)
    set_due(late, minutes=-5)
    set_due(paused, minutes=5, paused=True)

    response = login(agent).get(INBOX, {"view": "breaching"})

    assert response.status_code == 200
    assert subjects(response) == ["Due in ten", "Order arrived damaged"]
    counts = login(agent).get(reverse("tickets:inbox_counts")).content.decode()
    assert 'id="view-count-breaching" hx-swap-oob="true">2</span>' in counts


def test_the_breaching_view_keeps_to_the_agents_team(
    login, outsider, ticket, customer, billing_team
):
    billing = make_ticket(customer, "Invoice", team=billing_team)
    set_due(ticket, minutes=10)
    set_due(billing, minutes=10)

    assert subjects(login(outsider).get(INBOX, {"view": "breaching"})) == ["Invoice"]


def test_customers_and_visitors_do_not_get_the_inbox(client, login, customer):
    assert client.get(INBOX, {"view": "breaching"}).status_code == 302
    assert login(customer.user).get(INBOX, {"view": "breaching"}).status_code == 404


# --- sorting by the next due time ------------------------------------------------------------


def test_sorting_by_next_due_time_puts_tickets_without_one_last(login, admin, customer, settings):
    settings.INBOX_PAGE_SIZE = 2
    made = {name: make_ticket(customer, name) for name in ("None A", "Third", "None B", "First")}
    set_due(made["Third"], minutes=90)
    set_due(made["First"], minutes=-30)
    set_due(made["None A"], minutes=None)
    set_due(made["None B"], minutes=None)
    client = login(admin)

    seen: list[str] = []
    response = client.get(INBOX, {"view": "all", "sort": "sla_next_due_at"})
    for _ in range(5):
        seen += subjects(response)
        found = re.search(r'href="([^"]*cursor=[^"]+)"', response.content.decode())
        if not found:
            break
        response = client.get(found.group(1).replace("&amp;", "&"))

    assert seen == ["First", "Third", "None A", "None B"]


def test_the_sort_is_offered_in_the_filter_bar(login, agent):
    html = login(agent).get(INBOX).content.decode()

    assert '<option value="sla_next_due_at">Next SLA due time</option>' in html


@pytest.mark.parametrize("cursor", ["W251bGwsICJ4Il0", "bm9wZQ", "W251bGwsIDNd"])
def test_a_malformed_or_exhausted_cursor_is_no_error(login, agent, ticket, cursor):
    response = login(agent).get(INBOX, {"sort": "sla_next_due_at", "cursor": cursor})

    assert response.status_code == 200
