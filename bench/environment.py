"""Start Django for a benchmark command, always on the benchmark settings."""

from __future__ import annotations

import os
from pathlib import Path


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
