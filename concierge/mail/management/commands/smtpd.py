"""`concierge smtpd`: receive mail for the desk's mailboxes over SMTP."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from concierge.mail import conf
from concierge.mail.smtpd import start_server


class Command(BaseCommand):
    help = "Run the built-in SMTP server that receives mail for the configured mailboxes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=None, help="Address to listen on (MAIL_SMTPD_HOST).")
        parser.add_argument("--port", type=int, default=None, help="Port (MAIL_SMTPD_PORT).")

    def handle(self, *args: Any, host: str | None, port: int | None, **options: Any) -> None:
        host = host or conf.smtpd_host()
        port = port or conf.smtpd_port()
        controller = start_server(host, port)
        self.stdout.write(f"SMTP server listening on {host}:{port}")
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        try:
            stop.wait()
        finally:
            controller.stop()
