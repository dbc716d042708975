"""E-mail that tells customers an agent answered them.

Each e-mail is a template triple: `<name>-subject.txt`, `-body.txt`, `-body.html`,
rendered in the recipient's language.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from concierge.people.models import Customer
from concierge.tickets.models import Message, MessageKind


def render_email(name: str, context: dict[str, object], language: str) -> EmailMultiAlternatives:
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"tickets/emails/{name}-subject.txt", context).strip()
        text = render_to_string(f"tickets/emails/{name}-body.txt", context)
        html = render_to_string(f"tickets/emails/{name}-body.html", context)
    message = EmailMultiAlternatives(subject=" ".join(subject.split()), body=text)
    message.attach_alternative(html, "text/html")
    return message


def _recipients(message: Message) -> list[Customer]:
    ticket = message.ticket
    people = [ticket.requester, *ticket.followers.all()]
    seen: set[int] = set()
    return [c for c in people if not (c.pk in seen or seen.add(c.pk))]


def reply_notification_send(*, message_id: int) -> int:
    """Send the reply to the requester and followers; returns how many were sent."""
    message = (
        Message.objects.select_related("ticket__requester", "author_user")
        .prefetch_related("ticket__requester__identities", "ticket__followers__identities")
        .filter(pk=message_id, kind=MessageKind.REPLY)
        .first()
    )
    if message is None:
        return 0
    ticket = message.ticket
    link = settings.SITE_URL + reverse("portal:request_detail", args=[ticket.number])
    sent = 0
    for customer in _recipients(message):
        address = customer.primary_email
        if not address:
            continue
        email = render_email(
            "reply",
            {
                "ticket": ticket,
                "message": message,
                "customer": customer,
                "link": link,
                "brand_name": settings.BRAND_NAME,
            },
            customer.language,
        )
        email.to = [address]
        sent += email.send()
    return sent
