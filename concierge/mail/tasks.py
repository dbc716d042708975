"""Background work of the e-mail channel: thin wrappers that take ids and call a service."""

from __future__ import annotations

from django_tasks import default_task_backend, task

from concierge.mail.models import OutboundEmail, OutboundStatus
from concierge.mail.services import ingest, outbox


@task()
def process_raw_message(raw_message_id: int) -> str:
    return ingest.raw_message_process(raw_message_id).action


@task()
def send_outbound_email(outbound_id: int) -> str:
    status = outbox.outbound_send(outbound_id=outbound_id)
    if status == OutboundStatus.QUEUED and default_task_backend.supports_defer:
        # Retry when the backoff says so; without deferred tasks the mail worker's
        # drain loop picks the row up when it is due.
        due = OutboundEmail.objects.filter(pk=outbound_id).values_list("next_attempt_at", flat=True)
        for run_after in due:
            send_outbound_email.using(run_after=run_after).enqueue(outbound_id)
    return status


@task()
def send_outbound_emails(outbound_ids: list[int]) -> dict[str, int]:
    """The e-mails a batch of incoming mail queued (acknowledgements, say), sent by one
    task; each that must be tried again later gets a retry of its own."""
    counts: dict[str, int] = {}
    for outbound_id in outbound_ids:
        status = send_outbound_email.call(outbound_id)
        counts[status] = counts.get(status, 0) + 1
    return counts
