"""The e-mail channel in a real browser: an admin sets up a mailbox, an agent reads an
e-mail's original and sees that the reply left as e-mail."""

from __future__ import annotations

import re

import pytest

from concierge.mail.models import Mailbox, OutboundEmail, OutboundStatus
from concierge.mail.tests.messages import SUPPORT, build
from concierge.tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_sets_up_an_imap_mailbox_and_tests_the_connection(
    transactional_db, admin, support_team, dovecot_server, imap_account, sign_in_page
):
    expect = pytest.importorskip("playwright.sync_api").expect
    page = sign_in_page(admin.email)

    page.goto("/settings/")
    page.get_by_role("link", name=re.compile("E-mail")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mailboxes")
    page.get_by_role("link", name="New mailbox").click()
    page.get_by_label("Address", exact=True).fill("Help@Desk.example")
    page.get_by_label("Team", exact=True).select_option(label="Support")
    page.get_by_label("Fetch by IMAP", exact=True).check()
    page.get_by_label("IMAP server", exact=True).fill("127.0.0.1")
    page.get_by_label("Port", exact=True).fill(str(dovecot_server.port))
    page.get_by_label("Security", exact=True).select_option("none")
    page.get_by_label("User name", exact=True).fill(imap_account)
    page.get_by_label("Password", exact=True).fill("imap-secret")
    page.get_by_role("button", name="Create mailbox").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("help@desk.example")
    page.evaluate("document.body.dataset.sameDocument = 'yes'")
    page.get_by_role("button", name="Test connection").click()
    expect(page.locator("#mailbox-test-result")).to_contain_text("The connection works")
    assert page.evaluate("document.body.dataset.sameDocument") == "yes"  # htmx, no reload
    assert Mailbox.objects.get().team == support_team


def test_an_agent_reads_the_quoted_text_and_sees_the_reply_was_emailed(
    transactional_db, agent, support_team, sign_in_page, smtp_sink
):
    from concierge.mail.models import RawSource
    from concierge.mail.services.ingest import raw_message_process, raw_message_store

    mailbox = Mailbox.objects.create(address=SUPPORT, team=support_team, auto_acknowledge=False)
    body = (
        "The lamp still flickers.\n\n"
        "On Mon, 15 Dec 2025 at 14:30, Support <support@desk.example> wrote:\n"
        "> Please try another bulb.\n"
    )
    stored = raw_message_store(raw=build(body=body), source=RawSource.IMAP, mailbox=mailbox)
    raw_message_process(stored.pk)
    ticket = Ticket.objects.get()
    expect = pytest.importorskip("playwright.sync_api").expect
    page = sign_in_page(agent.email)

    page.goto(f"/tickets/{ticket.number}/")
    message = page.locator("#thread .message-customer")
    expect(message).to_contain_text("The lamp still flickers.")
    expect(message).not_to_contain_text("Please try another bulb.")
    page.get_by_label("Message", exact=True).fill("A new lamp is on its way.")
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#thread .message-reply")).to_contain_text("E-mailed to emily@example.com")
    assert OutboundEmail.objects.get().status == OutboundStatus.SENT
    assert len(smtp_sink.received) == 1

    page.get_by_role("link", name="Show quoted text and the original e-mail").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Original e-mail")
    expect(page.locator(".mail-text")).to_contain_text("> Please try another bulb.")
