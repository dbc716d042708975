"""Load the demo desk: staff, customers in four languages, and weeks of tickets."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from concierge.system.demo import load_demo
from concierge.system.demo.people import DEMO_PASSWORD


class Command(BaseCommand):
    help = "Load demo data (safe to run again: an existing demo is left as it is)."

    def handle(self, *args: Any, **options: Any) -> None:
        summary = load_demo()
        if not summary.loaded:
            self.stdout.write("The demo data is already loaded; nothing changed.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {summary.tickets} tickets with {summary.messages} messages from "
                f"{summary.customers} customers, answered by {summary.agents} staff."
            )
        )
        self.stdout.write(
            f"Sign in with password '{DEMO_PASSWORD}' as admin@example.com (admin), "
            "agent@example.com (agent) or customer@example.com (customer portal)."
        )
