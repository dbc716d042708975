"""Small builders shared by the SLA tests."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from concierge.sla.calendar import WEEKDAY_KEYS, Calendar, HolidayRule

WEEKDAYS = WEEKDAY_KEYS[:5]
ALL_DAY = (("00:00", "24:00"),)


def calendar(
    week: dict[str, Iterable[tuple[str, str]]],
    time_zone: str = "UTC",
    holidays: Iterable[HolidayRule | date] = (),
    name: str = "test",
) -> Calendar:
    return Calendar.build(name=name, time_zone=time_zone, week=week, holidays=holidays)


def weekdays(*intervals: tuple[str, str], time_zone: str = "UTC", **kwargs: object) -> Calendar:
    """Monday to Friday with the same hours, the default of most business-time libraries."""
    return calendar({day: intervals for day in WEEKDAYS}, time_zone, **kwargs)  # type: ignore[arg-type]


def every_day(*intervals: tuple[str, str], time_zone: str = "UTC", **kwargs: object) -> Calendar:
    return calendar({day: intervals for day in WEEKDAY_KEYS}, time_zone, **kwargs)  # type: ignore[arg-type]


def local(zone: str, *parts: int, fold: int = 0) -> datetime:
    """An aware wall-clock instant in `zone`."""
    return datetime(*parts, tzinfo=ZoneInfo(zone), fold=fold)  # type: ignore[misc]


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]
