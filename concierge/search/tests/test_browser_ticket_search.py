"""An agent in a real browser searches tickets from the top bar, sees the matching words
marked, and narrows the results with the inbox's filters."""

from __future__ import annotations

import pytest

from concierge.tickets.models import Ticket
from concierge.tickets.services import ticket_create

playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_an_agent_searches_tickets_and_narrows_them_by_status(
    page, sign_in_page, agent, customer, support_team, billing_team
):
    flicker = ticket_create(
        requester=customer,
        subject="Broken lamp",
        body_text="The lamp flickers every evening.",
        channel="email",
        team=support_team,
    )
    ticket_create(
        requester=customer,
        subject="Lamp shade colour",
        body_text="Can I get the lamp shade in green?",
        channel="web",
        team=support_team,
    )
    ticket_create(
        requester=customer,
        subject="Lamp invoice",
        body_text="Billing only.",
        channel="web",
        team=billing_team,
    )
    Ticket.objects.filter(pk=flicker.pk).update(status="pending")
    sign_in_page(agent.email)

    page.get_by_role("searchbox", name="Search tickets").first.fill("lamp")
    page.keyboard.press("Enter")
    results = page.locator(".search-results li")
    expect(results).to_have_count(2)
    expect(page.locator(".search-results mark").first).to_have_text("lamp", ignore_case=True)
    # A ticket of a team the agent does not belong to is never listed.
    expect(page.get_by_text("Lamp invoice")).to_have_count(0)

    page.locator("#filter_status").select_option("pending")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("Broken lamp")
    expect(results.first).to_contain_text("flickers")
