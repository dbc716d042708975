"""Reads about people, and the access helpers for customers and organizations."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Lower
from django.http import Http404

from concierge.people.models import (
    STAFF_ROLES,
    Customer,
    CustomerIdentity,
    IdentityKind,
    Organization,
    OrganizationDomain,
    OrganizationMembership,
    Team,
    TeamMembership,
    TicketVisibility,
    User,
)


def is_agent(user: object) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_agent)


def is_admin(user: object) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_admin)


def agent_team_scope(user: User) -> list[int] | None:
    """The team ids whose tickets an agent is limited to, or None for every ticket.

    An agent in no team, or in any team whose members see all tickets, sees all of them;
    an agent only in restricted teams sees those teams' tickets (and their own).
    """
    if user.is_admin:
        return None
    teams = list(user.teams.values_list("pk", "ticket_visibility"))
    if not teams or any(visibility == TicketVisibility.ALL for _, visibility in teams):
        return None
    return [pk for pk, _ in teams]


def customer_for_agent(user: User, pk: int) -> Customer:
    if not is_agent(user):
        raise Http404
    try:
        return Customer.objects.prefetch_related("identities").get(pk=pk)
    except Customer.DoesNotExist:
        raise Http404 from None


def organization_for_agent(user: User, pk: int) -> Organization:
    if not is_agent(user):
        raise Http404
    try:
        return Organization.objects.prefetch_related("domains").get(pk=pk)
    except Organization.DoesNotExist:
        raise Http404 from None


def agent_for_admin(user: User, pk: int) -> User:
    if not is_admin(user):
        raise Http404
    try:
        return User.objects.get(pk=pk, role__in=STAFF_ROLES)
    except User.DoesNotExist:
        raise Http404 from None


def active_agents() -> QuerySet[User]:
    return User.objects.filter(is_active=True, role__in=STAFF_ROLES).order_by("full_name")


# --- access for the agent pages ---------------------------------------------------------------


def agent_or_404(user: object) -> None:
    """Agent pages answer 404 to anyone who is not active staff, customers included."""
    if not is_agent(user):
        raise Http404


def admin_or_404(user: object) -> None:
    """The product's settings exist only for admins; to everyone else they are not there."""
    if not is_admin(user):
        raise Http404


def customer_for_editor(user: User, pk: int) -> Customer:
    """A customer whose profile and identities this agent may change (not light agents)."""
    customer = customer_for_agent(user, pk)
    if not user.can_reply_publicly:
        raise Http404
    return customer


def identity_for_editor(user: User, customer: Customer, pk: int) -> CustomerIdentity:
    if not user.can_reply_publicly:
        raise Http404
    try:
        return customer.identities.get(pk=pk)
    except (CustomerIdentity.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def organization_for_admin(user: User, pk: int) -> Organization:
    admin_or_404(user)
    return organization_for_agent(user, pk)


def team_for_admin(user: User, pk: int) -> Team:
    admin_or_404(user)
    try:
        return Team.objects.get(pk=pk)
    except Team.DoesNotExist:
        raise Http404 from None


# --- the customer directory ----------------------------------------------------------------


@dataclass
class CustomerPage:
    customers: list[Customer]
    next_cursor: str | None


def _count(rows: QuerySet[Any], group_by: str) -> Coalesce:
    """A correlated COUNT(*) of `rows` per outer row, 0 when there are none."""
    counted = rows.order_by().values(group_by).annotate(total=Count("pk")).values("total")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _visible_ticket_count(user: User, column: str) -> Coalesce:
    """How many of the rows' tickets this agent may open, as one correlated subquery.

    tickets depends on people, so its queries are imported when first needed.
    """
    from concierge.tickets.queries import tickets_visible_to

    return _count(tickets_visible_to(user).filter(**{column: OuterRef("pk")}), column)


def _encode_cursor(name: str, pk: int) -> str:
    raw = json.dumps([name, pk], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[str, int] | None:
    try:
        name, pk = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return str(name), int(pk)
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError, UnicodeDecodeError):
        return None


def customer_search(query: str) -> QuerySet[Customer]:
    """Customers whose name or any identity (e-mail, phone, handle) contains the text."""
    customers = Customer.objects.all()
    query = query.strip()
    if query:
        matching_identity = CustomerIdentity.objects.filter(
            customer_id=OuterRef("pk"), value__icontains=query
        )
        customers = customers.filter(Q(full_name__icontains=query) | Exists(matching_identity))
    return customers


def customer_directory(
    user: User, *, query: str = "", cursor: str | None = None, page_size: int = 50
) -> CustomerPage:
    """One page of customers in name order, by keyset pagination on (lower(name), id).

    Deep pages cost what the first does, and the query count does not depend on the
    page size: identities and organizations come in one prefetch each.
    """
    customers = customer_search(query).annotate(name_key=Lower("full_name"))
    position = _decode_cursor(cursor) if cursor else None
    if position is not None:
        name, pk = position
        customers = customers.filter(Q(name_key__gt=name) | Q(name_key=name, pk__gt=pk))
    rows = list(
        customers.annotate(ticket_count=_visible_ticket_count(user, "requester"))
        .prefetch_related("identities", "organizations")
        .order_by("name_key", "pk")[: page_size + 1]
    )
    next_cursor = None
    if len(rows) > page_size:
        rows = rows[:page_size]
        next_cursor = _encode_cursor(rows[-1].name_key, rows[-1].pk)
    return CustomerPage(customers=rows, next_cursor=next_cursor)


def customer_memberships(customer: Customer) -> QuerySet[OrganizationMembership]:
    return customer.organization_memberships.select_related("organization").order_by(
        "organization__name"
    )


def customer_by_email(email: str) -> Customer | None:
    identity = (
        CustomerIdentity.objects.select_related("customer")
        .filter(kind=IdentityKind.EMAIL, value=email.strip().lower())
        .first()
    )
    return identity.customer if identity else None


# --- organizations -----------------------------------------------------------------------------


def organization_directory(user: User, *, query: str = "") -> QuerySet[Organization]:
    """Organizations by name or mail domain, with member and visible ticket counts."""
    organizations = Organization.objects.all()
    query = query.strip().lower().lstrip("@")
    if query:
        matching_domain = OrganizationDomain.objects.filter(
            organization_id=OuterRef("pk"), domain__icontains=query
        )
        organizations = organizations.filter(Q(name__icontains=query) | Exists(matching_domain))
    members = OrganizationMembership.objects.filter(organization_id=OuterRef("pk"))
    return (
        organizations.annotate(
            member_count=_count(members, "organization_id"),
            ticket_count=_visible_ticket_count(user, "organization"),
        )
        .prefetch_related("domains")
        .order_by("name", "pk")
    )


def organization_members(organization: Organization) -> QuerySet[OrganizationMembership]:
    return (
        organization.memberships.select_related("customer")
        .prefetch_related("customer__identities")
        .order_by("-is_manager", "customer__full_name", "customer_id")
    )


def organization_tickets(user: User, organization: Organization) -> QuerySet[Any]:
    """The organization's tickets this agent may open, newest first."""
    from concierge.tickets.queries import tickets_visible_to

    return (
        tickets_visible_to(user)
        .filter(organization=organization)
        .select_related("requester", "assignee")
        .order_by("-created_at", "-id")
    )


# --- staff, for the settings pages ------------------------------------------------------------


def staff_directory() -> QuerySet[User]:
    """Every staff account, active first, with their teams in one extra query."""
    return (
        User.objects.filter(role__in=STAFF_ROLES)
        .prefetch_related("teams")
        .order_by("-is_active", "full_name", "pk")
    )


def team_directory() -> QuerySet[Team]:
    members = TeamMembership.objects.filter(team_id=OuterRef("pk"), user__is_active=True)
    return Team.objects.annotate(member_count=_count(members, "team_id")).order_by("name")


def team_memberships(team: Team) -> QuerySet[TeamMembership]:
    return team.memberships.select_related("user").order_by("-is_lead", "user__full_name")
