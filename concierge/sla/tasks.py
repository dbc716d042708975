"""Background work for service levels: thin wrappers that take ids and call the SLA code."""

from __future__ import annotations

from django_tasks import task

from concierge.sla import escalations


@task()
def sla_sweep() -> str:
    """One escalation sweep (the worker's scheduler also runs it every tick)."""
    return str(escalations.sweep())
