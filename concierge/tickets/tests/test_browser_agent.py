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


def test_a_panel_replaced_by_a_reply_takes_a_change_made_the_moment_it_appears(
    signed_in_agent, ticket
):
    expect = pytest.importorskip("playwright.sync_api").expect
    page = signed_in_agent
    page.goto(f"/tickets/{ticket.number}/")

    # The quickest possible person: a change made as soon as the reply's answer has put a
    # new properties panel in place, before anything else on the page runs.
    page.evaluate(
        """() => {
        const old = document.getElementById("properties");
        new MutationObserver((changes, observer) => {
            const panel = document.getElementById("properties");
            if (panel === old) return;
            observer.disconnect();
            const status = panel.querySelector("select[name=status]");
            status.value = "pending";
            status.dispatchEvent(new Event("change", {bubbles: true}));
        }).observe(old.parentNode, {childList: true});
    }"""
    )
    page.get_by_role("radio", name="Internal note").check()
    page.get_by_label("Message", exact=True).fill("Waiting for the courier's report.")
    page.get_by_role("button", name="Send").click()

    expect(page.locator("#thread .message-note")).to_contain_text("the courier's report")
    expect(page.locator("#ticket-status")).to_have_text("Pending")
    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING


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


def test_an_agent_opens_a_ticket_for_a_phone_caller_from_the_inbox(signed_in_agent, agent):
    expect = pytest.importorskip("playwright.sync_api").expect
    from concierge.tickets.models import Channel, Ticket

    page = signed_in_agent
    page.get_by_role("link", name="New ticket").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New ticket")

    # A phone call: the caller's words, as the agent wrote them down, for their team.
    page.get_by_label("Requester's e-mail address").fill("pia.caller@example.com")
    page.get_by_label("Requester's name").fill("Pia Caller")
    page.get_by_label("Subject").fill("Invoice sent to the wrong address")
    expect(page.get_by_label("The customer's own words, as they told me")).to_be_checked()
    page.get_by_label("First message").fill("Pia called: the March invoice went to her old office.")
    expect(page.get_by_label("Channel")).to_have_value("phone")
    page.get_by_label("Priority").select_option(label="High")
    page.get_by_role("button", name="Open ticket").click()

    created = Ticket.objects.get(subject="Invoice sent to the wrong address")
    expect(page).to_have_url(re.compile(rf"/tickets/{created.number}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Invoice sent to the wrong address"
    )
    expect(page.locator("#flash")).to_contain_text(
        f"Ticket #{created.number} was opened for Pia Caller."
    )
    expect(page.locator("#ticket-header")).to_contain_text("From Pia Caller via Phone")
    expect(page.locator("#ticket-header .priority-3")).to_have_text("High")
    expect(page.locator("#thread .message-customer")).to_contain_text(
        "the March invoice went to her old office"
    )
    expect(page.locator("#timeline")).to_contain_text("Aino Agent created the ticket")
    assert created.channel == Channel.PHONE
    assert created.requester.primary_email == "pia.caller@example.com"


def test_an_agent_adds_and_removes_a_follower_in_place(signed_in_agent, ticket):
    expect = pytest.importorskip("playwright.sync_api").expect

    page = signed_in_agent
    page.goto(f"/tickets/{ticket.number}/")
    page.evaluate("document.body.dataset.sameDocument = 'yes'")
    panel = page.locator("#customer")

    # The requester is refused with a reason, and what was typed stays.
    panel.get_by_label("E-mail address").fill("customer@example.com")
    panel.get_by_role("button", name="Add follower").click()
    expect(panel.locator(".errorlist")).to_contain_text("is the requester of this ticket")
    expect(panel.get_by_label("E-mail address")).to_have_value("customer@example.com")

    panel.get_by_label("E-mail address").fill("boss@example.com")
    panel.get_by_label("Name", exact=True).fill("Bruno Boss")
    panel.get_by_role("button", name="Add follower").click()
    expect(panel.locator(".followers")).to_contain_text("Bruno Boss")
    expect(page.locator("#timeline")).to_contain_text("Followers: none → Bruno Boss")
    expect(page.locator("#flash")).to_contain_text("Bruno Boss now follows this ticket")

    panel.get_by_role("button", name="Remove Bruno Boss").click()
    expect(panel.locator(".followers")).to_contain_text("Nobody follows this ticket.")
    assert page.evaluate("document.body.dataset.sameDocument") == "yes"
    assert list(ticket.followers.all()) == []


def test_a_long_thread_shows_its_earlier_messages_and_counts_load_after_the_page(
    signed_in_agent, ticket, customer, agent, live_server
):
    from concierge.tickets.models import Channel
    from concierge.tickets.services import message_receive, ticket_reply

    expect = pytest.importorskip("playwright.sync_api").expect
    page = signed_in_agent
    for i in range(30):
        message_receive(
            ticket=ticket, customer=customer, body_text=f"Question {i}", channel=Channel.EMAIL
        )
        ticket_reply(ticket=ticket, author=agent, body_text=f"Answer {i}", internal=False)

    # The sidebar's counts arrive once the inbox is shown.
    expect(page.locator("#view-count-open")).to_have_text("1")

    page.goto(f"{live_server.url}/tickets/{ticket.number}/")
    messages = page.locator("#thread article.message")
    expect(messages).to_have_count(11)
    expect(page.locator("#thread")).not_to_contain_text("Question 3")
    page.get_by_role("link", name="Show 50 earlier messages").click()
    expect(messages).to_have_count(61)
    expect(page.locator("#thread")).to_contain_text("Question 3")
    # In conversation order: the first question comes before the last answer.
    texts = messages.all_inner_texts()
    assert texts.index(next(t for t in texts if "Question 0" in t)) < texts.index(
        next(t for t in texts if "Answer 29" in t)
    )

    page.get_by_role("link", name="Show the whole history").click()
    expect(page.locator("#timeline li")).to_have_count(ticket.events.count())
