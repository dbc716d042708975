"""Shared test fixtures: the named users every permission test speaks of, and a browser.

- admin: sees everything
- agent, teammate: agents of the Support team (which only sees its own tickets)
- outsider: an agent of the Billing team, who must not see Support's tickets
- light_agent: a Support member who may only add internal notes
- customer, other_customer: two customers of the portal
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

# Tasks run at once in tests (on commit); tests of the worker itself switch backends.
os.environ.setdefault("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
os.environ.setdefault("CONCIERGE_FAST_PASSWORD_HASHER", "1")
os.environ.setdefault("RATELIMIT_ENABLE", "0")
# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests
# make around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _apply_test_environment() -> None:
    """pytest-django loads the settings before this file runs, so the defaults above came
    too late for them; apply them to the loaded settings before anything reads them."""
    from django.conf import settings

    from concierge.env import envbool

    settings.TASKS = {
        **settings.TASKS,
        "default": {**settings.TASKS["default"], "BACKEND": os.environ["TASKS_BACKEND"]},
    }
    settings.RATELIMIT_ENABLE = envbool("RATELIMIT_ENABLE", True)
    if envbool("CONCIERGE_FAST_PASSWORD_HASHER", False):
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


_apply_test_environment()

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def _make_user(email: str, name: str, role: str) -> Any:
    from concierge.people.models import User

    return User.objects.create_user(email=email, password=PASSWORD, full_name=name, role=role)


@pytest.fixture
def support_team(db: None) -> Any:
    from concierge.people.models import Team, TicketVisibility

    return Team.objects.create(name="Support", ticket_visibility=TicketVisibility.TEAM)


@pytest.fixture
def billing_team(db: None) -> Any:
    from concierge.people.models import Team, TicketVisibility

    return Team.objects.create(name="Billing", ticket_visibility=TicketVisibility.TEAM)


@pytest.fixture
def admin(db: None) -> Any:
    return _make_user("admin@example.com", "Ada Admin", "admin")


@pytest.fixture
def agent(support_team: Any) -> Any:
    user = _make_user("agent@example.com", "Aino Agent", "agent")
    support_team.memberships.create(user=user)
    return user


@pytest.fixture
def teammate(support_team: Any) -> Any:
    user = _make_user("teammate@example.com", "Timur Teammate", "agent")
    support_team.memberships.create(user=user)
    return user


@pytest.fixture
def light_agent(support_team: Any) -> Any:
    user = _make_user("light@example.com", "Leyla Light", "light_agent")
    support_team.memberships.create(user=user)
    return user


@pytest.fixture
def outsider(billing_team: Any) -> Any:
    user = _make_user("outsider@example.com", "Otto Outsider", "agent")
    billing_team.memberships.create(user=user)
    return user


def _make_customer(email: str, name: str, language: str = "en") -> Any:
    from concierge.people.services import customer_find_or_create_by_email, customer_portal_user

    customer = customer_find_or_create_by_email(email=email, full_name=name, language=language)
    user = customer_portal_user(customer=customer)
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    customer.refresh_from_db()
    return customer


@pytest.fixture
def customer(db: None) -> Any:
    return _make_customer("customer@example.com", "Kirsi Customer", "fi")


@pytest.fixture
def other_customer(db: None) -> Any:
    return _make_customer("other@example.com", "Oleg Other", "ru")


@pytest.fixture
def ticket(customer: Any, support_team: Any) -> Any:
    """A Support ticket from `customer` with one customer message."""
    from concierge.tickets.models import Channel
    from concierge.tickets.services import ticket_create

    return ticket_create(
        requester=customer,
        subject="Order arrived damaged",
        channel=Channel.WEB,
        body_text="The box was crushed and the lamp inside is broken.",
        team=support_team,
    )


@pytest.fixture
def login(client: Any) -> Any:
    """Sign a user in on the test client: `login(agent)`."""

    def sign_in(user: Any) -> Any:
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright (no browser download)."""
    playwright_sync = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    with playwright_sync.sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def sign_in_page(page: Any) -> Any:
    """Sign a user in through the real login form."""

    def sign_in(email: str, password: str = PASSWORD) -> Any:
        page.goto("/login/")
        page.get_by_label("E-mail").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state("networkidle")
        return page

    return sign_in
