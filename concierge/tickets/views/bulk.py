"""Bulk actions over the rows checked in the inbox."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from concierge.people.models import Team
from concierge.people.queries import active_agents
from concierge.tickets.forms import BulkForm
from concierge.tickets.models import Ticket
from concierge.tickets.queries import ticket_for_user, tickets_visible_to
from concierge.tickets.services import (
    NotAllowedError,
    ticket_bulk_merge,
    ticket_bulk_update,
)
from concierge.tickets.views.access import agent_required, refuse


def _back_to_inbox(request: HttpRequest) -> str:
    """The inbox page the agent came from, if the given address really is one."""
    inbox_url = reverse("tickets:inbox")
    target = request.POST.get("next", "")
    if target == inbox_url or target.startswith(inbox_url + "?"):
        return target
    return inbox_url


@agent_required
@require_POST
def bulk_update(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.can_reply_publicly:
        return refuse(request, _("Your role may only add internal notes, not change tickets."))
    back = _back_to_inbox(request)
    form = BulkForm(request.POST, agents=list(active_agents()), teams=list(Team.objects.all()))
    if not form.is_valid():
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
        return redirect(back)

    wanted = form.cleaned_data["tickets"]
    # The checked ids are only a wish: what happens is limited to what this agent may see.
    tickets = list(tickets_visible_to(user).filter(pk__in=wanted).order_by("pk"))
    skipped = len(wanted) - len(tickets)
    if skipped:
        messages.warning(
            request,
            ngettext(
                "%(count)d selected ticket was skipped because you cannot see it.",
                "%(count)d selected tickets were skipped because you cannot see them.",
                skipped,
            )
            % {"count": skipped},
        )
    if not tickets:
        messages.error(request, _("None of the selected tickets could be changed."))
        return redirect(back)

    try:
        if form.cleaned_data["action"] == BulkForm.ACTION_MERGE:
            _merge(request, form, tickets)
        else:
            result = ticket_bulk_update(tickets=tickets, actor=user, **form.changes())
            if result.changed:
                messages.success(
                    request,
                    ngettext(
                        "Updated %(count)d ticket.", "Updated %(count)d tickets.", result.changed
                    )
                    % {"count": result.changed},
                )
            if result.blocked:
                _report_blocked(request, result.blocked)
    except NotAllowedError as error:
        return refuse(request, str(error))
    return redirect(back)


def _report_blocked(request: HttpRequest, blocked: list[tuple[Ticket, str]]) -> None:
    """Name the tickets left as they were, and why (each reason names its ticket)."""
    messages.warning(
        request,
        ngettext(
            "%(count)d ticket was left unchanged because it may not be solved yet: "
            "%(numbers)s. %(reasons)s",
            "%(count)d tickets were left unchanged because they may not be solved yet: "
            "%(numbers)s. %(reasons)s",
            len(blocked),
        )
        % {
            "count": len(blocked),
            "numbers": ", ".join(f"#{ticket.number}" for ticket, _reason in blocked),
            "reasons": " ".join(reason for _ticket, reason in blocked),
        },
    )


def _merge(request: HttpRequest, form: BulkForm, tickets: list[Ticket]) -> None:
    number = form.cleaned_data["merge_target"]
    try:
        target = ticket_for_user(request.user, number)
    except Http404:
        messages.error(
            request, _("There is no ticket #%(number)s that you can see.") % {"number": number}
        )
        return
    sources = [ticket for ticket in tickets if ticket.pk != target.pk]
    if not sources:
        messages.error(request, _("Select at least one ticket other than the target."))
        return
    try:
        # All or nothing: a refusal halfway must not leave some tickets merged.
        with transaction.atomic():
            ticket_bulk_merge(tickets=sources, target=target, actor=request.user)
    except ValueError as error:
        messages.error(request, str(error))
        return
    messages.success(
        request,
        ngettext(
            "Merged %(count)d ticket into #%(number)s.",
            "Merged %(count)d tickets into #%(number)s.",
            len(sources),
        )
        % {"count": len(sources), "number": target.number},
    )
