"""Background work for the help center: thin wrappers that take ids and call a service."""

from __future__ import annotations

from django_tasks import task

from concierge.helpcenter import notifications


@task()
def send_feedback_to_owner(feedback_id: int) -> int:
    return notifications.feedback_notification_send(feedback_id=feedback_id)
