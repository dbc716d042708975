"""The conditions triggers, time rules and routing rules test a ticket against.

A condition is a small JSON document, {"field": "status", "operator": "is", "value":
"open"}. This module is its whole vocabulary: which fields exist, which operators each
allows, how a value is checked when a rule is saved, and how it is evaluated. Evaluation
is plain Python over one ticket, so a dry run over past tickets runs exactly the code
that runs live.

Text comparisons ignore case the way a Turkish or Finnish reader expects: "İ", "I", "ı"
and "i" all compare equal, so a keyword typed as "fatura" finds "FATURA" and "Fatura".
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from concierge.people.models import Organization, SupportPlan, Team
from concierge.people.queries import active_agents
from concierge.sla import business_time
from concierge.sla.calendar import Calendar, CalendarError
from concierge.sla.models import BusinessCalendar
from concierge.sla.queries import calendar_value, calendars_with_rules
from concierge.tickets import batch
from concierge.tickets.models import Channel, Priority, Status, Tag, Ticket, TicketType


class Operator(models.TextChoices):
    IS = "is", _("is")
    IS_NOT = "is_not", _("is not")
    LESS_THAN = "less_than", _("is less than")
    GREATER_THAN = "greater_than", _("is greater than")
    CONTAINS = "contains", _("contains")
    NOT_CONTAINS = "not_contains", _("does not contain")
    CONTAINS_ANY = "contains_any", _("contains any of the words")
    WITHIN = "within", _("within business hours of")
    OUTSIDE = "outside", _("outside business hours of")


class Author(models.TextChoices):
    CUSTOMER = "customer", _("the customer")
    AGENT = "agent", _("an agent")
    AUTOMATION = "automation", _("automation")


# Where a field may be used: triggers know an event, time rules and routing do not
# (routing sees the ticket's first message as its message).
TRIGGER, TIME_RULE, ROUTING = "trigger", "time_rule", "routing"
EVERYWHERE = frozenset({TRIGGER, TIME_RULE, ROUTING})

EQUALITY = (Operator.IS, Operator.IS_NOT)
ORDERED = (Operator.IS, Operator.IS_NOT, Operator.LESS_THAN, Operator.GREATER_THAN)
TEXT = (Operator.CONTAINS, Operator.NOT_CONTAINS, Operator.CONTAINS_ANY)
HOURS = (Operator.WITHIN, Operator.OUTSIDE)


@dataclass(frozen=True)
class ConditionField:
    key: str
    label: Promise
    operators: tuple[str, ...]
    # Where the value comes from: an enumeration, a model ("team", "agent", "calendar",
    # "organization"), a tag name or free text.
    source: str
    scopes: frozenset[str] = EVERYWHERE


FIELDS: dict[str, ConditionField] = {
    f.key: f
    for f in (
        ConditionField("status", _("Status"), EQUALITY, "status"),
        ConditionField("priority", _("Priority"), ORDERED, "priority"),
        ConditionField("ticket_type", _("Type"), EQUALITY, "ticket_type"),
        ConditionField("channel", _("Channel"), EQUALITY, "channel"),
        ConditionField("language", _("Ticket language"), EQUALITY, "language"),
        ConditionField("team", _("Team"), EQUALITY, "team"),
        ConditionField("assignee", _("Assignee"), EQUALITY, "agent"),
        ConditionField("tags", _("Tags"), (Operator.CONTAINS, Operator.NOT_CONTAINS), "tag"),
        ConditionField("subject", _("Subject"), TEXT, "text"),
        ConditionField("message", _("Message text"), TEXT, "text", frozenset({TRIGGER, ROUTING})),
        ConditionField(
            "subject_or_message",
            _("Subject or message text"),
            TEXT,
            "text",
            frozenset({TRIGGER, ROUTING}),
        ),
        ConditionField("author", _("Done by"), EQUALITY, "author", frozenset({TRIGGER})),
        ConditionField("requester_email", _("Customer's e-mail"), TEXT, "text"),
        ConditionField("requester_language", _("Customer's language"), EQUALITY, "language"),
        ConditionField("organization", _("Organization"), EQUALITY, "organization"),
        ConditionField("support_plan", _("Support plan"), EQUALITY, "support_plan"),
        ConditionField("business_hours", _("Time"), HOURS, "calendar"),
    )
}

# Sources whose values an admin picks from a list (everything but text, tags, organizations).
PICKED_SOURCES = (
    "status",
    "priority",
    "ticket_type",
    "channel",
    "language",
    "author",
    "support_plan",
    "team",
    "agent",
    "calendar",
)


def fields_for(scope: str) -> list[ConditionField]:
    return [f for f in FIELDS.values() if scope in f.scopes]


def _enumerations() -> dict[str, list[tuple[str, str]]]:
    return {
        "status": [(str(v), str(label)) for v, label in Status.choices],
        "priority": [(str(v), str(label)) for v, label in Priority.choices],
        "ticket_type": [(str(v), str(label)) for v, label in TicketType.choices],
        "channel": [(str(v), str(label)) for v, label in Channel.choices],
        "language": [(code, str(name)) for code, name in settings.LANGUAGES],
        "author": [(str(v), str(label)) for v, label in Author.choices],
        "support_plan": [
            ("", str(_("no plan"))),
            *((str(v), str(label)) for v, label in SupportPlan.choices if v),
        ],
    }


def value_choices(sources: Iterable[str] = PICKED_SOURCES) -> dict[str, list[tuple[str, str]]]:
    """Every value an admin may pick, by source: four queries, whatever the rule count."""
    wanted = set(sources)
    choices = {k: v for k, v in _enumerations().items() if k in wanted}
    if "team" in wanted:
        choices["team"] = [("", str(_("no team")))] + [
            (str(pk), name) for pk, name in Team.objects.values_list("pk", "name")
        ]
    if "agent" in wanted:
        choices["agent"] = [("", str(_("nobody")))] + [
            (str(user.pk), str(user)) for user in active_agents()
        ]
    if "calendar" in wanted:
        choices["calendar"] = [
            (str(pk), name) for pk, name in BusinessCalendar.objects.values_list("pk", "name")
        ]
    return choices


SOURCE_LABELS: dict[str, Promise] = {
    "status": _("Status"),
    "priority": _("Priority"),
    "ticket_type": _("Type"),
    "channel": _("Channel"),
    "language": _("Language"),
    "author": _("Done by"),
    "support_plan": _("Support plan"),
    "team": _("Teams"),
    "agent": _("Agents"),
    "calendar": _("Business-hours calendars"),
}


# --- checking what an admin wrote ---------------------------------------------------------


def words(value: str) -> list[str]:
    """The keywords of a "contains any" value: comma-separated, blanks dropped."""
    return [w.strip() for w in value.split(",") if w.strip()]


def clean_condition(raw: dict[str, Any], scope: str) -> dict[str, str]:
    """A condition as stored, or ValidationError keyed by "field", "operator" or "value"."""
    spec = FIELDS.get(str(raw.get("field", "")))
    if spec is None or scope not in spec.scopes:
        raise ValidationError({"field": _("Choose a field from the list.")})
    operator = str(raw.get("operator", ""))
    if operator not in spec.operators:
        allowed = ", ".join(str(Operator(o).label) for o in spec.operators)
        raise ValidationError(
            {
                "operator": _("%(field)s can be compared with: %(allowed)s.")
                % {"field": spec.label, "allowed": allowed}
            }
        )
    value = str(raw.get("value", "")).strip()
    return {"field": spec.key, "operator": operator, "value": _clean_value(spec, value)}


def _clean_value(spec: ConditionField, value: str) -> str:
    source = spec.source
    if source == "text":
        if not value:
            raise ValidationError({"value": _("Write the text to look for.")})
        if len(value) > 500:
            raise ValidationError({"value": _("Keep the text under 500 characters.")})
        return value
    if source == "tag":
        name = Tag.normalize(value)
        if not name:
            raise ValidationError({"value": _("Write a tag name.")})
        return name
    if source == "organization":
        if not value:
            return ""
        organization = Organization.objects.filter(name__iexact=value).first()
        if organization is None and value.isdigit():
            organization = Organization.objects.filter(pk=int(value)).first()
        if organization is None:
            raise ValidationError({"value": _("No organization has that name.")})
        return str(organization.pk)
    allowed = {v for v, _label in value_choices([source])[source]}
    if value not in allowed:
        raise ValidationError({"value": _("Choose a value from the list.")})
    return value


def clean_conditions(rows: Sequence[dict[str, Any]], scope: str) -> list[dict[str, str]]:
    return [clean_condition(row, scope) for row in rows]


# --- evaluating ---------------------------------------------------------------------------


def fold(text: str) -> str:
    """Text for comparison: case and the Turkish dotted/dotless i do not matter."""
    return unicodedata.normalize("NFC", text.replace("İ", "i")).casefold().replace("ı", "i")


@dataclass
class Facts:
    """What one evaluation knows about a ticket and about what just happened to it.

    `ticket` should come with its requester, organization, tags and the requester's
    identities loaded (see `ticket_for_rules`), or each is read when first needed.
    """

    ticket: Ticket
    at: dt.datetime
    events: frozenset[str] = frozenset()
    message_text: str = ""
    author: str = ""
    calendars: CalendarCache = field(default_factory=lambda: CalendarCache())


class CalendarCache:
    """Business-hours calendars by id, read once per run of the rules."""

    def __init__(self) -> None:
        self._values: dict[str, Calendar | None] | None = None

    def get(self, pk: str) -> Calendar | None:
        if self._values is None:
            self._values = batch.memo("automation.calendars", _calendars)
        return self._values.get(pk)


def _calendars() -> dict[str, Calendar | None]:
    values: dict[str, Calendar | None] = {}
    for stored in calendars_with_rules():
        try:
            values[str(stored.pk)] = calendar_value(stored)
        except CalendarError:  # a broken calendar matches nothing rather than failing
            values[str(stored.pk)] = None
    return values


class HasConditions(Protocol):
    conditions_all: list[dict[str, str]]
    conditions_any: list[dict[str, str]]


def ticket_for_rules(pk: int, rules: Iterable[HasConditions] | None = None) -> Ticket:
    """A ticket with what conditions read about it, in a fixed number of queries.

    Given the rules about to be evaluated, the tags and the requester's addresses are
    read only when one of their conditions looks at them (one query each, per change).
    """
    fields = None
    if rules is not None:
        fields = {
            condition.get("field")
            for rule in rules
            for condition in (*rule.conditions_all, *rule.conditions_any)
        }
    related = [
        name
        for name, field in (("tags", "tags"), ("requester__identities", "requester_email"))
        if fields is None or field in fields
    ]
    tickets = Ticket.objects.select_related("requester", "organization", "team", "assignee")
    return tickets.prefetch_related(*related).get(pk=pk)


def _text_holds(operator: str, haystack: str, needle: str) -> bool:
    haystack = fold(haystack)
    if operator == Operator.CONTAINS_ANY:
        return any(fold(word) in haystack for word in words(needle))
    found = fold(needle) in haystack
    return found if operator == Operator.CONTAINS else not found


def _id(value: int | None) -> str:
    return "" if value is None else str(value)


def _business_hours(operator: str, facts: Facts, value: str) -> bool:
    calendar = facts.calendars.get(value)
    if calendar is None:
        return False
    try:
        open_now = business_time.is_open(calendar, facts.at)
    except (CalendarError, ValueError):
        return False
    return open_now if operator == Operator.WITHIN else not open_now


_SCALARS: dict[str, Callable[[Facts], str]] = {
    "status": lambda f: f.ticket.status,
    "priority": lambda f: str(f.ticket.priority),
    "ticket_type": lambda f: f.ticket.ticket_type,
    "channel": lambda f: f.ticket.channel,
    "language": lambda f: f.ticket.language,
    "team": lambda f: _id(f.ticket.team_id),
    "assignee": lambda f: _id(f.ticket.assignee_id),
    "author": lambda f: f.author,
    "requester_language": lambda f: f.ticket.requester.language,
    "organization": lambda f: _id(f.ticket.organization_id),
    "support_plan": lambda f: f.ticket.organization.support_plan if f.ticket.organization else "",
}

_TEXTS: dict[str, Callable[[Facts], str]] = {
    "subject": lambda f: f.ticket.subject,
    "message": lambda f: f.message_text,
    "subject_or_message": lambda f: f"{f.ticket.subject}\n{f.message_text}",
    "requester_email": lambda f: " ".join(
        i.value for i in f.ticket.requester.identities.all() if i.kind == "email"
    ),
}


def condition_holds(condition: dict[str, str], facts: Facts) -> bool:
    key, operator, value = condition["field"], condition["operator"], condition["value"]
    if key == "business_hours":
        return _business_hours(operator, facts, value)
    if key == "tags":
        present = value in {tag.name for tag in facts.ticket.tags.all()}
        return present if operator == Operator.CONTAINS else not present
    if key in _TEXTS:
        return _text_holds(operator, _TEXTS[key](facts), value)
    actual = _SCALARS[key](facts)
    if operator == Operator.IS:
        return actual == value
    if operator == Operator.IS_NOT:
        return actual != value
    # Only priority is ordered.
    number, limit = int(actual), int(value)
    return number < limit if operator == Operator.LESS_THAN else number > limit


def conditions_hold(
    all_of: Sequence[dict[str, str]], any_of: Sequence[dict[str, str]], facts: Facts
) -> bool:
    """Every condition of `all_of`, and one of `any_of` unless it is empty."""
    try:
        if not all(condition_holds(c, facts) for c in all_of):
            return False
        return not any_of or any(condition_holds(c, facts) for c in any_of)
    except (KeyError, ValueError, TypeError):
        # A condition stored around the forms (an old field, a hand-edited import) makes
        # its rule match nothing instead of breaking the change that set it off.
        return False


def describe(condition: dict[str, str], choices: dict[str, list[tuple[str, str]]]) -> str:
    """A condition in words for the rule lists: "Status is Open".

    `choices` is `value_choices()` plus "organization": the names of the organizations
    the conditions name (see `organization_choices`), so a list costs no query per rule.
    """
    spec = FIELDS.get(condition.get("field", ""))
    if spec is None:
        return str(condition)
    value = condition.get("value", "")
    shown = dict(choices.get(spec.source, [])).get(value, value)
    if spec.source == "organization" and not value:
        shown = str(_("none"))
    try:
        operator = str(Operator(condition.get("operator", "")).label)
    except ValueError:
        operator = condition.get("operator", "")
    return f"{spec.label} {operator} {shown}"


def organization_choices(conditions: Iterable[dict[str, str]]) -> list[tuple[str, str]]:
    """(id, name) of the organizations these conditions name: one query."""
    pks = {
        int(c["value"])
        for c in conditions
        if c.get("field") == "organization" and str(c.get("value", "")).isdigit()
    }
    rows = Organization.objects.filter(pk__in=pks).values_list("pk", "name")
    return [(str(pk), name) for pk, name in rows]


def validate_address(value: str) -> str:
    value = value.strip()
    try:
        validate_email(value)
    except ValidationError:
        raise ValidationError({"value": _("Enter a valid e-mail address.")}) from None
    return value.lower()
