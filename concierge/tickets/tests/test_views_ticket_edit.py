"""Changing a ticket from its page: inline properties, merging and splitting."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from concierge.tickets.models import (
    Channel,
    EventKind,
    MessageKind,
    Priority,
    Status,
    Ticket,
    TicketType,
)
from concierge.tickets.services import (
    message_receive,
    ticket_create,
    ticket_reply,
    ticket_update,
)


def update_url(ticket) -> str:
    return reverse("tickets:update", args=[ticket.number])


def edit(client, ticket, field, value, *, version=None, htmx=True, **extra):
    data = {"field": field, field: value, "version": version or ticket.version, **extra}
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(update_url(ticket), data, **headers)


@pytest.fixture
def support_ticket(customer, support_team):
    return ticket_create(
        requester=customer,
        subject="Second lamp broken too",
        body_text="Another one",
        channel=Channel.EMAIL,
        team=support_team,
    )


# --- inline properties ---------------------------------------------------------------------


def test_an_inline_status_edit_saves_and_rerenders_the_panel_and_header(login, agent, ticket):
    response = edit(login(agent), ticket, "status", "pending")

    assert response.status_code == 200
    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING
    event = ticket.events.get(kind=EventKind.FIELD_CHANGED)
    assert (event.field, event.before, event.after, event.actor) == (
        "status",
        "new",
        "pending",
        agent,
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="properties"')
    assert '<option value="pending" selected>Pending</option>' in html
    assert re.search(
        r'<header id="ticket-header"[^>]*hx-swap-oob="true">.*?'
        r'<span id="ticket-status" class="badge status-pending">Pending</span>',
        html,
        re.S,
    )
    # The composer learns the new version, so the agent's next reply is not refused.
    assert re.search(
        rf'<div id="composer-state" hx-swap-oob="true">\s*'
        rf'<input type="hidden" name="version" value="{ticket.version}">',
        html,
    )
    assert '<span class="before">New</span> → <span class="after">Pending</span>' in html


def test_each_field_can_be_edited_inline(login, agent, teammate, ticket, billing_team):
    client = login(agent)

    edit(client, ticket, "priority", "4")
    ticket.refresh_from_db()
    edit(client, ticket, "ticket_type", "incident")
    ticket.refresh_from_db()
    edit(client, ticket, "assignee", str(teammate.pk))
    ticket.refresh_from_db()
    edit(client, ticket, "team", str(billing_team.pk))
    ticket.refresh_from_db()

    assert ticket.priority == Priority.URGENT
    assert ticket.ticket_type == TicketType.INCIDENT
    assert ticket.assignee == teammate
    assert ticket.team == billing_team


def test_only_the_edited_field_is_saved(login, agent, ticket):
    # The whole panel is posted; `field` says which control changed.
    response = login(agent).post(
        update_url(ticket),
        {
            "field": "priority",
            "priority": "3",
            "status": "closed",
            "ticket_type": "bogus",
            "version": ticket.version,
        },
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    ticket.refresh_from_db()
    assert ticket.priority == Priority.HIGH
    assert ticket.status == Status.NEW


def test_unassigning_and_clearing_the_team(login, agent, ticket):
    ticket = ticket_update(ticket=ticket, actor=agent, assignee=agent)
    client = login(agent)

    edit(client, ticket, "assignee", "")
    ticket.refresh_from_db()
    assert ticket.assignee is None

    edit(client, ticket, "team", "")
    ticket.refresh_from_db()
    assert ticket.team is None


def test_tags_are_edited_as_comma_separated_text(login, agent, ticket):
    client = login(agent)

    edit(client, ticket, "tags", "Damaged, refund,, VIP ")
    ticket.refresh_from_db()
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["damaged", "refund", "vip"]

    response = edit(client, ticket, "tags", "refund")
    ticket.refresh_from_db()
    assert list(ticket.tags.values_list("name", flat=True)) == ["refund"]
    assert 'value="refund"' in response.content.decode()


def test_the_plain_form_saves_all_fields_and_redirects(login, agent, ticket):
    response = login(agent).post(
        update_url(ticket),
        {
            "status": "open",
            "priority": "1",
            "ticket_type": "task",
            "assignee": str(agent.pk),
            "team": str(ticket.team_id),
            "tags": "one, two",
            "version": ticket.version,
        },
    )

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority, ticket.ticket_type, ticket.assignee) == (
        Status.OPEN,
        Priority.LOW,
        TicketType.TASK,
        agent,
    )
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["one", "two"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("status", "exploded"),
        ("status", ""),
        ("priority", "9"),
        ("ticket_type", "bogus"),
        ("assignee", "999999"),
        ("team", "abc"),
    ],
)
def test_bad_values_are_field_errors_and_change_nothing(login, agent, ticket, field, value):
    before = Ticket.objects.values().get(pk=ticket.pk)

    response = edit(login(agent), ticket, field, value)

    assert response.status_code == 422
    assert 'class="errorlist' in response.content.decode()
    assert Ticket.objects.values().get(pk=ticket.pk) == before


def test_an_unknown_field_name_is_refused(login, agent, ticket):
    response = login(agent).post(
        update_url(ticket),
        {"field": "requester", "requester": "1", "version": ticket.version},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 422


def test_a_stale_field_edit_is_not_applied_and_shows_what_changed(
    login, agent, teammate, ticket, customer
):
    client = login(agent)
    page = client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()
    seen = dict(re.findall(r'name="(version|seen_message|seen_event)" value="(\d+)"', page))
    ticket_update(ticket=ticket, actor=teammate, status=Status.SOLVED)
    message_receive(ticket=ticket, customer=customer, body_text="One more thing", channel="web")

    response = edit(
        client,
        ticket,
        "priority",
        "4",
        version=seen["version"],
        seen_message=seen["seen_message"],
        seen_event=seen["seen_event"],
    )

    assert response.status_code == 409
    ticket.refresh_from_db()
    assert ticket.priority == Priority.NORMAL
    html = response.content.decode()
    panel = html.split("</section>", 1)[0]
    assert "Someone else replied or changed this ticket since you opened it." in panel
    assert "Your change was not saved" in panel
    assert 'Timur Teammate</strong> · <span class="field-name">' in panel
    assert "One more thing" in panel
    assert "Save my change anyway" in panel
    # The panel shows the ticket as it is now: solved by the teammate, then opened
    # again by the customer's message.
    assert '<option value="open" selected>Open</option>' in panel

    retry = dict(
        re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', panel.split("retry")[1])
    )
    assert retry["field"] == "priority"
    assert retry["priority"] == "4"
    assert retry["version"] == str(ticket.version)
    again = client.post(update_url(ticket), retry, HTTP_HX_REQUEST="true")
    assert again.status_code == 200
    ticket.refresh_from_db()
    assert ticket.priority == Priority.URGENT


def test_a_stale_tags_edit_is_not_applied(login, agent, teammate, ticket):
    version = ticket.version
    ticket_update(ticket=ticket, actor=teammate, priority=Priority.HIGH)

    response = edit(login(agent), ticket, "tags", "late", version=version)

    assert response.status_code == 409
    assert not ticket.tags.exists()


def test_a_light_agent_cannot_change_fields(login, light_agent, ticket):
    client = login(light_agent)

    response = edit(client, ticket, "status", "solved")

    assert response.status_code == 403
    assert "may only add internal notes" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW
    assert edit(client, ticket, "tags", "x").status_code == 403
    assert not ticket.tags.exists()


@pytest.mark.parametrize("who", ["outsider", "customer"])
def test_people_outside_the_scope_get_404_on_edits(request, login, ticket, who):
    person = request.getfixturevalue(who)
    client = login(getattr(person, "user", person))

    assert edit(client, ticket, "status", "solved").status_code == 404
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW


def test_the_properties_url_only_accepts_posts(login, agent, ticket):
    assert login(agent).get(update_url(ticket)).status_code == 405


# --- merge ---------------------------------------------------------------------------------


def merge(client, ticket, target):
    return client.post(reverse("tickets:merge", args=[ticket.number]), {"target": target})


def test_merging_moves_the_conversation_and_opens_the_target(login, agent, ticket, support_ticket):
    response = merge(login(agent), support_ticket, ticket.number)

    assert response.status_code == 302
    assert response["Location"] == reverse("tickets:detail", args=[ticket.number])
    support_ticket.refresh_from_db()
    assert support_ticket.merged_into == ticket
    assert support_ticket.status == Status.CLOSED
    assert ticket.messages.filter(body_text="Another one").exists()


@pytest.mark.parametrize("target", ["abc", "", "0", "-3", "99999", "9" * 30])
def test_a_bogus_merge_target_is_a_field_error(login, agent, ticket, target):
    response = merge(login(agent), ticket, target)

    assert response.status_code == 422
    assert 'class="errorlist' in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.merged_into is None


def test_merging_into_itself_or_an_invisible_ticket_is_refused(
    login, agent, ticket, customer, billing_team
):
    hidden = ticket_create(
        requester=customer, subject="Billing only", body_text="x", channel="web", team=billing_team
    )
    client = login(agent)

    itself = merge(client, ticket, ticket.number)
    assert itself.status_code == 422
    assert "cannot be merged into itself" in itself.content.decode()

    invisible = merge(client, ticket, hidden.number)
    assert invisible.status_code == 422
    assert f"There is no ticket #{hidden.number} that you can see." in invisible.content.decode()
    ticket.refresh_from_db()
    assert ticket.merged_into is None
    assert hidden.messages.count() == 1


def test_merging_into_a_merged_ticket_is_refused(login, agent, ticket, support_ticket, customer):
    third = ticket_create(
        requester=customer, subject="Third", body_text="x", channel="web", team=ticket.team
    )
    client = login(agent)
    merge(client, support_ticket, ticket.number)

    response = merge(client, third, support_ticket.number)

    assert response.status_code == 422
    assert "A merged ticket cannot be merged again." in response.content.decode()


def test_a_light_agent_cannot_merge(login, light_agent, ticket, support_ticket):
    response = merge(login(light_agent), support_ticket, ticket.number)

    assert response.status_code == 403
    support_ticket.refresh_from_db()
    assert support_ticket.merged_into is None


# --- split ---------------------------------------------------------------------------------


def split_url(ticket, message) -> str:
    return reverse("tickets:split", args=[ticket.number, message.pk])


def test_splitting_a_customer_message_opens_a_new_ticket(login, agent, ticket, customer):
    second = message_receive(
        ticket=ticket, customer=customer, body_text="Also, my invoice is wrong", channel="email"
    )

    response = login(agent).post(split_url(ticket, second))

    new_ticket = Ticket.objects.exclude(pk=ticket.pk).get()
    assert response.status_code == 302
    assert response["Location"] == reverse("tickets:detail", args=[new_ticket.number])
    assert new_ticket.messages.filter(body_text="Also, my invoice is wrong").exists()
    assert not ticket.messages.filter(body_text="Also, my invoice is wrong").exists()


def test_the_only_message_or_a_reply_cannot_be_split(login, agent, ticket):
    client = login(agent)
    only = ticket.messages.get()

    response = client.post(split_url(ticket, only), follow=True)
    assert "The only message of a ticket cannot be split out." in response.content.decode()

    reply = ticket_reply(ticket=ticket, author=agent, body_text="Our answer", internal=False)
    response = client.post(split_url(ticket, reply), follow=True)
    assert "message can be split into a new ticket." in response.content.decode()
    assert Ticket.objects.count() == 1


def test_splitting_a_message_of_another_ticket_is_404(login, agent, ticket, support_ticket):
    foreign = support_ticket.messages.get()

    assert login(agent).post(split_url(ticket, foreign)).status_code == 404


def test_a_light_agent_cannot_split(login, light_agent, ticket, customer):
    second = message_receive(ticket=ticket, customer=customer, body_text="More", channel="web")

    assert login(light_agent).post(split_url(ticket, second)).status_code == 403
    assert Ticket.objects.count() == 1


def test_customers_cannot_split(login, customer, ticket):
    second = message_receive(ticket=ticket, customer=customer, body_text="More", channel="web")

    assert login(customer.user).post(split_url(ticket, second)).status_code == 404
    assert second.kind == MessageKind.CUSTOMER
    assert Ticket.objects.count() == 1
