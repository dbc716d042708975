"""Rendering a macro's text: a template sandbox that knows a few placeholders and nothing else.

Macro texts are written by agents, so they are untrusted templates. They are compiled by
a Django template engine of their own whose only tag is `if` and whose only filters change
letter case or give a default: no `load`, `include`, `extends`, `debug`, `url`,
`csrf_token` or `now` exist in it, and it has no template loaders. The context holds
no model instance, only namespaces of plain strings computed from the whitelist below,
so `{{ ticket.requester.user.password }}` or `{{ settings.SECRET_KEY }}` have nothing to
reach. Texts are also checked when they are saved, so an unknown placeholder is reported
to its author instead of quietly rendering empty.

The result is plain text: it goes into the composer's text box and is stored as the
message's text, and every place that turns it into HTML (the form widget, the thread,
the e-mail) escapes it there. Escaping it here as well would turn a customer called
O'Brien into "O&#x27;Brien" in the reply.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template import (
    Context,
    Engine,
    Library,
    TemplateSyntaxError,
    defaultfilters,
    defaulttags,
)
from django.template.base import FilterExpression, Node, Variable, VariableNode
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from concierge.people.models import User
from concierge.tickets.models import Ticket

# The placeholders a macro may use, with what each holds (shown beside the editor).
PLACEHOLDERS: dict[str, Any] = {
    "customer.first_name": _("the customer's first name"),
    "customer.name": _("the customer's full name"),
    "customer.email": _("the customer's e-mail address"),
    "ticket.number": _("the ticket's number"),
    "ticket.subject": _("the ticket's subject"),
    "ticket.status": _("the ticket's status, in the customer's language"),
    "ticket.priority": _("the ticket's priority, in the customer's language"),
    "ticket.url": _("the address of the request in the customer portal"),
    "agent.first_name": _("your first name"),
    "agent.name": _("your full name"),
    "agent.signature": _("your signature"),
    "organization.name": _("the customer's organization"),
    "brand.name": _("the name of your service"),
}

ALLOWED_FILTERS = ("default", "upper", "lower", "capfirst", "title")

# The one library the sandbox engine loads: `if` for "Hello{% if customer.first_name %}
# {{ customer.first_name }}{% endif %}," and a few harmless filters.
register = Library()
register.tag("if", defaulttags.do_if)
for _name in ALLOWED_FILTERS:
    register.filter(_name, defaultfilters.register.filters[_name])


class _SandboxEngine(Engine):
    # Django's own tags and filters (load, include, debug, ...) are not offered at all.
    default_builtins: list[str] = []


_ENGINE = _SandboxEngine(
    dirs=[],
    app_dirs=False,
    loaders=[],
    libraries={},
    builtins=[__name__],
    string_if_invalid="",
    autoescape=False,
    debug=False,
)


class _Text(str):
    """A placeholder's value: a string whose methods a template cannot reach.

    Django resolves `{{ a.b }}` by key, then by attribute; a value's attributes are all
    hidden, so `{{ customer.first_name.format }}` renders empty even in a text saved
    before the check existed. Filters still work: they convert the value with str().
    """

    __slots__ = ()

    def __getattribute__(self, name: str) -> Any:
        if name.startswith("__"):
            return super().__getattribute__(name)
        raise AttributeError(name)

    def __dir__(self) -> list[str]:
        # Django re-raises a failed lookup of a name that dir() lists; list none.
        return []


class _Namespace:
    """Plain strings reachable by key only: no attribute, no method, nothing behind them."""

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, str]) -> None:
        self._values = {key: _Text(value) for key, value in values.items()}

    def __getitem__(self, key: str) -> str:
        return self._values[key]

    def __str__(self) -> str:
        return ""


@dataclass(frozen=True)
class MacroTextError:
    """Why a macro text cannot be used, in words for its author."""

    message: str


def _filter_expressions(node: Node) -> Iterator[FilterExpression]:
    if isinstance(node, VariableNode):
        yield node.filter_expression
    for condition, _nodelist in getattr(node, "conditions_nodelists", ()):
        if condition is not None:
            yield from _condition_expressions(condition)
    for attribute in node.child_nodelists:
        for child in getattr(node, attribute, None) or ():
            yield from _filter_expressions(child)


def _condition_expressions(condition: Any) -> Iterator[FilterExpression]:
    """The values compared in an `if` (its literals and the operands of and/or/not/==)."""
    value = getattr(condition, "value", None)
    if isinstance(value, FilterExpression):
        yield value
    for side in ("first", "second"):
        operand = getattr(condition, side, None)
        if operand is not None:
            yield from _condition_expressions(operand)


def _check_expression(expression: FilterExpression) -> str | None:
    variables = [expression.var]
    variables += [arg for _f, args in expression.filters for _lookup, arg in args]
    for variable in variables:
        if isinstance(variable, Variable) and variable.lookups is not None:
            path = ".".join(variable.lookups)
            if path not in PLACEHOLDERS:
                return path
    return None


def check_macro_text(text: str) -> None:
    """Raise ValidationError when the text would not render as its author expects."""
    try:
        template = _ENGINE.from_string(text)
    except TemplateSyntaxError as error:
        raise ValidationError(
            _(
                "Macros offer only {{ placeholders }}, {%% if %%} and the filters "
                "default, upper, lower, capfirst and title. The template error: %(error)s"
            ),
            code="syntax",
            params={"error": error},
        ) from None
    for node in template.nodelist:
        for expression in _filter_expressions(node):
            unknown = _check_expression(expression)
            if unknown is not None:
                raise ValidationError(
                    _("{{ %(name)s }} is not a placeholder. Use one of: %(known)s."),
                    code="placeholder",
                    params={"name": unknown, "known": ", ".join(PLACEHOLDERS)},
                )


def placeholder_values(*, ticket: Ticket, agent: User) -> dict[str, _Namespace]:
    """The whitelisted values for one ticket and agent, all plain strings.

    Call inside the customer's language so that the status reads in it.
    """
    requester = ticket.requester
    organization = ticket.organization
    return {
        "customer": _Namespace(
            {
                "first_name": requester.first_name,
                "name": requester.full_name,
                "email": requester.primary_email,
            }
        ),
        "ticket": _Namespace(
            {
                "number": str(ticket.number),
                "subject": ticket.subject,
                "status": str(ticket.get_status_display()),
                "priority": str(ticket.get_priority_display()),
                "url": settings.SITE_URL + reverse("portal:request_detail", args=[ticket.number]),
            }
        ),
        "agent": _Namespace(
            {
                "first_name": agent.first_name,
                "name": agent.full_name,
                "signature": agent.signature,
            }
        ),
        "organization": _Namespace({"name": organization.name if organization else ""}),
        "brand": _Namespace({"name": settings.BRAND_NAME}),
    }


def render_macro_text(text: str, *, ticket: Ticket, agent: User, language: str) -> str:
    """The text with its placeholders filled in for this ticket, as plain text.

    A text saved before a placeholder was withdrawn still renders: what it no longer
    knows comes out empty rather than breaking the composer.
    """
    try:
        template = _ENGINE.from_string(text)
    except TemplateSyntaxError:
        return text
    with translation.override(language or settings.LANGUAGE_CODE):
        context = Context(placeholder_values(ticket=ticket, agent=agent), autoescape=False)
        return template.render(context).replace("\r\n", "\n").strip()
