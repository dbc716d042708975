"""What the desk itself writes into a ticket's thread (merges, splits), as data.

A system message stores its note (`Message.system_note`) and is shown in the language of
whoever reads it; its `body_text` holds the same words in the desk's language, for
exports and for messages written before notes existed.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

NOTES: dict[str, Promise] = {
    "merged_from": _("Ticket #%(number)s was merged into this ticket."),
    "merged_into": _("This ticket was merged into #%(number)s."),
    "split_from": _("Split from ticket #%(number)s."),
    "split_out": _("A message was split out into ticket #%(number)s."),
}


def system_note(note: str, *, number: int) -> dict[str, Any]:
    if note not in NOTES:
        raise ValueError(f"no such system note: {note}")
    return {"note": note, "number": number}


def system_note_text(value: Any) -> str:
    """The note in the active language; "" for no note or one this version does not know."""
    if not isinstance(value, dict) or value.get("note") not in NOTES:
        return ""
    return str(NOTES[value["note"]]) % {"number": value.get("number", "")}


def system_note_desk_text(value: dict[str, Any]) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return system_note_text(value)
