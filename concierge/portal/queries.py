"""What the portal shows a customer; every list starts from `tickets_visible_to`."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from concierge.people.models import Customer, Organization, User
from concierge.tickets.models import UNRESOLVED_STATUSES, Status, Ticket
from concierge.tickets.queries import tickets_visible_to

# The tabs of "My requests".
SCOPE_MINE = "mine"
SCOPE_ORGANIZATION = "organization"
# The status filter: what is still being worked on, or what is done.
STATE_OPEN = "open"
STATE_SOLVED = "solved"
SOLVED_STATUSES = (Status.SOLVED, Status.CLOSED)


def managed_organizations(customer: Customer) -> list[Organization]:
    """Organizations whose requests this customer may see as a manager."""
    return list(
        Organization.objects.filter(
            memberships__customer=customer,
            memberships__is_manager=True,
            managers_see_all_requests=True,
        ).order_by("name")
    )


def portal_requests(
    user: User, customer: Customer, *, scope: str = SCOPE_MINE, state: str = ""
) -> QuerySet[Ticket]:
    """The requests of one tab: the customer's own and followed ones, or their organizations'.

    Both narrow `tickets_visible_to`, so a tab can never show more than the customer may see.
    """
    tickets = tickets_visible_to(user)
    if scope == SCOPE_ORGANIZATION:
        tickets = tickets.filter(
            organization__memberships__customer=customer,
            organization__memberships__is_manager=True,
            organization__managers_see_all_requests=True,
        )
    else:
        follows = Ticket.followers.through.objects.filter(
            ticket_id=OuterRef("pk"), customer_id=customer.pk
        )
        tickets = tickets.filter(Q(requester=customer) | Exists(follows))
    if state == STATE_OPEN:
        tickets = tickets.filter(status__in=UNRESOLVED_STATUSES)
    elif state == STATE_SOLVED:
        tickets = tickets.filter(status__in=SOLVED_STATUSES)
    return (
        tickets.select_related("requester", "organization", "merged_into")
        .prefetch_related("requester__identities")
        .order_by("-updated_at", "-id")
    )


def recent_open_requests(user: User, customer: Customer, limit: int = 5) -> list[Ticket]:
    """A short list for the portal's home page."""
    return list(portal_requests(user, customer, state=STATE_OPEN)[:limit])


def visible_merge_target(user: User, ticket: Ticket) -> Ticket | None:
    """The request this one was merged into, when the customer may open it."""
    if not ticket.merged_into_id:
        return None
    return tickets_visible_to(user).filter(pk=ticket.merged_into_id).first()
