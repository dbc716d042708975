"""IMAP polling throughput, end to end: a folder of new mail on a real Dovecot into tickets.

    python -m bench.mail_imap [--messages 500] [--rtt 0 20] [--json FILE]

The ingestion benchmark (`bench.mail_ingest`) measures the pipeline from stored bytes;
a poller also talks to its server, and a server is rarely on the same machine. This
one puts the seeded mix of `bench.mail_ingest` into a Dovecot folder (Debian's
`dovecot-imapd`, run as the tests run it) and times one `mailbox_poll` of it through a
proxy that holds every packet back for half the round-trip time each way: how many
messages a second one worker takes from a server that far away, and how many IMAP
commands it sends a message. Without DATABASE_URL it runs on a SQLite database of its
own. Mail is marked read (the default); no acknowledgements are sent.
"""

from __future__ import annotations

import argparse
import imaplib
import os
import queue
import shutil
import socket
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.mail_ingest import BUDGET_PER_WORKER, MEDIA_FOLDER, build_mix

SQLITE_PATH = Path(__file__).resolve().parent.parent / "var" / "bench_imap.sqlite3"


def _forward(source: socket.socket, target: socket.socket, delay: float) -> None:
    """Copy one direction of a connection, each chunk `delay` seconds late: latency
    without a cap on throughput."""
    chunks: queue.Queue[tuple[float, bytes]] = queue.Queue()

    def read() -> None:
        while True:
            try:
                data = source.recv(65536)
            except OSError:
                data = b""
            chunks.put((time.monotonic() + delay, data))
            if not data:
                return

    def write() -> None:
        while True:
            due, data = chunks.get()
            time.sleep(max(0.0, due - time.monotonic()))
            try:
                if not data:
                    target.shutdown(socket.SHUT_WR)
                    return
                target.sendall(data)
            except OSError:
                return

    for work in (read, write):
        threading.Thread(target=work, daemon=True).start()


@contextmanager
def latency_proxy(port: int, rtt_ms: float) -> Iterator[int]:
    """A local port that reaches `port` with this round-trip time added."""
    listener = socket.create_server(("127.0.0.1", 0))
    delay = rtt_ms / 1000 / 2

    def accept() -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", port))
            for end in (client, server):
                end.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            _forward(client, server, delay)
            _forward(server, client, delay)

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()


def run_case(
    dovecot: Any, user: str, password: str, messages: list[bytes], rtt_ms: float
) -> dict[str, Any]:
    """Fill the user's INBOX with `messages` and time one poll of it from `rtt_ms` away."""
    from concierge.mail.models import ImapSecurity, Mailbox, MailboxFolderState, RawMessage
    from concierge.mail.services.imap import mailbox_poll

    client = dovecot.client(user)
    try:
        for raw in messages:
            client.append("INBOX", None, None, raw)
    finally:
        client.logout()
    RawMessage.objects.all().delete()
    MailboxFolderState.objects.all().delete()
    with latency_proxy(dovecot.port, rtt_ms) as port:
        mailbox, _ = Mailbox.objects.update_or_create(
            address="support@bench.example",
            defaults={
                "display_name": "Bench support",
                "imap_enabled": True,
                "imap_host": "127.0.0.1",
                "imap_port": port,
                "imap_security": ImapSecurity.NONE,
                "imap_username": user,
                "imap_password": password,
                "imap_folders": ["INBOX"],
                "auto_acknowledge": False,
            },
        )
        # imaplib has no hook for what it sends: every command passes through _command.
        commands: list[str] = []
        send = imaplib.IMAP4._command

        def counted(connection: imaplib.IMAP4, name: str, *args: Any) -> Any:
            commands.append(name)
            return send(connection, name, *args)

        imaplib.IMAP4._command = counted  # type: ignore[method-assign]
        try:
            started = time.perf_counter()
            result = mailbox_poll(mailbox)
            elapsed = time.perf_counter() - started
        finally:
            imaplib.IMAP4._command = send  # type: ignore[method-assign]
    if result.error:
        raise RuntimeError(f"the poll failed: {result.error}")
    return {
        "rtt_ms": rtt_ms,
        "messages": result.fetched,
        "failed": result.failed,
        "seconds": round(elapsed, 2),
        "per_second_per_worker": round(result.fetched / elapsed, 1),
        "budget_per_worker": BUDGET_PER_WORKER,
        "imap_commands": len(commands),
        "imap_commands_per_message": round(len(commands) / max(result.fetched, 1), 3),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--rtt", type=float, nargs="+", default=[0.0, 20.0])
    parser.add_argument("--seed", type=int, default=20251215)
    parser.add_argument("--json", type=Path, help="Write the results here as JSON.")
    options = parser.parse_args(argv)

    os.environ.setdefault("DATABASE_URL", f"sqlite:///{SQLITE_PATH}")
    from bench.environment import describe_database, setup_django, write_report

    setup_django()
    from django.conf import settings
    from django.core.management import call_command

    from concierge.mail.tests import dovecot

    # The ingestion benchmark's own media folder, emptied first as that one does.
    settings.MEDIA_ROOT = Path(settings.VAR_DIR) / MEDIA_FOLDER
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)
    call_command("migrate", verbosity=0)
    users = [f"bench{number}" for number in range(len(options.rtt))]
    server = dovecot.start(users)
    try:
        print(f"{describe_database()}; Dovecot; {options.messages} messages a poll")
        results = [
            run_case(server, user, dovecot.PASSWORD, build_mix(options.messages, options.seed), rtt)
            for user, rtt in zip(users, options.rtt, strict=True)
        ]
    finally:
        server.stop()
    print("  rtt ms  messages  seconds  msg/s/worker  commands/msg")
    for row in results:
        print(
            f"{row['rtt_ms']:>8}  {row['messages']:>8}  {row['seconds']:>7}  "
            f"{row['per_second_per_worker']:>12}  {row['imap_commands_per_message']:>12}"
        )
    if options.json:
        write_report(options.json, "mail_imap", results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
