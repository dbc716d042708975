"""The worker's scheduler: periodic jobs, each tick run by exactly one worker.

Every worker process runs `run_scheduler` in a thread. Each job has one `ScheduledJob`
row; ticks are aligned to the job's interval (every 300 s: at :00, :05, ...). A worker
claims the tick with a conditional UPDATE, "set next_run_at to the next tick where
next_run_at is still due", which only one of several concurrent workers can win: on
PostgreSQL the second UPDATE waits for the first's row lock and then no longer matches,
on SQLite writers take turns. The winner runs the job; the others skip the tick.

A tick that a crashed worker claimed is not retried; the next tick runs as usual. The
jobs themselves are safe to run again (time rules record what they did per ticket).

`JOBS` is the one list of what runs periodically, in the same spirit as the ticket
pipeline's `STEPS`.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, close_old_connections, connection
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string

from concierge.automation.models.rules import ScheduledJob

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    # Seconds between ticks, read when the scheduler looks (so tests and settings apply).
    interval: Callable[[], int]
    # Dotted path of a function taking `now` and returning a short summary.
    run: str


JOBS: list[Job] = [
    Job(
        "automation.time_rules",
        lambda: settings.TIME_RULES_INTERVAL_SECONDS,
        "concierge.automation.rules.time_rules_run",
    ),
    Job(
        "automation.routing_queue",
        lambda: settings.ROUTING_QUEUE_INTERVAL_SECONDS,
        "concierge.automation.routing.routing_queue_run",
    ),
    Job(
        "sla.escalation_sweep",
        lambda: settings.SLA_SWEEP_INTERVAL_SECONDS,
        "concierge.sla.escalations.sweep_job",
    ),
    Job("helpcenter.deflections", lambda: 300, "concierge.helpcenter.jobs.deflections_job"),
    Job("search.prune", lambda: 24 * 3600, "concierge.search.jobs.prune_job"),
]


def tick_start(now: dt.datetime, interval: int) -> dt.datetime:
    """The start of the tick `now` falls in: ticks are aligned to the interval."""
    seconds = int(now.timestamp())
    return dt.datetime.fromtimestamp(seconds - seconds % interval, tz=dt.UTC)


def claim(job: Job, *, now: dt.datetime, worker: str) -> bool:
    """Claim the job's current tick for this worker; False when it is not due or taken."""
    interval = max(1, int(job.interval()))
    try:
        ScheduledJob.objects.get_or_create(name=job.name, defaults={"next_run_at": now})
    except IntegrityError:  # another worker created the row at this very moment
        pass
    claimed = ScheduledJob.objects.filter(name=job.name, next_run_at__lte=now).update(
        next_run_at=tick_start(now, interval) + dt.timedelta(seconds=interval),
        last_started_at=now,
        last_worker=worker[:100],
        runs=F("runs") + 1,
    )
    return claimed == 1


def run_due_jobs(*, worker: str, now: dt.datetime | None = None) -> list[str]:
    """Run each job whose tick is due and that this worker wins; returns their names."""
    ran = []
    for job in JOBS:
        started = now or timezone.now()
        if not claim(job, now=started, worker=worker):
            continue
        ran.append(job.name)
        result, error = "", ""
        try:
            result = str(import_string(job.run)(started))[:1000]
        except Exception as exc:  # a failing job must not stop the scheduler or the others
            logger.exception("scheduled job %s failed", job.name)
            error = f"{type(exc).__name__}: {exc}"[:2000]
        ScheduledJob.objects.filter(name=job.name).update(
            last_finished_at=timezone.now(), last_result=result, last_error=error
        )
    return ran


def run_scheduler(worker: str, stop: threading.Event) -> None:
    """The scheduler thread of a worker process: look for due jobs until told to stop."""
    try:
        while True:
            close_old_connections()
            try:
                run_due_jobs(worker=worker)
            except Exception:  # the database went away for a moment: try again later
                logger.warning("scheduler could not run its jobs", exc_info=True)
            if stop.wait(settings.SCHEDULER_POLL_SECONDS):
                return
    finally:
        connection.close()  # this thread's own connection, which nothing else would close
