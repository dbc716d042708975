"""Every write to business-hours calendars: saving imported calendars and their holidays.

The functions take validated `Calendar`/`HolidayRule` values (from the JSON format, an
.ics file or, later, a form), so the rules of a valid calendar live in one place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from concierge.sla.calendar import Calendar, CalendarError, HolidayRule
from concierge.sla.models.calendars import BusinessCalendar, BusinessInterval, Holiday
from concierge.sla.policy_rules import config_changed


class CalendarExistsError(CalendarError):
    """A calendar of that name exists and the caller did not ask to replace it."""


@dataclass(frozen=True)
class HolidayImportResult:
    created: int
    renamed: int
    unchanged: int


def _write_rules(stored: BusinessCalendar, calendar: Calendar) -> None:
    BusinessInterval.objects.bulk_create(
        BusinessInterval(
            calendar=stored,
            weekday=weekday,
            start_minute=interval.start_minute,
            end_minute=interval.end_minute,
        )
        for weekday, intervals in enumerate(calendar.week)
        for interval in intervals
    )
    Holiday.objects.bulk_create(
        Holiday(calendar=stored, date=rule.date, name=rule.name, yearly=rule.yearly)
        for rule in calendar.holidays
    )


def calendar_save(*, calendar: Calendar, replace: bool = False) -> tuple[BusinessCalendar, bool]:
    """Store `calendar` under its name; returns (the stored calendar, whether it is new).

    An existing calendar of that name is replaced whole (time zone, intervals, holidays)
    only when `replace` is true, else `CalendarExistsError` is raised and nothing changes.
    """
    with transaction.atomic():
        stored = BusinessCalendar.objects.select_for_update().filter(name=calendar.name).first()
        if stored is not None and not replace:
            raise CalendarExistsError(
                f'a calendar named "{calendar.name}" exists already (replace it to overwrite)'
            )
        if stored is None:
            try:
                with transaction.atomic():
                    stored = BusinessCalendar.objects.create(
                        name=calendar.name,
                        time_zone=calendar.time_zone.key,
                        is_24_7=calendar.always_open,
                    )
            except IntegrityError:  # created by someone else since the lookup above
                raise CalendarExistsError(
                    f'a calendar named "{calendar.name}" was just created by someone else'
                ) from None
            _write_rules(stored, calendar)
            config_changed()
            return stored, True
        stored.time_zone = calendar.time_zone.key
        stored.is_24_7 = calendar.always_open
        stored.save(update_fields=["time_zone", "is_24_7", "updated_at"])
        stored.intervals.all().delete()
        stored.holidays.all().delete()
        _write_rules(stored, calendar)
        config_changed()
        return stored, False


def calendars_import(
    *, calendars: Sequence[Calendar], replace: bool = False
) -> list[tuple[BusinessCalendar, bool]]:
    """Store several calendars all or nothing (one bad name leaves the others unsaved)."""
    with transaction.atomic():
        return [calendar_save(calendar=calendar, replace=replace) for calendar in calendars]


def calendar_add_holidays(
    *, calendar: BusinessCalendar, holidays: Sequence[HolidayRule]
) -> HolidayImportResult:
    """Add holidays (say, from an .ics file) to a stored calendar.

    A date the calendar already closes on keeps its row; only its name is taken from the
    import when the import has one, so re-importing the same file changes nothing. Of two
    imported holidays on one date the first wins.
    """
    if calendar.is_24_7 and holidays:
        raise CalendarError(
            f'calendar "{calendar.name}" is open 24/7 and cannot have holidays; open it '
            "00:00-24:00 every day instead"
        )
    created = renamed = unchanged = 0
    with transaction.atomic():
        BusinessCalendar.objects.select_for_update().filter(pk=calendar.pk).first()
        existing = {holiday.date: holiday for holiday in calendar.holidays.all()}
        new_rows = []
        for rule in holidays:
            holiday = existing.get(rule.date)
            if holiday is not None and holiday.pk is None:  # listed twice in this import
                unchanged += 1
            elif holiday is None:
                holiday = Holiday(
                    calendar=calendar, date=rule.date, name=rule.name, yearly=rule.yearly
                )
                existing[rule.date] = holiday
                new_rows.append(holiday)
                created += 1
            elif rule.name and holiday.name != rule.name:
                holiday.name = rule.name
                holiday.save(update_fields=["name"])
                renamed += 1
            else:
                unchanged += 1
        Holiday.objects.bulk_create(new_rows)
        if created or renamed:
            config_changed()
    return HolidayImportResult(created=created, renamed=renamed, unchanged=unchanged)


class CalendarInUseError(CalendarError):
    """Policies count their targets in this calendar, so it cannot be deleted."""


def calendar_update(
    *, stored: BusinessCalendar, name: str, time_zone: str, is_24_7: bool, week: Calendar
) -> BusinessCalendar:
    """Rename a calendar, change its time zone and weekly hours; its holidays stay.

    `week` is a validated calendar value whose weekly hours are taken (its name and
    holidays are ignored). Raises `CalendarError` when the result is not a valid calendar
    (a 24/7 calendar with holidays) and `CalendarExistsError` when the name is taken.
    """
    with transaction.atomic():
        stored = BusinessCalendar.objects.select_for_update().get(pk=stored.pk)
        holidays = [HolidayRule(h.date, h.name, h.yearly) for h in stored.holidays.all()]
        Calendar.build(
            name=name,
            time_zone=time_zone,
            week=dict(enumerate(week.week)),
            holidays=holidays,
            always_open=is_24_7,
        )  # validates the combination before anything is written
        if BusinessCalendar.objects.filter(name=name).exclude(pk=stored.pk).exists():
            raise CalendarExistsError(f'a calendar named "{name}" exists already')
        stored.name = name
        stored.time_zone = time_zone
        stored.is_24_7 = is_24_7
        stored.save(update_fields=["name", "time_zone", "is_24_7", "updated_at"])
        stored.intervals.all().delete()
        BusinessInterval.objects.bulk_create(
            BusinessInterval(
                calendar=stored,
                weekday=weekday,
                start_minute=interval.start_minute,
                end_minute=interval.end_minute,
            )
            for weekday, intervals in enumerate(week.week)
            for interval in intervals
        )
        config_changed()
    return stored


def calendar_delete(*, stored: BusinessCalendar) -> None:
    """Delete a calendar that no policy uses."""
    with transaction.atomic():
        names = list(stored.policies.values_list("name", flat=True))
        if names:
            raise CalendarInUseError(
                f'the calendar "{stored.name}" is used by the policies {", ".join(names)}'
            )
        stored.delete()
        config_changed()


def holiday_remove(*, stored: BusinessCalendar, holiday_id: int) -> bool:
    """Remove one holiday; returns whether there was one to remove."""
    with transaction.atomic():
        deleted, _ = Holiday.objects.filter(calendar=stored, pk=holiday_id).delete()
        if deleted:
            config_changed()
    return bool(deleted)
