"""What an admin and an agent see in a real browser: the trigger editor and the switch."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_an_admin_writes_a_trigger_whose_rows_show_only_what_they_need(
    transactional_db, admin, support_team, sign_in_page
):
    from playwright.sync_api import expect

    from concierge.automation.models.triggers import Trigger

    page = sign_in_page("admin@example.com")
    page.goto("/settings/")
    page.get_by_role("navigation", name="Settings").get_by_role("link", name="Triggers").click()
    page.get_by_role("link", name="New trigger").click()
    page.get_by_label("Name").fill("Refunds to Support")
    page.get_by_role("checkbox", name="Ticket created").check()

    row = page.locator("tr.rule-row").first
    expect(row.locator("[data-rule-choice]")).to_be_hidden()
    row.locator("select[name='all-0-field']").select_option(label="Channel")
    # A picked value: the list shows, only channels in it, and the text box hides.
    expect(row.locator("[data-rule-choice]")).to_be_visible()
    expect(row.locator("[data-rule-text]")).to_be_hidden()
    expect(row.locator("[data-rule-choice] option[data-source='team']").first).to_be_hidden()
    row.locator("[data-rule-choice]").select_option(label="Web form")
    second = page.locator("tr.rule-row").nth(1)
    second.locator("select[name='all-1-field']").select_option(label="Subject")
    expect(second.locator("[data-rule-text]")).to_be_visible()
    expect(second.locator("select[name='all-1-operator']")).to_have_value("contains")
    second.locator("select[name='all-1-operator']").select_option(label="contains any of the words")
    second.locator("[data-rule-text]").fill("refund, hyvitys")

    action = page.locator("tr.rule-row").filter(has=page.locator("select[name='actions-0-type']"))
    action.locator("select[name='actions-0-type']").select_option(label="Assign to team")
    expect(action.locator("[data-rule-template]")).to_be_hidden()
    action.locator("[data-rule-choice]").select_option(label="Support")
    page.get_by_role("button", name="Create trigger").click()

    expect(page.get_by_role("status")).to_contain_text("The trigger was saved.")
    row = page.get_by_role("row").filter(has_text="Refunds to Support")
    expect(row).to_contain_text("Channel is Web form")
    expect(row).to_contain_text("Subject contains any of the words refund, hyvitys")
    expect(row).to_contain_text("Assign to team: Support")
    assert Trigger.objects.get(name="Refunds to Support").is_active


def test_an_agent_goes_online_from_the_top_bar(transactional_db, agent, sign_in_page):
    from playwright.sync_api import expect

    from concierge.automation.models.routing import AgentAvailability

    page = sign_in_page("agent@example.com")
    page.goto("/inbox/")
    topbar = page.locator("header.topbar")
    expect(topbar).to_contain_text("Away")

    topbar.get_by_role("button", name="Go online").click()

    expect(topbar).to_contain_text("Online")
    expect(topbar.get_by_role("button", name="Go away")).to_be_visible()
    assert AgentAvailability.objects.get(agent=agent).presence == "online"
