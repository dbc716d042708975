"""The product's settings on the search benchmarks' own database.

Without DATABASE_URL the search benchmarks use `var/bench_search.sqlite3`, never the
tickets benchmark's database nor the product's own.
"""

import os
import warnings
from pathlib import Path

SEARCH_SQLITE_PATH = Path(__file__).resolve().parent.parent / "var" / "bench_search.sqlite3"
# A fresh checkout has no var/ yet, and SQLite does not create folders.
SEARCH_SQLITE_PATH.parent.mkdir(exist_ok=True)
os.environ.setdefault("DATABASE_URL", f"sqlite:///{SEARCH_SQLITE_PATH}")
os.environ.setdefault("TASKS_BACKEND", "django_tasks.backends.dummy.DummyBackend")

from concierge.settings import *  # noqa: E402, F403

warnings.filterwarnings("ignore", message="No directory at")
