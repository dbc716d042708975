"""`concierge sla ...`: service levels from the command line.

- `preview --calendar FILE --at ISO-8601 --minutes N [--json]` adds N business minutes
  under a calendar read from a JSON file, without touching the database;
- `preview --policy NAME --at ISO-8601 [--priority P] [--json]` shows the due times a
  stored policy gives a ticket of that priority arriving then;
- `export [--calendar NAME ...] [--policy NAME ...] [--output FILE]` writes stored
  calendars and policies as JSON;
- `import FILE [--replace]` stores the calendars and policies of a JSON file, all or none;
- `import-ics --calendar NAME FILE` adds the holidays of an iCalendar file to a calendar;
- `recompute` applies the policies to every unresolved ticket now (after setting them up).
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandError, CommandParser

from concierge.sla.bulk import recompute_unresolved
from concierge.sla.business_time import add_business_minutes, next_opening
from concierge.sla.calendar import Calendar, CalendarError
from concierge.sla.calendars_json import (
    CalendarFormatError,
    calendar_to_json,
    calendars_from_json,
    load_calendars,
)
from concierge.sla.holidays_ics import parse_ics_holidays
from concierge.sla.models import BusinessCalendar, SlaPolicy
from concierge.sla.policies_json import (
    PRIORITY_KEYS,
    PRIORITY_NAMES,
    policies_from_json,
    policy_to_json,
    split_file,
)
from concierge.sla.policy_rules import policies_with_rules
from concierge.sla.preview import PolicyPreview, preview_policy, stored_policy_rules
from concierge.sla.queries import calendar_value, calendars_with_rules
from concierge.sla.services import calendar_add_holidays
from concierge.sla.services.exchange import sla_import


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


def _parse_priority(text: str) -> int:
    """A priority by name (low, normal, high, urgent) or number (1 to 4)."""
    value = text.strip().lower()
    if value in PRIORITY_NAMES:
        return PRIORITY_NAMES[value]
    if value.isdigit() and int(value) in PRIORITY_KEYS:
        return int(value)
    names = ", ".join(PRIORITY_NAMES)
    raise CommandError(f"--priority: {text!r} is not a priority ({names}, or 1 to 4)")


def _read_json(text: str) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise CalendarFormatError(
            f"not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        ) from None


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


def _policy_preview_json(result: PolicyPreview) -> dict[str, Any]:
    zone = result.policy.calendar.time_zone
    targets = [
        {
            "target": target.metric,
            "minutes": target.minutes,
            "due_at": _utc_text(target.due_at),
            "due_at_local": target.due_at.astimezone(zone).isoformat(),
        }
        for target in result.targets
    ]
    return {
        "policy": result.policy.name,
        "priority": PRIORITY_KEYS[result.priority],
        "business_hours": result.policy.business_hours,
        "calendar": result.policy.calendar.name if result.policy.business_hours else None,
        "time_zone": zone.key,
        "at": _utc_text(result.at),
        "clock_starts_at": _utc_text(result.clock_starts_at),
        # The soonest target's due instant, as the calendar preview answers with one.
        "due_at": _utc_text(min(t.due_at for t in result.targets)) if result.targets else None,
        "targets": targets,
    }


class Command(BaseCommand):
    help = "Service levels: preview due times, export and import calendars and policies."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, title="actions")

        preview = actions.add_parser(
            "preview",
            help="due times under a calendar file or a stored policy",
            description="With --calendar, adds N business minutes to an instant under a "
            "calendar read from a JSON file, without touching the database. With --policy, "
            "shows the due times a stored policy gives a ticket arriving at that instant.",
        )
        source = preview.add_mutually_exclusive_group(required=True)
        source.add_argument(
            "--calendar",
            metavar="FILE",
            help="calendar JSON file (one calendar or a list); - reads standard input",
        )
        source.add_argument("--policy", metavar="NAME", help="a stored SLA policy")
        preview.add_argument("--name", help="which calendar of the file, when it has several")
        preview.add_argument(
            "--at",
            metavar="ISO-8601",
            help="start instant; without an offset it is the calendar's local time (default: now)",
        )
        preview.add_argument("--minutes", type=int, help="business minutes (with --calendar)")
        preview.add_argument(
            "--priority",
            help="the ticket's priority (with --policy): low, normal, high, urgent or 1-4; "
            "default normal",
        )
        preview.add_argument("--json", action="store_true", dest="as_json", help="answer in JSON")

        export = actions.add_parser("export", help="write stored calendars and policies as JSON")
        export.add_argument(
            "--calendar",
            action="append",
            dest="names",
            metavar="NAME",
            help="only this calendar (repeatable; default: all)",
        )
        export.add_argument(
            "--policy",
            action="append",
            dest="policy_names",
            metavar="NAME",
            help="only this policy and its calendar (repeatable; default: all)",
        )
        export.add_argument(
            "--output", "-o", metavar="FILE", help="file to write (default: stdout)"
        )

        load = actions.add_parser("import", help="store the calendars and policies of a file")
        load.add_argument("file", help="calendar JSON file; - reads standard input")
        load.add_argument(
            "--replace",
            action="store_true",
            help="overwrite calendars and policies of the same name",
        )

        ics = actions.add_parser("import-ics", help="add holidays from an iCalendar file")
        ics.add_argument("file", help=".ics file; - reads standard input")
        ics.add_argument("--calendar", required=True, metavar="NAME", help="stored calendar")

        actions.add_parser(
            "recompute",
            help="apply the SLA policies to every unresolved ticket now",
            description="Tickets follow a new or changed policy from their next change; this "
            "recomputes the due times of every unresolved ticket at once.",
        )

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            {
                "preview": self.preview,
                "export": self.export,
                "import": self.load,
                "import-ics": self.import_ics,
                "recompute": self.recompute,
            }[action](**options)
        except CalendarError as error:
            raise CommandError(str(error)) from None

    def preview(
        self,
        *,
        calendar: str | None,
        policy: str | None,
        name: str | None,
        at: str | None,
        minutes: int | None,
        priority: str | None,
        as_json: bool,
        **_: Any,
    ) -> None:
        if policy is not None:
            if minutes is not None:
                raise CommandError("--minutes goes with --calendar; a policy has its targets")
            self.preview_policy(policy, at, priority, as_json)
            return
        if priority is not None:
            raise CommandError("--priority goes with --policy")
        if minutes is None:
            raise CommandError("--calendar needs --minutes")
        assert calendar is not None  # the argument group requires one of the two
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

    def preview_policy(
        self, name: str, at: str | None, priority: str | None, as_json: bool
    ) -> None:
        stored = SlaPolicy.objects.filter(name=name).first()
        if stored is None:
            names = ", ".join(f'"{n}"' for n in SlaPolicy.objects.values_list("name", flat=True))
            raise CommandError(f'no policy named "{name}" (there are: {names or "none"})')
        rules = stored_policy_rules(stored)
        zone = rules.calendar.time_zone
        start = _parse_instant(at, zone) if at else datetime.now(UTC)
        level = _parse_priority(priority) if priority else PRIORITY_NAMES["normal"]
        try:
            result = preview_policy(rules, at=start, priority=level)
        except (ValueError, OverflowError) as error:
            raise CommandError(str(error)) from None
        if as_json:
            self.stdout.write(json.dumps(_policy_preview_json(result), ensure_ascii=False))
            return
        self.stdout.write(f"Policy:   {rules.name} ({PRIORITY_KEYS[level]} priority)")
        where = f"{rules.calendar.name} ({zone.key})" if rules.business_hours else "calendar hours"
        self.stdout.write(f"Counted:  {where}")
        self.stdout.write(f"Arrives:  {_local_text(start, zone)}  ({_utc_text(start)})")
        if result.clock_starts_at != start.astimezone(UTC):
            self.stdout.write(
                f"Closed then; the clock starts at {_local_text(result.clock_starts_at, zone)}"
            )
        if not result.targets:
            self.stdout.write("No target for this priority.")
        for target in result.targets:
            self.stdout.write(
                f"{target.label + ':':<16}{target.minutes:>7} min  due "
                f"{_local_text(target.due_at, zone)}  ({_utc_text(target.due_at)})"
            )

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

    def export(
        self,
        *,
        names: list[str] | None,
        policy_names: list[str] | None,
        output: str | None,
        **_: Any,
    ) -> None:
        policies = []
        if policy_names or not names:
            policies = list(policies_with_rules())
        if policy_names:
            policies = [p for p in policies if p.name in policy_names]
            missing = sorted(set(policy_names) - {p.name for p in policies})
            if missing:
                raise CommandError(f'no policy named "{missing[0]}"')
        wanted = None
        if names or policy_names:
            wanted = set(names or ()) | {p.calendar.name for p in policies if p.calendar}
        stored = list(calendars_with_rules(sorted(wanted) if wanted is not None else None))
        if names:
            missing = sorted(set(names) - {calendar.name for calendar in stored})
            if missing:
                raise CommandError(f'no calendar named "{missing[0]}"')
        document = {
            "calendars": [calendar_to_json(calendar_value(calendar)) for calendar in stored],
            "policies": [policy_to_json(policy) for policy in policies],
        }
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
        if output is None:
            self.stdout.write(text, ending="")
            return
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"cannot write {output}: {error.strerror or error}") from None
        self.stdout.write(
            f"Exported {len(stored)} calendar(s) and {len(policies)} policy(ies) to {output}"
        )

    def load(self, *, file: str, replace: bool, **_: Any) -> None:
        calendars_part, policies_part = split_file(_read_json(_read_text(file)))
        calendars = calendars_from_json(calendars_part)
        policies = policies_from_json(policies_part)
        try:
            result = sla_import(calendars=calendars, policies=policies, replace=replace)
        except CalendarError as error:
            raise CommandError(f"{error}; nothing was imported") from None
        for name, created in result.calendars:
            self.stdout.write(f'{"Created" if created else "Replaced"} calendar "{name}"')
        for name, created in result.policies:
            self.stdout.write(f'{"Created" if created else "Replaced"} policy "{name}"')
        if not result.calendars and not result.policies:
            self.stdout.write(f"{file} holds no calendar and no policy; nothing was imported")

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

    def recompute(self, **_: Any) -> None:
        def progress(done: int) -> None:
            self.stderr.write(f"{done} ticket(s)...", ending="\r")

        done = recompute_unresolved(report=progress)
        self.stdout.write(f"Recomputed the due times of {done} unresolved ticket(s)")
