"""Fixtures for the help center's tests: articles built through the services."""

from __future__ import annotations

from typing import Any

import pytest

from concierge.helpcenter.testing import make_section, publish


@pytest.fixture
def section(admin: Any) -> Any:
    return make_section(admin)


@pytest.fixture
def article(admin: Any, section: Any) -> Any:
    """A public article in English and Russian, published."""
    english = publish(
        admin,
        "Reset your password",
        "Open **Sign in** and choose *Forgot password*.",
        section=section,
        key="reset-password",
    )
    publish(
        admin,
        "Сброс пароля",
        "Откройте **Вход** и выберите «Забыли пароль».",
        language="ru",
        article=english.article,
    )
    english.refresh_from_db()
    return english


@pytest.fixture
def acme(db: None) -> Any:
    from concierge.people.models import Organization

    return Organization.objects.create(name="Acme")
