"""Background work for the portal: thin wrappers that take ids and call a service."""

from __future__ import annotations

from django_tasks import task

from concierge.portal import services


@task()
def send_magic_link(customer_id: int, email: str, next_url: str = "", language: str = "") -> int:
    return services.magic_link_send(
        customer_id=customer_id, email=email, next_url=next_url, language=language
    )
