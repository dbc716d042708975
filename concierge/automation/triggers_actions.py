"""What triggers and time rules do to a ticket, always through the ticket services.

An action is a small JSON document, {"type": "set_status", "value": "solved"} or
{"type": "email_requester", "template": 4}. Field changes of one rule are made in one
`ticket_update`, tags in one `ticket_set_tags`, and each note is one internal note, all
with no actor: the caller runs them inside `caused_by(...)`, so every audit event names
the rule. E-mails are rendered now, in each recipient's language, recorded as an audit
event on the ticket, and queued in the mail outbox with the change; the worker sends
each once, with retries (concierge.mail.services.outbox).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from concierge.automation.models.triggers import EmailTemplate
from concierge.automation.triggers_conditions import validate_address, value_choices
from concierge.automation.triggers_render import (
    placeholder_values,
    render_text,
    text_to_html,
    validate_placeholders,
)
from concierge.mail.models import OutboundKind
from concierge.mail.services.outbox import automatic_email_queue
from concierge.people.models import Team, User
from concierge.people.queries import active_agents
from concierge.tickets.models import EventKind, Tag, Ticket, TicketEvent
from concierge.tickets.services import (
    NotAllowedError,
    current_cause,
    ticket_reply,
    ticket_set_tags,
    ticket_update,
)

logger = logging.getLogger(__name__)


class ActionType(models.TextChoices):
    SET_STATUS = "set_status", _("Set status")
    SET_PRIORITY = "set_priority", _("Set priority")
    SET_TYPE = "set_type", _("Set type")
    ASSIGN_AGENT = "assign_agent", _("Assign to agent")
    ASSIGN_TEAM = "assign_team", _("Assign to team")
    ADD_TAGS = "add_tags", _("Add tags")
    REMOVE_TAGS = "remove_tags", _("Remove tags")
    ADD_NOTE = "add_note", _("Add an internal note")
    EMAIL_REQUESTER = "email_requester", _("E-mail the customer")
    EMAIL_ASSIGNEE = "email_assignee", _("E-mail the assignee")
    EMAIL_TEAM = "email_team", _("E-mail a team")
    EMAIL_ADDRESS = "email_address", _("E-mail an address")


@dataclass(frozen=True)
class ActionSpec:
    # Where the value comes from: an enumeration or model of `value_choices`, "tags",
    # "note", "address", or "" when the action needs only a template.
    source: str
    field: str = ""  # the ticket_update argument a field action sets
    template: bool = False


SPECS: dict[str, ActionSpec] = {
    ActionType.SET_STATUS: ActionSpec("status", field="status"),
    ActionType.SET_PRIORITY: ActionSpec("priority", field="priority"),
    ActionType.SET_TYPE: ActionSpec("ticket_type", field="ticket_type"),
    ActionType.ASSIGN_AGENT: ActionSpec("agent", field="assignee"),
    ActionType.ASSIGN_TEAM: ActionSpec("team", field="team"),
    ActionType.ADD_TAGS: ActionSpec("tags"),
    ActionType.REMOVE_TAGS: ActionSpec("tags"),
    ActionType.ADD_NOTE: ActionSpec("note"),
    ActionType.EMAIL_REQUESTER: ActionSpec("", template=True),
    ActionType.EMAIL_ASSIGNEE: ActionSpec("", template=True),
    ActionType.EMAIL_TEAM: ActionSpec("team", template=True),
    ActionType.EMAIL_ADDRESS: ActionSpec("address", template=True),
}

NOTE_MAX_LENGTH = 5000


# --- checking what an admin wrote ---------------------------------------------------------


def _tag_names(value: str) -> list[str]:
    return sorted({Tag.normalize(n) for n in value.replace("\n", ",").split(",") if n.strip()})


def clean_action(raw: dict[str, Any]) -> dict[str, Any]:
    """An action as stored, or ValidationError keyed by "type", "value" or "template"."""
    kind = str(raw.get("type", ""))
    spec = SPECS.get(kind)
    if spec is None:
        raise ValidationError({"type": _("Choose an action from the list.")})
    value = str(raw.get("value", "") or "").strip()
    action: dict[str, Any] = {"type": kind}
    if spec.source == "tags":
        names = _tag_names(value)
        if not names:
            raise ValidationError({"value": _("Write one or more tags, separated by commas.")})
        action["value"] = ", ".join(names)
    elif spec.source == "note":
        if not value:
            raise ValidationError({"value": _("Write the note.")})
        if len(value) > NOTE_MAX_LENGTH:
            raise ValidationError({"value": _("Keep the note under 5000 characters.")})
        try:
            validate_placeholders(value)
        except ValidationError as error:
            raise ValidationError({"value": error.messages}) from None
        action["value"] = value
    elif spec.source == "address":
        action["value"] = validate_address(value)
    elif spec.source:
        allowed = {v for v, _label in value_choices([spec.source])[spec.source]}
        if spec.source == "team" and spec.template:
            allowed.discard("")  # e-mailing "no team" reaches nobody
        if value not in allowed:
            raise ValidationError({"value": _("Choose a value from the list.")})
        action["value"] = value
    if spec.template:
        template = str(raw.get("template", "") or "")
        if not template.isdigit() or not EmailTemplate.objects.filter(pk=template).exists():
            raise ValidationError({"template": _("Choose the e-mail to send.")})
        action["template"] = int(template)
    return action


def clean_actions(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    actions = [clean_action(row) for row in rows]
    if not actions:
        raise ValidationError(_("Add at least one action."))
    return actions


def describe(
    action: dict[str, Any],
    choices: dict[str, list[tuple[str, str]]],
    templates: dict[int, str],
) -> str:
    """An action in words for the rule lists: "Set status: Solved"."""
    try:
        kind = ActionType(action.get("type", ""))
    except ValueError:
        return str(action)
    spec = SPECS[kind]
    parts: list[str | Promise] = [kind.label]
    value = str(action.get("value", ""))
    if spec.source in choices:
        parts.append(dict(choices[spec.source]).get(value, value))
    elif value and spec.source != "note":
        parts.append(value)
    if spec.template:
        parts.append(templates.get(action.get("template", 0), "?"))
    return ": ".join(str(p) for p in parts if str(p))


# --- doing it -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Outgoing:
    to: str
    subject: str
    body_text: str
    body_html: str


def _pick_variant(template: EmailTemplate, language: str) -> dict[str, str] | None:
    variants = template.variants or {}
    for code in (language, settings.LANGUAGE_CODE):
        variant = variants.get(code)
        if variant and variant.get("body", "").strip():
            return variant
    return next((v for v in variants.values() if v and v.get("body", "").strip()), None)


def render_email(
    template: EmailTemplate, ticket: Ticket, language: str, *, message_text: str = ""
) -> tuple[str, str, str]:
    """(subject, text, html) of a template for one ticket, in `language` when it has it."""
    variant = _pick_variant(template, language) or {"subject": "", "body": ""}
    # The chosen variant's language names the statuses, whatever the recipient speaks.
    chosen = next((code for code, v in (template.variants or {}).items() if v is variant), language)
    with translation.override(chosen or settings.LANGUAGE_CODE):
        values = placeholder_values(ticket, message_text=message_text)
    subject = " ".join(render_text(variant.get("subject", ""), values).split())[:250]
    body = render_text(variant.get("body", ""), values)
    return subject or ticket.subject, body, text_to_html(body)


def _recipients(
    action: dict[str, Any], ticket: Ticket, actor: User | None
) -> list[tuple[str, str]]:
    """(address, language) of the people an e-mail action reaches.

    Agents are not told of what they did themselves (an agent who assigns a ticket to
    themselves needs no e-mail about it).
    """
    kind = action["type"]
    if kind == ActionType.EMAIL_REQUESTER:
        customer = ticket.requester
        address = customer.primary_email
        return [(address, customer.language or ticket.language)] if address else []
    if kind == ActionType.EMAIL_ADDRESS:
        return [(action["value"], ticket.language)]
    if kind == ActionType.EMAIL_ASSIGNEE:
        agents = [ticket.assignee] if ticket.assignee_id and ticket.assignee else []
    else:
        agents = list(active_agents().filter(teams__pk=action.get("value")))
    return [
        (agent.email, agent.language)
        for agent in agents
        if agent.is_active and agent.email and (actor is None or agent.pk != actor.pk)
    ]


def _send_email(ticket: Ticket, outgoing: Outgoing, *, to_requester: bool) -> None:
    queued = automatic_email_queue(
        kind=OutboundKind.AUTOMATION,
        ticket=ticket,
        to=outgoing.to,
        subject=outgoing.subject,
        body_text=outgoing.body_text,
        body_html=outgoing.body_html,
        to_requester=to_requester,
    )
    if queued is None:
        return
    TicketEvent.objects.create(
        ticket=ticket,
        kind=EventKind.EMAIL_SENT,
        field="email",
        after={"label": f"{outgoing.to}: {outgoing.subject}"},
        cause=current_cause(),
    )


def _field_value(spec: ActionSpec, value: str) -> Any:
    if spec.field == "priority":
        return int(value)
    if spec.field == "assignee":
        return active_agents().filter(pk=value).first() if value else None
    if spec.field == "team":
        return Team.objects.filter(pk=value).first() if value else None
    return value


def perform(
    actions: Sequence[dict[str, Any]],
    ticket: Ticket,
    *,
    message_text: str = "",
    actor: User | None = None,
) -> None:
    """Apply a rule's actions to a ticket. Call inside `caused_by(...)` and a transaction.

    `actor` is the person whose change set the rule off, if any: they get no e-mail
    about it. An action naming something that no longer exists (a deleted agent or
    template) is skipped.
    """
    changes: dict[str, Any] = {}
    add: list[str] = []
    remove: list[str] = []
    notes: list[str] = []
    emails: list[dict[str, Any]] = []
    for action in actions:
        spec = SPECS.get(action.get("type", ""))
        if spec is None:
            continue
        if spec.field:
            value = _field_value(spec, str(action.get("value", "")))
            if spec.field in ("assignee", "team") and value is None and action.get("value"):
                continue
            changes[spec.field] = value
        elif action["type"] == ActionType.ADD_TAGS:
            add += _tag_names(action.get("value", ""))
        elif action["type"] == ActionType.REMOVE_TAGS:
            remove += _tag_names(action.get("value", ""))
        elif action["type"] == ActionType.ADD_NOTE:
            notes.append(action.get("value", ""))
        else:
            emails.append(action)
    if changes:
        try:
            # A savepoint: a refused change (a required procedure not done before solving)
            # must not undo the change of the person that set the rule off.
            with transaction.atomic():
                ticket = ticket_update(ticket=ticket, actor=None, **changes)
        except NotAllowedError as error:
            logger.info("rule left ticket #%s unchanged: %s", ticket.number, error)
    if add or remove:
        ticket = ticket_set_tags(ticket=ticket, actor=None, add=add, remove=remove)
    for note in notes:
        with translation.override(settings.LANGUAGE_CODE):
            values = placeholder_values(ticket, message_text=message_text)
        ticket_reply(ticket=ticket, author=None, body_text=render_text(note, values), internal=True)
    if emails:
        _send_emails(
            emails,
            Ticket.objects.select_related("requester", "assignee", "team", "organization").get(
                pk=ticket.pk
            ),
            message_text=message_text,
            actor=actor,
        )


def _send_emails(
    emails: Sequence[dict[str, Any]], ticket: Ticket, *, message_text: str, actor: User | None
) -> None:
    templates = EmailTemplate.objects.in_bulk([a.get("template") for a in emails])
    # An agent who is both the assignee and in the e-mailed team gets the e-mail once.
    sent: set[tuple[str, int]] = set()
    for action in emails:
        template = templates.get(action.get("template"))
        if template is None:
            continue
        for address, language in _recipients(action, ticket, actor):
            if (address, template.pk) in sent:
                continue
            sent.add((address, template.pk))
            subject, text, html = render_email(
                template, ticket, language, message_text=message_text
            )
            if text.strip():
                _send_email(
                    ticket,
                    Outgoing(address, subject, text, html),
                    to_requester=action["type"] == ActionType.EMAIL_REQUESTER,
                )
