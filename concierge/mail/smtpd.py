"""The built-in SMTP server: mail delivered straight to the desk (`concierge smtpd`).

It accepts mail only for the active mailboxes' addresses (their plus-addresses too),
refuses anything over the size limit, and answers only after the raw message is
stored, so a 250 means the mail is safe. Processing is queued as a task.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections, transaction

from concierge.mail import conf
from concierge.mail.models import RawSource
from concierge.mail.services import ingest, mailboxes

logger = logging.getLogger(__name__)


def _store(raw: bytes, envelope_from: str, recipients: list[str]) -> int:
    from concierge.mail.tasks import process_raw_message

    close_old_connections()
    mailbox = mailboxes.mailbox_for(recipients)
    with transaction.atomic():
        stored = ingest.raw_message_store(
            raw=raw,
            source=RawSource.SMTP,
            mailbox=mailbox,
            envelope_from=envelope_from,
            envelope_to=recipients,
        )
        transaction.on_commit(lambda: process_raw_message.enqueue(stored.pk))
    return stored.pk


class DeskHandler:
    """aiosmtpd's handler hooks: check each recipient, store what arrives."""

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        mailbox = await sync_to_async(mailboxes.mailbox_for, thread_sensitive=False)([address])
        if mailbox is None:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        try:
            stored = await sync_to_async(_store, thread_sensitive=False)(
                raw, envelope.mail_from or "", list(envelope.rcpt_tos)
            )
        except Exception:
            logger.exception("could not store a message from %s", envelope.mail_from)
            return "451 4.3.0 Could not store the message; please try again later"
        return f"250 2.0.0 Stored as {stored}"


class DeskController(Controller):
    def factory(self) -> SMTP:
        return SMTP(
            self.handler,
            data_size_limit=conf.max_message_bytes(),
            hostname=self.server_hostname,
            decode_data=False,
            enable_SMTPUTF8=True,
        )

    def __init__(self, host: str, port: int, *, server_hostname: str = "", **kwargs: Any) -> None:
        # The name in the greeting; left to aiosmtpd it would be a DNS look-up of our own.
        self.server_hostname = (
            server_hostname or urlsplit(settings.SITE_URL).hostname or "localhost"
        )
        super().__init__(DeskHandler(), hostname=host, port=port, **kwargs)


def start_server(host: str, port: int) -> DeskController:
    """Start the server in a thread of its own; `.stop()` ends it."""
    controller = DeskController(host, port)
    controller.start()
    return controller
