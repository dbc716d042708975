"""Reads shared by the mail admin pages and the ticket page's mail details."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from concierge.mail.models import (
    Mailbox,
    OutboundEmail,
    OutboundKind,
    OutboundStatus,
    RawMessage,
    RawStatus,
)
from concierge.people.models import User
from concierge.people.queries import admin_or_404

FAILED_PAGE_SIZE = 50


def _count(rows: QuerySet[Any]) -> Coalesce:
    counted = (
        rows.filter(mailbox=OuterRef("pk"))
        .order_by()
        .values("mailbox")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def mailbox_overview() -> QuerySet[Mailbox]:
    """Every mailbox with its counts of received, failed and sent messages."""
    return (
        Mailbox.objects.select_related("team")
        .annotate(
            received_count=_count(RawMessage.objects.all()),
            failed_count=_count(RawMessage.objects.filter(status=RawStatus.FAILED)),
            sent_count=_count(OutboundEmail.objects.filter(status=OutboundStatus.SENT)),
        )
        .order_by("address")
    )


def unassigned_counts() -> dict[str, int]:
    """Mail that belongs to no mailbox (imports without --mailbox, say)."""
    return {
        "received": RawMessage.objects.filter(mailbox=None).count(),
        "failed": RawMessage.objects.filter(mailbox=None, status=RawStatus.FAILED).count(),
    }


def mailbox_for_admin(user: User, pk: int) -> Mailbox:
    admin_or_404(user)
    try:
        return Mailbox.objects.get(pk=pk)
    except (Mailbox.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def failed_messages(mailbox_id: int | None = None) -> QuerySet[RawMessage]:
    rows = RawMessage.objects.filter(status=RawStatus.FAILED).select_related("mailbox")
    if mailbox_id is not None:
        rows = rows.filter(mailbox_id=mailbox_id)
    return rows.order_by("-received_at", "-pk")


def raw_message_for_admin(user: User, pk: int) -> RawMessage:
    admin_or_404(user)
    try:
        return RawMessage.objects.select_related("mailbox", "ticket").get(pk=pk)
    except (RawMessage.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


@dataclass(frozen=True)
class MessageMail:
    """What the ticket page shows of a message's e-mail side."""

    raw_message_id: int | None
    outbound: list[OutboundEmail]


def ticket_mail_details(ticket_id: int) -> dict[int, MessageMail]:
    """Per message of a ticket: its raw original and its outgoing e-mails (two queries)."""
    originals = dict(
        RawMessage.objects.filter(ticket_id=ticket_id, ticket_message__isnull=False)
        .order_by("pk")
        .values_list("ticket_message_id", "pk")
    )
    sent: dict[int, list[OutboundEmail]] = {}
    for outbound in OutboundEmail.objects.filter(
        ticket_id=ticket_id, kind=OutboundKind.REPLY, ticket_message__isnull=False
    ).order_by("pk"):
        sent.setdefault(outbound.ticket_message_id, []).append(outbound)
    return {
        message_id: MessageMail(originals.get(message_id), sent.get(message_id, []))
        for message_id in {*originals, *sent}
    }
