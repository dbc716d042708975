"""The search engine's periodic work, run by the worker's scheduler once a day."""

from __future__ import annotations

import datetime as dt

from concierge.search.services import search_log_prune


def prune_job(now: dt.datetime) -> str:
    return f"{search_log_prune(now=now)} logged searches past their retention deleted"
