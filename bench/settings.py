"""The product's settings on a database of the benchmarks' own.

Without DATABASE_URL the benchmarks use `var/bench.sqlite3` in the repository, whatever
CONCIERGE_VAR_DIR says, so that generating a million tickets can never land in the demo
or production database by accident.
"""

import os
import warnings
from pathlib import Path

BENCH_SQLITE_PATH = Path(__file__).resolve().parent.parent / "var" / "bench.sqlite3"
os.environ.setdefault("DATABASE_URL", f"sqlite:///{BENCH_SQLITE_PATH}")
# Keep the connection between requests, as docs/deployment.md tells production to: a
# new PostgreSQL connection per request would be timed as if it were the page's work.
os.environ.setdefault("DATABASE_CONN_MAX_AGE", "60")
# Measured requests must not queue e-mail or other background work.
os.environ.setdefault("TASKS_BACKEND", "django_tasks.backends.dummy.DummyBackend")

from concierge.settings import *  # noqa: E402, F403

# The benchmarks serve no static files; the missing collectstatic folder is expected.
warnings.filterwarnings("ignore", message="No directory at")
