"""My requests: the list, one request's conversation, replying and marking it solved."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from concierge.people.models import Customer
from concierge.portal.decorators import customer_required
from concierge.portal.forms import ReplyForm
from concierge.portal.queries import (
    SCOPE_MINE,
    SCOPE_ORGANIZATION,
    STATE_OPEN,
    STATE_SOLVED,
    managed_organizations,
    portal_requests,
    visible_merge_target,
)
from concierge.portal.services import RequestClosedError, request_mark_solved, request_reply
from concierge.tickets.models import UNRESOLVED_STATUSES, Status
from concierge.tickets.queries import messages_visible_to, ticket_for_user

PAGE_SIZE = 25


def _agent_inbox() -> str:
    return reverse("tickets:inbox")


def _agent_ticket(number: int) -> str:
    return reverse("tickets:detail", args=[number])


@customer_required(agent_url=_agent_inbox)
def request_list(request: HttpRequest, customer: Customer) -> HttpResponse:
    organizations = managed_organizations(customer)
    scope = request.GET.get("scope", SCOPE_MINE)
    if scope != SCOPE_ORGANIZATION or not organizations:
        scope = SCOPE_MINE
    state = request.GET.get("state", "")
    if state not in (STATE_OPEN, STATE_SOLVED):
        state = ""
    tickets = portal_requests(request.user, customer, scope=scope, state=state)
    page = Paginator(tickets, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "customer": customer,
        "page": page,
        "scope": scope,
        "state": state,
        "organizations": organizations,
    }
    if request.htmx:
        return render(request, "portal/_request_table.html", context)
    return render(request, "portal/request_list.html", context)


@customer_required(agent_url=_agent_ticket)
def request_detail(request: HttpRequest, customer: Customer, number: int) -> HttpResponse:
    ticket = ticket_for_user(request.user, number)
    form = ReplyForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST":
        if ticket.status == Status.CLOSED:
            messages.error(request, _("This request is closed and takes no more replies."))
            return redirect("portal:request_detail", number=ticket.number)
        if form.is_valid():
            try:
                request_reply(
                    ticket=ticket,
                    customer=customer,
                    body_text=form.cleaned_data["message"],
                    attachments=form.cleaned_data["attachments"],
                )
            except RequestClosedError:
                messages.error(request, _("This request is closed and takes no more replies."))
            else:
                messages.success(request, _("Your reply was sent."))
            return redirect("portal:request_detail", number=ticket.number)
    context = {
        "customer": customer,
        "ticket": ticket,
        "thread": messages_visible_to(request.user, ticket),
        "form": form,
        "can_reply": ticket.status != Status.CLOSED,
        "can_mark_solved": ticket.status in UNRESOLVED_STATUSES,
        "merge_target": visible_merge_target(request.user, ticket),
    }
    return render(request, "portal/request_detail.html", context)


@require_POST
@customer_required()
def request_solve(request: HttpRequest, customer: Customer, number: int) -> HttpResponse:
    ticket = ticket_for_user(request.user, number)
    if request_mark_solved(ticket=ticket, customer=customer):
        messages.success(request, _("Thank you! The request is marked as solved."))
    else:
        messages.info(request, _("This request was already solved."))
    return redirect("portal:request_detail", number=ticket.number)
