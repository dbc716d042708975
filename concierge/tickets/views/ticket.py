"""The ticket page and its composer (public replies and internal notes)."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from concierge.automation.macros_queries import macro_for_user
from concierge.automation.macros_services import macro_reply
from concierge.tickets.forms import ReplyForm
from concierge.tickets.models import Ticket
from concierge.tickets.queries import (
    message_for_user,
    messages_visible_to,
    ticket_for_user,
    ticket_timeline,
)
from concierge.tickets.services import (
    NotAllowedError,
    SolveBlockedError,
    StaleTicketError,
    ticket_reply,
)
from concierge.tickets.views.access import agent_required, refuse
from concierge.tickets.views.display import posted_state, ticket_context, timeline_entry
from concierge.tickets.windows import messages_between


@agent_required
@require_GET
def detail(request: HttpRequest, number: int) -> HttpResponse:
    ticket = ticket_for_user(request.user, number)
    # Without JavaScript the "show earlier messages" and "whole history" buttons are
    # plain links to the page with everything shown.
    context = ticket_context(
        request,
        ticket,
        whole_thread=request.GET.get("thread") == "all",
        whole_history=request.GET.get("history") == "all",
    )
    return render(request, "tickets/ticket_detail.html", context)


def _message_id(raw: str) -> int:
    # No message has id 0: anything that is not a number is answered like a stranger's id.
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 19 else 0


@agent_required
@require_GET
def earlier_messages(request: HttpRequest, number: int) -> HttpResponse:
    """The messages a long thread hides between two it shows, in place of the button."""
    user = request.user
    ticket = ticket_for_user(user, number)
    after = message_for_user(user, ticket, _message_id(request.GET.get("after", "")))
    before = message_for_user(user, ticket, _message_id(request.GET.get("before", "")))
    messages_shown = list(
        messages_between(
            messages_visible_to(user, ticket).prefetch_related("author_customer__identities"),
            after,
            before,
        )
    )
    context = {
        "ticket": ticket,
        "thread": messages_shown,
        "can_split": user.can_reply_publicly and not ticket.merged_into_id,
    }
    return render(request, "tickets/_thread_messages.html", context)


@agent_required
@require_GET
def history(request: HttpRequest, number: int) -> HttpResponse:
    """The ticket's whole history, in place of the window of its latest changes."""
    ticket = ticket_for_user(request.user, number)
    timeline = [timeline_entry(event) for event in ticket_timeline(ticket)]
    context = {"ticket": ticket, "timeline": timeline}
    return render(request, "tickets/_timeline.html", context)


def _render_composer(
    request: HttpRequest,
    ticket: Ticket,
    form: ReplyForm,
    *,
    status: int,
    stale: bool = False,
) -> HttpResponse:
    """The composer again, with the draft kept: after a refusal or an invalid post."""
    context = ticket_context(
        request,
        ticket,
        reply_form=form,
        seen_message=form.cleaned_data.get("seen_message") if stale else None,
        seen_event=form.cleaned_data.get("seen_event") if stale else None,
        reply_stale=stale,
        reply_state=None if stale else posted_state(form),
    )
    context["files_dropped"] = bool(request.FILES)
    if not request.htmx:
        return render(request, "tickets/ticket_detail.html", context, status=status)
    # A refusal because of news also refreshes what the news is about.
    template = "tickets/_after_reply.html" if stale else "tickets/_composer.html"
    return render(request, template, context, status=status)


@agent_required
@require_POST
def reply(request: HttpRequest, number: int) -> HttpResponse:
    user = request.user
    ticket = ticket_for_user(user, number)
    form = ReplyForm(request.POST, request.FILES, user=user)
    if not form.is_valid():
        return _render_composer(request, ticket, form, status=422)
    # A macro applied in the composer goes out with the message: its changes and tags too.
    macro_id = request.POST.get("macro")
    send = partial(macro_reply, macro=macro_for_user(user, macro_id)) if macro_id else ticket_reply
    try:
        message = send(
            ticket=ticket,
            author=user,
            body_text=form.cleaned_data["body"],
            internal=form.internal,
            attachments=form.cleaned_data["attachments"],
            expected_version=form.cleaned_data["version"],
            status=form.cleaned_data.get("status") or None,
        )
    except StaleTicketError:
        # Someone replied or changed the ticket since this agent opened it: nothing was
        # sent. Show what is new and keep the draft, with the fresh version to send anyway.
        return _render_composer(
            request, ticket_for_user(user, number), form, status=409, stale=True
        )
    except SolveBlockedError as error:
        form.add_error("status", str(error))
        return _render_composer(request, ticket, form, status=422)
    except NotAllowedError as error:
        return refuse(request, str(error))
    except ValidationError as error:
        form.add_error("attachments", error)
        return _render_composer(request, ticket, form, status=422)

    if form.internal:
        messages.success(request, _("Your internal note was added."))
    else:
        messages.success(request, _("Your reply was sent."))
    if not request.htmx:
        return redirect(reverse("tickets:detail", args=[number]) + f"#message-{message.pk}")
    ticket = ticket_for_user(user, number)
    return render(request, "tickets/_after_reply.html", ticket_context(request, ticket))
