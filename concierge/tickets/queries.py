"""Reads about tickets shared by views, the API and reports, and the access helpers.

`tickets_visible_to` is the one place that says which tickets a person may see;
`ticket_for_user` and `messages_visible_to` build on it. Everything else answers 404.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from concierge.people.models import (
    Customer,
    CustomerIdentity,
    IdentityKind,
    OrganizationMembership,
    User,
)
from concierge.people.queries import agent_team_scope, is_agent
from concierge.tickets.models import (
    PUBLIC_MESSAGE_KINDS,
    UNRESOLVED_STATUSES,
    Message,
    SavedView,
    Status,
    Tag,
    Ticket,
    TicketEvent,
)

# --- access ------------------------------------------------------------------------------------


def customer_of(user: User) -> Customer | None:
    if not getattr(user, "is_authenticated", False) or not user.is_active or user.is_agent:
        return None
    try:
        return user.customer
    except Customer.DoesNotExist:
        return None


def tickets_visible_to(user: User) -> QuerySet[Ticket]:
    """Every ticket this person may open: the only definition of ticket permissions."""
    tickets = Ticket.objects.all()
    if is_agent(user):
        team_ids = agent_team_scope(user)
        if team_ids is None:
            return tickets
        return tickets.filter(Q(team_id__in=team_ids) | Q(assignee=user))
    customer = customer_of(user)
    if customer is None:
        return tickets.none()
    follows = Ticket.followers.through.objects.filter(
        ticket_id=OuterRef("pk"), customer_id=customer.pk
    )
    managed = OrganizationMembership.objects.filter(
        customer=customer, is_manager=True, organization__managers_see_all_requests=True
    ).values("organization_id")
    return tickets.filter(Q(requester=customer) | Exists(follows) | Q(organization_id__in=managed))


def ticket_for_user(user: User, number: int) -> Ticket:
    try:
        return (
            tickets_visible_to(user)
            .select_related("requester", "assignee", "team", "organization", "merged_into")
            .get(number=number)
        )
    except (Ticket.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def messages_visible_to(user: User, ticket: Ticket) -> QuerySet[Message]:
    """The thread as this person may read it: customers never see internal notes."""
    messages = (
        Message.objects.filter(ticket=ticket)
        .select_related("author_user", "author_customer")
        .prefetch_related("attachments")
        .order_by("created_at", "id")
    )
    if is_agent(user):
        return messages
    return messages.filter(kind__in=PUBLIC_MESSAGE_KINDS)


def message_for_user(user: User, ticket: Ticket, pk: int) -> Message:
    try:
        return messages_visible_to(user, ticket).get(pk=pk)
    except (Message.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def ticket_timeline(ticket: Ticket) -> QuerySet[TicketEvent]:
    """The ticket's history, oldest first, with what its entries show."""
    return (
        ticket.events.select_related("actor", "actor_customer", "message")
        .prefetch_related("actor_customer__identities")
        .order_by("created_at", "id")
    )


def customer_tickets(user: User, customer: Customer) -> QuerySet[Ticket]:
    return (
        tickets_visible_to(user)
        .filter(requester=customer)
        .select_related("assignee")
        .order_by("-created_at", "-id")
    )


# --- inbox -------------------------------------------------------------------------------------

FILTER_KEYS = ("status", "priority", "assignee", "team", "tag", "channel", "type", "language")

# sort key -> (column, descending); every sort ends on id so the order is total.
SORTS: dict[str, tuple[str, bool]] = {
    "-updated_at": ("updated_at", True),
    "updated_at": ("updated_at", False),
    "-created_at": ("created_at", True),
    "created_at": ("created_at", False),
    "-priority": ("priority", True),
    "-number": ("number", True),
    "number": ("number", False),
    "sla_next_due_at": ("sla_next_due_at", False),
}
# Sorts on a column that is empty for most tickets (no SLA clock running): tickets with a
# value come first in order, then the others by id (see `_nulls_last_rows`).
NULLS_LAST_SORTS = {"sla_next_due_at"}
SORT_LABELS = {
    "-updated_at": _("Recently updated"),
    "updated_at": _("Least recently updated"),
    "-created_at": _("Newest"),
    "created_at": _("Oldest"),
    "-priority": _("Highest priority"),
    "-number": _("Number, descending"),
    "number": _("Number, ascending"),
    "sla_next_due_at": _("Next SLA due time"),
}


@dataclass(frozen=True)
class BuiltinView:
    slug: str
    name: Any
    filters: dict[str, list[str]]
    sort: str = "-updated_at"


UNRESOLVED = [str(s) for s in UNRESOLVED_STATUSES]
BUILTIN_VIEWS = {
    view.slug: view
    for view in (
        BuiltinView("mine", _("My tickets"), {"assignee": ["me"], "status": UNRESOLVED}),
        BuiltinView("unassigned", _("Unassigned"), {"assignee": ["none"], "status": UNRESOLVED}),
        BuiltinView("open", _("All open"), {"status": [Status.NEW, Status.OPEN]}),
        BuiltinView("pending", _("Pending"), {"status": [Status.PENDING]}),
        BuiltinView("solved", _("Recently solved"), {"status": [Status.SOLVED]}),
        BuiltinView(
            "breaching", _("Breaching within the hour"), {"sla": ["breaching"]}, "sla_next_due_at"
        ),
        BuiltinView("all", _("All tickets"), {}),
    )
}


# The largest id a database column holds; SQLite refuses to even compare with more.
MAX_ID = 2**63 - 1


def _numbers(values: list[str]) -> list[int]:
    """The values that can be ids or priorities; anything else matches nothing."""
    # isdigit() alone also accepts characters such as "²" that int() refuses.
    return [int(v) for v in values if v.isascii() and v.isdigit() and int(v) <= MAX_ID]


def apply_filters(
    tickets: QuerySet[Ticket], user: User, filters: dict[str, list[str]]
) -> QuerySet[Ticket]:
    """Narrow a ticket queryset by inbox filters; unknown or malformed values match nothing."""
    for key in FILTER_KEYS:
        values = [v for v in filters.get(key, []) if v != ""]
        if not values:
            continue
        if key == "assignee":
            condition = Q()
            ids = _numbers(values)
            if "me" in values:
                condition |= Q(assignee=user)
            if "none" in values:
                condition |= Q(assignee__isnull=True)
            if ids:
                condition |= Q(assignee_id__in=ids)
            tickets = tickets.filter(condition) if condition else tickets.none()
        elif key == "team":
            condition = Q(team_id__in=_numbers(values))
            if "none" in values:
                condition |= Q(team__isnull=True)
            tickets = tickets.filter(condition)
        elif key == "priority":
            tickets = tickets.filter(priority__in=_numbers(values))
        elif key == "tag":
            tagged = Ticket.tags.through.objects.filter(
                ticket_id=OuterRef("pk"), tag__name__in=[Tag.normalize(v) for v in values]
            )
            tickets = tickets.filter(Exists(tagged))
        elif key == "type":
            tickets = tickets.filter(ticket_type__in=values)
        else:
            tickets = tickets.filter(**{f"{key}__in": values})
    if filters.get("sla"):
        # Set only by the built-in SLA view: due times relative to the moment of asking.
        from concierge.sla.queries import apply_sla_filter

        tickets = apply_sla_filter(tickets, filters["sla"])
    return tickets


def encode_cursor(value: Any, pk: int) -> str:
    if isinstance(value, dt.datetime):
        value = value.isoformat()
    raw = json.dumps([value, pk], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, column: str) -> tuple[Any, int] | None:
    """The position after which the next page starts, or None for a malformed cursor."""
    try:
        value, pk = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        pk = int(pk)
        if value is None and column in NULLS_LAST_SORTS:
            pass  # past the tickets that have a value
        elif column.endswith("_at"):
            value = parse_datetime(value)
            if value is None:
                return None
        else:
            value = int(value)
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError, UnicodeDecodeError):
        return None
    return value, pk


@dataclass
class InboxPage:
    tickets: list[Ticket]
    next_cursor: str | None
    sort: str
    filters: dict[str, list[str]] = field(default_factory=dict)
    # What a row shows besides the ticket's own columns: tag names by ticket id and
    # requester names by customer id, read as plain values (see `_with_row_details`).
    tag_names: dict[int, list[str]] = field(default_factory=dict)
    requester_names: dict[int, str] = field(default_factory=dict)


def inbox_page(
    user: User,
    *,
    filters: dict[str, list[str]],
    sort: str = "-updated_at",
    cursor: str | None = None,
    page_size: int = 50,
) -> InboxPage:
    """One page of an inbox view, by keyset pagination: deep pages cost what the first does."""
    sort = sort if sort in SORTS else "-updated_at"
    column, descending = SORTS[sort]
    position = decode_cursor(cursor, column) if cursor else None
    if sort in NULLS_LAST_SORTS:
        found: dict[int, Ticket] = {}
        for part in _visibility_parts(user, filters):
            part_rows = _nulls_last_rows(
                apply_filters(part, user, filters), column, position, page_size + 1
            )
            found.update((ticket.pk, ticket) for ticket in part_rows)
        rows = sorted(
            found.values(), key=lambda ticket: _nulls_last_key(getattr(ticket, column), ticket.pk)
        )
        return _nulls_last_page(rows[: page_size + 1], column, page_size, sort, filters)
    order = [f"-{column}", "-id"] if descending else [column, "id"]
    keys: list[tuple[Any, int]] = []
    team_ids = agent_team_scope(user) if is_agent(user) else None
    by_status = _one_status_each(filters) if team_ids is not None else [filters]
    for part in _visibility_parts(user, filters, team_ids=team_ids):
        for part_filters in by_status:
            tickets = apply_filters(part, user, part_filters)
            if position is not None:
                tickets = tickets.filter(_after_position(column, descending, position))
            keys += tickets.order_by(*order).values_list(column, "id")[: page_size + 1]
    # Each part is already in order; merged, the page is the first rows of the union.
    keys = sorted(set(keys), key=lambda key: (key[0], key[1]), reverse=descending)
    page_ids = [pk for _, pk in keys[: page_size + 1]]
    # Read by primary key, the join with the requester cannot mislead a planner.
    by_id = Ticket.objects.select_related("assignee", "team", "requester").in_bulk(page_ids)
    rows = [by_id[pk] for pk in page_ids if pk in by_id]
    next_cursor = None
    if len(rows) > page_size:
        rows = rows[:page_size]
        last = rows[-1]
        next_cursor = encode_cursor(getattr(last, column), last.pk)
    return _with_row_details(
        InboxPage(tickets=rows, next_cursor=next_cursor, sort=sort, filters=filters)
    )


def _with_row_details(page: InboxPage) -> InboxPage:
    """Tag names and nameless requesters' addresses, as values rather than model objects.

    Prefetched, the tags and identities of fifty tickets cost more to turn into objects
    and related managers than everything else the page reads.
    """
    ticket_ids = [ticket.pk for ticket in page.tickets]
    tagged = (
        Ticket.tags.through.objects.filter(ticket_id__in=ticket_ids)
        .order_by("tag__name")
        .values_list("ticket_id", "tag__name")
    )
    for ticket_id, name in tagged:
        page.tag_names.setdefault(ticket_id, []).append(name)
    nameless: set[int] = set()
    for ticket in page.tickets:
        if ticket.requester.full_name:
            page.requester_names[ticket.requester_id] = ticket.requester.full_name
        else:
            nameless.add(ticket.requester_id)
    if nameless:
        # Customer.primary_email's choice: the primary address, else the oldest one.
        addresses = (
            CustomerIdentity.objects.filter(customer_id__in=nameless, kind=IdentityKind.EMAIL)
            .order_by("customer_id", "-is_primary", "id")
            .values_list("customer_id", "value")
        )
        for customer_id, address in addresses:
            page.requester_names.setdefault(customer_id, address)
    for customer_id in nameless:
        page.requester_names.setdefault(customer_id, f"#{customer_id}")
    return page


def _visibility_parts(
    user: User,
    filters: dict[str, list[str]] | None = None,
    *,
    disjoint: bool = False,
    team_ids: list[int] | Literal["ask"] | None = "ask",
) -> list[QuerySet[Ticket]]:
    """The agent's visible tickets as querysets that each follow one index.

    A team-restricted agent sees their teams' tickets or their own: as one OR of two
    columns, both databases read every such ticket and sort them to keep one page, while
    each side alone walks its index in order and stops after a page. Pages merge the
    parts by key and drop doubles; counts need them `disjoint`. A part the view's
    assignee filter rules out is not read at all.
    """
    if team_ids == "ask":
        team_ids = agent_team_scope(user) if is_agent(user) else None
    if team_ids is None:
        return [tickets_visible_to(user)]
    assignees = set((filters or {}).get("assignee", []))
    mine = {"me", str(user.pk)}
    # Assigned to the agent: all in the own part. Unassigned or another's: never there.
    read_team = not assignees or bool(assignees - mine)
    read_own = not assignees or bool(assignees & mine)
    own = Ticket.objects.filter(assignee=user)
    if disjoint and read_team:
        # Only the agent's own tickets outside their teams: this reads all of their
        # own tickets, which a page must not do when most are in their teams.
        own = own.exclude(team_id__in=team_ids)
    parts = [Ticket.objects.filter(team_id__in=team_ids)] if read_team else []
    return [*parts, own] if read_own else parts


def _one_status_each(filters: dict[str, list[str]]) -> list[dict[str, list[str]]]:
    """The filters once per chosen status, when several are chosen.

    With several statuses and a team, SQLite's planner walks the team's tickets by date
    and tests each one's status: past the last open one, that is every ticket the team
    ever had. One status at a time is an ordered range of (team, status, date).
    """
    statuses = [value for value in filters.get("status", []) if value]
    if len(statuses) < 2:
        return [filters]
    return [{**filters, "status": [status]} for status in dict.fromkeys(statuses)]


def _nulls_last_key(value: Any, pk: int) -> tuple[Any, ...]:
    # Tickets with a value first, by it; then the others by id.
    return (0, value, pk) if value is not None else (1, pk)


def _after_position(column: str, descending: bool, position: tuple[Any, int]) -> Q:
    value, pk = position
    op = "lt" if descending else "gt"
    # The redundant inclusive bound makes the cursor the start of an index range;
    # the OR alone makes both databases scan the index from its first entry.
    return Q(**{f"{column}__{op}e": value}) & (
        Q(**{f"{column}__{op}": value}) | Q(**{column: value, f"id__{op}": pk})
    )


def _nulls_last_rows(
    tickets: QuerySet[Ticket], column: str, position: tuple[Any, int] | None, limit: int
) -> list[Ticket]:
    """Tickets with a value in `column` in ascending order, then those without by id.

    Two queries that each follow an index, where one NULLS LAST sort could use neither
    the partial index of the column (PostgreSQL) nor any index for deep pages (SQLite).
    """
    # The requester is prefetched, not joined: with an inner join SQLite may start from
    # the customers table and sort every ticket to keep one page.
    tickets = tickets.select_related("assignee", "team").prefetch_related("requester")
    rows: list[Ticket] = []
    if position is None or position[0] is not None:
        with_value = tickets.filter(**{f"{column}__isnull": False})
        if position is not None:
            value, pk = position
            with_value = with_value.filter(
                Q(**{f"{column}__gte": value})
                & (Q(**{f"{column}__gt": value}) | Q(**{column: value, "id__gt": pk}))
            )
        rows = list(with_value.order_by(column, "id")[:limit])
        position = None
    if len(rows) < limit:
        without = tickets.filter(**{f"{column}__isnull": True})
        if position is not None:
            without = without.filter(id__gt=position[1])
        rows += list(without.order_by("id")[: limit - len(rows)])
    return rows


def _nulls_last_page(
    rows: list[Ticket], column: str, page_size: int, sort: str, filters: dict[str, list[str]]
) -> InboxPage:
    next_cursor = None
    if len(rows) > page_size:
        rows = rows[:page_size]
        next_cursor = encode_cursor(getattr(rows[-1], column), rows[-1].pk)
    return _with_row_details(
        InboxPage(tickets=rows, next_cursor=next_cursor, sort=sort, filters=filters)
    )


def view_counts(user: User) -> dict[str, int]:
    """How many tickets each built-in view holds, for the sidebar."""
    team_ids = agent_team_scope(user) if is_agent(user) else None
    return {
        slug: sum(
            apply_filters(part, user, view.filters).count()
            for part in _visibility_parts(user, view.filters, disjoint=True, team_ids=team_ids)
        )
        for slug, view in BUILTIN_VIEWS.items()
        if slug != "all"
    }


def shared_views() -> QuerySet[SavedView]:
    return SavedView.objects.all()


def quick_search(user: User, query: str, limit: int = 20) -> list[Ticket]:
    """Find tickets by number, subject, customer name or e-mail address."""
    query = query.strip().lstrip("#")
    if not query:
        return []
    visible = tickets_visible_to(user).select_related("requester", "assignee")
    if query.isascii() and query.isdigit():
        by_number = list(visible.filter(number=int(query)))
        if by_number:
            return by_number
    customers = Customer.objects.filter(
        Q(full_name__icontains=query) | Q(identities__value__icontains=query)
    ).values("pk")
    return list(
        visible.filter(Q(subject__icontains=query) | Q(requester__in=customers)).order_by(
            "-updated_at", "-id"
        )[:limit]
    )
