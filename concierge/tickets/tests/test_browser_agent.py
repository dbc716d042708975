"""An agent's day in a real browser: sign in, open a view, answer a ticket, change it."""

from __future__ import annotations

import re

import pytest

from concierge.tickets.models import MessageKind, Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def signed_in_agent(transactional_db, agent, ticket, sign_in_page):
    return sign_in_page(agent.email)


def test_an_agent_answers_a_ticket_and_changes_its_status_in_place(signed_in_agent, ticket):
    expect = pytest.importorskip("playwright.sync_api").expect
    page = signed_in_agent

    # Signing in lands in the inbox; a view from the sidebar lists the ticket.
    expect(page).to_have_url(re.compile(r"/inbox/"))
    page.get_by_role("navigation", name="Views").get_by_role("link", name="All tickets").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("All tickets")
    page.get_by_role("link", name="Order arrived damaged").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Order arrived damaged")

    # A public reply appears in the thread, styled as a reply.
    page.get_by_label("Message", exact=True).fill("A new lamp is on its way today.")
    page.get_by_role("button", name="Send").click()
    reply = page.locator("#thread .message-reply")
    expect(reply).to_contain_text("A new lamp is on its way today.")
    expect(page.locator("#flash")).to_contain_text("Your reply was sent.")
    assert ticket.messages.filter(kind=MessageKind.REPLY).count() == 1

    # An internal note looks different from the reply: the composer warns while it is
    # being written, and the thread marks it as internal.
    page.get_by_role("radio", name="Internal note").check()
    expect(page.locator("#composer")).to_have_class(re.compile(r"\bnote\b"))
    page.get_by_label("Message", exact=True).fill("Courier confirmed the damage.")
    page.get_by_role("button", name="Send").click()
    note = page.locator("#thread .message-note")
    expect(note).to_contain_text("Courier confirmed the damage.")
    expect(note.locator(".badge-note")).to_have_text("Internal note")
    expect(reply.locator(".badge-note")).to_have_count(0)

    # Changing the status in the properties panel updates the badge without a reload:
    # a marker set on this document survives only if the page is not loaded again.
    page.evaluate("document.body.dataset.sameDocument = 'yes'")
    page.locator("#properties").get_by_label("Status").select_option("pending")
    expect(page.locator("#ticket-status")).to_have_text("Pending")
    expect(page.locator("#ticket-status")).to_have_class(re.compile(r"\bstatus-pending\b"))
    assert page.evaluate("document.body.dataset.sameDocument") == "yes"
    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING

    # The next reply goes through with the version the panel's change produced.
    page.get_by_role("radio", name="Public reply").check()
    page.get_by_label("Message", exact=True).fill("Tracking number follows.")
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#thread .message-reply")).to_have_count(2)
    expect(page.locator(".stale-notice")).to_have_count(0)


def test_a_reply_to_a_ticket_changed_meanwhile_is_held_back(signed_in_agent, ticket, customer):
    expect = pytest.importorskip("playwright.sync_api").expect
    from concierge.tickets.services import message_receive

    page = signed_in_agent
    page.goto(f"/tickets/{ticket.number}/")
    page.get_by_label("Message", exact=True).fill("Draft written before the news")
    message_receive(ticket=ticket, customer=customer, body_text="I found a receipt", channel="web")

    page.get_by_role("button", name="Send").click()

    notice = page.locator("#composer .stale-notice")
    expect(notice).to_contain_text("Someone else replied or changed this ticket")
    expect(notice).to_contain_text("I found a receipt")
    expect(page.get_by_label("Message", exact=True)).to_have_value("Draft written before the news")
    assert not ticket.messages.filter(body_text="Draft written before the news").exists()

    page.get_by_role("button", name="Send anyway").click()
    expect(page.locator("#thread .message-reply")).to_contain_text("Draft written before the news")
