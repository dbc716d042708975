"""`concierge sla ...`: service levels from the command line.

- `preview --calendar FILE --at ISO-8601 --minutes N [--json]` adds N business minutes
  under a calendar read from a JSON file, without touching the database;
- `export [--calendar NAME ...] [--output FILE]` writes stored calendars as JSON;
- `import FILE [--replace]` stores the calendars of a JSON file, all or none;
- `import-ics --calendar NAME FILE` adds the holidays of an iCalendar file to a calendar.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandError, CommandParser

from concierge.sla.business_time import add_business_minutes, next_opening
from concierge.sla.calendar import Calendar, CalendarError
from concierge.sla.calendars_json import dump_calendars, load_calendars
from concierge.sla.holidays_ics import parse_ics_holidays
from concierge.sla.models import BusinessCalendar
from concierge.sla.queries import calendar_value, calendars_with_rules
from concierge.sla.services import calendar_add_holidays, calendars_import


def _read_text(path: str) -> str:
    """A UTF-8 file's text ('-' is standard input), or a CommandError saying why not."""
    try:
        if path == "-":
            return sys.stdin.read()
        return Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise CommandError(f"{path} is not UTF-8 text") from None
    except OSError as error:
        raise CommandError(f"cannot read {path}: {error.strerror or error}") from None


def _utc_text(instant: datetime) -> str:
    return instant.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _local_text(instant: datetime, zone: ZoneInfo) -> str:
    local = instant.astimezone(zone)
    return f"{local:%a %Y-%m-%d %H:%M:%S} {local.tzname()}"


def _parse_instant(text: str, zone: ZoneInfo) -> datetime:
    """An ISO-8601 instant; without an offset it is wall-clock time in `zone` (an hour
    that occurs twice means its first occurrence, as everywhere in business time)."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"--at: {text!r} is not an ISO-8601 date and time, e.g. 2025-03-28T16:00:00+02:00"
        ) from None
    return value if value.tzinfo is not None else value.replace(tzinfo=zone)


def _pick_calendar(calendars: list[Calendar], name: str | None, path: str) -> Calendar:
    if name is not None:
        for calendar in calendars:
            if calendar.name == name:
                return calendar
        names = ", ".join(f'"{calendar.name}"' for calendar in calendars) or "none"
        raise CommandError(f'{path} has no calendar named "{name}" (it has {names})')
    if len(calendars) == 1:
        return calendars[0]
    if not calendars:
        raise CommandError(f"{path} holds no calendar")
    names = ", ".join(f'"{calendar.name}"' for calendar in calendars)
    raise CommandError(f"{path} holds several calendars ({names}): pick one with --name")


class Command(BaseCommand):
    help = "Service levels: preview due times, export and import business-hours calendars."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, title="actions")

        preview = actions.add_parser(
            "preview",
            help="add business minutes to an instant under a calendar file",
            description="Adds N business minutes to an instant under a calendar read from "
            "a JSON file, without touching the database.",
        )
        preview.add_argument(
            "--calendar",
            required=True,
            metavar="FILE",
            help="calendar JSON file (one calendar or a list); - reads standard input",
        )
        preview.add_argument("--name", help="which calendar of the file, when it has several")
        preview.add_argument(
            "--at",
            metavar="ISO-8601",
            help="start instant; without an offset it is the calendar's local time (default: now)",
        )
        preview.add_argument("--minutes", type=int, required=True, help="business minutes")
        preview.add_argument("--json", action="store_true", dest="as_json", help="answer in JSON")

        export = actions.add_parser("export", help="write stored calendars as JSON")
        export.add_argument(
            "--calendar",
            action="append",
            dest="names",
            metavar="NAME",
            help="only this calendar (repeatable; default: all)",
        )
        export.add_argument(
            "--output", "-o", metavar="FILE", help="file to write (default: stdout)"
        )

        load = actions.add_parser("import", help="store the calendars of a JSON file")
        load.add_argument("file", help="calendar JSON file; - reads standard input")
        load.add_argument(
            "--replace", action="store_true", help="overwrite calendars of the same name"
        )

        ics = actions.add_parser("import-ics", help="add holidays from an iCalendar file")
        ics.add_argument("file", help=".ics file; - reads standard input")
        ics.add_argument("--calendar", required=True, metavar="NAME", help="stored calendar")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            {
                "preview": self.preview,
                "export": self.export,
                "import": self.load,
                "import-ics": self.import_ics,
            }[action](**options)
        except CalendarError as error:
            raise CommandError(str(error)) from None

    def preview(
        self,
        *,
        calendar: str,
        name: str | None,
        at: str | None,
        minutes: int,
        as_json: bool,
        **_: Any,
    ) -> None:
        chosen = _pick_calendar(load_calendars(_read_text(calendar)), name, calendar)
        zone = chosen.time_zone
        start = _parse_instant(at, zone) if at else datetime.now(UTC)
        if minutes < 0:
            raise CommandError(f"--minutes must not be negative, got {minutes}")
        try:
            clock_starts = next_opening(chosen, start)
            due = add_business_minutes(chosen, start, minutes)
        except (ValueError, OverflowError) as error:
            raise CommandError(str(error)) from None
        if as_json:
            self._preview_json(chosen, start, minutes, clock_starts, due)
        else:
            self._preview_text(chosen, start, minutes, clock_starts, due)

    def _preview_json(
        self, calendar: Calendar, start: datetime, minutes: int, clock: datetime, due: datetime
    ) -> None:
        answer = {
            "calendar": calendar.name,
            "time_zone": calendar.time_zone.key,
            "at": _utc_text(start),
            "minutes": minutes,
            "clock_starts_at": _utc_text(clock),
            "due_at": _utc_text(due),
            "due_at_local": due.astimezone(calendar.time_zone).isoformat(),
            "elapsed_seconds": (due - start) // timedelta(seconds=1),
        }
        self.stdout.write(json.dumps(answer, ensure_ascii=False))

    def _preview_text(
        self, calendar: Calendar, start: datetime, minutes: int, clock: datetime, due: datetime
    ) -> None:
        zone = calendar.time_zone
        self.stdout.write(f"Calendar: {calendar.name} ({zone.key})")
        self.stdout.write(f"Start:    {_local_text(start, zone)}  ({_utc_text(start)})")
        if clock != start.astimezone(UTC):
            self.stdout.write(f"Closed then; the clock starts at {_local_text(clock, zone)}")
        self.stdout.write(f"Add:      {minutes} business minutes")
        self.stdout.write(f"Due:      {_local_text(due, zone)}  ({_utc_text(due)})")
        elapsed = due - start
        hours, rest = divmod(int(elapsed.total_seconds()) // 60, 60)
        self.stdout.write(f"Elapsed:  {hours} h {rest:02d} min of calendar time")

    def export(self, *, names: list[str] | None, output: str | None, **_: Any) -> None:
        stored = list(calendars_with_rules(names))
        if names:
            missing = sorted(set(names) - {calendar.name for calendar in stored})
            if missing:
                raise CommandError(f'no calendar named "{missing[0]}"')
        text = dump_calendars([calendar_value(calendar) for calendar in stored])
        if output is None:
            self.stdout.write(text, ending="")
            return
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"cannot write {output}: {error.strerror or error}") from None
        self.stdout.write(f"Exported {len(stored)} calendar(s) to {output}")

    def load(self, *, file: str, replace: bool, **_: Any) -> None:
        calendars = load_calendars(_read_text(file))
        try:
            saved = calendars_import(calendars=calendars, replace=replace)
        except CalendarError as error:
            raise CommandError(f"{error}; nothing was imported") from None
        for stored, created in saved:
            verb = "Created" if created else "Replaced"
            self.stdout.write(f'{verb} calendar "{stored.name}"')
        if not saved:
            self.stdout.write(f"{file} holds no calendar; nothing was imported")

    def import_ics(self, *, file: str, calendar: str, **_: Any) -> None:
        try:
            stored = BusinessCalendar.objects.get(name=calendar)
        except BusinessCalendar.DoesNotExist:
            raise CommandError(f'no calendar named "{calendar}"') from None
        holidays = parse_ics_holidays(_read_text(file))
        result = calendar_add_holidays(calendar=stored, holidays=holidays)
        self.stdout.write(
            f'Calendar "{stored.name}": {result.created} holiday(s) added, '
            f"{result.renamed} renamed, {result.unchanged} already there"
        )
