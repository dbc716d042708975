"""Bulk actions over the checked rows of the inbox."""

from __future__ import annotations

import pytest
from django.urls import reverse

from concierge.tickets.models import Channel, EventKind, Priority, Status
from concierge.tickets.services import ticket_create

BULK = reverse("tickets:bulk")
INBOX = reverse("tickets:inbox")


def make_ticket(customer, subject, team):
    return ticket_create(
        requester=customer, subject=subject, body_text="Hello", channel=Channel.WEB, team=team
    )


@pytest.fixture
def two_tickets(customer, support_team):
    return [make_ticket(customer, f"Bulk {i}", support_team) for i in range(2)]


def flash(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_it_applies_every_chosen_change_to_every_checked_ticket(
    login, agent, teammate, two_tickets, billing_team
):
    response = login(agent).post(
        BULK,
        {
            "action": "update",
            "tickets": [t.pk for t in two_tickets],
            "assignee": str(teammate.pk),
            "status": "pending",
            "priority": "4",
            "team": str(billing_team.pk),
            "add_tag": "Recall, lamps",
            "next": f"{INBOX}?view=all",
        },
        follow=True,
    )

    assert response.redirect_chain[-1][0] == f"{INBOX}?view=all"
    assert "Updated 2 tickets." in flash(response)
    for ticket in two_tickets:
        ticket.refresh_from_db()
        assert ticket.assignee == teammate
        assert ticket.status == Status.PENDING
        assert ticket.priority == Priority.URGENT
        assert ticket.team == billing_team
        assert sorted(ticket.tags.values_list("name", flat=True)) == ["lamps", "recall"]
        # Each ticket gets its own audit trail, with the agent as the actor.
        fields = set(
            ticket.events.filter(kind=EventKind.FIELD_CHANGED, actor=agent).values_list(
                "field", flat=True
            )
        )
        assert fields == {"assignee", "status", "priority", "team"}


def test_fields_left_empty_are_not_changed(login, agent, two_tickets):
    login(agent).post(BULK, {"action": "update", "tickets": [two_tickets[0].pk], "priority": "1"})

    ticket = two_tickets[0]
    ticket.refresh_from_db()
    assert ticket.priority == Priority.LOW
    assert ticket.status == Status.NEW
    assert ticket.team is not None


def test_unassigning_in_bulk(login, agent, customer, support_team):
    ticket = ticket_create(
        requester=customer,
        subject="x",
        body_text="x",
        channel="web",
        team=support_team,
        assignee=agent,
    )

    login(agent).post(BULK, {"action": "update", "tickets": [ticket.pk], "assignee": "none"})

    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_tickets_outside_the_agents_scope_are_ignored_and_reported(
    login, agent, two_tickets, customer, billing_team
):
    hidden = make_ticket(customer, "Billing business", billing_team)

    response = login(agent).post(
        BULK,
        {"action": "update", "tickets": [two_tickets[0].pk, hidden.pk, 999999], "status": "solved"},
        follow=True,
    )

    messages = flash(response)
    assert "Updated 1 ticket." in messages
    assert "2 selected tickets were skipped because you cannot see them." in messages
    hidden.refresh_from_db()
    assert hidden.status == Status.NEW
    two_tickets[0].refresh_from_db()
    assert two_tickets[0].status == Status.SOLVED


def test_only_invisible_tickets_change_nothing(login, outsider, two_tickets):
    response = login(outsider).post(
        BULK,
        {"action": "update", "tickets": [t.pk for t in two_tickets], "status": "closed"},
        follow=True,
    )

    assert "None of the selected tickets could be changed." in flash(response)
    for ticket in two_tickets:
        ticket.refresh_from_db()
        assert ticket.status == Status.NEW


def test_merging_the_checked_tickets_into_a_chosen_number(login, agent, two_tickets, ticket):
    response = login(agent).post(
        BULK,
        {
            "action": "merge",
            "tickets": [t.pk for t in two_tickets] + [ticket.pk],
            "merge_target": ticket.number,
        },
        follow=True,
    )

    assert f"Merged 2 tickets into #{ticket.number}." in flash(response)
    for source in two_tickets:
        source.refresh_from_db()
        assert source.merged_into == ticket
    ticket.refresh_from_db()
    assert ticket.merged_into is None
    assert ticket.messages.filter(body_text="Hello").count() == 2


@pytest.mark.parametrize(
    ("target", "error"),
    [
        ("999999", "There is no ticket #999999 that you can see."),
        ("", "Enter the number of the ticket to merge into."),
        ("abc", "Merge into ticket number: Enter a whole number."),
    ],
)
def test_a_bogus_merge_target_merges_nothing(login, agent, two_tickets, target, error):
    response = login(agent).post(
        BULK,
        {"action": "merge", "tickets": [t.pk for t in two_tickets], "merge_target": target},
        follow=True,
    )

    assert response.status_code == 200
    assert error in flash(response)
    for ticket in two_tickets:
        ticket.refresh_from_db()
        assert ticket.merged_into is None


def test_merging_into_an_invisible_ticket_is_refused(
    login, agent, two_tickets, customer, billing_team
):
    hidden = make_ticket(customer, "Billing business", billing_team)

    response = login(agent).post(
        BULK,
        {"action": "merge", "tickets": [t.pk for t in two_tickets], "merge_target": hidden.number},
        follow=True,
    )

    assert f"There is no ticket #{hidden.number} that you can see." in flash(response)
    assert hidden.messages.count() == 1


def test_a_merge_refused_halfway_leaves_every_ticket_as_it_was(
    login, agent, two_tickets, ticket, customer, support_team
):
    already = make_ticket(customer, "Merged before", support_team)
    login(agent).post(
        BULK, {"action": "merge", "tickets": [already.pk], "merge_target": ticket.number}
    )

    response = login(agent).post(
        BULK,
        {
            "action": "merge",
            "tickets": [two_tickets[0].pk, already.pk, two_tickets[1].pk],
            "merge_target": ticket.number,
        },
        follow=True,
    )

    assert "A merged ticket cannot be merged again." in flash(response)
    for source in two_tickets:
        source.refresh_from_db()
        assert source.merged_into is None


@pytest.mark.parametrize(
    "data",
    [
        {"action": "update", "status": "exploded"},
        {"action": "update", "priority": "12"},
        {"action": "update", "assignee": "424242"},
        {"action": "update"},
        {"action": "launch", "status": "closed"},
    ],
)
def test_bad_input_is_reported_and_changes_nothing(login, agent, two_tickets, data):
    response = login(agent).post(
        BULK, {**data, "tickets": [t.pk for t in two_tickets]}, follow=True
    )

    assert response.status_code == 200
    assert any(m.level_tag == "error" for m in response.context["messages"])
    for ticket in two_tickets:
        ticket.refresh_from_db()
        assert (ticket.status, ticket.priority, ticket.assignee) == (
            Status.NEW,
            Priority.NORMAL,
            None,
        )


@pytest.mark.parametrize("tickets", [[], ["abc"], ["-1"], ["9" * 30]])
def test_a_missing_or_malformed_selection_is_reported(login, agent, tickets):
    response = login(agent).post(
        BULK, {"action": "update", "status": "open", "tickets": tickets}, follow=True
    )

    assert response.status_code == 200
    assert any(m.level_tag == "error" for m in response.context["messages"])


def test_a_light_agent_cannot_run_bulk_actions(login, light_agent, two_tickets):
    response = login(light_agent).post(
        BULK, {"action": "update", "tickets": [t.pk for t in two_tickets], "status": "solved"}
    )

    assert response.status_code == 403
    assert "may only add internal notes" in response.content.decode()
    for ticket in two_tickets:
        ticket.refresh_from_db()
        assert ticket.status == Status.NEW


def test_customers_get_404_and_anonymous_people_change_nothing(
    client, login, customer, two_tickets
):
    data = {"action": "update", "tickets": [t.pk for t in two_tickets], "status": "solved"}

    assert client.post(BULK, data).status_code == 302
    assert login(customer.user).post(BULK, data).status_code == 404
    for ticket in two_tickets:
        ticket.refresh_from_db()
        assert ticket.status == Status.NEW


def test_it_only_returns_to_inbox_addresses(login, agent, two_tickets):
    response = login(agent).post(
        BULK,
        {
            "action": "update",
            "tickets": [two_tickets[0].pk],
            "status": "open",
            "next": "https://evil.example/inbox/",
        },
    )

    assert response["Location"] == INBOX


def test_bulk_actions_only_accept_posts(login, agent):
    assert login(agent).get(BULK).status_code == 405
