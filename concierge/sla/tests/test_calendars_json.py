"""The calendar JSON format: what it accepts, what it refuses (and how it says so)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from concierge.sla.calendar import DayInterval, HolidayRule
from concierge.sla.calendars_json import (
    CalendarFormatError,
    calendar_from_json,
    calendar_to_json,
    dump_calendars,
    load_calendars,
)

# The example of issue 5, verbatim.
HELSINKI_OFFICE = {
    "name": "Helsinki office",
    "time_zone": "Europe/Helsinki",
    "week": {
        "mon": [["09:00", "12:00"], ["13:00", "17:00"]],
        "tue": [["09:00", "17:00"]],
        "wed": [["09:00", "17:00"]],
        "thu": [["09:00", "17:00"]],
        "fri": [["09:00", "17:00"]],
        "sat": [],
        "sun": [],
    },
    "holidays": [{"date": "2025-12-06", "name": "Itsenäisyyspäivä", "yearly": True}],
}


def with_changes(**changes: object) -> dict[str, object]:
    return {**HELSINKI_OFFICE, **changes}


def test_it_reads_the_documented_example():
    calendar = calendar_from_json(HELSINKI_OFFICE)
    assert calendar.name == "Helsinki office"
    assert calendar.time_zone.key == "Europe/Helsinki"
    assert calendar.week[0] == (DayInterval(540, 720), DayInterval(780, 1020))
    assert calendar.week[5] == ()
    assert calendar.holidays == (HolidayRule(date(2025, 12, 6), "Itsenäisyyspäivä", True),)


def test_it_round_trips_a_calendar_unchanged():
    text = dump_calendars([calendar_from_json(HELSINKI_OFFICE)])
    assert json.loads(text) == [HELSINKI_OFFICE]
    assert "Itsenäisyyspäivä" in text  # written as UTF-8, not \\u escapes
    assert load_calendars(text) == [calendar_from_json(HELSINKI_OFFICE)]


def test_it_reads_one_calendar_or_a_list_and_ignores_unknown_keys():
    assert len(load_calendars(json.dumps(HELSINKI_OFFICE))) == 1
    second = with_changes(name="Istanbul", time_zone="Europe/Istanbul", color="blue")
    calendars = load_calendars(json.dumps([HELSINKI_OFFICE, second]))
    assert [calendar.name for calendar in calendars] == ["Helsinki office", "Istanbul"]
    assert load_calendars("[]") == []


def test_it_treats_missing_days_as_closed_and_24_00_as_the_end_of_the_day():
    calendar = calendar_from_json(
        {"name": "Nights", "time_zone": "UTC", "week": {"fri": [["22:00", "24:00"]]}}
    )
    assert calendar.week[4] == (DayInterval(1320, 1440),)
    assert calendar.week[0] == ()
    assert calendar_to_json(calendar)["week"]["fri"] == [["22:00", "24:00"]]
    assert calendar.holidays == ()


def test_it_reads_and_writes_a_24_7_calendar():
    calendar = calendar_from_json({"name": "Always", "time_zone": "UTC", "is_24_7": True})
    assert calendar.always_open
    assert calendar_to_json(calendar)["is_24_7"] is True
    assert "is_24_7" not in calendar_to_json(calendar_from_json(HELSINKI_OFFICE))


def test_it_sorts_intervals_given_out_of_order():
    calendar = calendar_from_json(
        with_changes(week={"mon": [["13:00", "17:00"], ["09:00", "12:00"]]})
    )
    assert calendar.week[0] == (DayInterval(540, 720), DayInterval(780, 1020))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (with_changes(time_zone="Europe/Helsingfors"), "'Europe/Helsingfors' is not a known"),
        (with_changes(time_zone="../../etc/passwd"), "is not a known IANA time zone"),
        (with_changes(time_zone=None), "time_zone"),
        (
            with_changes(week={"mon": [["09:00", "12:00"], ["11:00", "17:00"]]}),
            r'calendar "Helsinki office": week.mon\[1\]: the intervals 09:00-12:00 and '
            r"11:00-17:00 overlap",
        ),
        (with_changes(week={"mon": [["17:00", "09:00"]]}), r"week.mon\[0\]: .*ends before"),
        (with_changes(week={"mon": [["09:00", "09:00"]]}), "ends before it starts"),
        (with_changes(week={"mon": [["24:00", "24:00"]]}), "'24:00' is not a time of day"),
        (with_changes(week={"mon": [["9:00", "17:00"]]}), "'9:00' is not a time of day"),
        (with_changes(week={"mon": [["09:00", "25:00"]]}), "'25:00' is not a time of day"),
        (with_changes(week={"mon": [["09:00"]]}), "a pair of times"),
        (with_changes(week={"mon": [[9, 17]]}), "a pair of times"),
        (with_changes(week={"mon": "09:00-17:00"}), "a list of intervals"),
        (with_changes(week={"monday": []}), "'monday' is not a weekday"),
        (with_changes(week=[]), "the week is an object"),
        (with_changes(holidays=[{"date": "2025-02-30"}]), r"holidays\[0\].date: '2025-02-30'"),
        (with_changes(holidays=[{"date": "20251206"}]), "is not a date"),
        (with_changes(holidays=[{"name": "No date"}]), "None is not a date"),
        (with_changes(holidays=[{"date": "2025-12-06", "yearly": "yes"}]), "true or false"),
        (with_changes(holidays=[{"date": "2025-12-06", "name": 5}]), "holidays.0..name"),
        (
            with_changes(holidays=[{"date": "2025-12-06"}, {"date": "2025-12-06"}]),
            r"holidays\[1\]: 2025-12-06 is already listed at \[0\]",
        ),
        (with_changes(holidays={}), "holidays are a list"),
        (with_changes(name=""), "name of 1 to 100 characters"),
        (with_changes(name="x" * 101), "name of 1 to 100 characters"),
        (with_changes(is_24_7=True), "a 24/7 calendar has no weekly hours"),
        (with_changes(is_24_7="yes"), "is_24_7: true or false"),
        (["a string"], r"\[0\]: a calendar is an object"),
    ],
)
def test_it_refuses_bad_calendars_saying_where_and_why(data, message):
    with pytest.raises(CalendarFormatError, match=message):
        load_calendars(json.dumps(data))


def test_it_names_the_position_of_a_bad_calendar_in_a_list():
    bad = with_changes(name="Broken", time_zone="Mars/Olympus")
    with pytest.raises(CalendarFormatError, match=r'\[1\] \(calendar "Broken"\): time_zone'):
        load_calendars(json.dumps([HELSINKI_OFFICE, bad]))


def test_it_refuses_two_calendars_of_the_same_name_in_one_file():
    with pytest.raises(CalendarFormatError, match=r'\[1\]: the name "Helsinki office" is used'):
        load_calendars(json.dumps([HELSINKI_OFFICE, HELSINKI_OFFICE]))


def test_it_reports_broken_json_with_its_position():
    with pytest.raises(CalendarFormatError, match=r"not valid JSON: .*line 2, column"):
        load_calendars('{"name": "x",\n "time_zone": }')
    with pytest.raises(CalendarFormatError, match="a calendar object or a list"):
        load_calendars("42")
