"""Escalation rule settings (admins only) and the agents' notices page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from concierge.sla.models import AgentNotice, Metric, SlaEscalationRule
from concierge.sla.services import RuleDraft, escalation_rule_save
from concierge.sla.tests.conftest import make_policy
from concierge.tickets.models import Channel
from concierge.tickets.services import ticket_create

pytestmark = pytest.mark.django_db


def rule(name: str = "Warn", **fields) -> SlaEscalationRule:
    fields.setdefault("percent", 75)
    fields.setdefault("notify_assignee", True)
    return escalation_rule_save(draft=RuleDraft(name=name, **fields))


def notice(user, ticket, **fields) -> AgentNotice:
    values = {
        "rule_name": "Warn",
        "metric": Metric.FIRST_RESPONSE,
        "percent": 100,
        "due_at": timezone.now() - timezone.timedelta(minutes=25, seconds=30),
        **fields,
    }
    return AgentNotice.objects.create(recipient=user, ticket=ticket, **values)


# --- rules -------------------------------------------------------------------------------------


@pytest.mark.parametrize("user_name", ["agent", "light_agent", "outsider"])
def test_only_admins_find_the_escalation_rules(request, login, user_name):
    existing = rule()
    client = login(request.getfixturevalue(user_name))

    assert client.get(reverse("sla:escalation_list")).status_code == 404
    assert client.get(reverse("sla:escalation_new")).status_code == 404
    assert client.get(reverse("sla:escalation_edit", args=[existing.pk])).status_code == 404
    assert client.post(reverse("sla:escalation_delete", args=[existing.pk])).status_code == 404
    assert SlaEscalationRule.objects.count() == 1


def test_visitors_are_asked_to_sign_in(client):
    assert client.get(reverse("sla:escalation_list")).status_code == 302


def test_an_admin_creates_a_rule(login, admin, agent, teammate, support_team):
    policy = make_policy("Premium")

    response = login(admin).post(
        reverse("sla:escalation_new"),
        {
            "name": "Breach: tell the lead",
            "is_active": "on",
            "policy": str(policy.pk),
            "metric": Metric.FIRST_RESPONSE,
            "percent": "100",
            "notify_team_lead": "on",
            "notify_users": [str(teammate.pk)],
            "send_email": "on",
            "reassign_to": str(agent.pk),
            "reassign_team": str(support_team.pk),
            "raise_priority": "on",
        },
    )

    assert response.status_code == 302
    created = SlaEscalationRule.objects.get()
    assert (created.policy, created.metric, created.percent) == (policy, "first_response", 100)
    assert (created.notify_team_lead, created.notify_assignee) == (True, False)
    assert list(created.notify_users.all()) == [teammate]
    assert (created.reassign_to, created.reassign_team, created.raise_priority) == (
        agent,
        support_team,
        True,
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "Nothing", "percent": "75"}, "Choose at least one thing the rule does"),
        ({"name": "Zero", "percent": "0", "notify_assignee": "on"}, "greater than or equal to 1"),
        (
            {"name": "Late", "percent": "5000", "notify_assignee": "on"},
            "less than or equal to 1000",
        ),
        ({"name": "", "percent": "75", "notify_assignee": "on"}, "This field is required."),
        (
            {"name": "X", "percent": "75", "metric": "reply", "notify_assignee": "on"},
            "Select a valid choice.",
        ),
    ],
)
def test_a_bad_rule_gets_a_field_error(login, admin, data, message):
    response = login(admin).post(reverse("sla:escalation_new"), data)

    assert response.status_code == 422
    assert message in response.content.decode()
    assert not SlaEscalationRule.objects.exists()


def test_an_admin_edits_lists_and_deletes_rules(login, admin):
    existing = rule("Warn", percent=75)
    client = login(admin)

    assert (
        'value="75"'
        in client.get(reverse("sla:escalation_edit", args=[existing.pk])).content.decode()
    )
    client.post(
        reverse("sla:escalation_edit", args=[existing.pk]),
        {"name": "Warn early", "percent": "50", "notify_assignee": "on", "is_active": "on"},
    )
    html = client.get(reverse("sla:escalation_list")).content.decode()
    assert "Warn early" in html
    assert "at 50%" in html

    client.post(reverse("sla:escalation_delete", args=[existing.pk]))
    assert not SlaEscalationRule.objects.exists()


def test_the_rule_list_costs_the_same_queries_for_many_rules(login, admin, teammate):
    client = login(admin)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("sla:escalation_list")).status_code == 200
        return len(queries)

    rule("R0", notify_users=[teammate])
    few = count()
    for i in range(1, 8):
        rule(f"R{i}", notify_users=[teammate], reassign_to=teammate)
    assert count() == few


# --- notices -----------------------------------------------------------------------------------


@pytest.fixture
def escalated(customer, support_team):
    return ticket_create(
        requester=customer,
        subject="Lamp broken",
        body_text="Help",
        channel=Channel.WEB,
        team=support_team,
    )


def test_an_agent_reads_their_notices_and_marks_them_read(login, agent, teammate, escalated):
    notice(agent, escalated)
    notice(teammate, escalated, rule_name="Someone else's")
    client = login(agent)

    inbox = client.get(reverse("tickets:inbox")).content.decode()
    assert '<span class="count sla-unread-count">1</span>' in inbox
    html = client.get(reverse("sla:notices")).content.decode()
    assert "The first response target is breached (it was due 25 min ago)." in html
    assert f"#{escalated.number} Lamp broken" in html
    assert "Someone else" not in html

    client.post(reverse("sla:notices_read"))
    assert not AgentNotice.objects.filter(recipient=agent, read_at__isnull=True).exists()
    assert AgentNotice.objects.filter(recipient=teammate, read_at__isnull=True).exists()
    assert "sla-unread-count" not in client.get(reverse("tickets:inbox")).content.decode()


def test_a_notice_on_a_ticket_the_agent_may_no_longer_open_is_hidden(login, outsider, escalated):
    notice(outsider, escalated)

    html = login(outsider).get(reverse("sla:notices")).content.decode()

    assert "Lamp broken" not in html
    assert "No notices" in html


def test_notices_speak_of_a_share_before_the_breach(login, agent, escalated):
    notice(
        agent,
        escalated,
        percent=75,
        due_at=timezone.now() + timezone.timedelta(minutes=15, seconds=30),
    )

    html = login(agent).get(reverse("sla:notices")).content.decode()

    assert "75% of the first response target has passed (due in 15 min)." in html


def test_customers_and_visitors_have_no_notices(client, login, customer):
    assert client.get(reverse("sla:notices")).status_code == 302
    assert login(customer.user).get(reverse("sla:notices")).status_code == 404
    assert login(customer.user).post(reverse("sla:notices_read")).status_code == 404


def test_the_notices_page_costs_the_same_queries_for_many_notices(login, agent, escalated):
    client = login(agent)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("sla:notices")).status_code == 200
        return len(queries)

    notice(agent, escalated)
    few = count()
    for _ in range(10):
        notice(agent, escalated)
    assert count() == few


def test_the_timeline_tells_of_the_escalation(login, agent, escalated):
    from concierge.tickets.models import EventKind, TicketEvent

    TicketEvent.objects.create(
        ticket=escalated,
        kind=EventKind.SLA_ESCALATED,
        field=Metric.FIRST_RESPONSE,
        after={"rule": "Warn", "percent": 75, "notified": ["Aino Agent"]},
        cause={"kind": "sla_escalation", "id": 1, "name": "Warn"},
    )

    html = login(agent).get(reverse("tickets:detail", args=[escalated.number])).content.decode()

    assert "escalated at 75% of the first response target, notifying Aino Agent" in html
