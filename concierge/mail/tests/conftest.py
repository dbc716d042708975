"""Fixtures of the e-mail channel: a mailbox, and ingesting raw bytes through it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

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
