"""Fixtures of the e-mail channel: a mailbox, and ingesting raw bytes through it."""

from __future__ import annotations

import email
import os
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email import policy
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from concierge.mail.models import Mailbox, RawSource
from concierge.mail.services.ingest import IngestResult, raw_message_process, raw_message_store
from concierge.mail.tests.messages import SUPPORT


@pytest.fixture
def mailbox(support_team: Any) -> Mailbox:
    return Mailbox.objects.create(address=SUPPORT, display_name="Lamps Support", team=support_team)


@pytest.fixture
def ingest(
    mailbox: Mailbox, django_capture_on_commit_callbacks: Any
) -> Callable[..., IngestResult]:
    """Store raw bytes as received mail and process them, running what commits queue."""

    def run(
        raw: bytes, *, into: Mailbox | None = None, envelope_to: tuple[str, ...] = (), **kw: Any
    ) -> IngestResult:
        stored = raw_message_store(
            raw=raw, source=RawSource.IMPORT, mailbox=into or mailbox, envelope_to=envelope_to, **kw
        )
        with django_capture_on_commit_callbacks(execute=True):
            return raw_message_process(stored.pk)

    return run


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes

    @property
    def message(self) -> Message:
        return email.message_from_bytes(self.content, policy=policy.default)


class Sink:
    """A real SMTP server that keeps what it receives (the customer's mail server)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.received: list[Received] = []
        self.controller: Controller | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append(
            Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content)
        )
        return "250 OK"

    def start(self) -> None:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_sink(settings: Any) -> Iterator[Sink]:
    """Outgoing mail goes through Django's SMTP backend to a real SMTP server."""
    sink = Sink(free_port())
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_TIMEOUT = 5
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture(scope="session")
def dovecot_server() -> Iterator[Any]:
    """A real Dovecot for the whole run; each test signs in as a user of its own."""
    from concierge.mail.tests import dovecot

    if not os.path.exists(dovecot.DOVECOT):
        pytest.skip("the dovecot binary is absent: apt-get install dovecot-imapd")
    server = dovecot.start([f"desk{number}" for number in range(200)])
    yield server
    server.stop()


@pytest.fixture
def imap_account(dovecot_server: Any) -> str:
    return dovecot_server.next_user()


@pytest.fixture
def imap_mailbox(mailbox: Mailbox, dovecot_server: Any, imap_account: str) -> Mailbox:
    """The support mailbox, fetched by IMAP from the test's own Dovecot account."""
    from concierge.mail.models import ImapSecurity

    mailbox.imap_enabled = True
    mailbox.imap_host = "127.0.0.1"
    mailbox.imap_port = dovecot_server.port
    mailbox.imap_security = ImapSecurity.NONE
    mailbox.imap_username = imap_account
    mailbox.imap_password = "imap-secret"
    mailbox.imap_folders = ["INBOX"]
    mailbox.auto_acknowledge = False
    mailbox.save()
    return mailbox
