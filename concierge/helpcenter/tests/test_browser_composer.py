"""An agent in a real browser finds an article from the ticket composer and puts its
link or text into the answer; an internal article goes only into an internal note."""

from __future__ import annotations

import re

import pytest
from django.conf import settings

from concierge.helpcenter.services import article_update_settings
from concierge.helpcenter.testing import publish
from concierge.tickets.models import Ticket

playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


@pytest.fixture
def answers(admin, ticket):
    Ticket.objects.filter(pk=ticket.pk).update(language="en")
    broken = publish(admin, "Report a damaged delivery", "Send us a **photo** of the box.")
    internal = publish(admin, "Courier claims procedure", "File the claim within 48 hours.")
    article_update_settings(
        actor=admin,
        article=internal.article,
        section=internal.article.section,
        visibility="internal",
        organizations=[],
        owner=None,
        related=[],
    )
    return broken


def test_an_agent_inserts_an_articles_link_and_text_into_the_reply(
    page, sign_in_page, agent, ticket, answers
):
    sign_in_page(agent.email)
    page.goto(f"/tickets/{ticket.number}/")
    message = page.get_by_label("Message", exact=True)
    message.fill("Sorry about the lamp. Please read")

    page.get_by_label("Find a help center article").press_sequentially("damag", delay=40)
    results = page.locator("#article-results")
    expect(results).to_contain_text("Report a damaged delivery")
    expect(results).to_contain_text("EN")

    page.get_by_role("button", name="Insert link to “Report a damaged delivery”").click()
    link = f"{settings.SITE_URL}/help/en/articles/{answers.article_id}/{answers.slug}/"
    expect(message).to_have_value(f"Sorry about the lamp. Please read {link}")

    page.get_by_role("button", name="Insert text of “Report a damaged delivery”").click()
    expect(message).to_have_value(re.compile(r"Send us a \*\*photo\*\* of the box\.$"))
    # Enter in the search box searches; it never sends the half-written reply.
    page.get_by_label("Find a help center article").press("Enter")
    assert ticket.messages.count() == 1


def test_an_internal_article_goes_only_into_a_note(page, sign_in_page, agent, ticket, answers):
    sign_in_page(agent.email)
    page.goto(f"/tickets/{ticket.number}/")
    message = page.get_by_label("Message", exact=True)
    page.get_by_label("Find a help center article").press_sequentially("courier claims", delay=30)
    results = page.locator("#article-results")
    expect(results).to_contain_text("Internal: agents only")

    page.get_by_role("button", name="Insert link to “Courier claims procedure”").click()
    expect(page.locator("[data-article-notice]")).to_contain_text("switch to Internal note")
    expect(message).to_have_value("")

    page.get_by_role("radio", name="Internal note").check()
    page.get_by_role("button", name="Insert text of “Courier claims procedure”").click()
    expect(message).to_have_value("File the claim within 48 hours.")
