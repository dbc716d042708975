"""Specification of SLA policies: ordering, conditions, targets and the compiled cache."""

from __future__ import annotations

import pytest

from concierge.people.models import Organization, SupportPlan, Team
from concierge.sla.calendar import Calendar
from concierge.sla.models import Metric, SlaPolicy
from concierge.sla.policy_rules import (
    CALENDAR_HOURS,
    current_config,
    ticket_facts,
)
from concierge.sla.services import (
    PolicyDraft,
    calendar_save,
    policy_create,
    policy_delete,
    policy_move,
    policy_update,
)
from concierge.tickets.models import Channel, Priority, Tag, TicketType
from concierge.tickets.services import ticket_set_tags

pytestmark = pytest.mark.django_db

FOUR_HOURS = {Metric.FIRST_RESPONSE: 240, Metric.NEXT_RESPONSE: 120, Metric.RESOLUTION: 2880}


def make_policy(name: str, **conditions) -> SlaPolicy:
    targets = conditions.pop("targets", {Priority.NORMAL: FOUR_HOURS})
    return policy_create(draft=PolicyDraft(name=name, targets=targets, **conditions))


def matched(ticket) -> str | None:
    config = current_config()
    policy = config.policy_for(ticket_facts(ticket, config))
    return policy.name if policy else None


def test_it_applies_no_policy_when_there_is_none(ticket):
    assert matched(ticket) is None


def test_a_policy_without_conditions_covers_every_ticket(ticket):
    make_policy("Everyone")

    assert matched(ticket) == "Everyone"


def test_the_first_matching_policy_in_the_admins_order_applies(ticket):
    make_policy("Urgent only", priorities=[Priority.URGENT])
    make_policy("Web", channels=[Channel.WEB])
    make_policy("Everyone")

    assert matched(ticket) == "Web"


def test_inactive_policies_are_skipped(ticket):
    make_policy("Paused", is_active=False)
    make_policy("Everyone")

    assert matched(ticket) == "Everyone"


@pytest.mark.parametrize(
    ("conditions", "expected"),
    [
        ({"priorities": [Priority.NORMAL]}, True),
        ({"priorities": [Priority.HIGH, Priority.URGENT]}, False),
        ({"ticket_types": [TicketType.QUESTION]}, True),
        ({"ticket_types": [TicketType.INCIDENT]}, False),
        ({"channels": [Channel.WEB, Channel.EMAIL]}, True),
        ({"channels": [Channel.PHONE]}, False),
    ],
)
def test_each_field_condition_matches_one_of_its_values(ticket, conditions, expected):
    make_policy("Conditional", **conditions)

    assert (matched(ticket) == "Conditional") is expected


def test_every_filled_condition_must_match(ticket):
    make_policy("Both", channels=[Channel.WEB], priorities=[Priority.URGENT])

    assert matched(ticket) is None


def test_the_team_condition(ticket, support_team):
    billing = Team.objects.create(name="Billing")
    make_policy("Billing", teams=[billing])
    make_policy("Support", teams=[support_team])

    assert matched(ticket) == "Support"


def test_the_customer_condition_matches_the_organization_or_its_support_plan(ticket):
    acme = Organization.objects.create(name="Acme", support_plan=SupportPlan.PREMIUM)
    other = Organization.objects.create(name="Other")
    make_policy("Premium plans", support_plans=[SupportPlan.PREMIUM])
    make_policy("Other org", organizations=[other])

    assert matched(ticket) is None  # no organization at all
    ticket.organization = acme
    assert matched(ticket) == "Premium plans"
    ticket.organization = other
    ticket.organization_id = other.pk
    assert matched(ticket) == "Other org"


def test_the_tag_condition_needs_one_of_the_tags(ticket, agent):
    vip = Tag.objects.create(name="vip")
    press = Tag.objects.create(name="press")
    make_policy("VIP", tags=[vip, press])

    assert matched(ticket) is None
    ticket_set_tags(ticket=ticket, actor=agent, add=["press", "other"])
    assert matched(ticket) == "VIP"


def test_targets_are_read_per_priority_and_metric(ticket):
    make_policy(
        "Tiered",
        targets={
            Priority.URGENT: {Metric.FIRST_RESPONSE: 30, Metric.RESOLUTION: 240},
            Priority.NORMAL: {Metric.FIRST_RESPONSE: 240, Metric.NEXT_RESPONSE: None},
        },
    )
    policy = current_config().policies[0]

    assert policy.target_minutes(Priority.URGENT, Metric.FIRST_RESPONSE) == 30
    assert policy.target_minutes(Priority.URGENT, Metric.NEXT_RESPONSE) is None
    assert policy.target_minutes(Priority.NORMAL, Metric.NEXT_RESPONSE) is None
    assert policy.target_minutes(Priority.LOW, Metric.FIRST_RESPONSE) is None
    assert policy.targets.keys() == {Priority.URGENT, Priority.NORMAL}


def test_a_policy_counts_in_its_calendar_or_else_in_calendar_hours():
    stored, _ = calendar_save(
        calendar=Calendar.build(
            name="Office", time_zone="Europe/Helsinki", week={"mon": [("09:00", "17:00")]}
        )
    )
    make_policy("Business", calendar=stored)
    make_policy("Around the clock")

    business, around = current_config().policies
    assert business.business_hours
    assert business.calendar.name == "Office"
    assert business.calendar.time_zone.key == "Europe/Helsinki"
    assert not around.business_hours
    assert around.calendar == CALENDAR_HOURS


def test_pausing_follows_the_policys_switches():
    make_policy("Pending only", pause_when_on_hold=False)
    policy = current_config().policies[0]

    assert policy.pauses_on("pending")
    assert not policy.pauses_on("on_hold")


# --- the compiled configuration -----------------------------------------------------------


def test_the_compiled_configuration_costs_one_query_while_nothing_changes(
    django_assert_num_queries,
):
    make_policy("Everyone")
    first = current_config()

    with django_assert_num_queries(1):
        again = current_config()
    assert again is first


def test_every_change_is_seen_at_once(ticket):
    policy = make_policy("Everyone", channels=[Channel.PHONE])
    assert matched(ticket) is None

    policy_update(policy=policy, draft=PolicyDraft(name="Everyone", channels=[Channel.WEB]))
    assert matched(ticket) == "Everyone"

    policy_delete(policy=policy)
    assert matched(ticket) is None


def test_a_calendar_change_is_seen_by_the_policies_that_use_it():
    office = Calendar.build(name="Office", time_zone="UTC", week={"mon": [("09:00", "17:00")]})
    stored, _ = calendar_save(calendar=office)
    make_policy("Business", calendar=stored)
    assert current_config().policies[0].calendar.week[1] == ()

    calendar_save(
        calendar=Calendar.build(name="Office", time_zone="UTC", week={"tue": [("09:00", "17:00")]}),
        replace=True,
    )
    assert current_config().policies[0].calendar.week[1] != ()


# --- ordering --------------------------------------------------------------------------------


def names() -> list[str]:
    return list(SlaPolicy.objects.values_list("name", flat=True))


def test_a_new_policy_goes_last():
    for name in ("A", "B", "C"):
        make_policy(name)

    assert names() == ["A", "B", "C"]


def test_policies_move_up_and_down_and_stop_at_the_ends():
    a, b, c = (make_policy(name) for name in ("A", "B", "C"))

    policy_move(policy=c, up=True)
    assert names() == ["A", "C", "B"]
    policy_move(policy=a, up=True)
    assert names() == ["A", "C", "B"]
    policy_move(policy=a, up=False)
    assert names() == ["C", "A", "B"]
    policy_move(policy=b, up=False)
    assert names() == ["C", "A", "B"]
    assert [p.name for p in current_config().policies] == ["C", "A", "B"]


def test_updating_replaces_the_targets_and_keeps_the_place():
    make_policy("First")
    policy = make_policy("Second")

    policy_update(
        policy=policy,
        draft=PolicyDraft(name="Second, renamed", targets={Priority.HIGH: {"resolution": 60}}),
    )

    assert names() == ["First", "Second, renamed"]
    rows = list(
        policy.targets.values_list("priority", "first_response_minutes", "resolution_minutes")
    )
    assert rows == [(Priority.HIGH, None, 60)]
