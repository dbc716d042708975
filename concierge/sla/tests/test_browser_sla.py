"""Service levels in a real browser: the due badge an agent sees moves when they reply."""

from __future__ import annotations

import re

import pytest

from concierge.sla.tests.conftest import make_policy, targets
from concierge.tickets.models import Channel, Priority
from concierge.tickets.services import ticket_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_agent_sees_the_due_badge_change_after_replying(
    transactional_db, agent, customer, support_team, sign_in_page
):
    expect = pytest.importorskip("playwright.sync_api").expect
    make_policy(table={Priority.NORMAL: targets(first=60, resolution=480)})
    ticket = ticket_create(
        requester=customer,
        subject="Lamp arrived broken",
        body_text="The lamp arrived in pieces.",
        channel=Channel.WEB,
        team=support_team,
    )
    page = sign_in_page(agent.email)

    # In the inbox the row says the first response is due within the hour.
    page.goto("/inbox/?view=breaching")
    row = page.locator("#inbox-rows tr", has_text="Lamp arrived broken")
    expect(row.locator(".sla-badge")).to_have_text(re.compile(r"^due in (59|60) min$"))
    expect(row.locator(".sla-badge")).to_have_class(re.compile(r"\bsla-soon\b"))

    # The ticket page lists both targets; replying meets the first response, and the
    # header shows what is due next without a reload.
    row.get_by_role("link", name="Lamp arrived broken").click()
    header = page.locator("#ticket-header")
    expect(header).to_contain_text(re.compile(r"First response: due in (59|60) min"))
    expect(header).to_contain_text(re.compile(r"Resolution: due in (7 h 59 min|8 h)"))
    page.get_by_label("Message", exact=True).fill("A new lamp is on its way today.")
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#flash")).to_contain_text("Your reply was sent.")
    expect(header).not_to_contain_text("First response")
    expect(header.locator(".sla-badge")).to_have_text(
        re.compile(r"^Resolution: due in (7 h 59 min|8 h)$")
    )
    expect(header.locator(".sla-badge")).to_have_class(re.compile(r"\bsla-later\b"))

    # Back in the inbox the ticket is no longer about to breach, and its row says so.
    page.goto("/inbox/?view=breaching")
    expect(page.locator("#inbox-rows")).not_to_contain_text("Lamp arrived broken")
    page.goto("/inbox/?view=all")
    badge = page.locator("#inbox-rows tr", has_text="Lamp arrived broken").locator(".sla-badge")
    expect(badge).to_have_text(re.compile(r"^due in (7 h 59 min|8 h)$"))
    assert ticket.sla_timers.filter(metric="first_response", state="achieved").exists()
