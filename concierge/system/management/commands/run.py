"""Everything at once for one machine: migrate, demo data on first start, web and worker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from concierge.people.models import User


class Command(BaseCommand):
    help = "Migrate, load the demo data once, and run the web server and the worker together."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-demo", action="store_true", help="Do not load demo data.")
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))

    def handle(self, *args: Any, no_demo: bool, host: str, port: int, **options: Any) -> None:
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        if not no_demo and not User.objects.exists():
            self.stdout.write("Loading demo data (first start only)...")
            call_command("demo")
        manage = [sys.executable, "-m", "concierge.cli"]
        children = [
            subprocess.Popen([*manage, "worker"]),  # noqa: S603 - our own entry point
            # Polls the IMAP mailboxes, processes stored mail and drains the outbox.
            subprocess.Popen([*manage, "mail", "worker"]),  # noqa: S603
            subprocess.Popen([*manage, "web", "--host", host, "--port", str(port)]),  # noqa: S603
        ]
        url = f"http://{'localhost' if host in ('127.0.0.1', '0.0.0.0') else host}:{port}"  # noqa: S104
        self.stdout.write(self.style.SUCCESS(f"\nConcierge is running at {url}/"))
        self.stdout.write(f"  agent inbox:     {url}/inbox/")
        self.stdout.write(f"  customer portal: {url}/portal/")
        self.stdout.write(f"  health:          {url}/healthz")
        if not no_demo:
            self.stdout.write(
                "  demo sign-ins (password 'demo'): admin@example.com, "
                "agent@example.com, customer@example.com"
            )
        self.stdout.write("Press Ctrl+C to stop.\n")

        def stop(signum: int, frame: object) -> None:
            for child in children:
                if child.poll() is None:
                    child.terminate()

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
        finally:
            stop(signal.SIGTERM, None)
            for child in children:
                child.wait(timeout=15)
