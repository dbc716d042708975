"""Settings > E-mail: mailboxes, "test connection", failed messages. Admins only (404 else)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from concierge.mail import queries
from concierge.mail.forms import MailboxForm
from concierge.mail.models import IngestAction
from concierge.mail.services import imap, ingest
from concierge.mail.services.mailboxes import mailbox_create, mailbox_update
from concierge.people.queries import admin_or_404

INVALID = 422


@login_required
@require_GET
def mailbox_list(request: HttpRequest) -> HttpResponse:
    admin_or_404(request.user)
    return render(
        request,
        "mail/settings/mailboxes.html",
        {
            "section": "mail",
            "mailboxes": queries.mailbox_overview(),
            "unassigned": queries.unassigned_counts(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def mailbox_new(request: HttpRequest) -> HttpResponse:
    admin_or_404(request.user)
    form = MailboxForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        mailbox = mailbox_create(**form.service_fields())
        messages.success(request, _("The mailbox %(address)s was created.") % {"address": mailbox})
        return redirect("mail:mailbox_edit", pk=mailbox.pk)
    return render(
        request,
        "mail/settings/mailbox_form.html",
        {"section": "mail", "form": form},
        status=INVALID if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def mailbox_edit(request: HttpRequest, pk: int) -> HttpResponse:
    mailbox = queries.mailbox_for_admin(request.user, pk)
    form = MailboxForm(request.POST or None, instance=mailbox)
    if request.method == "POST" and form.is_valid():
        mailbox_update(mailbox=mailbox, **form.service_fields())
        messages.success(request, _("The mailbox %(address)s was saved.") % {"address": mailbox})
        return redirect("mail:mailbox_edit", pk=mailbox.pk)
    return render(
        request,
        "mail/settings/mailbox_form.html",
        {"section": "mail", "form": form, "mailbox": mailbox},
        status=INVALID if form.is_bound else 200,
    )


@login_required
@require_POST
def mailbox_test(request: HttpRequest, pk: int) -> HttpResponse:
    """Sign in to the mailbox's IMAP server and report; htmx swaps in the result."""
    mailbox = queries.mailbox_for_admin(request.user, pk)
    if not mailbox.imap_host:
        worked, detail = False, _("No IMAP server is set for this mailbox.")
    else:
        worked, detail = imap.mailbox_test_connection(mailbox)
    context = {"mailbox": mailbox, "worked": worked, "detail": detail}
    if request.htmx:
        return render(request, "mail/settings/_test_result.html", context)
    (messages.success if worked else messages.error)(request, detail)
    return redirect("mail:mailbox_edit", pk=mailbox.pk)


@login_required
@require_GET
def failed_list(request: HttpRequest) -> HttpResponse:
    admin_or_404(request.user)
    mailbox = None
    if request.GET.get("mailbox"):
        mailbox = queries.mailbox_for_admin(request.user, request.GET["mailbox"])
    page = Paginator(
        queries.failed_messages(mailbox.pk if mailbox else None), queries.FAILED_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "mail/settings/failed.html",
        {"section": "mail", "page": page, "mailbox": mailbox},
    )


@login_required
@require_GET
def raw_view(request: HttpRequest, pk: int) -> HttpResponse:
    raw = queries.raw_message_for_admin(request.user, pk)
    data = ingest.read_raw(raw)
    if request.GET.get("download"):
        response = HttpResponse(data, content_type="message/rfc822")
        response["Content-Disposition"] = f'attachment; filename="message-{raw.pk}.eml"'
        return response
    return render(
        request,
        "mail/settings/raw.html",
        {
            "section": "mail",
            "raw": raw,
            # Shown as the bytes are: every byte a character, nothing guessed or dropped.
            "source": data.decode("utf-8", "backslashreplace"),
        },
    )


@login_required
@require_POST
def raw_reprocess(request: HttpRequest, pk: int) -> HttpResponse:
    raw = queries.raw_message_for_admin(request.user, pk)
    result = ingest.raw_message_reprocess(raw_message=raw)
    if result.action == IngestAction.FAILED:
        messages.error(request, _("The message failed again: %(error)s") % {"error": result.error})
    else:
        messages.success(
            request,
            _("The message was processed: ticket #%(number)s.") % {"number": result.ticket_number},
        )
    return redirect("mail:failed")
