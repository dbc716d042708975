"""A customer in a real browser: finds an answer while typing, reads it, votes; and sees
a suggestion on the contact form before sending anything."""

from __future__ import annotations

import pytest

from concierge.helpcenter.models import ArticleTranslation, ContactDeflection
from concierge.helpcenter.testing import publish
from concierge.tickets.models import Ticket

playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


@pytest.fixture
def answers(admin):
    publish(admin, "Reset your password", "Open **Sign in** and choose *Forgot password*.")
    publish(admin, "Track a delivery", "Every order has a tracking link in its e-mail.")


def test_a_customer_finds_an_article_while_typing_opens_it_and_votes(page, answers):
    page.goto("/help/")
    search_box = page.get_by_role("combobox", name="Search the help center")
    search_box.press_sequentially("passw", delay=40)

    listbox = page.get_by_role("listbox", name="Suggestions")
    expect(listbox).to_be_visible()
    expect(search_box).to_have_attribute("aria-expanded", "true")
    suggestion = listbox.get_by_role("option", name="Reset your password")
    expect(suggestion).to_be_visible()

    # The keyboard walks the list and opens the article.
    options = listbox.get_by_role("option")
    count = options.count()
    for _ in range(count):
        search_box.press("ArrowDown")
        if suggestion.get_attribute("aria-selected") == "true":
            break
    expect(suggestion).to_have_attribute("aria-selected", "true")
    search_box.press("Enter")

    expect(page.get_by_role("heading", name="Reset your password", level=1)).to_be_visible()
    page.get_by_label("Anything we should add or fix? (optional)").fill("Add a screenshot.")
    page.get_by_role("button", name="Yes, it helped").click()
    expect(page.get_by_text("Thank you for your answer.")).to_be_visible()

    translation = ArticleTranslation.objects.get(title="Reset your password")
    assert (translation.helpful_count, translation.view_count) == (1, 1)
    assert translation.feedback.get().comment == "Add a screenshot."


def test_the_contact_form_suggests_an_article_before_sending(page, answers):
    page.goto("/portal/contact/")
    suggestions = page.get_by_role("region", name="These articles may already answer your question")
    expect(suggestions).to_be_hidden()
    page.get_by_label("Subject").fill("Where is my delivery?")
    expect(suggestions).to_be_visible()
    article_link = suggestions.get_by_role("link", name="Track a delivery")
    expect(article_link).to_be_visible()

    with page.context.expect_page() as opened:
        article_link.click()
    article_page = opened.value
    expect(article_page.get_by_role("heading", name="Track a delivery", level=1)).to_be_visible()

    assert Ticket.objects.count() == 0
    assert ContactDeflection.objects.get().state == "pending"
