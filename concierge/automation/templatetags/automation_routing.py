"""The top bar's online/away switch: `{% load automation_routing %}{% availability_switch %}`."""

from __future__ import annotations

from typing import Any

from django import template

from concierge.automation.routing import availability_of

register = template.Library()


@register.inclusion_tag("automation/routing/_availability.html", takes_context=True)
def availability_switch(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not getattr(user, "is_agent", False):
        return {"show": False}
    return {"show": True, "availability": availability_of(user), "request": request}
