"""The automation app's models, one module per feature; each is imported here so that
Django finds them (triggers, time rules, routing, macros, playbooks)."""

from concierge.automation.models import (  # noqa: F401
    macros,
    playbooks,
    routing,
    rules,
    triggers,
)
