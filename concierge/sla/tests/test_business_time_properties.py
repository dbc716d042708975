"""Properties of business-time arithmetic over random calendars, zones and instants.

A deliberately plain reference (every local date's intervals mapped one by one, merged,
walked from the start) checks the fast engine, whose week skipping and lookahead are
where mistakes would hide. The zones include the awkward ones: 30-minute DST
(Lord Howe), changes at midnight (Santiago, Sao Paulo until 2019), a skipped day
(Apia, 30 December 2011) and the permanent-time switches of Istanbul and Moscow.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from concierge.sla.business_time import (
    add_business_minutes,
    business_time_between,
    is_open,
    next_opening,
)
from concierge.sla.calendar import Calendar, DayInterval, HolidayRule, load_time_zone

ZONES = [
    "UTC",
    "Europe/Helsinki",
    "America/New_York",
    "Europe/Istanbul",
    "Europe/Moscow",
    "Australia/Lord_Howe",
    "Australia/Sydney",
    "America/Santiago",
    "America/Sao_Paulo",
    "Pacific/Apia",
]
FIRST_DAY = date(2010, 1, 1)
LAST_DAY = date(2020, 12, 31)
TICK = timedelta(microseconds=1)

examples = settings(
    max_examples=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@st.composite
def day_intervals(draw: st.DrawFn) -> tuple[DayInterval, ...]:
    # Quarter hours, so that intervals often start or end inside an hour that a clock
    # change skips or repeats.
    points = draw(st.lists(st.integers(0, 96), min_size=0, max_size=6, unique=True))
    points = sorted(point * 15 for point in points)
    return tuple(DayInterval(points[i], points[i + 1]) for i in range(0, len(points) - 1, 2))


@st.composite
def calendars(draw: st.DrawFn) -> Calendar:
    week = tuple(draw(day_intervals()) for _ in range(7))
    if not any(week):
        week = ((DayInterval(9 * 60, 17 * 60),), *week[1:])
    holidays = draw(
        st.lists(
            st.builds(
                HolidayRule,
                st.dates(min_value=FIRST_DAY, max_value=LAST_DAY),
                st.just(""),
                st.booleans(),
            ),
            max_size=12,
            unique_by=lambda rule: rule.date,
        )
    )
    zone = load_time_zone(draw(st.sampled_from(ZONES)))
    return Calendar(name="random", time_zone=zone, week=week, holidays=tuple(sorted(holidays)))


instants = st.datetimes(
    min_value=datetime(2010, 6, 1),
    max_value=datetime(2019, 6, 1),
).map(lambda moment: moment.replace(tzinfo=UTC))
# Mostly the durations of SLA targets, sometimes months, to exercise week skipping.
minute_counts = st.one_of(st.integers(0, 3 * 24 * 60), st.integers(0, 200_000))


def _bounded(calendar: Calendar, minutes: int) -> int:
    """At most about a year of the calendar's weeks, so a calendar open one quarter hour a
    week does not send the plain reference centuries ahead."""
    return min(minutes, calendar.week_length // timedelta(minutes=1) * 60)


def _reference_periods(
    calendar: Calendar, start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    zone = calendar.time_zone
    day = start.astimezone(zone).date() - timedelta(days=3)
    last = end.astimezone(zone).date() + timedelta(days=3)
    raw = []
    while day <= last:
        if not any(rule.falls_on(day) for rule in calendar.holidays):
            for interval in calendar.week[day.weekday()]:
                bounds = []
                for minute in (interval.start_minute, interval.end_minute):
                    moment = datetime.combine(day, datetime.min.time()) + timedelta(minutes=minute)
                    bounds.append(moment.replace(tzinfo=zone).astimezone(UTC))
                if bounds[0] < bounds[1]:
                    raw.append((bounds[0], bounds[1]))
        day += timedelta(days=1)
    merged: list[tuple[datetime, datetime]] = []
    for low, high in sorted(raw):
        if merged and low <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return [(max(low, start), min(high, end)) for low, high in merged if high > start and low < end]


def _reference_add(calendar: Calendar, start: datetime, minutes: int) -> datetime:
    remaining = timedelta(minutes=minutes)
    horizon = start
    while True:
        window_start, horizon = horizon, horizon + timedelta(days=400)
        for low, high in _reference_periods(calendar, window_start, horizon):
            if remaining <= high - low:
                return low + remaining
            remaining -= high - low


def _reference_between(calendar: Calendar, start: datetime, end: datetime) -> timedelta:
    if end <= start:
        return timedelta(0)
    return sum((high - low for low, high in _reference_periods(calendar, start, end)), timedelta(0))


@examples
@given(calendars(), instants, minute_counts, st.integers(1, 5000))
def test_due_times_agree_with_the_plain_reference_and_add_up(calendar, start, minutes, more):
    minutes = _bounded(calendar, minutes)
    due = add_business_minutes(calendar, start, minutes)
    assert due == _reference_add(calendar, start, minutes)
    # The business time from the start to the due time is the duration, exactly.
    assert business_time_between(calendar, start, due) == timedelta(minutes=minutes)
    # Adding in two steps is adding once. From any instant: add(t, 0) may move t to the
    # next opening, which is where counting starts anyway, so only the second step must
    # be positive.
    assert add_business_minutes(calendar, due, more) == add_business_minutes(
        calendar, start, minutes + more
    )
    # A due time lies in open time or at its closing: open just before it (zero minutes
    # aside, which is the next opening itself).
    if minutes:
        assert is_open(calendar, due - TICK)
    else:
        assert due == next_opening(calendar, start)
        assert is_open(calendar, due)


@examples
@given(calendars(), instants, st.integers(0, 60 * 24 * 120))
def test_it_measures_like_the_plain_reference(calendar, start, span_minutes):
    end = start + timedelta(minutes=span_minutes, seconds=17)
    assert business_time_between(calendar, start, end) == _reference_between(calendar, start, end)


@examples
@given(calendars(), instants, instants, st.integers(0, 10_000), st.integers(0, 10_000))
def test_due_times_never_go_backwards(calendar, start, other_start, minutes, more_minutes):
    early, late = sorted((start, other_start))
    assert add_business_minutes(calendar, early, minutes) <= add_business_minutes(
        calendar, late, minutes
    )
    low, high = sorted((minutes, more_minutes))
    assert add_business_minutes(calendar, start, low) <= add_business_minutes(calendar, start, high)


@examples
@given(calendars(), instants)
def test_open_means_business_time_follows(calendar, instant):
    following = business_time_between(calendar, instant, instant + TICK)
    assert is_open(calendar, instant) == (following == TICK)
    opening = next_opening(calendar, instant)
    assert is_open(calendar, instant) == (opening == instant)
    assert is_open(calendar, opening)
    assert business_time_between(calendar, instant, opening) == timedelta(0)


@examples
@given(st.sampled_from(ZONES), instants, minute_counts)
def test_open_all_day_every_day_is_24_7(zone_name, start, minutes):
    zone = load_time_zone(zone_name)
    all_days = Calendar(name="all days", time_zone=zone, week=((DayInterval(0, 1440),),) * 7)
    always = Calendar(name="24/7", time_zone=zone, always_open=True)
    assert add_business_minutes(all_days, start, minutes) == add_business_minutes(
        always, start, minutes
    )
    end = start + timedelta(minutes=minutes)
    assert business_time_between(all_days, start, end) == end - start
