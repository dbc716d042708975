"""What the composer's macro picker shows, and the draft a chosen macro turns into."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from concierge.automation.macros_queries import choose_variant, macro_choices, ticket_language
from concierge.automation.macros_render import render_macro_text
from concierge.automation.macros_services import macro_field_changes
from concierge.automation.models.macros import Macro
from concierge.people.models import User
from concierge.tickets.forms import PRIORITY_CHOICES
from concierge.tickets.models import Ticket, TicketType


@dataclass
class MacroPicker:
    personal: list[Macro] = field(default_factory=list)
    shared: list[Macro] = field(default_factory=list)
    applied: Macro | None = None
    # What the applied macro will change when the message is sent, in words.
    changes: list[str] = field(default_factory=list)
    # A light agent: the macro gives the text of a note, and changes nothing else.
    text_only: bool = False

    @property
    def has_macros(self) -> bool:
        return bool(self.personal or self.shared)


def macro_picker(user: User, applied: Macro | None) -> MacroPicker:
    choices = macro_choices(user)
    picker = MacroPicker(
        personal=[m for m in choices if m.owner_id is not None],
        shared=[m for m in choices if m.owner_id is None],
        applied=applied,
        text_only=not user.can_reply_publicly,
    )
    if applied is not None and user.can_reply_publicly:
        picker.changes = describe_changes(applied, actor=user)
    return picker


def describe_changes(macro: Macro, *, actor: User) -> list[str]:
    """The macro's changes besides its text and status, as the agent will read them."""
    lines = []
    changes = macro_field_changes(macro, actor=actor)
    if "priority" in changes:
        label = dict(PRIORITY_CHOICES).get(str(changes["priority"]), changes["priority"])
        lines.append(_("Priority: %(value)s") % {"value": label})
    if "ticket_type" in changes:
        lines.append(_("Type: %(value)s") % {"value": TicketType(changes["ticket_type"]).label})
    if "team" in changes:
        lines.append(_("Team: %(value)s") % {"value": changes["team"]})
    if "assignee" in changes:
        assignee = changes["assignee"]
        if assignee is None:
            value = _("nobody")
        elif assignee.pk == actor.pk:
            value = _("you")
        else:
            value = str(assignee)
        lines.append(_("Assignee: %(value)s") % {"value": value})
    if macro.add_tags:
        lines.append(_("Add tags: %(tags)s") % {"tags": ", ".join(macro.add_tags)})
    if macro.remove_tags:
        lines.append(_("Remove tags: %(tags)s") % {"tags": ", ".join(macro.remove_tags)})
    return lines


def macro_text_for(macro: Macro, *, ticket: Ticket, agent: User) -> str:
    """The macro's text for this ticket: the customer's language, the brand's register."""
    language = ticket_language(ticket)
    variant = choose_variant(macro.variants.all(), language)
    if variant is None:
        return ""
    return render_macro_text(variant.body, ticket=ticket, agent=agent, language=variant.language)


def draft_with_macro(draft: str, *, previous_text: str, new_text: str) -> str:
    """The composer's text after choosing a macro (or removing one: `new_text` empty).

    The text of the macro chosen before is swapped for the new one while the agent has
    left it as it was; otherwise the new text is added below what the agent wrote.
    """
    # Browsers send a text box's lines ended with CR LF; the macro's text has LF.
    draft = draft.replace("\r\n", "\n")
    if previous_text and previous_text in draft:
        combined = draft.replace(previous_text, new_text, 1)
        return re.sub(r"\n{3,}", "\n\n", combined).strip()
    if not draft.strip():
        return new_text
    if not new_text:
        return draft
    return f"{draft.rstrip()}\n\n{new_text}"
