"""Holidays from an iCalendar (.ics) file, the format public holiday calendars are shared in.

Reads the part of RFC 5545 that holiday calendars use: folded lines, VEVENT components
with an all-day DTSTART (a date-time is taken by its written date), an optional DTEND or
DURATION in days (a multi-day event closes each of its days), SUMMARY as the name, and
RRULE:FREQ=YEARLY on the event's own month and day (a yearly holiday; with COUNT or UNTIL
its dates are listed one by one). Cancelled events are skipped. Anything else a holiday
cannot mean, such as "the fourth Thursday of November", is refused with the line number,
so nothing is imported wrongly: such calendars are exported with one event per date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from concierge.sla.calendar import CalendarError, HolidayRule

# One event may close at most this many days, and a bounded rule list this many dates.
MAX_EVENT_DAYS = 366
MAX_OCCURRENCES = 500
HOLIDAY_NAME_MAX_LENGTH = 200

_DATE_VALUE = re.compile(r"(\d{4})(\d{2})(\d{2})(?:T\d{6}Z?)?")
_DAYS_DURATION = re.compile(r"\+?P(?:(\d+)W|(\d+)D)")
_TEXT_ESCAPES = {"\\n": "\n", "\\N": "\n", "\\,": ",", "\\;": ";", "\\\\": "\\"}


class IcsError(CalendarError):
    """An .ics file that cannot be read as holidays; the message names the line."""


@dataclass
class _Event:
    line: int
    properties: dict[str, tuple[str, dict[str, str], int]] = field(default_factory=dict)


def _unfold(text: str) -> list[tuple[int, str]]:
    """Logical lines with the number of the physical line each starts on."""
    lines: list[tuple[int, str]] = []
    for number, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        if raw[:1] in (" ", "\t") and lines:
            start, content = lines[-1]
            lines[-1] = (start, content + raw[1:])
        elif raw.strip():
            lines.append((number, raw))
    return lines


def _split_property(content: str, number: int) -> tuple[str, dict[str, str], str]:
    """NAME;PARAM=VALUE;...:VALUE, with quoted parameter values that may hold ':' or ';'."""
    in_quotes = False
    colon = -1
    for index, character in enumerate(content):
        if character == '"':
            in_quotes = not in_quotes
        elif character == ":" and not in_quotes:
            colon = index
            break
    if colon < 0:
        raise IcsError(f"line {number}: {content[:40]!r} is not an iCalendar property")
    head, value = content[:colon], content[colon + 1 :]
    name, *raw_params = re.split(r';(?=(?:[^"]*"[^"]*")*[^"]*$)', head)
    params = {}
    for raw in raw_params:
        key, _, param_value = raw.partition("=")
        params[key.strip().upper()] = param_value.strip().strip('"')
    return name.strip().upper(), params, value


def _unescape(value: str) -> str:
    return re.sub(r"\\[nN,;\\]", lambda match: _TEXT_ESCAPES[match.group(0)], value)


def _parse_date(value: str, number: int, what: str) -> date:
    match = _DATE_VALUE.fullmatch(value.strip())
    if match:
        try:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            pass
    raise IcsError(f"line {number}: {what} {value!r} is not a date (YYYYMMDD)")


def _event_days(event: _Event, start: date) -> int:
    if "DTEND" in event.properties:
        value, _params, number = event.properties["DTEND"]
        days = (_parse_date(value, number, "DTEND") - start).days
    elif "DURATION" in event.properties:
        value, _params, number = event.properties["DURATION"]
        match = _DAYS_DURATION.fullmatch(value.strip())
        if not match:
            raise IcsError(f"line {number}: DURATION {value!r} is not a number of days or weeks")
        days = int(match.group(1)) * 7 if match.group(1) else int(match.group(2))
    else:
        return 1
    if days > MAX_EVENT_DAYS:
        raise IcsError(f"line {number}: an event of {days} days is too long for a holiday")
    return max(days, 1)  # a DTEND equal to DTSTART still closes that day


def _yearly_dates(event: _Event, start: date, summary: str) -> tuple[bool, list[date]]:
    """(repeats forever, the listed years' dates) for the event's RRULE."""
    if "RRULE" not in event.properties:
        return False, [start]
    value, _params, number = event.properties["RRULE"]
    parts = dict(part.partition("=")[::2] for part in value.upper().split(";") if part)
    refused = IcsError(
        f"line {number}: the rule {value!r} of {summary!r} does not repeat on one date each "
        "year; only FREQ=YEARLY on the event's own date can be imported (list other "
        "holidays one event per date)"
    )
    if parts.pop("FREQ", None) != "YEARLY" or parts.pop("INTERVAL", "1") != "1":
        raise refused
    if parts.pop("BYMONTH", str(start.month)) != str(start.month):
        raise refused
    if parts.pop("BYMONTHDAY", str(start.day)) != str(start.day):
        raise refused
    count, until = parts.pop("COUNT", None), parts.pop("UNTIL", None)
    parts.pop("WKST", None)
    if parts:
        raise refused
    if count is None and until is None:
        return True, [start]
    if count is not None and not count.isdigit():
        raise IcsError(f"line {number}: COUNT={count} is not a number")
    last = _parse_date(until, number, "UNTIL") if until else date.max
    limit = min(int(count), MAX_OCCURRENCES) if count is not None else MAX_OCCURRENCES
    dates = []
    year = start.year
    while len(dates) < limit and year <= min(last.year, 9999):
        try:
            occurrence = start.replace(year=year)
        except ValueError:  # 29 February in a common year does not occur (RFC 5545)
            occurrence = None
        if occurrence is not None and occurrence <= last:
            dates.append(occurrence)
        year += 1
    return False, dates


def _event_holidays(event: _Event) -> list[HolidayRule]:
    if event.properties.get("STATUS", ("",))[0].strip().upper() == "CANCELLED":
        return []
    if "DTSTART" not in event.properties:
        raise IcsError(f"line {event.line}: the event has no DTSTART")
    value, _params, number = event.properties["DTSTART"]
    start = _parse_date(value, number, "DTSTART")
    summary = _unescape(event.properties.get("SUMMARY", ("",))[0]).strip()
    summary = " ".join(summary.split())[:HOLIDAY_NAME_MAX_LENGTH]
    yearly, firsts = _yearly_dates(event, start, summary)
    days = _event_days(event, start)
    return [
        HolidayRule(first + timedelta(days=offset), summary, yearly)
        for first in firsts
        for offset in range(days)
    ]


def parse_ics_holidays(text: str) -> list[HolidayRule]:
    """The holidays in an .ics file's text, one per date, sorted; later events of the
    same date do not replace the first one's name."""
    lines = _unfold(text.lstrip("\ufeff"))
    if not lines or lines[0][1].strip().upper() != "BEGIN:VCALENDAR":
        raise IcsError("this is not an iCalendar file (it must start with BEGIN:VCALENDAR)")
    holidays: dict[date, HolidayRule] = {}
    event: _Event | None = None
    depth = 0  # nested components inside an event (VALARM) are skipped
    for number, content in lines:
        name, params, value = _split_property(content, number)
        if name == "BEGIN" and value.strip().upper() == "VEVENT" and event is None:
            event = _Event(line=number)
        elif event is not None and name == "BEGIN":
            depth += 1
        elif event is not None and name == "END" and depth:
            depth -= 1
        elif event is not None and name == "END" and value.strip().upper() == "VEVENT":
            for rule in _event_holidays(event):
                holidays.setdefault(rule.date, rule)
            event = None
        elif event is not None and not depth:
            event.properties.setdefault(name, (value, params, number))
    if event is not None:
        raise IcsError(f"line {event.line}: the event is never closed (END:VEVENT)")
    return sorted(holidays.values())
