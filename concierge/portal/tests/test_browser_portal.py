"""A customer in a real browser: writes to support, signs in by e-mailed link, reads the answer."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from concierge.portal.tests.conftest import MAGIC_LINK, magic_link_path
from concierge.tickets.models import Ticket
from concierge.tickets.services import ticket_reply

playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


@pytest.fixture
def outbox(settings):
    """The live server runs in this process, so its mail lands in Django's test outbox."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    return mail.outbox


def test_a_customer_follows_a_request_from_contact_form_to_answer(page, outbox, agent):
    page.goto("/portal/contact/")
    page.get_by_label("Your name").fill("Zeynep Yılmaz")
    page.get_by_label("E-mail", exact=True).fill("zeynep@example.org")
    page.get_by_label("Subject").fill("Lamba kırık geldi")
    page.get_by_label("How can we help?").fill("Kutu ezilmişti, lamba kırık.")
    page.get_by_role("button", name="Send").click()

    expect(page.get_by_role("heading", name="Thank you, we received your request")).to_be_visible()
    ticket = Ticket.objects.get()
    expect(page.locator(".request-number")).to_contain_text(f"#{ticket.number}")

    ticket_reply(
        ticket=ticket,
        author=agent,
        body_text="A new lamp leaves our warehouse today.",
        internal=False,
    )
    ticket_reply(
        ticket=ticket,
        author=agent,
        body_text="Courier damaged three parcels this week.",
        internal=True,
    )

    page.get_by_role("link", name="Sign in to follow it").click()
    page.get_by_label("E-mail", exact=True).fill("zeynep@example.org")
    page.get_by_role("button", name="E-mail me a sign-in link").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()

    sign_in_mail = next(m for m in outbox if MAGIC_LINK.search(m.body))
    assert sign_in_mail.to == ["zeynep@example.org"]
    page.goto(magic_link_path(sign_in_mail))
    page.get_by_role("button", name="Sign in", exact=True).click()

    # The link remembered the request the customer wanted to follow.
    expect(page).to_have_url(re.compile(rf"/portal/requests/{ticket.number}/$"))
    expect(page.get_by_role("heading", name="Lamba kırık geldi")).to_be_visible()
    expect(page.get_by_text("Kutu ezilmişti, lamba kırık.")).to_be_visible()
    expect(page.get_by_text("A new lamp leaves our warehouse today.")).to_be_visible()
    expect(page.locator(".message-reply")).to_contain_text("Aino Agent")
    expect(page.get_by_text("Courier damaged three parcels this week.")).to_have_count(0)
    expect(page.locator(".message")).to_have_count(2)

    page.get_by_role("link", name="My requests").first.click()
    expect(page.get_by_role("link", name="Lamba kırık geldi")).to_be_visible()
