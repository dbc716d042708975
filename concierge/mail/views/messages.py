"""A ticket message's e-mail as it arrived: the full text, the HTML, the raw source."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from concierge.mail.htmlbody import normalize_cid, replace_cid_references
from concierge.mail.mime import ParsedMessage, parse_message
from concierge.mail.models import RawMessage
from concierge.mail.services.ingest import read_raw
from concierge.people.queries import agent_or_404
from concierge.tickets.attachments import clean_filename
from concierge.tickets.models import Attachment
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
    attachments = list(raw.ticket_message.attachments.order_by("pk"))
    return render(
        request,
        "mail/original.html",
        {
            "ticket": ticket,
            "raw": raw,
            "parsed": parsed,
            "html": replace_cid_references(
                parsed.html_blocked, _inline_images(parsed, attachments)
            ),
            "attachments": attachments,
        },
    )


def _inline_images(parsed: ParsedMessage, stored: list[Attachment]) -> dict[str, str]:
    """cid -> download address of the stored file, so inline images show in the HTML.

    Files were stored in the message's order, minus those refused; names tell them apart.
    """
    by_name: dict[str, list[Attachment]] = {}
    for attachment in stored:
        by_name.setdefault(attachment.filename, []).append(attachment)
    urls = {}
    for part in parsed.attachments:
        candidates = by_name.get(clean_filename(part.filename))
        if candidates:
            attachment = candidates.pop(0)
            if part.content_id:
                urls[normalize_cid(part.content_id)] = reverse(
                    "tickets:attachment", args=[attachment.pk]
                )
    return urls


@login_required
@require_GET
def message_source(request: HttpRequest, number: int, pk: int) -> HttpResponse:
    """The raw .eml file, byte for byte."""
    _, raw = _original(request, number, pk)
    response = HttpResponse(read_raw(raw), content_type="message/rfc822")
    response["Content-Disposition"] = f'attachment; filename="message-{raw.pk}.eml"'
    return response
