"""Background work for automation: thin wrappers that take plain values and send or sweep."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django_tasks import task


@task()
def send_automation_email(*, to: str, subject: str, body_text: str, body_html: str) -> int:
    """Send an e-mail a trigger or time rule rendered when it acted.

    It is marked as automatically generated (RFC 3834), so well-behaved mail robots do
    not answer it and start a loop with the desk.
    """
    email = EmailMultiAlternatives(
        subject=subject,
        body=body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"},
    )
    email.attach_alternative(body_html, "text/html")
    return email.send()
