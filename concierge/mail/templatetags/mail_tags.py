"""The e-mail side of a ticket message, for the ticket page's message partial."""

from __future__ import annotations

from typing import Any

from django import template

from concierge.mail.queries import MessageMail, ticket_mail_details

register = template.Library()


@register.simple_tag(takes_context=True)
def message_mail(context: template.Context, message: Any) -> MessageMail | None:
    """The message's original and outgoing e-mails; loaded once per ticket and request,
    so a thread of any length costs two queries."""
    if message.channel != "email":
        return None
    request = context.get("request")
    holder = request if request is not None else context
    cache: dict[int, dict[int, MessageMail]] = getattr(holder, "_mail_details", None) or {}
    if message.ticket_id not in cache:
        cache[message.ticket_id] = ticket_mail_details(message.ticket_id)
        try:
            holder._mail_details = cache
        except AttributeError:
            pass
    return cache[message.ticket_id].get(message.pk)
