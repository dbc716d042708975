"""Expected values published by other business-time libraries' test suites.

Each case names its source. Where a library's boundary convention differs from ours, the
case is listed separately with our answer and the reason (see docs/sla.md): we follow
zendesk/biz (a result that runs out exactly at closing time is that closing instant; zero
minutes means the next opening; instants are half-open, so the closing instant is closed).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from concierge.sla.business_time import (
    add_business_minutes,
    business_time_between,
    is_open,
    next_opening,
)
from concierge.sla.calendar import WEEKDAY_KEYS
from concierge.sla.tests.helpers import calendar, local, utc, weekdays

# zendesk/biz spec/schedule_spec.rb and spec/periods/after_spec.rb: the schedule of
# most of biz's specs, in Etc/UTC.
BIZ_HOURS = {
    "mon": [("09:00", "17:00")],
    "tue": [("10:00", "16:00")],
    "wed": [("09:00", "17:00")],
    "thu": [("10:00", "16:00")],
    "fri": [("09:00", "17:00")],
    "sat": [("11:00", "14:30")],
}


def test_it_adds_hours_like_biz_for_duration():
    # zendesk/biz spec/calculation/for_duration_spec.rb "#after": 19 hours after
    # 2006-01-02 11:00 is 2006-01-04 16:00.
    biz = calendar(BIZ_HOURS, "Etc/UTC", holidays=[date(2006, 1, 1), date(2006, 12, 25)])
    assert add_business_minutes(biz, utc(2006, 1, 2, 11), 19 * 60) == utc(2006, 1, 4, 16)


@pytest.mark.parametrize(
    ("start", "end", "hours"),
    [
        # zendesk/biz spec/calculation/duration_within_spec.rb
        (utc(2006, 1, 1), utc(2006, 1, 8), 39.5),  # "returns the elapsed duration"
        (utc(2006, 1, 1), utc(2006, 1, 1), 0),  # "start time is equal to the end time"
        (utc(2006, 1, 8), utc(2006, 1, 1), 0),  # "start time is after the end time"
    ],
)
def test_it_measures_durations_like_biz_duration_within(start, end, hours):
    biz = calendar(BIZ_HOURS, "Etc/UTC", holidays=[date(2006, 1, 1), date(2006, 12, 25)])
    assert business_time_between(biz, start, end) == timedelta(hours=hours)


def test_it_skips_holidays_like_biz_periods_after():
    # zendesk/biz spec/periods/after_spec.rb "when multiple periods on holidays are
    # encountered": from 2006-01-14 the periods are the 14th 11:00-14:30, then the 17th
    # 10:00-16:00 and the 19th 10:00-16:00 (the 16th and the 18th are holidays).
    biz = calendar(BIZ_HOURS, "Etc/UTC", holidays=[date(2006, 1, 16), date(2006, 1, 18)])
    assert next_opening(biz, utc(2006, 1, 14)) == utc(2006, 1, 14, 11)
    assert next_opening(biz, utc(2006, 1, 14, 14, 30)) == utc(2006, 1, 17, 10)
    assert add_business_minutes(biz, utc(2006, 1, 14), 210 + 360) == utc(2006, 1, 17, 16)
    assert add_business_minutes(biz, utc(2006, 1, 14), 210 + 360 + 1) == utc(2006, 1, 19, 10, 1)
    # "when the origin is inside a period": it returns a partial period first.
    assert next_opening(biz, utc(2006, 1, 2, 12)) == utc(2006, 1, 2, 12)


def test_it_answers_biz_top_level_examples():
    # zendesk/biz spec/biz_spec.rb: Sundays 11:00-12:00 in Africa/Abidjan.
    sundays = calendar({"sun": [("11:00", "12:00")]}, "Africa/Abidjan")
    # ".time": 2 hours after 2006-01-01 00:00 is 2006-01-08 12:00, the closing instant.
    assert add_business_minutes(sundays, utc(2006, 1, 1), 120) == utc(2006, 1, 8, 12)
    # ".within": from 11:30 one Sunday to 11:30 the next is one hour.
    within = business_time_between(sundays, utc(2006, 1, 1, 11, 30), utc(2006, 1, 8, 11, 30))
    assert within == timedelta(hours=1)
    # ".in_hours?" at the opening instant.
    assert is_open(sundays, utc(2006, 1, 1, 11))


def test_it_closes_at_the_closing_instant_unlike_biz_active():
    # zendesk/biz spec/calculation/active_spec.rb says "at the end of an interval" is
    # active. Our intervals are half-open: 17:00 is closed, so that is_open agrees with
    # next_opening and with business_time_between (no business time after 17:00).
    biz = calendar(BIZ_HOURS, "Etc/UTC")
    assert is_open(biz, utc(2006, 1, 2, 9))  # "at the beginning of an interval": same
    assert is_open(biz, utc(2006, 1, 2, 12))  # "contained by an interval": same
    assert not is_open(biz, utc(2006, 1, 1, 9))  # "outside all intervals": same
    assert not is_open(biz, utc(2006, 1, 2, 17))  # biz: true; ours: closed


def test_it_maps_dst_wall_clock_times_like_biz_time_on_date():
    # zendesk/biz spec/time_spec.rb "#on_date" in America/Los_Angeles:
    # a non-existent (spring-forward) 02:30 on 2014-03-09 is "the corresponding time an
    # hour later", 03:30 PDT.
    spring = calendar({"sun": [("02:30", "04:00")]}, "America/Los_Angeles")
    assert next_opening(spring, local("America/Los_Angeles", 2014, 3, 9)) == utc(2014, 3, 9, 10, 30)
    # an ambiguous 01:30 on 2014-11-02 is "the DST occurrence", 01:30 PDT (08:30 UTC); the
    # interval 01:30-02:00 then lasts until 02:00 PST, 90 real minutes.
    fall = calendar({"sun": [("01:30", "02:00")]}, "America/Los_Angeles")
    assert next_opening(fall, local("America/Los_Angeles", 2014, 11, 2)) == utc(2014, 11, 2, 8, 30)
    day = (local("America/Los_Angeles", 2014, 11, 2), local("America/Los_Angeles", 2014, 11, 3))
    assert business_time_between(fall, *day) == timedelta(minutes=90)
    # "a non-existent (spring-forward) endnight time": 24:00 on 2015-10-17 in
    # America/Sao_Paulo is 01:00 on the 18th (-02), i.e. 03:00 UTC.
    endnight = calendar({"sat": [("22:00", "24:00")]}, "America/Sao_Paulo")
    assert add_business_minutes(endnight, utc(2015, 10, 18), 120) == utc(2015, 10, 18, 3)


def test_it_drops_an_interval_emptied_by_spring_forward_like_biz():
    # zendesk/biz spec/periods/after_spec.rb "when an empty interval is generated":
    # Sunday 02:30-03:15 on 2006-04-02 in Los Angeles becomes 03:30-03:15 PDT and is
    # filtered out; the first period is Monday 09:00-17:00.
    hours = {"sun": [("02:30", "03:15")], "mon": [("09:00", "17:00")]}
    schedule = calendar(hours, "America/Los_Angeles")
    origin = local("America/Los_Angeles", 2006, 4, 2)
    assert next_opening(schedule, origin) == local("America/Los_Angeles", 2006, 4, 3, 9)


@pytest.mark.parametrize(
    ("hours", "holidays", "start", "minutes", "expected"),
    [
        # bokmann/business_time test/test_business_hours.rb and test_business_minutes.rb,
        # default hours 09:00-17:00 Monday to Friday.
        # "move to tomorrow if we add 8 business hours"
        (None, [], datetime(2010, 8, 4, 9, 35), 8 * 60, datetime(2010, 8, 5, 9, 35)),
        # "take into account a weekend when adding an hour"
        (None, [], datetime(2010, 4, 9, 16, 50), 60, datetime(2010, 4, 12, 9, 50)),
        # "take into account a holiday"
        (
            None,
            [date(2010, 7, 5)],
            datetime(2010, 7, 2, 16, 50),
            60,
            datetime(2010, 7, 6, 9, 50),
        ),
        # "add hours in the middle of the workday"
        (None, [], datetime(2010, 4, 12, 9, 50), 180, datetime(2010, 4, 12, 12, 50)),
        # "respect work_hours"
        (
            {"mon": [("09:00", "17:00")], "fri": [("09:00", "17:00")], "sat": [("10:00", "15:00")]},
            [],
            datetime(2010, 12, 24, 15),
            9 * 60,
            datetime(2010, 12, 27, 11),
        ),
        # "respect work_hours when starting before beginning of workday"
        (
            {"mon": [("09:00", "17:00")], "fri": [("09:00", "17:00")], "sat": [("10:00", "15:00")]},
            [],
            datetime(2010, 12, 24, 8),
            15 * 60,
            datetime(2010, 12, 27, 11),
        ),
        # "respect work_hours with some 24 hour days" (its "0:00"-"0:00" is our 00:00-24:00)
        (
            {"mon": [("00:00", "24:00")], "fri": [("00:00", "24:00")], "sat": [("11:00", "15:00")]},
            [],
            datetime(2010, 12, 24, 15),
            24 * 60,
            datetime(2010, 12, 27, 11),
        ),
        # "... when starting before beginning of workday"
        (
            {"mon": [("00:00", "24:00")], "fri": [("00:00", "24:00")], "sat": [("11:00", "15:00")]},
            [],
            datetime(2010, 12, 25, 8),
            15 * 60,
            datetime(2010, 12, 27, 11),
        ),
        # "respect work_hours within same day": ends at the closing instant, 17:00.
        (
            {"fri": [("09:00", "17:00")]},
            [],
            datetime(2010, 12, 24, 8),
            8 * 60,
            datetime(2010, 12, 24, 17),
        ),
    ],
)
def test_it_adds_like_bokmann_business_time(hours, holidays, start, minutes, expected):
    schedule = (
        weekdays(("09:00", "17:00"), holidays=holidays)
        if hours is None
        else calendar(hours, holidays=holidays)
    )
    result = add_business_minutes(schedule, start.replace(tzinfo=UTC), minutes)
    assert result == expected.replace(tzinfo=result.tzinfo)


@pytest.mark.parametrize(
    ("hours", "start", "end", "expected"),
    [
        # bokmann/business_time test/test_calculating_business_duration.rb
        # "properly calculate business time with respect to work_hours"
        (
            {"mon": [("09:00", "17:00")], "fri": [("09:00", "17:00")], "sat": [("10:00", "15:00")]},
            utc(2010, 12, 24, 15),
            utc(2010, 12, 27, 11),
            timedelta(hours=9),
        ),
        # "... with UTC time zone": 11:04:26 +0300 Monday to 17:56:45 +0300 Tuesday
        (
            {day: [("09:00", "18:00")] for day in ("mon", "tue", "wed")},
            utc(2012, 5, 28, 8, 4, 26),
            utc(2012, 5, 29, 14, 56, 45),
            timedelta(seconds=53805),
        ),
        # "... some 00:24 days"
        (
            {"mon": [("00:00", "24:00")], "fri": [("00:00", "24:00")], "sat": [("11:00", "15:00")]},
            utc(2010, 12, 24, 15),
            utc(2010, 12, 27, 11),
            timedelta(hours=24),
        ),
        # "... with all days as 00:24"
        (
            {day: [("00:00", "24:00")] for day in ("mon", "fri", "sat", "sun")},
            utc(2010, 12, 24, 15),
            utc(2010, 12, 27, 11),
            timedelta(hours=68),
        ),
        # "properly calculate overnight business time"
        (
            {"mon": [("08:00", "20:00")], "tue": [("08:00", "20:00")]},
            utc(2014, 5, 12, 20, 50),
            utc(2014, 5, 13, 8, 10),
            timedelta(minutes=10),
        ),
    ],
)
def test_it_measures_like_bokmann_business_time_until(hours, start, end, expected):
    assert business_time_between(calendar(hours), start, end) == expected


def _pandas_night(start: str, end: str) -> dict[str, list[tuple[str, str]]]:
    """pandas' BusinessHour(start="19:00", end="05:00"): shifts that begin Monday to Friday
    and run past midnight, as our per-day intervals."""
    week: dict[str, list[tuple[str, str]]] = {day: [] for day in WEEKDAY_KEYS}
    for index in range(5):
        week[WEEKDAY_KEYS[index]].append((start, "24:00"))
        week[WEEKDAY_KEYS[index + 1]].append(("00:00", end))
    return week


# pandas pandas/tests/tseries/offsets/test_business_hour.py, test_apply and
# test_apply_large_n (Monday to Friday; 2014-07-01 is a Tuesday). Only the cases whose
# result does not fall exactly on a closing time: there pandas rolls on to the next
# opening and we answer the closing instant (see the next test).
PANDAS_CASES = [
    # BusinessHour()
    *(
        (weekdays(("09:00", "17:00")), 1, start, expected)
        for start, expected in [
            (datetime(2014, 7, 1, 11), datetime(2014, 7, 1, 12)),
            (datetime(2014, 7, 1, 13), datetime(2014, 7, 1, 14)),
            (datetime(2014, 7, 1, 15), datetime(2014, 7, 1, 16)),
            (datetime(2014, 7, 1, 19), datetime(2014, 7, 2, 10)),
            (datetime(2014, 7, 1, 16, 30, 15), datetime(2014, 7, 2, 9, 30, 15)),
            (datetime(2014, 7, 1, 17), datetime(2014, 7, 2, 10)),
            (datetime(2014, 7, 2, 8), datetime(2014, 7, 2, 10)),
            (datetime(2014, 7, 2, 23), datetime(2014, 7, 3, 10)),
            (datetime(2014, 7, 3, 0), datetime(2014, 7, 3, 10)),
            (datetime(2014, 7, 5, 15), datetime(2014, 7, 7, 10)),
            (datetime(2014, 7, 4, 17), datetime(2014, 7, 7, 10)),
            (datetime(2014, 7, 4, 16, 30), datetime(2014, 7, 7, 9, 30)),
            (datetime(2014, 7, 4, 16, 30, 30), datetime(2014, 7, 7, 9, 30, 30)),
        ]
    ),
    # BusinessHour(4)
    *(
        (weekdays(("09:00", "17:00")), 4, start, expected)
        for start, expected in [
            (datetime(2014, 7, 1, 11), datetime(2014, 7, 1, 15)),
            (datetime(2014, 7, 1, 15), datetime(2014, 7, 2, 11)),
            (datetime(2014, 7, 1, 17), datetime(2014, 7, 2, 13)),
            (datetime(2014, 7, 2, 19), datetime(2014, 7, 3, 13)),
            (datetime(2014, 7, 5, 15), datetime(2014, 7, 7, 13)),
            (datetime(2014, 7, 4, 16, 30, 30), datetime(2014, 7, 7, 12, 30, 30)),
        ]
    ),
    # BusinessHour(n=2, start="13:00", end="16:00")
    *(
        (weekdays(("13:00", "16:00")), 2, start, expected)
        for start, expected in [
            (datetime(2014, 7, 1, 17), datetime(2014, 7, 2, 15)),
            (datetime(2014, 7, 2, 8), datetime(2014, 7, 2, 15)),
            (datetime(2014, 7, 2, 14, 30), datetime(2014, 7, 3, 13, 30)),
            (datetime(2014, 7, 4, 14, 30, 30), datetime(2014, 7, 7, 13, 30, 30)),
        ]
    ),
    # BusinessHour(start="19:00", end="05:00")
    *(
        (calendar(_pandas_night("19:00", "05:00")), 1, start, expected)
        for start, expected in [
            (datetime(2014, 7, 1, 17), datetime(2014, 7, 1, 20)),
            (datetime(2014, 7, 2, 4, 30), datetime(2014, 7, 2, 19, 30)),
            (datetime(2014, 7, 3, 0), datetime(2014, 7, 3, 1)),
            (datetime(2014, 7, 4, 23), datetime(2014, 7, 5, 0)),
            (datetime(2014, 7, 5, 4, 30), datetime(2014, 7, 7, 19, 30)),
        ]
    ),
    # BusinessHour(n=4, start="00:00", end="23:00")
    *(
        (weekdays(("00:00", "23:00")), 4, start, expected)
        for start, expected in [
            (datetime(2014, 7, 3, 22), datetime(2014, 7, 4, 3)),
            (datetime(2014, 7, 4, 22), datetime(2014, 7, 7, 3)),
            (datetime(2014, 7, 4, 22, 30, 30), datetime(2014, 7, 7, 3, 30, 30)),
        ]
    ),
    # BusinessHour(start=["09:00", "14:00"], end=["12:00", "18:00"]): split shifts
    *(
        (weekdays(("09:00", "12:00"), ("14:00", "18:00")), hours, start, expected)
        for hours, start, expected in [
            (1, datetime(2014, 7, 1, 15), datetime(2014, 7, 1, 16)),
            (1, datetime(2014, 7, 1, 13), datetime(2014, 7, 1, 15)),
            (1, datetime(2014, 7, 1, 16, 30, 15), datetime(2014, 7, 1, 17, 30, 15)),
            (1, datetime(2014, 7, 4, 17, 30), datetime(2014, 7, 7, 9, 30)),
            (4, datetime(2014, 7, 1, 11), datetime(2014, 7, 1, 17)),
            (4, datetime(2014, 7, 1, 15), datetime(2014, 7, 2, 10)),
            (4, datetime(2014, 7, 2, 8), datetime(2014, 7, 2, 15)),
            (4, datetime(2014, 7, 4, 16, 30), datetime(2014, 7, 7, 11, 30)),
        ]
    ),
    # test_apply_large_n: BusinessHour(40), "a week later"
    *(
        (weekdays(("09:00", "17:00")), 40, start, expected)
        for start, expected in [
            (datetime(2014, 7, 1, 11), datetime(2014, 7, 8, 11)),
            (datetime(2014, 7, 1, 16), datetime(2014, 7, 8, 16)),
            (datetime(2014, 7, 2, 11), datetime(2014, 7, 9, 11)),
            (datetime(2014, 7, 7, 9, 30, 30), datetime(2014, 7, 14, 9, 30, 30)),
        ]
    ),
    # BusinessHour(28, start="21:00", end="02:00"), "5 days and 3 hours later"
    *(
        (calendar(_pandas_night("21:00", "02:00")), 28, start, expected)
        for start, expected in [
            (datetime(2014, 7, 1, 11), datetime(2014, 7, 9, 0)),
            (datetime(2014, 7, 1, 22), datetime(2014, 7, 9, 1)),
            (datetime(2014, 7, 2, 2), datetime(2014, 7, 10, 0)),
            (datetime(2014, 7, 4, 1), datetime(2014, 7, 11, 23)),
            (datetime(2014, 7, 5, 1), datetime(2014, 7, 14, 23)),
            (datetime(2014, 7, 7, 23, 30), datetime(2014, 7, 15, 21, 30)),
        ]
    ),
]


@pytest.mark.parametrize(("schedule", "hours", "start", "expected"), PANDAS_CASES)
def test_it_adds_like_pandas_business_hour(schedule, hours, start, expected):
    result = add_business_minutes(schedule, start.replace(tzinfo=UTC), hours * 60)
    assert result == expected.replace(tzinfo=result.tzinfo)


@pytest.mark.parametrize(
    ("schedule", "hours", "start", "pandas_answer", "our_answer"),
    [
        # pandas BusinessHour(): 16:00 + 1 h is 17:00, which pandas rolls to 09:00 the next
        # day; we answer the closing instant like zendesk/biz ("time(2, :hours)" ending at
        # 12:00 in spec/biz_spec.rb) and bokmann/business_time ("within same day").
        (
            weekdays(("09:00", "17:00")),
            1,
            datetime(2014, 7, 1, 16),
            (2014, 7, 2, 9),
            (2014, 7, 1, 17),
        ),
        # BusinessHour(40) from a closed Saturday: pandas 2014-07-14 09:00, we Friday 17:00.
        (
            weekdays(("09:00", "17:00")),
            40,
            datetime(2014, 7, 5, 15),
            (2014, 7, 14, 9),
            (2014, 7, 11, 17),
        ),
        # split shifts, 11:00 + 1 h runs out at the 12:00 closing: pandas 14:00.
        (
            weekdays(("09:00", "12:00"), ("14:00", "18:00")),
            1,
            datetime(2014, 7, 1, 11),
            (2014, 7, 1, 14),
            (2014, 7, 1, 12),
        ),
    ],
)
def test_it_answers_the_closing_instant_where_pandas_rolls_on(
    schedule, hours, start, pandas_answer, our_answer
):
    result = add_business_minutes(schedule, start.replace(tzinfo=UTC), hours * 60)
    assert result == utc(*our_answer)
    assert result != utc(*pandas_answer)
