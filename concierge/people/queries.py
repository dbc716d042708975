"""Reads about people, and the access helpers for customers and organizations."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from concierge.people.models import (
    STAFF_ROLES,
    Customer,
    Organization,
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
