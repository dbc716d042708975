"""Changing a ticket from its page: the properties panel, merging, splitting."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from concierge.tickets.forms import MergeForm, PropertiesForm
from concierge.tickets.models import Ticket
from concierge.tickets.queries import message_for_user, ticket_for_user
from concierge.tickets.services import (
    NotAllowedError,
    SolveBlockedError,
    StaleTicketError,
    message_split,
    ticket_merge,
    ticket_set_tags,
    ticket_update,
)
from concierge.tickets.views.access import agent_required, refuse
from concierge.tickets.views.display import posted_state, ticket_context

ROLE_REFUSAL = gettext_lazy("Your role may only add internal notes, not change tickets.")


def _render_properties(
    request: HttpRequest,
    ticket: Ticket,
    *,
    form: PropertiesForm | None = None,
    status: int = 200,
    stale_form: PropertiesForm | None = None,
) -> HttpResponse:
    retry_values = None
    if stale_form is not None:
        # The refused edit, so the agent can send it again on purpose once they read the news.
        edited = stale_form.edited_fields()
        retry_values = [
            (name, value) for name in ("field", *edited) for value in request.POST.getlist(name)
        ]
    context = ticket_context(
        request,
        ticket,
        properties_form=form,
        seen_message=stale_form.cleaned_data.get("seen_message") if stale_form else None,
        seen_event=stale_form.cleaned_data.get("seen_event") if stale_form else None,
        properties_stale=stale_form is not None,
        retry_values=retry_values,
        properties_state=posted_state(form) if form is not None else None,
    )
    if not request.htmx:
        return render(request, "tickets/ticket_detail.html", context, status=status)
    if form is not None:
        # Invalid input: only the panel, with its errors, changes.
        return render(request, "tickets/_properties.html", context, status=status)
    return render(request, "tickets/_after_update.html", context, status=status)


@agent_required
@require_POST
def update_properties(request: HttpRequest, number: int) -> HttpResponse:
    user = request.user
    ticket = ticket_for_user(user, number)
    if not user.can_reply_publicly:
        return refuse(request, str(ROLE_REFUSAL))
    form = PropertiesForm(request.POST)
    if not form.is_valid():
        return _render_properties(request, ticket, form=form, status=422)
    version = form.cleaned_data["version"]
    try:
        changes = form.changes()
        if changes:
            ticket = ticket_update(ticket=ticket, actor=user, expected_version=version, **changes)
            version = ticket.version
        tag_names = form.tag_names()
        if tag_names is not None:
            ticket = ticket_set_tags(
                ticket=ticket, actor=user, names=tag_names, replace=True, expected_version=version
            )
    except StaleTicketError:
        return _render_properties(
            request, ticket_for_user(user, number), status=409, stale_form=form
        )
    except SolveBlockedError as error:
        form.add_error("status", str(error))
        return _render_properties(request, ticket, form=form, status=422)
    except NotAllowedError as error:
        return refuse(request, str(error))
    if not request.htmx:
        messages.success(request, _("The ticket was saved."))
        return redirect("tickets:detail", number=number)
    return _render_properties(request, ticket_for_user(user, number))


@agent_required
@require_POST
def merge(request: HttpRequest, number: int) -> HttpResponse:
    user = request.user
    ticket = ticket_for_user(user, number)
    if not user.can_reply_publicly:
        return refuse(request, str(ROLE_REFUSAL))
    form = MergeForm(request.POST)
    if form.is_valid():
        target_number = form.cleaned_data["target"]
        try:
            target = ticket_for_user(user, target_number)
        except Http404:
            form.add_error(
                "target",
                _("There is no ticket #%(number)s that you can see.") % {"number": target_number},
            )
        else:
            try:
                ticket_merge(source=ticket, target=target, actor=user)
            except ValueError as error:
                form.add_error("target", str(error))
            except NotAllowedError as error:
                return refuse(request, str(error))
            else:
                messages.success(
                    request,
                    _("Ticket #%(source)s was merged into this ticket.")
                    % {"source": ticket.number},
                )
                return redirect("tickets:detail", number=target.number)
    context = ticket_context(request, ticket, merge_form=form)
    return render(request, "tickets/ticket_detail.html", context, status=422)


@agent_required
@require_POST
def split(request: HttpRequest, number: int, message_id: int) -> HttpResponse:
    user = request.user
    ticket = ticket_for_user(user, number)
    message = message_for_user(user, ticket, message_id)
    if not user.can_reply_publicly:
        return refuse(request, str(ROLE_REFUSAL))
    try:
        new_ticket = message_split(message=message, actor=user)
    except ValueError as error:
        messages.error(request, str(error))
        return redirect("tickets:detail", number=number)
    except NotAllowedError as error:
        return refuse(request, str(error))
    messages.success(
        request,
        _("The message was split out of ticket #%(number)s into this new ticket.")
        % {"number": number},
    )
    return redirect("tickets:detail", number=new_ticket.number)
