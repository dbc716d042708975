"""Fixtures and helpers shared by the portal's tests."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache

MAGIC_LINK = re.compile(r"https?://\S+/portal/login/[^\s/]+/(?:\?\S*)?")


def magic_link_path(mail: Any) -> str:
    """The path (and query) of the sign-in link in an e-mail, ready for the test client."""
    found = MAGIC_LINK.findall(mail.body)
    assert found, f"no sign-in link in: {mail.body}"
    parts = urlsplit(found[0])
    return parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.fixture
def rate_limits(settings: Any) -> Any:
    """Turn the rate limits on (tests run without them) with an empty counter store."""
    settings.RATELIMIT_ENABLE = True
    cache.clear()
    yield settings
    cache.clear()


@pytest.fixture
def acme(db: None) -> Any:
    """An organization that owns the acme.example domain."""
    from concierge.people.models import Organization
    from concierge.people.services import organization_set_domains

    organization = Organization.objects.create(name="Acme")
    organization_set_domains(organization=organization, domains=["acme.example"])
    return organization
