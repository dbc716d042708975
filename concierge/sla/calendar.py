"""The business-hours calendar as a value: time zone, weekly opening hours and holidays.

A `Calendar` is immutable, validated on construction and free of the database, so the
arithmetic in `business_time` can run anywhere (the ticket pipeline, a report, the CLI
previewing a calendar file). `concierge.sla.queries.calendar_value` builds one from the
stored models and `concierge.sla.calendars_json` from the JSON exchange format.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

MINUTES_PER_DAY = 24 * 60
#: Weekday keys of the JSON format, Monday first like `date.weekday()`.
WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

_CLOCK = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")


class CalendarError(ValueError):
    """A calendar that cannot be used as given; the message says what to fix."""


class NoBusinessHoursError(CalendarError):
    """The calendar is never open (or not within the search horizon), so no due time exists."""


def parse_clock(text: str, *, end_of_day_allowed: bool = False) -> int:
    """Minutes since local midnight for "HH:MM"; "24:00" (the end of the day) only when allowed."""
    if end_of_day_allowed and text == "24:00":
        return MINUTES_PER_DAY
    match = _CLOCK.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        limit = "24:00" if end_of_day_allowed else "23:59"
        raise CalendarError(f"{text!r} is not a time of day (HH:MM, from 00:00 to {limit})")
    return int(match.group(1)) * 60 + int(match.group(2))


def format_clock(minute: int) -> str:
    """ "HH:MM" for minutes since local midnight; 1440 is written "24:00"."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


@lru_cache(maxsize=1)
def _known_time_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def load_time_zone(name: str) -> ZoneInfo:
    """The IANA time zone called `name`, or a `CalendarError` naming the bad value."""
    if not isinstance(name, str) or name not in _known_time_zones():
        raise CalendarError(f"{name!r} is not a known IANA time zone (e.g. Europe/Helsinki)")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:  # the list and the files disagree
        raise CalendarError(f"time zone {name!r} cannot be loaded: {error}") from None


@dataclass(frozen=True, order=True)
class DayInterval:
    """Opening hours within one local day: minutes since local midnight, end 1440 = "24:00".

    The interval is half-open, [start, end): the desk opens at `start` and is closed from
    `end` on. Wall-clock times: on a day with a DST change the same interval may last an
    hour more or less in real time (see `business_time` for the exact rules).
    """

    start_minute: int
    end_minute: int

    def __post_init__(self) -> None:
        if not 0 <= self.start_minute < MINUTES_PER_DAY:
            raise CalendarError(f"an interval cannot start at minute {self.start_minute}")
        if not 0 < self.end_minute <= MINUTES_PER_DAY:
            raise CalendarError(f"an interval cannot end at minute {self.end_minute}")
        if self.end_minute <= self.start_minute:
            raise CalendarError(
                f"the interval {self.start_text}-{self.end_text} ends before it starts"
            )

    @classmethod
    def parse(cls, start: str, end: str) -> DayInterval:
        start_minute = parse_clock(start)
        end_minute = parse_clock(end, end_of_day_allowed=True)
        if end_minute <= start_minute:
            raise CalendarError(f"the interval {start}-{end} ends before it starts")
        return cls(start_minute, end_minute)

    @property
    def start_text(self) -> str:
        return format_clock(self.start_minute)

    @property
    def end_text(self) -> str:
        return format_clock(self.end_minute)

    @property
    def minutes(self) -> int:
        return self.end_minute - self.start_minute


@dataclass(frozen=True, order=True)
class HolidayRule:
    """A closed local date; a yearly one repeats on the same month and day from its year on.

    As in iCalendar's yearly recurrence, a yearly 29 February only falls in leap years.
    """

    date: date
    name: str = ""
    yearly: bool = False

    def falls_on(self, day: date) -> bool:
        if not self.yearly:
            return day == self.date
        return (day.month, day.day) == (self.date.month, self.date.day) and (
            day.year >= self.date.year
        )


def _week_from_mapping(
    week: Mapping[int | str, Iterable[DayInterval | tuple[str, str]]],
) -> tuple[tuple[DayInterval, ...], ...]:
    days: list[list[DayInterval]] = [[] for _ in WEEKDAY_KEYS]
    for key, intervals in week.items():
        if isinstance(key, str):
            if key not in WEEKDAY_KEYS:
                raise CalendarError(
                    f"{key!r} is not a weekday; use one of {', '.join(WEEKDAY_KEYS)}"
                )
            index = WEEKDAY_KEYS.index(key)
        elif isinstance(key, int) and 0 <= key <= 6:
            index = key
        else:
            raise CalendarError(f"{key!r} is not a weekday number (0 = Monday ... 6 = Sunday)")
        for interval in intervals:
            days[index].append(
                interval if isinstance(interval, DayInterval) else DayInterval.parse(*interval)
            )
    return tuple(tuple(sorted(day)) for day in days)


@dataclass(frozen=True)
class Calendar:
    """Business hours: when the desk is open, in the calendar's own time zone.

    `week[0]` is Monday's intervals, `week[6]` Sunday's, each sorted and non-overlapping
    (touching intervals such as 09:00-12:00 and 12:00-17:00 are allowed and simply join).
    An `always_open` calendar is open every second (24/7): it has no weekly hours and no
    holidays; a desk open around the clock but closed on holidays is a calendar with
    00:00-24:00 every day and those holidays.
    """

    name: str
    time_zone: ZoneInfo
    week: tuple[tuple[DayInterval, ...], ...] = ((),) * 7
    holidays: tuple[HolidayRule, ...] = ()
    always_open: bool = False
    _one_off_dates: frozenset[date] = field(init=False, repr=False, compare=False)
    _sorted_one_off_dates: tuple[date, ...] = field(init=False, repr=False, compare=False)
    _yearly_from: Mapping[tuple[int, int], int] = field(init=False, repr=False, compare=False)
    _week_length: timedelta = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.time_zone, ZoneInfo):
            raise CalendarError("the time zone must be a zoneinfo.ZoneInfo")
        if len(self.week) != len(WEEKDAY_KEYS):
            raise CalendarError("the week must have seven days, Monday first")
        for key, intervals in zip(WEEKDAY_KEYS, self.week, strict=True):
            for earlier, later in itertools.pairwise(intervals):
                if later.start_minute < earlier.end_minute:
                    raise CalendarError(
                        f"{key}: the intervals {earlier.start_text}-{earlier.end_text} and "
                        f"{later.start_text}-{later.end_text} overlap"
                    )
                if later < earlier:
                    raise CalendarError(f"{key}: the intervals must be sorted by start")
        if self.always_open and (any(self.week) or self.holidays):
            raise CalendarError(
                "a 24/7 calendar has no weekly hours and no holidays; for a desk that closes "
                "on holidays, open it 00:00-24:00 every day instead"
            )
        one_off = frozenset(rule.date for rule in self.holidays if not rule.yearly)
        yearly: dict[tuple[int, int], int] = {}
        for rule in self.holidays:
            if rule.yearly:
                key = (rule.date.month, rule.date.day)
                yearly[key] = min(rule.date.year, yearly.get(key, rule.date.year))
        week_minutes = sum(interval.minutes for day in self.week for interval in day)
        object.__setattr__(self, "_one_off_dates", one_off)
        object.__setattr__(self, "_sorted_one_off_dates", tuple(sorted(one_off)))
        object.__setattr__(self, "_yearly_from", yearly)
        object.__setattr__(self, "_week_length", timedelta(minutes=week_minutes))

    @classmethod
    def build(
        cls,
        *,
        name: str,
        time_zone: str | ZoneInfo,
        week: Mapping[int | str, Iterable[DayInterval | tuple[str, str]]] | None = None,
        holidays: Iterable[HolidayRule | date] = (),
        always_open: bool = False,
    ) -> Calendar:
        """A calendar from friendly values: `week={"mon": [("09:00", "17:00")], ...}`."""
        zone = time_zone if isinstance(time_zone, ZoneInfo) else load_time_zone(time_zone)
        rules = tuple(
            sorted(
                rule if isinstance(rule, HolidayRule) else HolidayRule(rule) for rule in holidays
            )
        )
        return cls(
            name=name,
            time_zone=zone,
            week=_week_from_mapping(week or {}),
            holidays=rules,
            always_open=always_open,
        )

    @property
    def week_length(self) -> timedelta:
        """Business time in a week without holidays or clock changes."""
        return self._week_length

    def is_holiday(self, day: date) -> bool:
        if day in self._one_off_dates:
            return True
        first_year = self._yearly_from.get((day.month, day.day))
        return first_year is not None and day.year >= first_year

    def next_holiday(self, day: date) -> date | None:
        """The first holiday on or after `day`, or None when there is none."""
        candidates: list[date] = []
        index = bisect.bisect_left(self._sorted_one_off_dates, day)
        if index < len(self._sorted_one_off_dates):
            candidates.append(self._sorted_one_off_dates[index])
        for (month, month_day), first_year in self._yearly_from.items():
            # Leap years are never more than eight years apart, so nine tries always find
            # the next 29 February.
            for year in range(max(day.year, first_year), max(day.year, first_year) + 9):
                try:
                    occurrence = date(year, month, month_day)
                except ValueError:
                    continue
                if occurrence >= day:
                    candidates.append(occurrence)
                    break
        return min(candidates, default=None)
