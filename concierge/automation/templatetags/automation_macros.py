"""The composer's macro picker: `{% load automation_macros %}{% macro_picker as picker %}`."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import Http404

from concierge.automation.macros_composer import MacroPicker, macro_picker
from concierge.automation.macros_queries import macro_for_user

register = template.Library()


@register.simple_tag(takes_context=True)
def composer_macro_picker(context: template.Context) -> MacroPicker | None:
    """The picker for the signed-in agent, and the macro applied to the draft, if any.

    The applied macro is the one the apply view just chose, or the one a re-shown
    composer (a refused or invalid send) still carries in its posted form.
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not getattr(user, "is_agent", False):
        return None
    if "applied_macro" in context:
        applied = context["applied_macro"]
    else:
        applied = _posted_macro(user, context.get("reply_form"))
    return macro_picker(user, applied)


def _posted_macro(user: Any, form: Any) -> Any:
    if form is None or not form.is_bound:
        return None
    macro_id = form.data.get("macro")
    if not macro_id:
        return None
    try:
        return macro_for_user(user, macro_id)
    except Http404:
        return None
