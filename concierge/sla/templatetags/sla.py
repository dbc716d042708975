"""Template tags for service levels: the due badge of inbox rows and the ticket page."""

from __future__ import annotations

from django import template

from concierge.sla.display import DueBadge, TargetLine, due_badge, target_lines
from concierge.sla.queries import unread_notice_count
from concierge.tickets.models import Ticket

register = template.Library()


@register.simple_tag
def sla_due_badge(ticket: Ticket) -> DueBadge | None:
    """`{% sla_due_badge ticket as badge %}`: the next due target, relative to now."""
    return due_badge(ticket)


@register.simple_tag
def sla_target_lines(ticket: Ticket) -> list[TargetLine]:
    """`{% sla_target_lines ticket as lines %}`: every target still to be met."""
    return target_lines(ticket)


@register.simple_tag(takes_context=True)
def sla_unread_notices(context: template.Context) -> int:
    """`{% sla_unread_notices as unread %}`: the signed-in agent's unread notices."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return unread_notice_count(user)
