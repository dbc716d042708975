"""Start Django for a benchmark command, always on the benchmark settings."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
from pathlib import Path
from typing import Any


def setup_django() -> None:
    # Forced rather than defaulted: an exported DJANGO_SETTINGS_MODULE would otherwise
    # point the generator at the product's own database.
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        Path(database["NAME"]).parent.mkdir(parents=True, exist_ok=True)


def describe_database() -> str:
    from django.db import connection

    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"SQLite {connection.Database.sqlite_version} at {settings['NAME']}"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    host = settings.get("HOST") or "local socket"
    return f"PostgreSQL {version}, database {settings['NAME']} on {host}"


def write_report(path: Path, benchmark: str, results: list[dict[str, Any]]) -> None:
    """Write a run's results as JSON, with what they were measured on and when."""
    from bench.run import code_version

    report = {
        "benchmark": benchmark,
        "commit": code_version(),
        "database": describe_database(),
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
        "at": dt.datetime.now(dt.UTC).isoformat(),
        "results": results,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2))
