"""What /healthz reports: can we reach the database, and is a worker alive."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from concierge.system.models import WorkerHeartbeat


def database_status() -> dict[str, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return {"status": "error", "error": str(error)[:200]}
    return {"status": "ok", "vendor": connection.vendor}


def worker_status() -> dict[str, object]:
    backend = settings.TASKS["default"]["BACKEND"]
    if not backend.startswith("django_tasks_db."):
        # Tasks run in-process (immediate backend): there is no worker to wait for.
        return {"status": "ok", "mode": "in-process"}
    since = timezone.now() - dt.timedelta(seconds=settings.WORKER_STALE_SECONDS)
    try:
        alive = WorkerHeartbeat.objects.filter(seen_at__gte=since).count()
    except DatabaseError:
        return {"status": "error", "error": "cannot read worker heartbeats"}
    if alive:
        return {"status": "ok", "workers": alive}
    return {
        "status": "error",
        "error": f"no worker has reported in the last {settings.WORKER_STALE_SECONDS} seconds",
        "workers": 0,
    }


def health() -> tuple[bool, dict[str, object]]:
    report = {"database": database_status(), "worker": worker_status()}
    healthy = all(part["status"] == "ok" for part in report.values())
    return healthy, {"status": "ok" if healthy else "error", **report}
