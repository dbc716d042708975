"""Run a background worker that also reports its heartbeat for /healthz."""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections, connection
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker

from concierge.automation.rules_scheduler import run_scheduler
from concierge.system.models import WorkerHeartbeat

logger = logging.getLogger(__name__)


def _record_beat(worker_id: str, started_at: Any) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
            "started_at": started_at,
            "seen_at": timezone.now(),
        },
    )


def _beat(worker_id: str, started_at: Any, stop: threading.Event) -> None:
    try:
        while not stop.wait(settings.WORKER_HEARTBEAT_SECONDS):
            close_old_connections()
            try:
                _record_beat(worker_id, started_at)
            except Exception:  # a missed beat must never kill the worker; the next one retries
                logger.warning("worker heartbeat failed", exc_info=True)
    finally:
        connection.close()  # this thread's own connection, which nothing else would close


class Command(BaseCommand):
    help = "Run the background worker (e-mail, notifications, scheduled work)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Seconds to wait when there is nothing to do.",
        )
        parser.add_argument("--batch", action="store_true", help="Exit once the queue is empty.")

    def handle(self, *args: Any, interval: float, batch: bool, **options: Any) -> None:
        worker_id = f"{socket.gethostname()[:40]}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        started_at = timezone.now()
        # The first beat is written before any task runs, so /healthz sees the worker as
        # soon as it says it started; the thread keeps it fresh from then on.
        _record_beat(worker_id, started_at)
        stop = threading.Event()
        beat = threading.Thread(target=_beat, args=(worker_id, started_at, stop), daemon=True)
        beat.start()
        # Periodic jobs (time rules, ...): every worker looks, one of them runs each tick.
        scheduler = None
        if not batch:
            scheduler = threading.Thread(target=run_scheduler, args=(worker_id, stop), daemon=True)
            scheduler.start()
        worker = Worker(
            queue_names=["*"],
            interval=interval,
            batch=batch,
            backend_name="default",
            startup_delay=not batch,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        worker.configure_signals()
        self.stdout.write(f"worker {worker_id} started")
        try:
            worker.run()
        finally:
            stop.set()
            # A beat in flight must finish first, or it would write the row back after
            # the delete and the stopped worker would look alive until it went stale.
            beat.join(timeout=settings.WORKER_HEARTBEAT_SECONDS + 30)
            if scheduler is not None:
                scheduler.join(timeout=settings.SCHEDULER_POLL_SECONDS + 30)
            WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()
