"""A ticket message's e-mail as it arrived: the full text, the HTML, the raw source."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from concierge.mail.mime import parse_message
from concierge.mail.models import RawMessage
from concierge.mail.services.ingest import read_raw
from concierge.people.queries import agent_or_404
from concierge.tickets.queries import message_for_user, ticket_for_user


def _original(request: HttpRequest, number: int, pk: int) -> tuple[object, RawMessage]:
    agent_or_404(request.user)
    ticket = ticket_for_user(request.user, number)
    message = message_for_user(request.user, ticket, pk)
    raw = RawMessage.objects.filter(ticket_message=message).order_by("pk").first()
    if raw is None:
        raise Http404
    return ticket, raw


@login_required
@require_GET
def message_original(request: HttpRequest, number: int, pk: int) -> HttpResponse:
    """The whole message, quoted history and signature included ("show quoted text")."""
    ticket, raw = _original(request, number, pk)
    parsed = parse_message(read_raw(raw))
    attachments = {a.filename: a for a in raw.ticket_message.attachments.all()}
    return render(
        request,
        "mail/original.html",
        {
            "ticket": ticket,
            "raw": raw,
            "parsed": parsed,
            "attachments": attachments.values(),
        },
    )


@login_required
@require_GET
def message_source(request: HttpRequest, number: int, pk: int) -> HttpResponse:
    """The raw .eml file, byte for byte."""
    _, raw = _original(request, number, pk)
    response = HttpResponse(read_raw(raw), content_type="message/rfc822")
    response["Content-Disposition"] = f'attachment; filename="message-{raw.pk}.eml"'
    return response
