"""Background work for tickets: thin wrappers that take ids and call a service."""

from __future__ import annotations

from django_tasks import task

from concierge.tickets import notifications


@task()
def send_reply_notification(message_id: int) -> int:
    return notifications.reply_notification_send(message_id=message_id)
