"""The time rule settings pages: admins only, checked input, and the "due now" preview."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from concierge.automation.models.rules import ScheduledJob, TimeRule
from concierge.automation.models.triggers import Trigger
from concierge.automation.tests.test_triggers_views import rows
from concierge.automation.tests.triggers_helpers import ensure_shipped_defaults
from concierge.automation.triggers_actions import clean_actions
from concierge.automation.triggers_conditions import TIME_RULE, clean_conditions
from concierge.sla.calendar import Calendar
from concierge.sla.services import calendar_save
from concierge.tickets.models import Channel, Status, Ticket
from concierge.tickets.services import ticket_create


@pytest.fixture(autouse=True)
def _shipped_rules_only(db):
    ensure_shipped_defaults()
    Trigger.objects.all().delete()


def rule_post(**fields) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Nudge",
        "amount": "3",
        "unit": "days",
        "anchor": "status_changed",
        "is_active": "on",
    }
    data.update(fields.pop("head", {}))
    data.update(rows("all", fields.pop("all_of", [])))
    data.update(rows("any", []))
    data.update(rows("actions", fields.pop("actions", [{"type": "add_tags", "text": "nudged"}])))
    return data


@pytest.mark.parametrize(
    ("name", "with_pk"),
    [
        ("automation:time_rule_list", False),
        ("automation:time_rule_new", False),
        ("automation:time_rule_edit", True),
        ("automation:time_rule_preview", True),
    ],
)
def test_only_admins_see_the_pages(client, login, admin, agent, customer, name, with_pk):
    rule = TimeRule.objects.first()
    url = reverse(name, args=[rule.pk] if with_pk else [])

    assert client.get(url).status_code == 302
    for user in (agent, customer.user):
        assert login(user).get(url).status_code == 404
    assert login(admin).get(url).status_code == 200


@pytest.mark.parametrize("name", ["time_rule_move", "time_rule_active", "time_rule_delete"])
def test_agents_cannot_change_rules(login, agent, name):
    rule = TimeRule.objects.get(name="Close 4 days after solving")

    assert login(agent).post(reverse(f"automation:{name}", args=[rule.pk])).status_code == 404
    rule.refresh_from_db()
    assert rule.is_active


def test_the_shipped_rules_are_listed_with_the_schedule(login, admin):
    ScheduledJob.objects.create(
        name="automation.time_rules",
        next_run_at=dt.datetime(2026, 1, 5, 10, 5, tzinfo=dt.UTC),
        last_started_at=dt.datetime(2026, 1, 5, 10, 0, tzinfo=dt.UTC),
        last_result="acted on 2 ticket(s)",
    )

    text = login(admin).get(reverse("automation:time_rule_list")).content.decode()

    assert "Close 4 days after solving" in text
    assert "4 days after it was solved" in text
    assert "Set status: Closed" in text
    assert "Remind the customer after 3 days pending" in text
    assert "acted on 2 ticket(s)" in text


def test_an_admin_creates_a_rule_in_business_days_which_needs_a_calendar(login, admin):
    client = login(admin)
    refused = client.post(
        reverse("automation:time_rule_new"),
        rule_post(
            head={"unit": "business_days"},
            all_of=[{"field": "status", "operator": "is", "choice": "status:pending"}],
        ),
    )
    assert refused.status_code == 422
    assert "choose one" in refused.content.decode()

    stored, _ = calendar_save(calendar=Calendar.build(name="Office", time_zone="Europe/Istanbul"))
    response = client.post(
        reverse("automation:time_rule_new"),
        rule_post(
            head={"unit": "business_days", "calendar": str(stored.pk)},
            all_of=[{"field": "status", "operator": "is", "choice": "status:pending"}],
        ),
    )

    assert response.status_code == 302
    rule = TimeRule.objects.get(name="Nudge")
    assert (rule.amount, rule.unit, rule.calendar, rule.created_by) == (
        3,
        "business_days",
        stored,
        admin,
    )
    assert rule.conditions_all == [{"field": "status", "operator": "is", "value": "pending"}]
    assert rule.actions == [{"type": "add_tags", "value": "nudged"}]


def test_bad_input_is_refused_field_by_field(login, admin):
    response = login(admin).post(
        reverse("automation:time_rule_new"),
        rule_post(
            head={"amount": "0", "unit": "weeks"},
            all_of=[{"field": "message", "operator": "contains", "text": "x"}],
        ),
    )

    assert response.status_code == 422
    text = response.content.decode()
    assert "greater than or equal to 1" in text
    assert "Select a valid choice" in text
    assert not TimeRule.objects.filter(name="Nudge").exists()


def test_rules_are_moved_switched_and_deleted(login, admin):
    client = login(admin)
    close = TimeRule.objects.get(name="Close 4 days after solving")

    client.post(reverse("automation:time_rule_move", args=[close.pk]), {"direction": "up"})
    names = list(TimeRule.objects.values_list("name", flat=True))
    assert names.index("Close 4 days after solving") == 1

    client.post(reverse("automation:time_rule_active", args=[close.pk]), {"active": "0"})
    close.refresh_from_db()
    assert not close.is_active

    client.post(reverse("automation:time_rule_delete", args=[close.pk]))
    assert not TimeRule.objects.filter(pk=close.pk).exists()


def test_the_preview_lists_the_tickets_due_now_and_changes_nothing(login, admin, customer):
    old = ticket_create(requester=customer, subject="Old", body_text="a", channel=Channel.WEB)
    new = ticket_create(requester=customer, subject="New", body_text="b", channel=Channel.WEB)
    Ticket.objects.filter(pk=old.pk).update(created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    rule = TimeRule.objects.create(
        name="Old news",
        anchor="created",
        amount=2,
        unit="days",
        conditions_all=clean_conditions(
            [{"field": "status", "operator": "is", "value": "new"}], TIME_RULE
        ),
        actions=clean_actions([{"type": "set_status", "value": "solved"}]),
    )

    text = login(admin).get(reverse("automation:time_rule_preview", args=[rule.pk])).content
    text = text.decode()

    assert f"#{old.number}" in text
    assert f"#{new.number}" not in text
    assert Ticket.objects.get(pk=old.pk).status == Status.NEW
