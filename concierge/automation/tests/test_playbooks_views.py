"""Playbooks on the ticket page, the refusal to solve in the UI, and the admin pages."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from concierge.automation.models.playbooks import Playbook, PlaybookStepCheck
from concierge.automation.playbooks_services import playbook_create
from concierge.tickets.models import EventKind, Status, TicketEvent
from concierge.tickets.services import ticket_set_tags

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def returns(admin):
    return playbook_create(
        actor=admin,
        steps=["Check the receipt", "Send a prepaid label"],
        title="Return request",
        description="Refund within 14 days.",
        tag_name="return",
        required_before_solving=True,
    )


@pytest.fixture
def return_ticket(ticket, agent, returns):
    ticket_set_tags(ticket=ticket, actor=agent, add=["return"])
    ticket.refresh_from_db()
    return ticket


def detail(client, ticket):
    return client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()


def step_url(ticket, step):
    return reverse("automation:playbook_step", args=[ticket.number, step.pk])


def checklist(html):
    match = re.search(r'<section id="playbooks".*?</section>', html, re.S)
    assert match, "no checklist on the page"
    return match.group(0)


# --- on the ticket page ---------------------------------------------------------------------


def test_a_matching_ticket_shows_the_checklist(login, agent, return_ticket):
    section = checklist(detail(login(agent), return_ticket))
    assert "Return request" in section
    assert "0 of 2 steps done" in section
    assert "required before solving" in section
    assert "Refund within 14 days." in section
    assert re.search(r'<input type="checkbox" name="done"> Check the receipt', section)


def test_a_ticket_without_playbooks_has_an_empty_hidden_section(login, agent, ticket, returns):
    section = checklist(detail(login(agent), ticket))
    assert " hidden>" in section.split("\n", 1)[0]
    assert "Return request" not in section


def test_an_agent_ticks_a_step(login, agent, return_ticket, returns):
    step = returns.steps.get(text="Check the receipt")
    response = login(agent).post(step_url(return_ticket, step), {"done": "on"}, **HX)

    assert response.status_code == 200
    html = response.content.decode()
    assert "1 of 2 steps done" in html
    assert re.search(r'<input type="checkbox" name="done" checked> Check the receipt', html)
    assert "done by Aino Agent" in html
    # The history beside it shows the tick.
    assert re.search(r'<section id="timeline"[^>]*hx-swap-oob="true"', html)
    assert "ticked “Check the receipt” of the playbook “Return request”" in html
    assert PlaybookStepCheck.objects.get().checked_by == agent


def test_unticking_without_the_box(login, agent, return_ticket, returns):
    step = returns.steps.first()
    client = login(agent)
    client.post(step_url(return_ticket, step), {"done": "on"}, **HX)
    response = client.post(step_url(return_ticket, step), {}, **HX)
    assert "0 of 2 steps done" in response.content.decode()
    assert not PlaybookStepCheck.objects.exists()
    assert TicketEvent.objects.filter(kind=EventKind.PLAYBOOK_STEP).count() == 2


def test_without_scripts_ticking_returns_to_the_ticket(login, agent, return_ticket, returns):
    response = login(agent).post(step_url(return_ticket, returns.steps.first()), {"done": "on"})
    assert response.status_code == 302
    assert response["Location"] == reverse("tickets:detail", args=[return_ticket.number])


def test_a_step_of_a_playbook_the_ticket_does_not_follow_is_not_found(
    login, agent, ticket, returns
):
    response = login(agent).post(step_url(ticket, returns.steps.first()), {"done": "on"}, **HX)
    assert response.status_code == 404
    assert not PlaybookStepCheck.objects.exists()


def test_people_who_cannot_see_the_ticket_cannot_tick(
    login, client, outsider, customer, return_ticket, returns
):
    url = step_url(return_ticket, returns.steps.first())
    assert login(outsider).post(url, {"done": "on"}).status_code == 404
    assert login(customer.user).post(url, {"done": "on"}).status_code == 404
    client.logout()
    assert client.post(url, {"done": "on"}).status_code == 302
    assert not PlaybookStepCheck.objects.exists()


def test_a_light_agent_reads_but_does_not_tick(login, light_agent, return_ticket, returns):
    client = login(light_agent)
    section = checklist(detail(client, return_ticket))
    assert re.search(r'<input type="checkbox" name="done" disabled> Check the receipt', section)
    response = client.post(step_url(return_ticket, returns.steps.first()), {"done": "on"})
    assert response.status_code == 403
    assert not PlaybookStepCheck.objects.exists()


def test_the_checklist_refreshes_alone(login, agent, ticket, returns):
    client = login(agent)
    url = reverse("automation:ticket_playbooks", args=[ticket.number])
    assert "Return request" not in client.get(url, **HX).content.decode()
    ticket_set_tags(ticket=ticket, actor=agent, add=["return"])
    assert "Return request" in client.get(url, **HX).content.decode()


def test_the_refresh_answers_204_while_the_same_playbooks_match(login, agent, ticket, returns):
    client = login(agent)
    url = reverse("automation:ticket_playbooks", args=[ticket.number])
    assert client.get(url, {"shown": ""}, **HX).status_code == 204
    ticket_set_tags(ticket=ticket, actor=agent, add=["return"])
    response = client.get(url, {"shown": ""}, **HX)
    assert response.status_code == 200
    assert f'data-playbooks="{returns.pk}"' in response.content.decode()
    assert client.get(url, {"shown": str(returns.pk)}, **HX).status_code == 204


def test_the_refresh_is_for_people_who_see_the_ticket(login, outsider, customer, ticket):
    url = reverse("automation:ticket_playbooks", args=[ticket.number])
    assert login(outsider).get(url).status_code == 404
    assert login(customer.user).get(url).status_code == 404


def test_the_ticket_page_reads_checklists_in_constant_queries(login, admin, agent, ticket):
    client = login(agent)
    url = reverse("tickets:detail", args=[ticket.number])
    ticket_set_tags(ticket=ticket, actor=agent, add=["many"])

    def count(n):
        Playbook.objects.all().delete()
        for index in range(n):
            playbook_create(
                actor=admin, steps=[f"s{i}" for i in range(n)], title=f"p{index}", tag_name="many"
            )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    assert count(2) == count(12)


# --- solving is refused in the UI ------------------------------------------------------------


def test_the_composer_says_why_it_cannot_solve_and_keeps_the_draft(login, agent, return_ticket):
    response = login(agent).post(
        reverse("tickets:reply", args=[return_ticket.number]),
        {
            "body": "All done!",
            "mode": "reply",
            "status": "solved",
            "version": return_ticket.version,
        },
        **HX,
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Finish the procedure “Return request” before solving" in html
    assert "All done!" in html
    assert return_ticket.messages.count() == 1


def test_the_properties_panel_says_why_it_cannot_solve(login, agent, return_ticket):
    response = login(agent).post(
        reverse("tickets:update", args=[return_ticket.number]),
        {"field": "status", "status": "solved", "version": return_ticket.version},
        **HX,
    )
    assert response.status_code == 422
    assert "Finish the procedure “Return request” before solving" in response.content.decode()
    return_ticket.refresh_from_db()
    assert return_ticket.status == Status.NEW


def test_a_bulk_solve_solves_the_rest_and_names_the_tickets_left_and_why(
    login, agent, customer, returns, return_ticket
):
    from concierge.tickets.models import Channel
    from concierge.tickets.services import ticket_create

    team = return_ticket.team
    plain = ticket_create(
        requester=customer, subject="Other", body_text="x", channel=Channel.WEB, team=team
    )
    second = ticket_create(
        requester=customer, subject="Return", body_text="x", channel=Channel.WEB, team=team
    )
    ticket_set_tags(ticket=second, actor=agent, add=["return"])
    response = login(agent).post(
        reverse("tickets:bulk"),
        {
            "action": "update",
            "tickets": [return_ticket.pk, plain.pk, second.pk],
            "status": "solved",
            "add_tags": "done",
        },
        follow=True,
    )

    html = response.content.decode()
    assert "Updated 1 ticket." in html
    assert (
        f"2 tickets were left unchanged because they may not be solved yet: "
        f"#{return_ticket.number}, #{second.number}."
    ) in html
    for left in (return_ticket, second):
        assert (
            f"Finish the procedure “Return request” before solving ticket #{left.number}: "
            "2 steps are not done."
        ) in html
        left.refresh_from_db()
        assert left.status == Status.NEW
        assert "done" not in set(left.tags.values_list("name", flat=True))  # left whole
    plain.refresh_from_db()
    assert plain.status == Status.SOLVED


def test_a_bulk_solve_of_only_blocked_tickets_reports_no_update(login, agent, return_ticket):
    response = login(agent).post(
        reverse("tickets:bulk"),
        {"action": "update", "tickets": [return_ticket.pk], "status": "solved"},
        follow=True,
    )

    html = response.content.decode()
    assert "flash-success" not in html  # no "Updated 0 tickets."
    assert (
        f"1 ticket was left unchanged because it may not be solved yet: #{return_ticket.number}."
        in html
    )
    assert f"before solving ticket #{return_ticket.number}" in html
    return_ticket.refresh_from_db()
    assert return_ticket.status == Status.NEW


# --- settings (admins) -----------------------------------------------------------------------


def playbook_post(**overrides):
    data = {
        "title": "Return request",
        "description": "",
        "ticket_type": "",
        "tag": "Return",
        "steps": "- Check the receipt\r\n\r\n- Send a prepaid label\r\n",
        "required_before_solving": "on",
        "is_active": "on",
    }
    data.update(overrides)
    return data


def test_an_admin_writes_a_playbook(login, admin):
    client = login(admin)
    response = client.post(reverse("automation:settings_playbook_new"), playbook_post())
    assert response.status_code == 302
    playbook = Playbook.objects.get()
    assert playbook.tag.name == "return"
    assert playbook.required_before_solving
    assert list(playbook.steps.values_list("text", flat=True)) == [
        "Check the receipt",
        "Send a prepaid label",
    ]
    html = client.get(reverse("automation:settings_playbooks")).content.decode()
    assert "Return request" in html

    edit = reverse("automation:settings_playbook_edit", args=[playbook.pk])
    assert "Check the receipt\nSend a prepaid label" in client.get(edit).content.decode()
    assert client.post(edit, playbook_post(ticket_type="task", tag="")).status_code == 302
    playbook.refresh_from_db()
    assert (playbook.ticket_type, playbook.tag) == ("task", None)

    delete = reverse("automation:settings_playbook_delete", args=[playbook.pk])
    assert client.post(delete).status_code == 302
    assert not Playbook.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "Give the procedure a title"),
        ({"steps": "  \r\n - \r\n"}, "Write at least one step."),
        ({"ticket_type": "", "tag": ""}, "a playbook needs at least one condition"),
        ({"tag": "return, refund"}, "Give one tag"),
        ({"ticket_type": "nonsense"}, "Select a valid choice"),
        ({"steps": "Same\nSame"}, "Two steps have the same text"),
        ({"steps": "x" * 301}, "Each step fits in 300 characters"),
        ({"steps": "\n".join(f"step {i}" for i in range(101))}, "at most 100 steps"),
    ],
)
def test_bad_playbooks_get_field_errors(login, admin, overrides, message):
    response = login(admin).post(
        reverse("automation:settings_playbook_new"), playbook_post(**overrides)
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Playbook.objects.exists()


def test_the_playbook_settings_are_for_admins_only(login, agent, light_agent, customer, returns):
    urls = [
        reverse("automation:settings_playbooks"),
        reverse("automation:settings_playbook_new"),
        reverse("automation:settings_playbook_edit", args=[returns.pk]),
    ]
    for person in (agent, light_agent, customer.user):
        client = login(person)
        for url in urls:
            assert client.get(url).status_code == 404
        assert client.post(urls[1], playbook_post(title="Mine")).status_code == 404
        assert client.post(urls[2], playbook_post(title="Mine")).status_code == 404
        delete = reverse("automation:settings_playbook_delete", args=[returns.pk])
        assert client.post(delete).status_code == 404
    assert Playbook.objects.get().title == "Return request"


def test_anonymous_people_are_sent_to_sign_in(client):
    response = client.get(reverse("automation:settings_playbooks"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_the_playbook_list_reads_in_constant_queries(login, admin):
    client = login(admin)

    def count(n):
        Playbook.objects.all().delete()
        for index in range(n):
            playbook_create(actor=admin, steps=["a", "b"], title=f"p{index}", tag_name=f"t{index}")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("automation:settings_playbooks")).status_code == 200
        return len(queries)

    assert count(5) == count(50)
