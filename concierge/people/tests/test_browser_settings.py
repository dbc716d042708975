"""What an admin sees in a real browser: settings forms and inline customer notes."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_an_admin_creates_a_team_and_a_shared_view_and_sees_them_listed(
    transactional_db, admin, sign_in_page
):
    from playwright.sync_api import expect

    page = sign_in_page("admin@example.com")

    page.goto("/settings/")
    page.get_by_role("navigation", name="Settings").get_by_role("link", name="Teams").click()
    page.get_by_role("link", name="New team").click()
    page.get_by_label("Name").fill("Returns")
    page.get_by_label("Description").fill("Parcels coming back.")
    page.get_by_label("Only this team's tickets").check()
    page.get_by_label("Languages").fill("fi, sv")
    page.get_by_role("button", name="Create team").click()
    expect(page.get_by_role("status")).to_contain_text("The team Returns was created")

    page.get_by_role("navigation", name="Settings").get_by_role("link", name="Teams").click()
    row = page.get_by_role("row").filter(has_text="Returns")
    expect(row).to_contain_text("Only this team's tickets")
    expect(row).to_contain_text("fi, sv")

    page.get_by_role("navigation", name="Settings").get_by_role("link", name="Shared views").click()
    page.get_by_role("link", name="New shared view").click()
    page.get_by_label("Name").fill("Urgent and new")
    page.get_by_label("Sort by").select_option(label="Highest priority")
    page.get_by_role("checkbox", name="New", exact=True).check()
    page.get_by_role("checkbox", name="Urgent", exact=True).check()
    page.get_by_role("button", name="Create view").click()

    expect(page.get_by_role("status")).to_contain_text("The shared view was created")
    row = page.get_by_role("row").filter(has_text="Urgent and new")
    expect(row).to_contain_text("Status: New")
    expect(row).to_contain_text("Priority: Urgent")
    expect(row).to_contain_text("Highest priority")


def test_a_bad_shared_view_shows_the_error_beside_the_field(transactional_db, admin, sign_in_page):
    from playwright.sync_api import expect

    page = sign_in_page("admin@example.com")
    page.goto("/settings/views/new/")
    page.get_by_label("Name").fill("Tagged")
    page.get_by_label("Tag", exact=True).fill("no-such-tag")
    page.get_by_role("button", name="Create view").click()
    expect(page.locator(".field-invalid")).to_contain_text("Not a valid choice: no-such-tag")
    expect(page.get_by_label("Name")).to_have_value("Tagged")


def test_an_agent_edits_a_customers_notes_in_place(transactional_db, admin, customer, sign_in_page):
    from playwright.sync_api import expect

    page = sign_in_page("admin@example.com")
    page.goto(f"/customers/{customer.pk}/")
    expect(page.get_by_role("heading", name="Kirsi Customer", level=1)).to_be_visible()
    # A mark on the window survives an htmx swap but not a page load.
    page.evaluate("window.notesMark = 'still here'")

    notes = page.locator("#customer-notes")
    notes.get_by_role("link", name="Edit notes").click()
    notes.get_by_label("Notes").fill("Restores old lamps; prefers e-mail to phone calls.")
    notes.get_by_role("button", name="Save notes").click()

    expect(notes.get_by_text("Notes saved.")).to_be_visible()
    expect(notes).to_contain_text("Restores old lamps; prefers e-mail to phone calls.")
    expect(notes.get_by_role("button", name="Save notes")).to_have_count(0)
    assert page.evaluate("window.notesMark") == "still here"

    customer.refresh_from_db()
    assert customer.notes == "Restores old lamps; prefers e-mail to phone calls."
