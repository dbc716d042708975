"""An admin in a real browser arranges the help center: renames and moves a category,
deletes an empty section after confirming, is told why a full one stays, and deletes an
article."""

from __future__ import annotations

import pytest

from concierge.helpcenter.models import Article, Category, Section
from concierge.helpcenter.testing import make_section, publish

playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_an_admin_arranges_categories_sections_and_articles(page, sign_in_page, admin):
    full = make_section(admin, "Orders", "Shopping")
    make_section(admin, "Gift wrap", "Shopping")
    translation = publish(admin, "Track a delivery", "Every order has a link.", section=full)
    sign_in_page(admin.email)

    page.goto("/help/manage/structure/")
    page.get_by_role("link", name="Edit the category “Shopping”").click()
    page.get_by_label("Title (English)").fill("Orders and delivery")
    page.get_by_label("Position").fill("3")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The category is saved.")).to_be_visible()
    expect(page.get_by_role("row", name="Orders and delivery")).to_be_visible()
    assert Category.objects.get().position == 3

    # An empty section is deleted after a confirmation page.
    page.get_by_role("link", name="Edit the section “Gift wrap”").click()
    page.get_by_role("link", name="Delete…").click()
    expect(page.get_by_role("heading", name="Delete the section “Gift wrap”?")).to_be_visible()
    page.get_by_role("button", name="Delete").click()
    expect(page.get_by_text("The section is deleted.")).to_be_visible()
    assert list(Section.objects.values_list("slug", flat=True)) == ["orders"]

    # A section that still holds an article stays, and the page says why.
    page.goto(f"/help/manage/structure/sections/{full.pk}/delete/")
    expect(page.get_by_role("alert")).to_contain_text("still holds articles")
    expect(page.get_by_role("button", name="Delete")).to_have_count(0)

    # The article is deleted from its editing page, after confirming.
    page.goto(f"/help/manage/{translation.article_id}/en/")
    page.get_by_role("link", name="Delete the article…").click()
    expect(page.get_by_text("This cannot be undone")).to_be_visible()
    page.get_by_role("button", name="Delete").click()
    expect(page.get_by_text("“Track a delivery” is deleted.")).to_be_visible()
    assert not Article.objects.exists()
