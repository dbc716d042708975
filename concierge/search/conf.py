"""The search engine's and the help center's settings, read from the environment.

A value set in Django's settings (as tests do) wins over the environment; both are
documented in docs/search.md and docs/helpcenter.md.
"""

from __future__ import annotations

from django.conf import settings

from concierge.env import envint


def search_log_retention_days() -> int:
    """How long searches are kept before `concierge search prune` deletes them."""
    return int(
        getattr(settings, "SEARCH_LOG_RETENTION_DAYS", envint("SEARCH_LOG_RETENTION_DAYS", 180))
    )


def deflection_window_minutes() -> int:
    """How long after opening a suggested article a visit without a request counts as
    deflected."""
    return int(
        getattr(settings, "DEFLECTION_WINDOW_MINUTES", envint("DEFLECTION_WINDOW_MINUTES", 30))
    )
