"""Every write the customer portal makes, and the sign-in e-mail it sends."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from concierge.people.models import Customer, CustomerIdentity, IdentityKind, User
from concierge.people.services import (
    customer_find_or_create_by_email,
    customer_portal_user,
    customer_update,
    normalize_email,
)
from concierge.portal.tokens import magic_link_token
from concierge.tickets.models import UNRESOLVED_STATUSES, Channel, Message, Status, Ticket
from concierge.tickets.services import (
    AttachmentInput,
    message_receive,
    ticket_create,
    ticket_update,
)

logger = logging.getLogger(__name__)

HEX_COLOR = re.compile(r"^#[0-9a-fA-F]{3,8}$")
DEFAULT_ACCENT = "#2563eb"


class RequestClosedError(Exception):
    """A closed request takes no more replies; the customer opens a follow-up instead."""


# --- the contact form -------------------------------------------------------------------------


def contact_request_submit(
    *,
    name: str,
    email: str,
    subject: str,
    message: str,
    language: str,
    attachments: Sequence[AttachmentInput] = (),
    customer: Customer | None = None,
) -> Ticket:
    """Open a ticket from the portal's contact form.

    `customer` is the signed-in customer; otherwise the address finds (or creates) one,
    who joins the organization that owns the address's domain.
    """
    with transaction.atomic():
        if customer is None:
            customer = customer_find_or_create_by_email(
                email=email, full_name=name, language=language
            )
        name = name.strip()
        if name and not customer.full_name:
            # Someone known only by address (from an e-mail) has now told us their name.
            customer_update(
                customer=customer,
                full_name=name,
                language=customer.language or language,
                time_zone=customer.time_zone,
                notes=customer.notes,
            )
        return ticket_create(
            requester=customer,
            subject=subject,
            body_text=message,
            channel=Channel.WEB,
            attachments=attachments,
            language=language,
        )


# --- replies and status -----------------------------------------------------------------------


def request_reply(
    *,
    ticket: Ticket,
    customer: Customer,
    body_text: str,
    attachments: Sequence[AttachmentInput] = (),
) -> Message:
    """The customer answers in the portal; a solved request opens again, a closed one refuses."""
    if ticket.status == Status.CLOSED:
        raise RequestClosedError
    return message_receive(
        ticket=ticket,
        customer=customer,
        body_text=body_text,
        channel=Channel.WEB,
        attachments=attachments,
    )


def request_mark_solved(*, ticket: Ticket, customer: Customer) -> bool:
    """The customer says their problem is solved; False when it already was."""
    if ticket.status not in UNRESOLVED_STATUSES:
        return False
    ticket_update(ticket=ticket, actor=None, actor_customer=customer, status=Status.SOLVED)
    return True


def portal_password_set(*, user: User, password: str) -> None:
    """A customer chooses a password, so they can also sign in without an e-mailed link."""
    user.set_password(password)
    user.save(update_fields=["password"])


# --- sign-in links ----------------------------------------------------------------------------


def magic_link_request(*, email: str, next_url: str = "", language: str = "") -> bool:
    """Queue a sign-in link to this address if a customer owns it.

    The caller answers the same either way, so nobody learns which addresses are known;
    the mail goes out from the worker, so the answer takes no longer when one is sent.
    Returns whether a link was queued.
    """
    from concierge.portal.tasks import send_magic_link

    identity = CustomerIdentity.objects.filter(
        kind=IdentityKind.EMAIL, value=normalize_email(email)
    ).first()
    if identity is None:
        return False
    # Nothing was written, so there is no transaction to wait for.
    send_magic_link.enqueue(
        customer_id=identity.customer_id,
        email=identity.value,
        next_url=next_url,
        language=language,
    )
    return True


def render_email(name: str, context: dict[str, object], language: str) -> EmailMultiAlternatives:
    """One e-mail from its template triple, in the recipient's language."""
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"portal/emails/{name}-subject.txt", context)
        text = render_to_string(f"portal/emails/{name}-body.txt", context)
        html = render_to_string(f"portal/emails/{name}-body.html", context)
    message = EmailMultiAlternatives(subject=" ".join(subject.split()), body=text)
    message.attach_alternative(html, "text/html")
    return message


def _email_accent() -> str:
    # Mail clients ignore stylesheets, so the colour goes inline; only a plain hex colour.
    color = settings.BRAND_ACCENT_COLOR
    return color if HEX_COLOR.match(color) else DEFAULT_ACCENT


def magic_link_url(user: User, next_url: str = "") -> str:
    # SITE_URL, never the request's Host header, so a forged header cannot redirect the link.
    url = settings.SITE_URL + reverse("portal:magic", args=[magic_link_token(user)])
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def magic_link_send(*, customer_id: int, email: str, next_url: str = "", language: str = "") -> int:
    """Send a one-time sign-in link; returns how many e-mails went out (0 or 1)."""
    customer = (
        Customer.objects.filter(
            pk=customer_id, identities__kind=IdentityKind.EMAIL, identities__value=email
        )
        .select_related("user")
        .prefetch_related("identities")
        .first()
    )
    if customer is None:
        # The address was removed from the customer after the link was asked for.
        return 0
    try:
        user = customer_portal_user(customer=customer)
    except IntegrityError:
        # A staff account already uses this address; it signs in with its password only.
        logger.warning("No sign-in link for customer %s: address taken by a user", customer.pk)
        return 0
    if not user.is_active:
        return 0
    email_message = render_email(
        "magic_link",
        {
            "customer": customer,
            "link": magic_link_url(user, next_url),
            "brand_name": settings.BRAND_NAME,
            "accent": _email_accent(),
            "minutes": max(1, settings.MAGIC_LINK_MAX_AGE_SECONDS // 60),
        },
        customer.language or language,
    )
    email_message.to = [email]
    return email_message.send()
