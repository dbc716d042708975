"""Background work for service levels: thin wrappers that take ids and call the SLA code."""

from __future__ import annotations

from django_tasks import task

from concierge.sla import escalations, notices


@task()
def sla_sweep() -> str:
    """One escalation sweep (the worker's scheduler also runs it every tick)."""
    return str(escalations.sweep())


@task()
def send_notice_emails(notice_ids: list[int]) -> int:
    return notices.notice_emails_send(notice_ids=notice_ids)
