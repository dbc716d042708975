"""Downloading an attachment, for anyone who may read the message it belongs to."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from concierge.tickets.models import Attachment
from concierge.tickets.queries import message_for_user, ticket_for_user


@login_required
@require_GET
def download(request: HttpRequest, pk: int) -> FileResponse:
    """Agents within their team scope; customers only for public messages of their tickets.

    Always a download (never shown inline) and never sniffed, so an uploaded file cannot
    run as a page of this site.
    """
    attachment = Attachment.objects.select_related("message__ticket").filter(pk=pk).first()
    if attachment is None:
        raise Http404
    ticket = ticket_for_user(request.user, attachment.message.ticket.number)
    message_for_user(request.user, ticket, attachment.message_id)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
