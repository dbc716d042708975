"""The help center's periodic work, run by the worker's scheduler every five minutes
(the insights page also decides due visits before it counts, so figures are never stale)."""

from __future__ import annotations

import datetime as dt

from concierge.helpcenter.services import deflections_decide_due


def deflections_job(now: dt.datetime) -> str:
    return f"{deflections_decide_due(now=now)} contact-form visits counted as deflected"
