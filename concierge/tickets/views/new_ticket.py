"""Opening a ticket for a customer: the phone call, the walk-in, the forwarded e-mail."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from concierge.people.models import Customer, User
from concierge.people.queries import customer_for_agent
from concierge.people.services import customer_find_or_create_by_email
from concierge.tickets.forms import MAX_BIGINT, NewTicketForm
from concierge.tickets.models import Ticket
from concierge.tickets.queries import tickets_visible_to
from concierge.tickets.services import ticket_create
from concierge.tickets.views.access import agent_required, refuse

ROLE_REFUSAL = gettext_lazy("Your role may only add internal notes, not open tickets.")


def _prefilled_customer(request: HttpRequest) -> Customer | None:
    """The customer named by ?customer=<pk> (the customer page's "New ticket" link)."""
    raw = request.GET.get("customer", "")
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()) or int(raw) > MAX_BIGINT:
        raise Http404
    return customer_for_agent(request.user, int(raw))


def _initial(user: User, customer: Customer | None) -> dict[str, Any]:
    # The agent's own team first, so that an agent limited to their team's tickets
    # sees the ticket they open without having to think of it.
    initial: dict[str, Any] = {"team": user.teams.order_by("name").first()}
    if customer is not None:
        initial.update({"email": customer.primary_email, "name": customer.full_name})
    return initial


def _requester(form: NewTicketForm) -> Customer:
    data = form.cleaned_data
    return customer_find_or_create_by_email(
        email=data["email"], full_name=data["name"], language=data["language"]
    )


def _render_form(
    request: HttpRequest,
    form: NewTicketForm,
    *,
    customer: Customer | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "form": form,
        "customer": customer,
        # A browser never sends files back: say so, rather than let them vanish quietly.
        "files_dropped": bool(request.FILES),
    }
    return render(request, "tickets/new_ticket.html", context, status=status)


@agent_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.can_reply_publicly:
        return refuse(request, str(ROLE_REFUSAL))
    if request.method == "GET":
        customer = _prefilled_customer(request)
        form = NewTicketForm(initial=_initial(user, customer))
        return _render_form(request, form, customer=customer)

    form = NewTicketForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_form(request, form, customer=_prefilled_customer(request), status=422)
    data = form.cleaned_data
    by_agent = form.written_by_agent
    try:
        # One unit: a refused attachment must not leave a new customer behind without
        # the ticket they were created for.
        with transaction.atomic():
            ticket = ticket_create(
                requester=_requester(form),
                subject=data["subject"],
                body_text=data["body"],
                channel=data["channel"],
                attachments=data["attachments"],
                # A reply is the agent's own message, e-mailed to the customer; the customer's
                # words are theirs, and the agent is named as the one who wrote them down.
                actor=user if by_agent else None,
                recorded_by=None if by_agent else user,
                priority=data["priority"],
                ticket_type=data["ticket_type"],
                language=data["language"],
                assignee=data["assignee"],
                team=data["team"],
                tags=form.tag_names(),
            )
    except ValidationError as error:
        form.add_error("attachments", error)
        return _render_form(request, form, customer=_prefilled_customer(request), status=422)
    return _after_create(request, ticket, by_agent=by_agent)


def _after_create(request: HttpRequest, ticket: Ticket, *, by_agent: bool) -> HttpResponse:
    names = {"number": ticket.number, "requester": ticket.requester}
    if not tickets_visible_to(request.user).filter(pk=ticket.pk).exists():
        # Handed to a team whose tickets this agent does not see: its page would be a 404.
        messages.success(
            request,
            _(
                "Ticket #%(number)s was opened for %(requester)s and handed to a team "
                "whose tickets you do not see."
            )
            % names,
        )
        return redirect("tickets:inbox")
    if by_agent:
        text = _("Ticket #%(number)s was opened and your reply was sent to %(requester)s.")
    else:
        text = _("Ticket #%(number)s was opened for %(requester)s.")
    messages.success(request, text % names)
    return redirect("tickets:detail", number=ticket.number)
