"""Every write about macros: keeping them, and sending a message with one applied.

A macro is applied the way the best-known help desks do it: choosing it in the composer
fills in the text and proposes its status, and nothing changes on the ticket until the
agent sends. Then the message, the macro's field changes and tags, the audit event and
the usage count are written together, or not at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from concierge.automation.models.macros import AssigneeAction, Macro, MacroVariant
from concierge.people.models import User
from concierge.tickets import pipeline
from concierge.tickets.models import EventKind, Message, Ticket, TicketEvent
from concierge.tickets.services import (
    AttachmentInput,
    NotAllowedError,
    ticket_reply,
    ticket_set_tags,
    ticket_update,
)

# The fields a macro may set, as stored on the macro.
MACRO_FIELDS = (
    "title",
    "description",
    "is_active",
    "send_as",
    "set_status",
    "set_priority",
    "set_ticket_type",
    "set_team",
    "assignee_action",
    "set_assignee",
    "add_tags",
    "remove_tags",
)


@dataclass(frozen=True)
class VariantInput:
    language: str
    tone: str
    body: str


def _save_variants(macro: Macro, variants: Iterable[VariantInput]) -> None:
    # Replaced as a whole: texts have no identity of their own worth keeping.
    macro.variants.all().delete()
    MacroVariant.objects.bulk_create(
        [MacroVariant(macro=macro, language=v.language, tone=v.tone, body=v.body) for v in variants]
    )


def macro_create(
    *,
    owner: User | None,
    actor: User,
    variants: Sequence[VariantInput],
    **values: Any,
) -> Macro:
    """A personal macro of `owner`, or a shared one when `owner` is None (admins only)."""
    _check_may_manage(actor=actor, owner=owner)
    unknown = set(values) - set(MACRO_FIELDS)
    if unknown:
        raise TypeError(f"not macro fields: {sorted(unknown)}")
    now = timezone.now()
    with transaction.atomic():
        macro = Macro.objects.create(
            owner=owner, created_by=actor, created_at=now, updated_at=now, **values
        )
        _save_variants(macro, variants)
    return macro


def macro_update(
    *, macro: Macro, actor: User, variants: Sequence[VariantInput], **values: Any
) -> Macro:
    _check_may_manage(actor=actor, owner=macro.owner)
    unknown = set(values) - set(MACRO_FIELDS)
    if unknown:
        raise TypeError(f"not macro fields: {sorted(unknown)}")
    with transaction.atomic():
        for name, value in values.items():
            setattr(macro, name, value)
        macro.updated_at = timezone.now()
        macro.save(update_fields=[*values, "updated_at"])
        _save_variants(macro, variants)
    return macro


def macro_delete(*, macro: Macro, actor: User) -> None:
    _check_may_manage(actor=actor, owner=macro.owner)
    macro.delete()


def _check_may_manage(*, actor: User, owner: User | None) -> None:
    if owner is None and not actor.is_admin:
        raise NotAllowedError(_("Only admins manage shared macros."))
    if owner is not None and owner.pk != actor.pk:
        raise NotAllowedError(_("A personal macro is managed by its owner only."))


def macro_field_changes(macro: Macro, *, actor: User) -> dict[str, Any]:
    """Keyword arguments for ticket_update: what the macro changes besides the status.

    The status is not here: the composer proposes it in its own "and set status" field,
    where the agent sees it and may change it before sending.
    """
    changes: dict[str, Any] = {}
    if macro.set_priority:
        changes["priority"] = macro.set_priority
    if macro.set_ticket_type:
        changes["ticket_type"] = macro.set_ticket_type
    if macro.set_team_id:
        changes["team"] = macro.set_team
    if macro.assignee_action == AssigneeAction.CURRENT_USER:
        changes["assignee"] = actor
    elif macro.assignee_action == AssigneeAction.NOBODY:
        changes["assignee"] = None
    elif (
        macro.assignee_action == AssigneeAction.AGENT
        and macro.set_assignee is not None
        # An agent who left since the macro was written is not assigned new work.
        and macro.set_assignee.is_active
    ):
        changes["assignee"] = macro.set_assignee
    return changes


def macro_reply(
    *,
    macro: Macro,
    ticket: Ticket,
    author: User,
    body_text: str,
    internal: bool,
    body_html: str = "",
    attachments: Sequence[AttachmentInput] = (),
    expected_version: int | None = None,
    status: str | None = None,
) -> Message:
    """Send a reply or note written with `macro`, and apply the macro's changes with it.

    Takes the same arguments as ticket_reply, whose checks it keeps: a stale version
    refuses everything, and a light agent may only add a note. A light agent's role
    changes no fields, so for them the macro only supplies the text.
    """
    with transaction.atomic():
        if author.can_reply_publicly:
            changes = macro_field_changes(macro, actor=author)
            if changes or expected_version is not None:
                # Checks the version the agent saw; the ticket stays locked until commit.
                ticket = ticket_update(
                    ticket=ticket, actor=author, expected_version=expected_version, **changes
                )
                expected_version = None
            if macro.add_tags or macro.remove_tags:
                ticket = ticket_set_tags(
                    ticket=ticket, actor=author, add=macro.add_tags, remove=macro.remove_tags
                )
        message = ticket_reply(
            ticket=ticket,
            author=author,
            body_text=body_text,
            body_html=body_html,
            internal=internal,
            attachments=attachments,
            expected_version=expected_version,
            status=status or None,
        )
        event = TicketEvent.objects.create(
            ticket=message.ticket,
            kind=EventKind.MACRO_APPLIED,
            actor=author,
            field="macro",
            after={"id": macro.pk, "label": macro.title},
            message=message,
        )
        macro_count_use(macro=macro)
        pipeline.run([event])
    return message


def macro_count_use(*, macro: Macro) -> None:
    """One more use; counted in the database so concurrent senders are all counted."""
    Macro.objects.filter(pk=macro.pk).update(
        usage_count=F("usage_count") + 1, last_used_at=timezone.now()
    )
