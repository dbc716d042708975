"""Business-time arithmetic: boundary conventions, clock changes, holidays, bad input."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from concierge.sla.business_time import (
    add_business_minutes,
    add_business_time,
    business_minutes_between,
    business_time_between,
    is_open,
    next_opening,
)
from concierge.sla.calendar import Calendar, HolidayRule, NoBusinessHoursError
from concierge.sla.tests.helpers import calendar, every_day, local, utc, weekdays

HELSINKI = "Europe/Helsinki"
NEW_YORK = "America/New_York"
OFFICE = weekdays(("09:00", "17:00"))


# Boundary conventions (docs/sla.md)


def test_it_returns_the_start_itself_for_zero_minutes_when_open():
    assert add_business_minutes(OFFICE, utc(2025, 3, 3, 10, 15), 0) == utc(2025, 3, 3, 10, 15)


def test_it_returns_the_next_opening_for_zero_minutes_when_closed():
    # Saturday evening: the zero-minute due time is Monday's opening (zendesk/biz).
    assert add_business_minutes(OFFICE, utc(2025, 3, 1, 20), 0) == utc(2025, 3, 3, 9)


def test_it_treats_the_closing_instant_as_closed():
    assert is_open(OFFICE, utc(2025, 3, 3, 9))
    assert not is_open(OFFICE, utc(2025, 3, 3, 17))
    assert is_open(OFFICE, utc(2025, 3, 3, 16, 59, 59, 999999))
    assert add_business_minutes(OFFICE, utc(2025, 3, 3, 17), 0) == utc(2025, 3, 4, 9)
    assert add_business_minutes(OFFICE, utc(2025, 3, 3, 17), 1) == utc(2025, 3, 4, 9, 1)


def test_it_answers_the_closing_instant_when_minutes_run_out_there():
    assert add_business_minutes(OFFICE, utc(2025, 3, 3, 16), 60) == utc(2025, 3, 3, 17)
    assert add_business_minutes(OFFICE, utc(2025, 3, 3, 16), 61) == utc(2025, 3, 4, 9, 1)
    # A whole week from Monday's opening ends at Friday's closing, not next Monday.
    assert add_business_minutes(OFFICE, utc(2025, 3, 3, 9), 5 * 8 * 60) == utc(2025, 3, 7, 17)


def test_it_answers_the_closing_instant_after_skipping_whole_weeks():
    # Monday is walked, then exactly two whole weeks remain: they are skipped, and the
    # answer is the closing instant of the second, not the opening after it.
    start = utc(2025, 3, 3)
    assert add_business_minutes(OFFICE, start, 8 * 60 + 2 * 40 * 60) == utc(2025, 3, 17, 17)
    assert add_business_minutes(OFFICE, start, 8 * 60 + 2 * 40 * 60 + 1) == utc(2025, 3, 18, 9, 1)


def test_it_joins_touching_intervals_into_one_stretch():
    split = weekdays(("09:00", "12:00"), ("12:00", "17:00"))
    assert is_open(split, utc(2025, 3, 3, 12))
    assert add_business_minutes(split, utc(2025, 3, 3, 11), 120) == utc(2025, 3, 3, 13)
    assert business_time_between(split, utc(2025, 3, 3), utc(2025, 3, 4)) == timedelta(hours=8)


def test_it_returns_aware_utc_instants():
    result = add_business_minutes(
        weekdays(("09:00", "17:00"), time_zone=HELSINKI), utc(2025, 3, 3), 1
    )
    assert result.utcoffset() == timedelta(0)
    assert result == local(HELSINKI, 2025, 3, 3, 9, 1)
    assert next_opening(OFFICE, local(HELSINKI, 2025, 3, 3, 12)).tzinfo == result.tzinfo


def test_it_counts_whole_minutes_down_and_exact_time_exactly():
    start, end = utc(2025, 3, 3, 9, 0, 0), utc(2025, 3, 3, 9, 2, 59)
    assert business_minutes_between(OFFICE, start, end) == 2
    assert business_time_between(OFFICE, start, end) == timedelta(minutes=2, seconds=59)
    assert business_minutes_between(OFFICE, end, start) == 0


def test_it_waits_out_a_split_shift_break():
    split = weekdays(("09:00", "12:00"), ("13:00", "17:00"))
    assert not is_open(split, utc(2025, 3, 3, 12, 30))
    assert next_opening(split, utc(2025, 3, 3, 12, 30)) == utc(2025, 3, 3, 13)
    assert add_business_minutes(split, utc(2025, 3, 3, 11, 30), 60) == utc(2025, 3, 3, 13, 30)


# Holidays


def test_it_waits_for_the_first_opening_after_a_holiday():
    # Finland's Independence Day fell on Friday 6 December 2024.
    independence_day = HolidayRule(date(2020, 12, 6), "Itsenäisyyspäivä", yearly=True)
    office = weekdays(("09:00", "17:00"), time_zone=HELSINKI, holidays=[independence_day])
    inside = local(HELSINKI, 2024, 12, 6, 10)
    assert not is_open(office, inside)
    assert next_opening(office, inside) == local(HELSINKI, 2024, 12, 9, 9)
    assert add_business_minutes(office, inside, 60) == local(HELSINKI, 2024, 12, 9, 10)
    assert add_business_minutes(office, local(HELSINKI, 2024, 12, 5, 16), 120) == local(
        HELSINKI, 2024, 12, 9, 10
    )


def test_it_applies_a_yearly_holiday_from_its_own_year_on():
    rule = HolidayRule(date(2020, 12, 6), "Itsenäisyyspäivä", yearly=True)
    office = weekdays(("09:00", "17:00"), holidays=[rule])
    assert is_open(office, utc(2019, 12, 6, 10))  # a Friday before the rule's first year
    assert not is_open(office, utc(2029, 12, 6, 10))  # a Thursday after it


def test_it_closes_a_yearly_29_february_only_in_leap_years():
    office = every_day(("09:00", "17:00"), holidays=[HolidayRule(date(2024, 2, 29), yearly=True)])
    assert not is_open(office, utc(2028, 2, 29, 10))
    assert is_open(office, utc(2027, 2, 28, 10))
    assert is_open(office, utc(2027, 3, 1, 10))


def test_it_closes_one_off_holidays_only_on_their_date():
    office = weekdays(("09:00", "17:00"), holidays=[date(2025, 5, 1)])
    assert not is_open(office, utc(2025, 5, 1, 10))
    assert is_open(office, utc(2026, 5, 1, 10))


def test_it_skips_weeks_and_holidays_exactly_for_long_durations():
    # Two years of 8-hour weekdays minus Christmas weeks: the fast week skipping must agree
    # with counting the open time back.
    holidays = [date(2025, 12, day) for day in range(22, 32)] + [date(2026, 1, 1)]
    office = weekdays(("09:00", "17:00"), time_zone=HELSINKI, holidays=holidays)
    start = local(HELSINKI, 2025, 3, 3, 9)
    due = add_business_minutes(office, start, 200_000)
    assert business_minutes_between(office, start, due) == 200_000
    assert business_minutes_between(office, start, due - timedelta(minutes=1)) == 199_999


# Clock changes. Intervals are wall-clock times; see the module doc of business_time.


def test_it_keeps_office_hours_across_spring_forward_in_helsinki():
    # Clocks went from 03:00 EET to 04:00 EEST on Sunday 30 March 2025.
    office = weekdays(("09:00", "17:00"), time_zone=HELSINKI)
    friday = local(HELSINKI, 2025, 3, 28, 16)
    due = add_business_minutes(office, friday, 120)
    assert due == local(HELSINKI, 2025, 3, 31, 10)
    assert due == utc(2025, 3, 31, 7)  # 65 real hours after Friday 14:00 UTC, not 66
    assert business_minutes_between(office, friday, due) == 120


def test_it_counts_the_real_length_of_all_day_days_across_dst():
    around_the_clock = every_day(("00:00", "24:00"), time_zone=HELSINKI)
    spring = (local(HELSINKI, 2025, 3, 29), local(HELSINKI, 2025, 3, 31))
    autumn = (local(HELSINKI, 2025, 10, 25), local(HELSINKI, 2025, 10, 27))
    assert business_time_between(around_the_clock, *spring) == timedelta(hours=47)
    assert business_time_between(around_the_clock, *autumn) == timedelta(hours=49)


def test_it_adds_a_local_year_of_minutes_across_both_changes():
    # Week skipping must stop at the weeks of the clock changes: a year of real minutes
    # from local New Year is the next local New Year, in Helsinki as in New York.
    for zone in (HELSINKI, NEW_YORK):
        around_the_clock = every_day(("00:00", "24:00"), time_zone=zone)
        due = add_business_minutes(around_the_clock, local(zone, 2025, 1, 1), 365 * 24 * 60)
        assert due == local(zone, 2026, 1, 1)
        nights = every_day(("01:00", "04:00"), time_zone=zone)
        year = (local(zone, 2025, 1, 1), local(zone, 2026, 1, 1))
        # 365 nights of 3 hours, one an hour shorter (the spring gap, 02:00-03:00 in New
        # York, 03:00-04:00 in Helsinki) and one an hour longer (the repeated hour, 01:00-
        # 02:00 and 03:00-04:00): both lie inside 01:00-04:00.
        expected = 365 * 3
        assert business_time_between(nights, *year) == timedelta(hours=expected)
        assert add_business_minutes(nights, year[0], expected * 60) == utc(
            2025, 12, 31, *((2, 0) if zone == HELSINKI else (9, 0))
        )


def test_it_moves_a_time_inside_the_spring_gap_forward_by_the_gap():
    # 03:30 did not exist in Helsinki on 30 March 2025: it is read as 04:30 EEST.
    night = calendar({"sun": [("03:30", "05:00")]}, HELSINKI)
    sunday = (local(HELSINKI, 2025, 3, 30), local(HELSINKI, 2025, 3, 31))
    assert next_opening(night, sunday[0]) == local(HELSINKI, 2025, 3, 30, 4, 30)
    assert business_time_between(night, *sunday) == timedelta(minutes=30)
    # The week before, the same interval lasts its full 90 minutes.
    week_before = (local(HELSINKI, 2025, 3, 23), local(HELSINKI, 2025, 3, 24))
    assert business_time_between(night, *week_before) == timedelta(minutes=90)


def test_it_shortens_a_night_shift_over_the_new_york_spring_gap():
    # 9 March 2025: 02:00 EST jumped to 03:00 EDT, so 01:00-04:00 lasts two hours.
    night = calendar({"sun": [("01:00", "04:00")]}, NEW_YORK)
    sunday = (local(NEW_YORK, 2025, 3, 9), local(NEW_YORK, 2025, 3, 10))
    assert business_time_between(night, *sunday) == timedelta(hours=2)
    assert add_business_minutes(night, sunday[0], 120) == utc(2025, 3, 9, 8)  # 04:00 EDT


def test_it_lengthens_a_night_shift_over_the_new_york_fall_back():
    # 2 November 2025: 02:00 EDT went back to 01:00 EST; 01:30 means its first (EDT) time.
    night = calendar({"sun": [("00:00", "03:00")]}, NEW_YORK)
    overlap = calendar({"sun": [("01:30", "02:30")]}, NEW_YORK)
    sunday = (local(NEW_YORK, 2025, 11, 2), local(NEW_YORK, 2025, 11, 3))
    assert business_time_between(night, *sunday) == timedelta(hours=4)
    assert business_time_between(overlap, *sunday) == timedelta(hours=2)
    assert next_opening(overlap, sunday[0]) == utc(2025, 11, 2, 5, 30)  # 01:30 EDT
    assert is_open(overlap, local(NEW_YORK, 2025, 11, 2, 1, 45, fold=1))  # 01:45 EST


def test_it_stops_skipping_weeks_at_changes_near_local_midnight():
    # Sydney sprang forward at 02:00 on Sunday 5 October 2025, which is still Saturday in
    # UTC; Santiago fell back at midnight, repeating Saturday 5 April 2025's 23:00 hour.
    # Closed 00:00-01:00, so that a week skipped an hour off would not be evened out by
    # the walk after it.
    sydney = every_day(("01:00", "24:00"), time_zone="Australia/Sydney")
    span = (local("Australia/Sydney", 2025, 10, 4), local("Australia/Sydney", 2025, 10, 26))
    assert business_time_between(sydney, *span) == timedelta(hours=22 * 23 - 1)
    assert add_business_minutes(sydney, span[0], (22 * 23 - 1) * 60) == span[1]
    santiago = every_day(("00:00", "24:00"), time_zone="America/Santiago")
    span = (local("America/Santiago", 2025, 3, 23), local("America/Santiago", 2025, 4, 7))
    assert business_time_between(santiago, *span) == timedelta(days=15, hours=1)
    assert add_business_minutes(santiago, span[0], 15 * 24 * 60 + 60) == span[1]


def test_it_moves_the_hours_of_a_skipped_day_onto_the_next():
    # Samoa skipped Friday 30 December 2011. By the gap rule, that Friday's 09:00-17:00 is
    # read 24 hours later, so the desk is open on Saturday the 31st as if it were Friday.
    office = weekdays(("09:00", "17:00"), time_zone="Pacific/Apia")
    assert is_open(office, local("Pacific/Apia", 2011, 12, 31, 10))
    assert not is_open(office, local("Pacific/Apia", 2012, 1, 7, 10))  # a plain Saturday


def test_it_has_no_clock_change_in_istanbul_since_2016():
    # Turkey kept summer time (+03) from 7 September 2016 on: the 2016 local year lost the
    # spring hour and never got it back; 2017 is a plain 365 x 24 hours.
    always = every_day(("00:00", "24:00"), time_zone="Europe/Istanbul")
    year_2016 = (local("Europe/Istanbul", 2016, 1, 1), local("Europe/Istanbul", 2017, 1, 1))
    year_2017 = (local("Europe/Istanbul", 2017, 1, 1), local("Europe/Istanbul", 2018, 1, 1))
    assert business_time_between(always, *year_2016) == timedelta(hours=366 * 24 - 1)
    assert business_time_between(always, *year_2017) == timedelta(hours=365 * 24)
    # The last October weekend, when clocks used to go back, changes nothing any more.
    office = weekdays(("09:00", "18:00"), time_zone="Europe/Istanbul")
    due = add_business_minutes(office, local("Europe/Istanbul", 2017, 10, 27, 17), 120)
    assert due == utc(2017, 10, 30, 7)  # Monday 10:00 +03


def test_it_follows_moscow_onto_permanent_time():
    # Moscow sprang forward to permanent +04 on 27 March 2011 and fell back to permanent
    # +03 on 26 October 2014.
    always = every_day(("00:00", "24:00"), time_zone="Europe/Moscow")

    def local_year(year: int) -> tuple[datetime, datetime]:
        return local("Europe/Moscow", year, 1, 1), local("Europe/Moscow", year + 1, 1, 1)

    assert business_time_between(always, *local_year(2011)) == timedelta(hours=8759)
    assert business_time_between(always, *local_year(2014)) == timedelta(hours=8761)
    assert business_time_between(always, *local_year(2015)) == timedelta(hours=8760)


def test_it_counts_plain_elapsed_time_on_a_24_7_calendar():
    always = Calendar.build(name="24/7", time_zone=HELSINKI, always_open=True)
    # 22:00 EET on the night clocks spring forward; UTC, since adding to a datetime with a
    # ZoneInfo would add wall-clock time.
    start = utc(2025, 3, 29, 20)
    assert add_business_minutes(always, start, 240) == start + timedelta(hours=4)
    assert add_business_minutes(always, start, 0) == start
    assert is_open(always, start)
    assert business_time_between(always, start, start + timedelta(days=3)) == timedelta(days=3)
    # The same as a calendar open 00:00-24:00 every day without holidays.
    all_days = every_day(("00:00", "24:00"), time_zone=HELSINKI)
    assert add_business_minutes(all_days, start, 240) == start + timedelta(hours=4)


# Bad input


def test_it_refuses_naive_instants():
    with pytest.raises(ValueError, match="aware datetime"):
        add_business_minutes(OFFICE, datetime(2025, 3, 3, 9), 10)
    with pytest.raises(ValueError, match="aware datetime"):
        is_open(OFFICE, datetime(2025, 3, 3, 9))


def test_it_refuses_negative_and_non_integer_minutes():
    with pytest.raises(ValueError, match="negative"):
        add_business_minutes(OFFICE, utc(2025, 3, 3), -1)
    with pytest.raises(TypeError):
        add_business_minutes(OFFICE, utc(2025, 3, 3), True)
    with pytest.raises(TypeError):
        add_business_minutes(OFFICE, utc(2025, 3, 3), 1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="negative"):
        add_business_time(OFFICE, utc(2025, 3, 3), timedelta(seconds=-1))


def test_it_refuses_instants_outside_the_supported_years():
    with pytest.raises(ValueError, match="between the years"):
        next_opening(OFFICE, utc(1800, 1, 1))
    with pytest.raises(ValueError, match="beyond"):
        add_business_minutes(OFFICE, utc(8999, 1, 1), 10**9)


def test_it_reports_a_calendar_without_hours_instead_of_looping():
    closed = calendar({})
    with pytest.raises(NoBusinessHoursError, match="no business hours"):
        add_business_minutes(closed, utc(2025, 3, 3), 10)
    with pytest.raises(NoBusinessHoursError):
        next_opening(closed, utc(2025, 3, 3))
    assert business_time_between(closed, utc(2025, 1, 1), utc(2026, 1, 1)) == timedelta(0)


def test_it_reports_a_calendar_closed_by_holidays_for_years():
    mondays = [date(2025, 1, 6) + timedelta(weeks=week) for week in range(6 * 53)]
    only_mondays = calendar({"mon": [("09:00", "10:00")]}, holidays=mondays)
    with pytest.raises(NoBusinessHoursError, match="years"):
        add_business_minutes(only_mondays, utc(2025, 1, 1), 10)
    with pytest.raises(NoBusinessHoursError, match="years"):
        next_opening(only_mondays, utc(2025, 1, 1))
