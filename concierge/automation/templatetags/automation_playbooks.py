"""The ticket page's checklists: `{% load automation_playbooks %}{% ticket_playbooks ticket %}`."""

from __future__ import annotations

from typing import Any

from django import template

from concierge.automation.playbooks_queries import Checklist, ticket_checklists
from concierge.tickets.models import Ticket

register = template.Library()


@register.simple_tag(takes_context=True)
def ticket_playbooks(context: template.Context, ticket: Ticket) -> dict[str, Any]:
    """The playbooks the ticket follows, and whether the signed-in agent may tick them."""
    user = context["request"].user
    checklists: list[Checklist] = ticket_checklists(ticket)
    return {"checklists": checklists, "can_tick": user.can_reply_publicly}
