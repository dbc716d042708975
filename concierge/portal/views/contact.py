"""The portal's home page and the contact form."""

from __future__ import annotations

import logging

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django_ratelimit.decorators import ratelimit

from concierge.helpcenter.deflection import contact_form_submitted
from concierge.portal.forms import HONEYPOT_FIELD, ContactForm
from concierge.portal.queries import recent_open_requests
from concierge.portal.services import contact_request_submit
from concierge.portal.throttle import client_ip, contact_form_rate
from concierge.tickets.queries import customer_of, ticket_for_user

logger = logging.getLogger(__name__)

# The ticket numbers this browser session created, so only it sees their confirmations.
SUBMITTED_SESSION_KEY = "portal_submitted_tickets"
SUBMITTED_REMEMBERED = 20


def home(request: HttpRequest) -> HttpResponse:
    customer = customer_of(request.user)
    recent = recent_open_requests(request.user, customer) if customer else []
    return render(request, "portal/home.html", {"customer": customer, "recent_requests": recent})


def _follow_up_subject(request: HttpRequest) -> str:
    """The subject that continues a closed request the customer may see, or ""."""
    number = request.GET.get("follow_up", "")
    if not number.isdigit() or customer_of(request.user) is None:
        return ""
    try:
        ticket = ticket_for_user(request.user, int(number))
    except Http404:
        return ""
    return _("Follow-up to request #%(number)s: %(subject)s") % {
        "number": ticket.number,
        "subject": ticket.subject,
    }


def _remember_submission(request: HttpRequest, number: int) -> None:
    numbers = [n for n in request.session.get(SUBMITTED_SESSION_KEY, []) if n != number]
    request.session[SUBMITTED_SESSION_KEY] = [*numbers, number][-SUBMITTED_REMEMBERED:]


@ratelimit(group="portal.contact", key=client_ip, rate=contact_form_rate, method="POST", block=True)
def contact(request: HttpRequest) -> HttpResponse:
    customer = customer_of(request.user)
    initial = {"subject": _follow_up_subject(request)}
    if customer:
        initial["name"] = customer.full_name
    form = ContactForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial=initial,
        signed_in_email=customer.primary_email if customer else "",
    )
    if request.method == "POST":
        if form.honeypot_filled:
            # Answer a bot as if it succeeded, so it learns nothing to adapt to.
            logger.info("Contact form submission dropped: the %s field was filled", HONEYPOT_FIELD)
            return render(request, "portal/contact_done.html", {"number": None})
        if form.is_valid():
            data = form.cleaned_data
            ticket = contact_request_submit(
                name=data["name"],
                email=data["email"],
                subject=data["subject"],
                message=data["message"],
                attachments=data["attachments"],
                language=translation.get_language() or "",
                customer=customer,
            )
            _remember_submission(request, ticket.number)
            contact_form_submitted(request.session)
            return redirect("portal:contact_done", number=ticket.number)
    return render(request, "portal/contact.html", {"form": form, "customer": customer})


def contact_done(request: HttpRequest, number: int) -> HttpResponse:
    if number not in request.session.get(SUBMITTED_SESSION_KEY, []):
        raise Http404
    customer = customer_of(request.user)
    return render(request, "portal/contact_done.html", {"number": number, "customer": customer})
