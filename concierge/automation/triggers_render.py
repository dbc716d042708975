"""Placeholders in the texts that triggers and time rules write: `{{ ticket.number }}`.

The syntax is the familiar one, but nothing here is a template engine: one regular
expression finds `{{ name }}`, and each name is looked up in a dictionary of plain
strings computed from a fixed list. There are no tags, filters or attribute lookups, and
a value is never read again as a template, so a customer who writes "{{ settings }}" into
a subject gets exactly those characters back. Texts are checked when they are saved, so
an unknown placeholder is reported to the admin instead of rendering empty.

The result is plain text; the HTML part of an e-mail is built from it with escaping.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext_lazy as _

from concierge.people.models import User
from concierge.tickets.models import Ticket

PLACEHOLDERS: dict[str, Any] = {
    "ticket.number": _("the ticket's number"),
    "ticket.subject": _("the ticket's subject"),
    "ticket.status": _("the ticket's status, in the recipient's language"),
    "ticket.priority": _("the ticket's priority, in the recipient's language"),
    "ticket.url": _("the address of the request in the customer portal"),
    "ticket.agent_url": _("the address of the ticket for agents"),
    "customer.name": _("the customer's full name"),
    "customer.first_name": _("the customer's first name"),
    "customer.email": _("the customer's e-mail address"),
    "assignee.name": _("the assigned agent's full name"),
    "assignee.first_name": _("the assigned agent's first name"),
    "team.name": _("the ticket's team"),
    "organization.name": _("the customer's organization"),
    "message.text": _("the text of the message that set the trigger off"),
    "brand.name": _("the name of your service"),
}

_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}\}")


def unknown_placeholders(text: str) -> list[str]:
    return sorted({name for name in _PLACEHOLDER.findall(text) if name not in PLACEHOLDERS})


def validate_placeholders(text: str) -> None:
    unknown = unknown_placeholders(text)
    if unknown:
        raise ValidationError(
            _("Unknown placeholder: %(names)s. Use one of the listed placeholders.")
            % {"names": ", ".join(f"{{{{ {name} }}}}" for name in unknown)}
        )


def placeholder_values(
    ticket: Ticket, *, message_text: str = "", assignee: User | None = None
) -> dict[str, str]:
    """The strings placeholders stand for. Call it inside the recipient's language:
    statuses and priorities are given in words."""
    customer = ticket.requester
    assignee = assignee if assignee is not None else ticket.assignee
    return {
        "ticket.number": str(ticket.number),
        "ticket.subject": ticket.subject,
        "ticket.status": str(ticket.get_status_display()),
        "ticket.priority": str(ticket.get_priority_display()),
        "ticket.url": settings.SITE_URL + reverse("portal:request_detail", args=[ticket.number]),
        "ticket.agent_url": settings.SITE_URL + reverse("tickets:detail", args=[ticket.number]),
        "customer.name": str(customer),
        "customer.first_name": customer.first_name or str(customer),
        "customer.email": customer.primary_email,
        "assignee.name": str(assignee) if assignee else "",
        "assignee.first_name": assignee.first_name if assignee else "",
        "team.name": ticket.team.name if ticket.team_id and ticket.team else "",
        "organization.name": ticket.organization.name if ticket.organization else "",
        "message.text": message_text,
        "brand.name": settings.BRAND_NAME,
    }


def render_text(text: str, values: dict[str, str]) -> str:
    """`text` with each known placeholder replaced by its value, in one pass."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), ""), text)


def text_to_html(text: str) -> str:
    return linebreaks(escape(text))
