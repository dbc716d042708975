"""Business-hours calendars as JSON: the format `concierge sla export`/`import` exchange.

One calendar::

    {"name": "Helsinki office", "time_zone": "Europe/Helsinki",
     "week": {"mon": [["09:00", "12:00"], ["13:00", "17:00"]], "tue": [["09:00", "17:00"]],
              "sat": [], "sun": []},
     "holidays": [{"date": "2025-12-06", "name": "Itsenäisyyspäivä", "yearly": true}]}

A file holds one such object or a list of them. Days left out of "week" are closed;
"24:00" ends a day; `"is_24_7": true` (with no week and no holidays) counts every second.
Keys this module does not know are ignored, so files from newer versions still load.
Every problem is reported as a `CalendarFormatError` that says where it is, e.g.
`calendar "Helsinki office": week.mon[1]: the intervals 09:00-12:00 and 11:00-17:00 overlap`.
"""

from __future__ import annotations

import itertools
import json
from datetime import date
from typing import Any

from concierge.sla.calendar import (
    WEEKDAY_KEYS,
    Calendar,
    CalendarError,
    DayInterval,
    HolidayRule,
    load_time_zone,
)

NAME_MAX_LENGTH = 100
HOLIDAY_NAME_MAX_LENGTH = 200


class CalendarFormatError(CalendarError):
    """A calendar file that does not follow the format; the message says where and why."""


def _fail(where: str, message: str) -> CalendarFormatError:
    return CalendarFormatError(f"{where}: {message}" if where else message)


def _interval_from_json(value: Any, where: str) -> DayInterval:
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(part, str) for part in value)
    ):
        raise _fail(where, 'an interval is a pair of times like ["09:00", "17:00"]')
    try:
        return DayInterval.parse(value[0], value[1])
    except CalendarError as error:
        raise _fail(where, str(error)) from None


def _week_from_json(value: Any, where: str) -> tuple[tuple[DayInterval, ...], ...]:
    if not isinstance(value, dict):
        raise _fail(where, 'the week is an object like {"mon": [["09:00", "17:00"]], ...}')
    days: list[tuple[DayInterval, ...]] = []
    unknown = sorted(set(value) - set(WEEKDAY_KEYS))
    if unknown:
        raise _fail(where, f"{unknown[0]!r} is not a weekday; use {', '.join(WEEKDAY_KEYS)}")
    for key in WEEKDAY_KEYS:
        intervals = value.get(key, [])
        if not isinstance(intervals, list):
            raise _fail(f"{where}.{key}", "a day is a list of intervals (empty when closed)")
        parsed = sorted(
            (_interval_from_json(item, f"{where}.{key}[{index}]"), index)
            for index, item in enumerate(intervals)
        )
        for (earlier, _), (later, later_index) in itertools.pairwise(parsed):
            if later.start_minute < earlier.end_minute:
                raise _fail(
                    f"{where}.{key}[{later_index}]",
                    f"the intervals {earlier.start_text}-{earlier.end_text} and "
                    f"{later.start_text}-{later.end_text} overlap",
                )
        days.append(tuple(interval for interval, _ in parsed))
    return tuple(days)


def _date_from_json(value: Any, where: str) -> date:
    # fromisoformat also takes "20251206" and week dates; the format promises YYYY-MM-DD.
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise _fail(where, f"{value!r} is not a date (YYYY-MM-DD)")


def _holidays_from_json(value: Any, where: str) -> tuple[HolidayRule, ...]:
    if not isinstance(value, list):
        raise _fail(where, 'holidays are a list like [{"date": "2025-12-06", "name": "..."}]')
    rules: list[HolidayRule] = []
    seen: dict[date, int] = {}
    for index, item in enumerate(value):
        item_where = f"{where}[{index}]"
        if not isinstance(item, dict):
            raise _fail(item_where, 'a holiday is an object like {"date": "2025-12-06"}')
        day = _date_from_json(item.get("date"), f"{item_where}.date")
        name = item.get("name", "")
        if not isinstance(name, str) or len(name) > HOLIDAY_NAME_MAX_LENGTH:
            raise _fail(
                f"{item_where}.name", f"a text of at most {HOLIDAY_NAME_MAX_LENGTH} characters"
            )
        yearly = item.get("yearly", False)
        if not isinstance(yearly, bool):
            raise _fail(f"{item_where}.yearly", "true or false")
        if day in seen:
            raise _fail(item_where, f"{day.isoformat()} is already listed at [{seen[day]}]")
        seen[day] = index
        rules.append(HolidayRule(day, name.strip(), yearly))
    return tuple(sorted(rules))


def calendar_from_json(value: Any, where: str = "") -> Calendar:
    """A validated `Calendar` from one decoded JSON object."""
    if not isinstance(value, dict):
        raise _fail(where, "a calendar is an object with name, time_zone, week and holidays")
    name = value.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > NAME_MAX_LENGTH:
        raise _fail(
            f"{where}.name" if where else "name",
            f"every calendar needs a name of 1 to {NAME_MAX_LENGTH} characters",
        )
    name = name.strip()
    where = f'{where} (calendar "{name}")' if where else f'calendar "{name}"'
    try:
        zone = load_time_zone(value.get("time_zone"))
    except CalendarError as error:
        raise _fail(f"{where}: time_zone", str(error)) from None
    always_open = value.get("is_24_7", False)
    if not isinstance(always_open, bool):
        raise _fail(f"{where}: is_24_7", "true or false")
    week = _week_from_json(value.get("week", {}), f"{where}: week")
    holidays = _holidays_from_json(value.get("holidays", []), f"{where}: holidays")
    try:
        return Calendar(
            name=name, time_zone=zone, week=week, holidays=holidays, always_open=always_open
        )
    except CalendarError as error:
        raise _fail(where, str(error)) from None


def calendars_from_json(value: Any) -> list[Calendar]:
    """Calendars from a decoded file: one calendar object or a list of them, or the whole
    export of `concierge sla export` (whose "calendars" key holds the list)."""
    if isinstance(value, dict) and ("calendars" in value or "policies" in value):
        value = value.get("calendars", [])
    if isinstance(value, dict):
        return [calendar_from_json(value)]
    if not isinstance(value, list):
        raise CalendarFormatError("the file must hold a calendar object or a list of them")
    calendars = [calendar_from_json(item, f"[{index}]") for index, item in enumerate(value)]
    names: set[str] = set()
    for index, calendar in enumerate(calendars):
        if calendar.name in names:
            raise _fail(f"[{index}]", f'the name "{calendar.name}" is used twice in this file')
        names.add(calendar.name)
    return calendars


def load_calendars(text: str) -> list[Calendar]:
    """Calendars from the text of a JSON file."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise CalendarFormatError(
            f"not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        ) from None
    return calendars_from_json(value)


def calendar_to_json(calendar: Calendar) -> dict[str, Any]:
    """The JSON object of one calendar: every weekday listed, holidays in date order."""
    value: dict[str, Any] = {
        "name": calendar.name,
        "time_zone": calendar.time_zone.key,
        "week": {
            key: [[interval.start_text, interval.end_text] for interval in intervals]
            for key, intervals in zip(WEEKDAY_KEYS, calendar.week, strict=True)
        },
        "holidays": [
            {"date": rule.date.isoformat(), "name": rule.name, "yearly": rule.yearly}
            for rule in sorted(calendar.holidays)
        ],
    }
    if calendar.always_open:
        value["is_24_7"] = True
    return value


def dump_calendars(calendars: list[Calendar]) -> str:
    """A file's text for `calendars`: always a list, so exports of one or many look alike."""
    return (
        json.dumps(
            [calendar_to_json(calendar) for calendar in calendars], indent=2, ensure_ascii=False
        )
        + "\n"
    )
