"""Outgoing e-mail: rows queued with the change that caused them, sent by the worker.

A row is rendered when it is queued (so what leaves is what the agent wrote, whatever
happens to templates later) and its Message-ID is indexed at once, so a reply to it
threads even before it left. Sending claims the row with a conditional UPDATE
(queued -> sending, with a lease): two workers never send the same row, and a crash
mid-send leaves a claim that is looked at again only after its lease ran out.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from datetime import timedelta
from email.utils import formataddr, make_msgid, parseaddr
from functools import lru_cache
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from concierge.mail import addresses, conf
from concierge.mail.models import (
    Direction,
    EmailTicket,
    Mailbox,
    MailMessageId,
    OutboundEmail,
    OutboundKind,
    OutboundStatus,
    RawMessage,
)
from concierge.mail.services import agent_replies, threading
from concierge.people.models import Customer
from concierge.tickets import batch, notifications
from concierge.tickets.models import Message, Ticket

if TYPE_CHECKING:
    from concierge.mail.services.deferred import DeferredRows

logger = logging.getLogger(__name__)

MAX_REFERENCES = 20
MAX_BACKOFF_SECONDS = 6 * 3600


# --- queueing ----------------------------------------------------------------------------------


def our_addresses() -> set[str]:
    """Our mailboxes' addresses; read once per batch of incoming mail."""
    return batch.memo(
        "mail.our_addresses",
        lambda: {addresses.normalize(a) for a in Mailbox.objects.values_list("address", flat=True)},
    )


def is_our_address(address: str, ours: set[str] | None = None) -> bool:
    ours = our_addresses() if ours is None else ours
    base, _ = addresses.split_tag(address)
    default_from = addresses.normalize(_address_of(settings.DEFAULT_FROM_EMAIL))
    return base in ours or addresses.normalize(address) in ours or base == default_from


@lru_cache(maxsize=8)
def _address_of(value: str) -> str:
    """The address in a "Name <address>" setting (parsed once: every incoming message
    asks for DEFAULT_FROM_EMAIL's)."""
    return parseaddr(value)[1]


def ticket_mailbox(ticket: Ticket) -> Mailbox | None:
    link = EmailTicket.objects.select_related("mailbox").filter(ticket=ticket).first()
    if link is not None and link.mailbox is not None:
        return link.mailbox
    if ticket.team_id is not None:
        by_team = Mailbox.objects.filter(team_id=ticket.team_id, is_active=True).first()
        if by_team is not None:
            return by_team
    return Mailbox.objects.filter(is_active=True).order_by("pk").first()


def _sender(mailbox: Mailbox | None) -> str:
    if mailbox is None:
        return settings.DEFAULT_FROM_EMAIL
    return formataddr((mailbox.display_name or settings.BRAND_NAME, mailbox.address))


def _new_message_id(mailbox: Mailbox | None) -> str:
    address = mailbox.address if mailbox else _address_of(settings.DEFAULT_FROM_EMAIL)
    domain = address.rpartition("@")[2] or "localhost"
    return make_msgid(idstring=threading.OWN_MESSAGE_ID_TAG, domain=domain).strip("<>")


def _thread_ids(ticket: Ticket) -> tuple[str, list[str]]:
    """(In-Reply-To, References) for a new message on this ticket.

    It answers the customer's latest message; References lists the thread from its
    first message, trimmed in the middle the way RFC 5322 allows.
    """
    rows = list(
        MailMessageId.objects.filter(ticket=ticket)
        .order_by("created_at", "pk")
        .values_list("message_id", "direction")
    )
    inbound = [message_id for message_id, direction in rows if direction == Direction.INBOUND]
    in_reply_to = inbound[-1] if inbound else (rows[-1][0] if rows else "")
    references = list(dict.fromkeys(message_id for message_id, _ in rows))
    if len(references) > MAX_REFERENCES:
        references = [references[0], *references[-(MAX_REFERENCES - 1) :]]
    return in_reply_to, references


def _queue(
    *,
    kind: str,
    ticket: Ticket,
    ticket_message: Message | None,
    mailbox: Mailbox | None,
    email: EmailMultiAlternatives,
    to: list[str],
    cc: list[str],
    headers: dict[str, str],
    thread: bool = True,
    thread_ids: tuple[str, list[str]] | None = None,
    deferred: DeferredRows | None = None,
) -> OutboundEmail:
    """Store one rendered e-mail; it is sent when the transaction commits.

    `thread`: it answers the customer's thread (In-Reply-To, References) and its own
    Message-ID is indexed, so an answer to it lands on the ticket. E-mails about the
    ticket to agents and other people stay out of the thread, so their answers are
    never taken for the customer's. `thread_ids` is (In-Reply-To, References) when the
    caller knows them already. `deferred`: the e-mail and its Message-ID's row are kept
    there, for the caller to store with others (concierge.mail.services.deferred).
    """
    if not thread:
        in_reply_to, references = "", []
    else:
        in_reply_to, references = thread_ids or _thread_ids(ticket)
    html = next(
        (content for content, mimetype in email.alternatives if mimetype == "text/html"), ""
    )
    now = timezone.now()  # read at call time, so a test's clock governs when it is due
    outbound = OutboundEmail(
        kind=kind,
        ticket=ticket,
        ticket_message=ticket_message,
        mailbox=mailbox,
        from_address=_sender(mailbox),
        reply_to=(
            addresses.reply_address(mailbox.address, ticket.number)
            if thread and mailbox is not None and mailbox.plus_addressing
            else ""
        ),
        to=to,
        recipient=addresses.normalize(to[0]),
        cc=cc,
        subject=email.subject,
        message_id=_new_message_id(mailbox),
        in_reply_to=in_reply_to,
        references=" ".join(f"<{r}>" for r in references),
        headers=headers,
        body_text=email.body,
        body_html=str(html),
        created_at=now,
        next_attempt_at=now,
    )
    row = None
    if thread:
        row = MailMessageId(
            message_id=outbound.message_id,
            ticket=ticket,
            ticket_message=ticket_message,
            direction=Direction.OUTBOUND,
        )
    if deferred is not None:
        deferred.outbound_emails.append(outbound)
        if row is not None:
            deferred.message_ids.append(row)
        return outbound
    outbound.save()
    if row is not None:
        row.save()
    send_when_committed([outbound.pk])
    return outbound


def send_when_committed(outbound_ids: list[int]) -> None:
    """Queue the sending of these stored e-mails once the transaction commits."""
    for outbound_id in outbound_ids:
        transaction.on_commit(lambda pk=outbound_id: _enqueue_send(pk))


def _enqueue_send(outbound_id: int) -> None:
    """Queue the sending (after the commit). In a batch the e-mails its messages
    queued are sent by one task per group, not one task each."""
    from concierge.mail.tasks import send_outbound_email

    running = batch.current()
    if running is not None:
        running.later(_enqueue_sends, outbound_id)
        return
    send_outbound_email.enqueue(outbound_id)


def _enqueue_sends(outbound_ids: list[int]) -> None:
    from concierge.mail.tasks import send_outbound_emails

    send_outbound_emails.enqueue(outbound_ids)


def reply_queue(*, message: Message) -> OutboundEmail | None:
    """Queue an agent's public reply on an e-mail ticket as a threaded e-mail.

    It goes to the requester, with the followers in Cc, from the address the customer
    wrote to. Call inside the transaction that stored the reply.
    """
    ticket = (
        Ticket.objects.select_related("requester")
        .prefetch_related("requester__identities", "followers__identities")
        .get(pk=message.ticket_id)
    )
    ours = our_addresses()
    requester = ticket.requester
    to_address = requester.primary_email
    if not to_address or is_our_address(to_address, ours):
        return None
    cc = [
        c.primary_email
        for c in ticket.followers.all()
        if c.primary_email and c.pk != requester.pk and not is_our_address(c.primary_email, ours)
    ]
    email = notifications.render_email(
        "reply",
        {
            "ticket": ticket,
            "message": message,
            "customer": requester,
            "link": settings.SITE_URL + reverse("portal:request_detail", args=[ticket.number]),
            "brand_name": settings.BRAND_NAME,
        },
        requester.language or ticket.language,
    )
    return _queue(
        kind=OutboundKind.REPLY,
        ticket=ticket,
        ticket_message=message,
        mailbox=ticket_mailbox(ticket),
        email=email,
        to=[to_address],
        cc=list(dict.fromkeys(cc)),
        headers={},
    )


def render_mail_email(
    name: str, context: dict[str, object], language: str
) -> EmailMultiAlternatives:
    """A template triple under mail/emails/, rendered in the recipient's language."""
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"mail/emails/{name}-subject.txt", context).strip()
        text = render_to_string(f"mail/emails/{name}-body.txt", context)
        html = render_to_string(f"mail/emails/{name}-body.html", context)
    message = EmailMultiAlternatives(subject=" ".join(subject.split()), body=text)
    message.attach_alternative(html, "text/html")
    return message


def _acknowledgements_within_the_hour() -> QuerySet[OutboundEmail]:
    since = timezone.now() - timedelta(hours=1)
    return OutboundEmail.objects.filter(kind=OutboundKind.ACKNOWLEDGEMENT, created_at__gte=since)


def acknowledgements_sent(recipients: Iterable[str]) -> Counter[str]:
    """How many acknowledgements each address got within the hour, for many addresses
    in one query (a group of incoming mail asks for all its senders at once)."""
    wanted = {addresses.normalize(address) for address in recipients}
    rows = (
        _acknowledgements_within_the_hour()
        .filter(recipient__in=wanted)
        .values_list("recipient")
        .annotate(sent=Count("pk"))
        .order_by()
    )
    return Counter(dict(rows))


def acknowledgement_allowed(address: str, sent: int | None = None) -> bool:
    """Automatic answers to one address are limited per hour, so two robots that
    answer each other stop after a few rounds. `sent`: how many it got within the
    hour, when the caller counted already."""
    if sent is None:
        sent = (
            _acknowledgements_within_the_hour()
            .filter(recipient=addresses.normalize(address))
            .count()
        )
    return sent < conf.auto_reply_limit_per_hour()


def acknowledgement_queue(
    *,
    ticket: Ticket,
    customer: Customer,
    address: str,
    mailbox: Mailbox | None,
    ours: set[str] | None = None,
    opened_by: str | None = None,
    sent: int | None = None,
    deferred: DeferredRows | None = None,
) -> OutboundEmail | None:
    """Tell the customer we have their request and its number, in their language.

    `opened_by`: the Message-ID of the e-mail that opened the ticket, its only message
    so far ("" when it had none); the thread is then known without reading it back.
    `sent`: the acknowledgements the address got within the hour, when known already.
    `deferred`: as for `_queue`.
    """
    if not address or is_our_address(address, ours) or not acknowledgement_allowed(address, sent):
        return None
    email = render_mail_email(
        "acknowledgement",
        {
            "ticket": ticket,
            "customer": customer,
            "brand_name": settings.BRAND_NAME,
            "link": settings.SITE_URL + reverse("portal:request_detail", args=[ticket.number]),
        },
        customer.language or ticket.language,
    )
    return _queue(
        kind=OutboundKind.ACKNOWLEDGEMENT,
        ticket=ticket,
        ticket_message=None,
        mailbox=mailbox,
        email=email,
        to=[address],
        cc=[],
        # RFC 3834: an automatic answer says so, and asks others not to answer it.
        headers={"Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All"},
        thread_ids=None if opened_by is None else (opened_by, [opened_by] if opened_by else []),
        deferred=deferred,
    )


#: RFC 3834: an e-mail a rule wrote says so, and asks mail robots not to answer it.
AUTOMATIC_HEADERS = {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}


def automatic_email_queue(
    *,
    kind: str,
    ticket: Ticket,
    to: str,
    subject: str,
    body_text: str,
    body_html: str,
    to_requester: bool,
) -> OutboundEmail | None:
    """Queue an e-mail about a ticket that a trigger, a time rule or an escalation wrote.

    Call inside the transaction of the change that caused it: a rolled-back change
    sends nothing, and the worker sends the row once, with retries. To the customer it
    comes from the ticket's mailbox, in their thread, so their answer lands on the
    ticket; to anybody else it comes from the desk's own address, outside the thread.
    Nothing is queued to one of our own addresses: the desk would be e-mailing itself.
    """
    if not to or is_our_address(to):
        return None
    email = EmailMultiAlternatives(subject=subject, body=body_text)
    if body_html:
        email.attach_alternative(body_html, "text/html")
    mailbox = ticket_mailbox(ticket)
    outbound = _queue(
        kind=kind,
        ticket=ticket,
        ticket_message=None,
        mailbox=mailbox if to_requester else None,
        email=email,
        to=[to],
        cc=[],
        headers=dict(AUTOMATIC_HEADERS),
        thread=to_requester,
    )
    if not to_requester:
        # An agent may answer it by e-mail: a reply to the customer, or a note.
        agent_replies.notification_make_answerable(
            outbound=outbound, ticket=ticket, mailbox=mailbox
        )
    return outbound


# --- sending -----------------------------------------------------------------------------------


def _claim(outbound_id: int) -> bool:
    now = timezone.now()
    claimed = OutboundEmail.objects.filter(
        pk=outbound_id, status=OutboundStatus.QUEUED, next_attempt_at__lte=now
    ).update(
        status=OutboundStatus.SENDING,
        lease_until=now + timedelta(seconds=conf.send_lease_seconds()),
        attempts=F("attempts") + 1,
    )
    return claimed == 1


def build_email(outbound: OutboundEmail) -> EmailMultiAlternatives:
    headers = {**outbound.headers, "Message-ID": f"<{outbound.message_id}>"}
    if outbound.in_reply_to:
        headers["In-Reply-To"] = f"<{outbound.in_reply_to}>"
    if outbound.references:
        headers["References"] = outbound.references
    email = EmailMultiAlternatives(
        subject=outbound.subject,
        body=outbound.body_text,
        from_email=outbound.from_address,
        to=list(outbound.to),
        cc=list(outbound.cc),
        reply_to=[outbound.reply_to] if outbound.reply_to else None,
        headers=headers,
    )
    if outbound.body_html:
        email.attach_alternative(outbound.body_html, "text/html")
    if outbound.ticket_message_id:
        for attachment in outbound.ticket_message.attachments.all():
            with attachment.file.open("rb") as handle:
                email.attach(attachment.filename, handle.read(), attachment.content_type)
    return email


def _backoff(attempts: int) -> timedelta:
    seconds = conf.send_retry_seconds() * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, MAX_BACKOFF_SECONDS))


def outbound_send(*, outbound_id: int) -> str:
    """Send one queued e-mail if it is due and nobody else holds it; returns its status."""
    if not _claim(outbound_id):
        return (
            OutboundEmail.objects.filter(pk=outbound_id).values_list("status", flat=True).first()
            or ""
        )
    outbound = OutboundEmail.objects.select_related("ticket_message").get(pk=outbound_id)
    try:
        email = build_email(outbound)
        with get_connection(fail_silently=False) as connection:
            connection.send_messages([email])
    except Exception as error:
        now = timezone.now()
        gave_up = outbound.attempts >= conf.send_max_attempts()
        OutboundEmail.objects.filter(pk=outbound_id, status=OutboundStatus.SENDING).update(
            status=OutboundStatus.FAILED if gave_up else OutboundStatus.QUEUED,
            next_attempt_at=now + _backoff(outbound.attempts),
            lease_until=None,
            last_error=f"{type(error).__name__}: {error}"[:2000],
        )
        logger.warning("sending e-mail %s failed (attempt %s)", outbound_id, outbound.attempts)
        return OutboundStatus.FAILED if gave_up else OutboundStatus.QUEUED
    OutboundEmail.objects.filter(pk=outbound_id).update(
        status=OutboundStatus.SENT, sent_at=timezone.now(), lease_until=None, last_error=""
    )
    return OutboundStatus.SENT


def stale_claims_release() -> int:
    """Look again at sends whose worker died mid-send (their lease ran out).

    A copy of the message that came back to one of our mailboxes proves it left: it is
    marked sent. Otherwise it is queued again with the same Message-ID, which the
    receiving side uses to recognise a copy in the rare case the first one did leave.
    """
    now = timezone.now()
    released = 0
    stale = OutboundEmail.objects.filter(status=OutboundStatus.SENDING, lease_until__lt=now)
    for outbound_id, message_id in stale.values_list("pk", "message_id"):
        came_back = RawMessage.objects.filter(message_id=message_id).exists()
        released += OutboundEmail.objects.filter(
            pk=outbound_id, status=OutboundStatus.SENDING, lease_until__lt=now
        ).update(
            status=OutboundStatus.SENT if came_back else OutboundStatus.QUEUED,
            sent_at=now if came_back else None,
            lease_until=None,
            last_error="" if came_back else "The worker stopped while sending; retried.",
        )
    return released


def due_outbound_ids(limit: int = 100) -> list[int]:
    now = timezone.now()
    return list(
        OutboundEmail.objects.filter(Q(status=OutboundStatus.QUEUED) & Q(next_attempt_at__lte=now))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def outbox_drain(*, limit: int = 100) -> dict[str, int]:
    """Send what is due: the worker's safety net behind the per-message tasks."""
    stale_claims_release()
    counts: dict[str, int] = {}
    for outbound_id in due_outbound_ids(limit):
        status = outbound_send(outbound_id=outbound_id)
        counts[status] = counts.get(status, 0) + 1
    return counts
