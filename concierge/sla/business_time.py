"""Business-time arithmetic over a `Calendar`: exact, database-free, DST-proof.

The open time of a calendar is a set of real instants built day by day in the calendar's
time zone. For every local date that is not a holiday, each interval of its weekday,
[start, end) in wall-clock time, becomes the real interval [utc(start), utc(end)), where
a wall-clock time is turned into an instant the way zendesk/biz does it (and Python's
`fold=0`):

- a time that does not exist (the hour skipped when clocks spring forward) is read with
  the offset in force before the change, i.e. it moves forward by the length of the gap:
  02:30 on 9 March 2014 in New York is 03:30 EDT;
- a time that exists twice (the hour repeated when clocks fall back) is its first
  occurrence, the summer-time one: 01:30 on 2 November 2014 in New York is 01:30 EDT;
- "24:00" is the next day's 00:00 under the same two rules;
- an interval whose start does not come before its end in real time is empty (biz: "an
  empty interval is filtered out"), and the open time is the union of the intervals, so
  no instant ever counts twice.

So a 00:00-24:00 day lasts 23 hours on a spring-forward day and 25 on a fall-back day,
and 09:00-17:00 always lasts 8 hours in zones that change clocks at night.

Boundary conventions (all instants are half-open, like the intervals):

- `is_open(t)` is true at the opening instant and false at the closing instant.
- `add_business_time(t, d)` with d > 0 returns the instant at which d of open time has
  elapsed since t; counting starts at t when open, else at the next opening (an instant
  on a holiday waits for the first opening after the holiday). When the time runs out
  exactly at a closing time the answer is that closing instant, not the next opening
  (zendesk/biz and bokmann/business_time agree; pandas' BusinessHour rolls such a result
  on to the next opening and we deliberately do not).
- `add_business_time(t, 0)` is `next_opening(t)`: t itself when open, else the next
  opening; at a closing instant that is the next opening (zendesk/biz's zero duration).
- `business_time_between(a, b)` is the open time inside [a, b); zero when b <= a.
- every result is an aware `datetime` in UTC.

A 24/7 calendar (`always_open`) counts plain elapsed time.

Large durations skip whole weeks: a run of weeks without holidays and without UTC-offset
changes holds exactly `calendar.week_length` of open time per week, so only the weeks
around holidays and clock changes are walked interval by interval.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from concierge.sla.calendar import Calendar, CalendarError, NoBusinessHoursError

# No UTC offset in the time zone database exceeds 14 hours; 26 leaves a wide margin, so no
# interval of a local date D starts before D's 00:00 read as UTC minus this.
_OFFSET_MARGIN = timedelta(hours=26)
_DAY = timedelta(days=1)
_WEEK = timedelta(days=7)
_TICK = timedelta(microseconds=1)
# A calendar closed for this long (a year of holidays, a week without hours) has no due time.
_MAX_CLOSED_WEEKS = 5 * 53
# Instants far outside any ticket's life are refused rather than computed slowly.
_EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
_LATEST = datetime(9000, 1, 1, tzinfo=UTC)
# Offset changes are found by sampling; no two changes in the database are this close.
_SAMPLE_STEP = timedelta(hours=6)
_TRANSITION_SEARCH_YEARS = 10

Period = tuple[datetime, datetime]


def _check_instant(instant: datetime, what: str) -> datetime:
    if not isinstance(instant, datetime):
        raise TypeError(f"{what} must be a datetime")
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"{what} must be an aware datetime (with a time zone), got {instant}")
    instant = instant.astimezone(UTC)
    if not _EARLIEST <= instant < _LATEST:
        raise ValueError(f"{what} must lie between the years 1900 and 9000, got {instant}")
    return instant


def _midnight_as_utc(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _wall_clock_to_utc(zone: ZoneInfo, day: date, minute: int) -> datetime:
    """The instant of `minute` past midnight on local `day` (fold=0: see the module doc)."""
    if minute >= 24 * 60:
        day, minute = day + _DAY, minute - 24 * 60
    local = datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=zone)
    return local.astimezone(UTC)


def _local_date(calendar: Calendar, instant: datetime) -> date:
    return instant.astimezone(calendar.time_zone).date()


def _day_periods(calendar: Calendar, day: date) -> list[Period]:
    if calendar.is_holiday(day):
        return []
    zone = calendar.time_zone
    periods = []
    for interval in calendar.week[day.weekday()]:
        start = _wall_clock_to_utc(zone, day, interval.start_minute)
        end = _wall_clock_to_utc(zone, day, interval.end_minute)
        if start < end:
            periods.append((start, end))
    return periods


def _open_periods(calendar: Calendar, start: datetime, end: datetime) -> Iterator[Period]:
    """The open time inside [start, end): disjoint periods in order, clipped to the range.

    Local dates are generated in order; a gap can push one date's interval onto the next
    date's, so periods wait in `pending` (merged) until no later date can reach them.
    """
    # An interval of local date D ends before D + 1 day + 12 h read as UTC, and `start`
    # is after its own local date's midnight read as UTC minus 14 h: two days back suffice.
    day = _local_date(calendar, start) - 2 * _DAY
    pending: list[Period] = []
    while True:
        pending.extend(_day_periods(calendar, day))
        day += _DAY
        horizon = _midnight_as_utc(day) - _OFFSET_MARGIN  # later dates start after this
        pending.sort()
        merged: list[Period] = []
        for period_start, period_end in pending:
            if merged and period_start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], period_end))
            else:
                merged.append((period_start, period_end))
        done = horizon >= end
        pending = []
        for period_start, period_end in merged:
            if period_end > horizon and not done:
                pending.append((period_start, period_end))
                continue
            clipped_start, clipped_end = max(period_start, start), min(period_end, end)
            if clipped_start < clipped_end:
                yield clipped_start, clipped_end
        if done:
            return


@lru_cache(maxsize=1024)
def _offset_changes_in_year(zone: ZoneInfo, year: int) -> tuple[datetime, ...]:
    """Instants (UTC, to the second) where the zone's UTC offset changes during `year`."""
    changes = []
    instant = datetime(year, 1, 1, tzinfo=UTC)
    year_end = datetime(year + 1, 1, 1, tzinfo=UTC)
    offset = instant.astimezone(zone).utcoffset()
    while instant < year_end:
        following = min(instant + _SAMPLE_STEP, year_end)
        following_offset = following.astimezone(zone).utcoffset()
        if following_offset != offset:
            low, high = instant, following  # the change happens in (low, high]
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                if middle.astimezone(zone).utcoffset() == offset:
                    low = middle
                else:
                    high = middle
            changes.append(high)
        instant, offset = following, following_offset
    return tuple(changes)


def _next_offset_change(zone: ZoneInfo, after: datetime) -> datetime:
    """The first offset change at or after `after`, or a far horizon when none comes soon."""
    for year in range(after.year, after.year + _TRANSITION_SEARCH_YEARS):
        for change in _offset_changes_in_year(zone, year):
            if change >= after:
                return change
    return datetime(after.year + _TRANSITION_SEARCH_YEARS, 1, 1, tzinfo=UTC)


def _regular_weeks(calendar: Calendar, day: date, limit: int) -> int:
    """How many whole weeks from local midnight of `day` hold exactly `week_length` each.

    A week is regular when none of its dates is a holiday and the UTC offset does not
    change from two days before it to two days after it: then every wall-clock time in
    it maps with one offset and no neighbouring date's interval can reach into it.
    """
    weeks = limit
    holiday = calendar.next_holiday(day)
    if holiday is not None:
        weeks = min(weeks, (holiday - day).days // 7)
    window_start = _midnight_as_utc(day) - 2 * _DAY
    change = _next_offset_change(calendar.time_zone, window_start)
    weeks = min(weeks, (change - 2 * _DAY - _midnight_as_utc(day)) // _WEEK)
    return max(weeks, 0)


def _consume(
    calendar: Calendar, start: datetime, end: datetime, remaining: timedelta
) -> tuple[datetime | None, timedelta]:
    """Walk the open time in [start, end): the instant where `remaining` runs out, or the
    open time used up without reaching it."""
    used = timedelta(0)
    for period_start, period_end in _open_periods(calendar, start, end):
        length = period_end - period_start
        if remaining - used <= length:
            return period_start + (remaining - used), used
        used += length
    return None, used


def _require_hours(calendar: Calendar) -> None:
    if not calendar.always_open and not calendar.week_length:
        raise NoBusinessHoursError(f'the calendar "{calendar.name}" has no business hours')


def _next_local_midnight(calendar: Calendar, instant: datetime) -> tuple[date, datetime]:
    day = _local_date(calendar, instant) + _DAY
    return day, max(_wall_clock_to_utc(calendar.time_zone, day, 0), instant)


def add_business_time(calendar: Calendar, start: datetime, duration: timedelta) -> datetime:
    """The instant (UTC) at which `duration` of business time has elapsed from `start`.

    Counting starts at `start` if the calendar is open then, else at its next opening.
    A result that falls exactly on a closing time is that closing time. A zero duration
    gives `next_opening(start)`. Raises `ValueError` for a negative duration or a naive
    `start`, and `NoBusinessHoursError` when the calendar never opens.
    """
    cursor = _check_instant(start, "start")
    if duration < timedelta(0):
        raise ValueError(f"the duration must not be negative, got {duration}")
    if calendar.always_open:
        return _check_instant(cursor + duration, "the result")
    if not duration:
        return next_opening(calendar, cursor)
    _require_hours(calendar)
    remaining = duration
    week_length = calendar.week_length
    day, boundary = _next_local_midnight(calendar, cursor)
    closed_weeks = 0
    while True:
        found, used = _consume(calendar, cursor, boundary, remaining)
        if found is not None:
            return found
        remaining -= used
        closed_weeks = 0 if used else closed_weeks + 1
        if closed_weeks > _MAX_CLOSED_WEEKS:
            raise NoBusinessHoursError(
                f'the calendar "{calendar.name}" has no business hours for years after {start}'
            )
        cursor = boundary
        if cursor >= _LATEST:
            raise ValueError("the result lies beyond the year 9000")
        # Skip whole regular weeks, keeping at least some time for the walk that follows.
        weeks = (remaining - _TICK) // week_length
        if weeks > 0:
            weeks = _regular_weeks(calendar, day, limit=weeks)
        if weeks > 0:
            remaining -= weeks * week_length
            day += weeks * _WEEK
            cursor += weeks * _WEEK  # one offset throughout: local midnight to local midnight
        # Walk the next week (the one holding the answer, or an irregular one).
        day += _WEEK
        boundary = max(_wall_clock_to_utc(calendar.time_zone, day, 0), cursor)


def add_business_minutes(calendar: Calendar, start: datetime, minutes: int) -> datetime:
    """`add_business_time` with a whole number of minutes (the SLA targets' unit)."""
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise TypeError(f"minutes must be an int, got {minutes!r}")
    if minutes < 0:
        raise ValueError(f"minutes must not be negative, got {minutes}")
    try:
        duration = timedelta(minutes=minutes)
    except OverflowError:
        raise ValueError(f"{minutes} minutes is beyond any supported date") from None
    return add_business_time(calendar, start, duration)


def business_time_between(calendar: Calendar, start: datetime, end: datetime) -> timedelta:
    """The exact business time inside [start, end); zero when `end` is not after `start`."""
    cursor = _check_instant(start, "start")
    end = _check_instant(end, "end")
    if end <= cursor:
        return timedelta(0)
    if calendar.always_open:
        return end - cursor
    total = timedelta(0)
    day, boundary = _next_local_midnight(calendar, cursor)
    while True:
        boundary = min(boundary, end)
        total += sum((b - a for a, b in _open_periods(calendar, cursor, boundary)), timedelta(0))
        cursor = boundary
        if cursor >= end:
            return total
        weeks = (end - cursor) // _WEEK
        if weeks > 0:
            weeks = _regular_weeks(calendar, day, limit=weeks)
        if weeks > 0:
            total += weeks * calendar.week_length
            day += weeks * _WEEK
            cursor += weeks * _WEEK
        day += _WEEK
        boundary = max(_wall_clock_to_utc(calendar.time_zone, day, 0), cursor)


def business_minutes_between(calendar: Calendar, start: datetime, end: datetime) -> int:
    """Whole business minutes inside [start, end), rounded down like a stopwatch."""
    return business_time_between(calendar, start, end) // timedelta(minutes=1)


def is_open(calendar: Calendar, instant: datetime) -> bool:
    """Whether the desk is open at `instant`: true at an opening, false at a closing."""
    instant = _check_instant(instant, "instant")
    if calendar.always_open:
        return True
    return any(True for _ in _open_periods(calendar, instant, instant + _TICK))


def next_opening(calendar: Calendar, instant: datetime) -> datetime:
    """`instant` itself (in UTC) when the desk is open then, else the next opening."""
    cursor = _check_instant(instant, "instant")
    if calendar.always_open:
        return cursor
    _require_hours(calendar)
    for _ in range(_MAX_CLOSED_WEEKS):
        chunk_end = cursor + _WEEK
        for period_start, _period_end in _open_periods(calendar, cursor, chunk_end):
            return period_start
        cursor = chunk_end
        if cursor >= _LATEST:
            break
    raise NoBusinessHoursError(
        f'the calendar "{calendar.name}" does not open for years after {instant}'
    )


__all__ = [
    "Calendar",
    "CalendarError",
    "NoBusinessHoursError",
    "add_business_minutes",
    "add_business_time",
    "business_minutes_between",
    "business_time_between",
    "is_open",
    "next_opening",
]
