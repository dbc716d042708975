"""Followers (CCs) of a ticket: customers who receive its public replies too."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from concierge.people.services import customer_find_or_create_by_email
from concierge.tickets.forms import FollowerForm
from concierge.tickets.models import Ticket
from concierge.tickets.queries import ticket_for_user
from concierge.tickets.services import ticket_set_followers
from concierge.tickets.views.access import agent_required, refuse
from concierge.tickets.views.display import ticket_context
from concierge.tickets.views.ticket_edit import ROLE_REFUSAL


def _render_panel(
    request: HttpRequest,
    ticket: Ticket,
    *,
    form: FollowerForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The customer panel again; after a change, also what the change touched."""
    if form is None and not request.htmx:
        return redirect("tickets:detail", number=ticket.number)
    context = ticket_context(request, ticket, follower_form=form)
    if not request.htmx:
        return render(request, "tickets/ticket_detail.html", context, status=status)
    if form is not None:
        # Invalid input: only the panel, with its errors and what was typed, changes.
        return render(request, "tickets/_customer_panel.html", context, status=status)
    return render(request, "tickets/_after_followers.html", context, status=status)


@agent_required
@require_POST
def follower_add(request: HttpRequest, number: int) -> HttpResponse:
    user = request.user
    ticket = ticket_for_user(user, number)
    if not user.can_reply_publicly:
        return refuse(request, str(ROLE_REFUSAL))
    form = FollowerForm(request.POST, ticket=ticket)
    if not form.is_valid():
        return _render_panel(request, ticket, form=form, status=422)
    follower = form.existing or customer_find_or_create_by_email(
        email=form.cleaned_data["email"], full_name=form.cleaned_data["name"]
    )
    ticket_set_followers(ticket=ticket, actor=user, add=[follower])
    messages.success(
        request,
        _("%(name)s now follows this ticket and receives its public replies.") % {"name": follower},
    )
    return _render_panel(request, ticket_for_user(user, number))


@agent_required
@require_POST
def follower_remove(request: HttpRequest, number: int, customer_id: int) -> HttpResponse:
    user = request.user
    ticket = ticket_for_user(user, number)
    if not user.can_reply_publicly:
        return refuse(request, str(ROLE_REFUSAL))
    follower = ticket.followers.filter(pk=customer_id).first()
    # Someone who no longer follows (a colleague removed them a moment ago) is not an
    # error: the panel simply shows the list as it is now.
    if follower is not None:
        ticket_set_followers(ticket=ticket, actor=user, remove=[follower])
        messages.success(request, _("%(name)s no longer follows this ticket.") % {"name": follower})
    return _render_panel(request, ticket_for_user(user, number))
