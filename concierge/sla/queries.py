"""Reads of business-hours calendars, shared by the SLA engine, the CLI and (later) pages."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Prefetch, QuerySet

from concierge.sla.calendar import Calendar, CalendarError, DayInterval, HolidayRule
from concierge.sla.models import BusinessCalendar, BusinessInterval, Holiday


def calendars_with_rules(names: Sequence[str] | None = None) -> QuerySet[BusinessCalendar]:
    """Calendars (all, or those named) with their intervals and holidays: three queries."""
    calendars = BusinessCalendar.objects.prefetch_related(
        Prefetch(
            "intervals", queryset=BusinessInterval.objects.order_by("weekday", "start_minute")
        ),
        Prefetch("holidays", queryset=Holiday.objects.order_by("date")),
    ).order_by("name")
    if names is not None:
        calendars = calendars.filter(name__in=names)
    return calendars


def calendar_value(calendar: BusinessCalendar) -> Calendar:
    """The immutable `Calendar` the arithmetic works on, for a stored calendar.

    Uses prefetched intervals and holidays when present (see `calendars_with_rules`).
    Raises `CalendarError` naming the calendar when the stored rows do not make a valid
    calendar (overlapping intervals written around the services, a bad time zone).
    """
    week: list[list[DayInterval]] = [[] for _ in range(7)]
    for interval in calendar.intervals.all():
        week[interval.weekday].append(DayInterval(interval.start_minute, interval.end_minute))
    try:
        return Calendar.build(
            name=calendar.name,
            time_zone=calendar.time_zone,
            week=dict(enumerate(week)),
            holidays=[
                HolidayRule(holiday.date, holiday.name, holiday.yearly)
                for holiday in calendar.holidays.all()
            ],
            always_open=calendar.is_24_7,
        )
    except CalendarError as error:
        raise CalendarError(f'calendar "{calendar.name}": {error}') from None


def calendar_value_by_name(name: str) -> Calendar:
    """The `Calendar` stored under `name`; raises `BusinessCalendar.DoesNotExist`."""
    return calendar_value(calendars_with_rules([name]).get())
