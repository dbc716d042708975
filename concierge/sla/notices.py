"""Agents' SLA notices: what each says, and the e-mail copy queued for an escalation.

A notice stores facts (the target, the share of it passed, its due time) and is put
into words when read, so every agent reads it in their own language and time zone.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from concierge.mail.models import OutboundKind
from concierge.mail.services.outbox import automatic_email_queue
from concierge.sla.display import METRIC_NAMES, format_duration
from concierge.sla.models import AgentNotice


def notice_summary(notice: AgentNotice, now: datetime | None = None) -> str:
    """ "The first response target is breached (due 25 min ago)." in the active language."""
    now = now or timezone.now()
    target = METRIC_NAMES.get(notice.metric, notice.metric)
    if notice.percent >= 100:
        return _("The %(target)s target is breached (it was due %(time)s ago).") % {
            "target": target,
            "time": format_duration(now - notice.due_at),
        }
    return _("%(percent)s%% of the %(target)s target has passed (due in %(time)s).") % {
        "percent": notice.percent,
        "target": target,
        "time": format_duration(notice.due_at - now),
    }


def notice_emails_queue(*, notices: Iterable[AgentNotice]) -> int:
    """Queue an e-mail of each notice to its agent, in the agent's language, in the mail
    outbox; returns how many were queued.

    Call inside the sweep's transaction: the e-mails leave only if the escalation is
    recorded, and the worker sends each once, with retries.
    """
    queued = 0
    for notice in notices:
        recipient = notice.recipient
        if not recipient.is_active or not recipient.email:
            continue
        language = recipient.language or settings.LANGUAGE_CODE
        with translation.override(language):
            context = {
                "recipient": recipient,
                "notice": notice,
                "ticket": notice.ticket,
                "summary": notice_summary(notice),
                "link": settings.SITE_URL + reverse("tickets:detail", args=[notice.ticket.number]),
                "brand_name": settings.BRAND_NAME,
                "language": language,
            }
            subject = render_to_string("sla/emails/escalation-subject.txt", context)
            text = render_to_string("sla/emails/escalation-body.txt", context)
            html = render_to_string("sla/emails/escalation-body.html", context)
        outbound = automatic_email_queue(
            kind=OutboundKind.ESCALATION,
            ticket=notice.ticket,
            to=recipient.email,
            subject=" ".join(subject.split()),
            body_text=text,
            body_html=html,
            to_requester=False,
        )
        queued += outbound is not None
    return queued
