"""The IMAP polling benchmark on a few messages, against a real Dovecot: what the poll
did and the structure of its results. Timings are not asserted."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench import mail_imap
from bench.mail_ingest import build_mix
from concierge.tickets.models import Ticket


@pytest.fixture
def dovecot_server() -> Iterator[Any]:
    from concierge.mail.tests import dovecot

    if not os.path.exists(dovecot.DOVECOT):
        pytest.skip("the dovecot binary is absent: apt-get install dovecot-imapd")
    server = dovecot.start(["bench0"])
    yield server
    server.stop()


def test_the_proxy_adds_the_round_trip_it_is_asked_for() -> None:
    echo = socket.create_server(("127.0.0.1", 0))
    with mail_imap.latency_proxy(echo.getsockname()[1], rtt_ms=60) as port:
        client = socket.create_connection(("127.0.0.1", port))
        server, _ = echo.accept()
        started = time.monotonic()
        client.sendall(b"ping")
        assert server.recv(4) == b"ping"
        server.sendall(b"pong")
        assert client.recv(4) == b"pong"
        elapsed = time.monotonic() - started
        for end in (client, server, echo):
            end.close()
    assert elapsed >= 0.06


@pytest.mark.django_db(transaction=True)
def test_a_poll_turns_the_folder_into_tickets_with_few_commands(
    dovecot_server, settings, tmp_path: Path
) -> None:
    from concierge.mail.tests.dovecot import PASSWORD

    settings.MEDIA_ROOT = tmp_path
    messages = build_mix(30, seed=3)

    result = mail_imap.run_case(dovecot_server, "bench0", PASSWORD, messages, rtt_ms=2)

    assert result["messages"] == 30
    assert result["failed"] == 0
    assert Ticket.objects.exists()
    # Sign-in, folder and search, then three commands for the group of 30.
    assert result["imap_commands_per_message"] < 0.5
    assert result["per_second_per_worker"] > 0
