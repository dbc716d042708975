"""Stored calendars: saving and replacing them, reading them back, adding holidays."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from concierge.sla.calendar import Calendar, CalendarError, HolidayRule
from concierge.sla.calendars_json import calendar_from_json
from concierge.sla.models import BusinessCalendar, BusinessInterval, Holiday
from concierge.sla.queries import calendar_value, calendar_value_by_name, calendars_with_rules
from concierge.sla.services import (
    CalendarExistsError,
    calendar_add_holidays,
    calendar_save,
    calendars_import,
)
from concierge.sla.tests.test_calendars_json import HELSINKI_OFFICE

pytestmark = pytest.mark.django_db


def helsinki() -> Calendar:
    return calendar_from_json(HELSINKI_OFFICE)


def test_it_stores_a_calendar_and_reads_back_the_same_value():
    stored, created = calendar_save(calendar=helsinki())
    assert created
    assert stored.time_zone == "Europe/Helsinki"
    assert stored.intervals.count() == 6
    monday = list(stored.intervals.filter(weekday=0).order_by("start_minute"))
    assert [(interval.start_text, interval.end_text) for interval in monday] == [
        ("09:00", "12:00"),
        ("13:00", "17:00"),
    ]
    assert calendar_value_by_name("Helsinki office") == helsinki()


def test_it_stores_24_00_as_minute_1440():
    nights = Calendar.build(name="Nights", time_zone="UTC", week={"fri": [("22:00", "24:00")]})
    stored, _ = calendar_save(calendar=nights)
    interval = stored.intervals.get()
    assert (interval.start_minute, interval.end_minute, interval.end_text) == (1320, 1440, "24:00")
    assert calendar_value(stored) == nights


def test_it_stores_a_24_7_calendar():
    always = Calendar.build(name="Always", time_zone="UTC", always_open=True)
    stored, _ = calendar_save(calendar=always)
    assert stored.is_24_7
    assert calendar_value(stored).always_open


def test_it_refuses_to_overwrite_unless_asked():
    calendar_save(calendar=helsinki())
    changed = Calendar.build(
        name="Helsinki office", time_zone="Europe/Istanbul", week={"sat": [("10:00", "14:00")]}
    )
    with pytest.raises(CalendarExistsError, match='"Helsinki office" exists already'):
        calendar_save(calendar=changed)
    assert calendar_value_by_name("Helsinki office") == helsinki()
    stored, created = calendar_save(calendar=changed, replace=True)
    assert not created
    assert calendar_value(BusinessCalendar.objects.get(pk=stored.pk)) == changed
    assert Holiday.objects.filter(calendar=stored).count() == 0


def test_it_imports_all_calendars_or_none():
    calendar_save(calendar=helsinki())
    istanbul = Calendar.build(name="Istanbul", time_zone="Europe/Istanbul")
    with pytest.raises(CalendarExistsError):
        calendars_import(calendars=[istanbul, helsinki()])
    assert not BusinessCalendar.objects.filter(name="Istanbul").exists()
    saved = calendars_import(calendars=[istanbul, helsinki()], replace=True)
    assert [(stored.name, created) for stored, created in saved] == [
        ("Istanbul", True),
        ("Helsinki office", False),
    ]


def test_it_reads_many_calendars_in_three_queries(django_assert_num_queries):
    for index in range(5):
        calendar_save(
            calendar=Calendar.build(
                name=f"Office {index}",
                time_zone="Europe/Helsinki",
                week={"mon": [("09:00", "17:00")], "tue": [("09:00", "17:00")]},
                holidays=[HolidayRule(date(2025, 12, 6), "Itsenäisyyspäivä", True)],
            )
        )
    with django_assert_num_queries(3):
        values = [calendar_value(stored) for stored in calendars_with_rules()]
    assert [value.name for value in values] == [f"Office {index}" for index in range(5)]
    assert all(value.holidays for value in values)


def test_it_adds_holidays_without_duplicating_dates():
    stored, _ = calendar_save(calendar=helsinki())
    first = calendar_add_holidays(
        calendar=stored,
        holidays=[
            HolidayRule(date(2025, 12, 6), "Independence Day", True),
            HolidayRule(date(2025, 12, 24), "Jouluaatto"),
            HolidayRule(date(2025, 12, 24), "Christmas Eve"),
        ],
    )
    assert (first.created, first.renamed, first.unchanged) == (1, 1, 1)
    again = calendar_add_holidays(
        calendar=stored, holidays=[HolidayRule(date(2025, 12, 24), "Jouluaatto")]
    )
    assert (again.created, again.renamed, again.unchanged) == (0, 0, 1)
    names = dict(stored.holidays.values_list("date", "name"))
    assert names == {date(2025, 12, 6): "Independence Day", date(2025, 12, 24): "Jouluaatto"}


def test_it_refuses_holidays_on_a_24_7_calendar():
    stored, _ = calendar_save(calendar=Calendar.build(name="A", time_zone="UTC", always_open=True))
    with pytest.raises(CalendarError, match="open 24/7"):
        calendar_add_holidays(calendar=stored, holidays=[HolidayRule(date(2025, 1, 1))])


def test_it_reports_stored_rows_that_do_not_make_a_calendar():
    stored = BusinessCalendar.objects.create(name="Broken", time_zone="Europe/Helsinki")
    BusinessInterval.objects.create(calendar=stored, weekday=0, start_minute=540, end_minute=720)
    BusinessInterval.objects.create(calendar=stored, weekday=0, start_minute=600, end_minute=900)
    with pytest.raises(CalendarError, match='calendar "Broken": mon: the intervals 09:00-12:00'):
        calendar_value(stored)


def test_the_database_refuses_intervals_that_end_before_they_start():
    stored = BusinessCalendar.objects.create(name="X", time_zone="UTC")
    for start, end, weekday in [(600, 540, 0), (0, 1441, 0), (540, 600, 7)]:
        with pytest.raises(IntegrityError), transaction.atomic():
            BusinessInterval.objects.create(
                calendar=stored, weekday=weekday, start_minute=start, end_minute=end
            )


def test_the_time_zone_field_validates_its_value():
    calendar = BusinessCalendar(name="Mars", time_zone="Mars/Olympus")
    with pytest.raises(ValidationError, match="not a known time zone"):
        calendar.full_clean()
