"""In a real browser: an agent answers with a macro, and works through a procedure."""

from __future__ import annotations

import re

import pytest

from concierge.automation.macros_services import VariantInput, macro_create
from concierge.automation.playbooks_services import playbook_create
from concierge.tickets.models import EventKind, MessageKind, Priority, Status, TicketEvent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def ticket(ticket):
    """Kirsi's ticket, in Finnish: macros answer in the ticket's language."""
    ticket.language = "fi"
    ticket.save(update_fields=["language"])
    return ticket


@pytest.fixture
def expect():
    return pytest.importorskip("playwright.sync_api").expect


def test_an_agent_applies_a_macro_and_sends(
    transactional_db, settings, admin, agent, ticket, sign_in_page, expect
):
    settings.BRAND_TONE = "formal,fi:informal"
    macro = macro_create(
        owner=None,
        actor=admin,
        title="Ask for a photo",
        variants=[
            VariantInput("en", "", "Hello {{ customer.first_name }}, could you send a photo?"),
            VariantInput("fi", "formal", "Hei {{ customer.first_name }}, lähettäisittekö kuvan?"),
            VariantInput("fi", "informal", "Moi {{ customer.first_name }}, lähetätkö kuvan?"),
        ],
        set_status=Status.PENDING,
        set_priority=Priority.HIGH,
        add_tags=["photo-asked"],
    )
    page = sign_in_page(agent.email)
    page.goto(f"/tickets/{ticket.number}/")
    page.evaluate("document.body.dataset.sameDocument = 'yes'")
    body = page.get_by_label("Message", exact=True)
    body.fill("Olemme pahoillamme.")

    # Choosing the macro fills in the Finnish, informal text below the draft and proposes
    # its status, without a page load and without changing the ticket yet.
    page.get_by_label("Macro").select_option(label="Ask for a photo")
    expect(body).to_have_value("Olemme pahoillamme.\n\nMoi Kirsi, lähetätkö kuvan?")
    expect(page.get_by_label("and set status")).to_have_value("pending")
    expect(page.locator("#macro-picker")).to_contain_text("Priority: High · Add tags: photo-asked")
    assert page.evaluate("document.body.dataset.sameDocument") == "yes"
    ticket.refresh_from_db()
    assert ticket.priority == Priority.NORMAL

    page.get_by_role("button", name="Send").click()

    expect(page.locator("#thread .message-reply")).to_contain_text("Moi Kirsi, lähetätkö kuvan?")
    expect(page.locator("#flash")).to_contain_text("Your reply was sent.")
    expect(page.locator("#ticket-status")).to_have_text("Pending")
    expect(page.locator("#timeline")).to_contain_text("applied the macro “Ask for a photo”")
    expect(page.locator("#macro-picker")).not_to_contain_text("applied.")
    ticket.refresh_from_db()
    assert ticket.priority == Priority.HIGH
    assert list(ticket.tags.values_list("name", flat=True)) == ["photo-asked"]
    assert ticket.messages.filter(kind=MessageKind.REPLY).count() == 1
    macro.refresh_from_db()
    assert macro.usage_count == 1


def test_an_agent_ticks_a_playbook_step_and_may_then_solve(
    transactional_db, admin, agent, ticket, sign_in_page, expect
):
    playbook = playbook_create(
        actor=admin,
        title="Return request",
        steps=["Check the receipt", "Send a prepaid label"],
        tag_name="return",
        required_before_solving=True,
    )
    page = sign_in_page(agent.email)
    page.goto(f"/tickets/{ticket.number}/")
    procedures = page.locator("#playbooks")
    expect(procedures).to_be_hidden()

    # Tagging the ticket as a return brings the procedure's checklist, in place.
    tags = page.locator("#properties").get_by_label("Tags")
    tags.fill("return")
    tags.press("Tab")
    expect(procedures).to_be_visible()
    expect(procedures).to_contain_text("0 of 2 steps done")

    # Solving is refused while the procedure is unfinished, with the reason in place.
    page.locator("#properties").get_by_label("Status").select_option("solved")
    expect(page.locator("#properties")).to_contain_text(
        "Finish the procedure “Return request” before solving"
    )

    procedures.get_by_label("Check the receipt").check()
    expect(procedures).to_contain_text("1 of 2 steps done")
    expect(procedures).to_contain_text("done by Aino Agent")
    expect(page.locator("#timeline")).to_contain_text(
        "ticked “Check the receipt” of the playbook “Return request”"
    )
    procedures.get_by_label("Send a prepaid label").check()
    expect(procedures).to_contain_text("2 of 2 steps done")
    assert TicketEvent.objects.filter(kind=EventKind.PLAYBOOK_STEP).count() == 2
    assert playbook.steps.filter(checks__ticket=ticket).count() == 2

    page.locator("#properties").get_by_label("Status").select_option("solved")
    expect(page.locator("#ticket-status")).to_have_text(re.compile("Solved"))
    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED
