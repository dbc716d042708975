"""`concierge sla preview|export|import|import-ics`: answers, files, and clear errors."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from concierge.sla.calendar import Calendar
from concierge.sla.models import BusinessCalendar, Holiday
from concierge.sla.queries import calendar_value_by_name
from concierge.sla.services import calendar_save
from concierge.sla.tests.test_calendars_json import HELSINKI_OFFICE
from concierge.sla.tests.test_holidays_ics import ics


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("sla", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def calendar_file(tmp_path: Path) -> Path:
    path = tmp_path / "helsinki.json"
    path.write_text(json.dumps(HELSINKI_OFFICE, ensure_ascii=False), encoding="utf-8")
    return path


def test_it_previews_a_due_time_as_json_without_the_database(calendar_file):
    # No django_db mark: any query would fail this test.
    # Friday 28 March 2025 16:00 in Helsinki plus 4 business hours: 1 hour on Friday, then
    # Monday 31 March, after the spring change, 09:00-12:00 EEST.
    output = run(
        "preview", "--calendar", str(calendar_file), "--at", "2025-03-28T16:00:00+02:00",
        "--minutes", "240", "--json",
    )  # fmt: skip
    answer = json.loads(output)
    assert answer == {
        "calendar": "Helsinki office",
        "time_zone": "Europe/Helsinki",
        "at": "2025-03-28T14:00:00Z",
        "minutes": 240,
        "clock_starts_at": "2025-03-28T14:00:00Z",
        "due_at": "2025-03-31T09:00:00Z",
        "due_at_local": "2025-03-31T12:00:00+03:00",
        "elapsed_seconds": (2 * 24 + 19) * 3600,
    }


def test_it_reads_an_instant_without_offset_in_the_calendars_time_zone(calendar_file):
    answer = json.loads(
        run("preview", "--calendar", str(calendar_file), "--at", "2025-12-05T16:30",
            "--minutes", "60", "--json")
    )  # fmt: skip
    # 16:30 EET is 14:30Z; Saturday the 6th is Independence Day (and a Saturday): Monday.
    assert answer["at"] == "2025-12-05T14:30:00Z"
    assert answer["due_at"] == "2025-12-08T07:30:00Z"


def test_it_previews_in_words_without_json(calendar_file):
    output = run(
        "preview", "--calendar", str(calendar_file), "--at", "2025-03-29T12:00Z", "--minutes", "30"
    )
    assert "Helsinki office (Europe/Helsinki)" in output
    assert "Closed then; the clock starts at Mon 2025-03-31 09:00:00 EEST" in output
    assert "Due:      Mon 2025-03-31 09:30:00 EEST  (2025-03-31T06:30:00Z)" in output


def test_it_picks_a_calendar_of_a_list_by_name(tmp_path):
    path = tmp_path / "two.json"
    istanbul = {
        "name": "Istanbul",
        "time_zone": "Europe/Istanbul",
        "week": {"sat": [["10:00", "14:00"]]},
    }
    path.write_text(json.dumps([HELSINKI_OFFICE, istanbul]), encoding="utf-8")
    answer = json.loads(
        run("preview", "--calendar", str(path), "--name", "Istanbul", "--at", "2025-03-28T00:00Z",
            "--minutes", "0", "--json")
    )  # fmt: skip
    assert answer["due_at"] == "2025-03-29T07:00:00Z"
    with pytest.raises(CommandError, match='several calendars \\("Helsinki office", "Istanbul"\\)'):
        run("preview", "--calendar", str(path), "--minutes", "1")
    with pytest.raises(CommandError, match='no calendar named "Oslo"'):
        run("preview", "--calendar", str(path), "--name", "Oslo", "--minutes", "1")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--at", "yesterday", "--minutes", "5"], "'yesterday' is not an ISO-8601"),
        (["--at", "2025-03-28T16:00Z", "--minutes", "-5"], "must not be negative"),
        (["--at", "2025-03-28T16:00Z", "--minutes", "five"], "invalid int value: 'five'"),
        (["--at", "1700-01-01T00:00Z", "--minutes", "5"], "between the years 1900 and 9000"),
        (["--minutes", "5", "--json", "--extra"], "unrecognized arguments: --extra"),
    ],
)
def test_it_refuses_bad_preview_input_clearly(calendar_file, args, message):
    with pytest.raises(CommandError, match=message):
        run("preview", "--calendar", str(calendar_file), *args)


def test_it_refuses_bad_calendar_files_clearly(tmp_path):
    missing = tmp_path / "missing.json"
    with pytest.raises(CommandError, match=r"cannot read .*missing.json: No such file"):
        run("preview", "--calendar", str(missing), "--minutes", "1")
    broken = tmp_path / "broken.json"
    broken.write_text('{"name": "x", "time_zone": "Mars/Olympus"}', encoding="utf-8")
    with pytest.raises(CommandError, match="'Mars/Olympus' is not a known IANA time zone"):
        run("preview", "--calendar", str(broken), "--minutes", "1")
    latin = tmp_path / "latin.json"
    latin.write_bytes('{"name": "Päivä"}'.encode("latin-1"))
    with pytest.raises(CommandError, match="is not UTF-8 text"):
        run("preview", "--calendar", str(latin), "--minutes", "1")
    closed = tmp_path / "closed.json"
    closed.write_text('{"name": "Closed", "time_zone": "UTC"}', encoding="utf-8")
    with pytest.raises(CommandError, match='"Closed" has no business hours'):
        run("preview", "--calendar", str(closed), "--minutes", "1")


def test_it_reads_the_calendar_from_standard_input(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(HELSINKI_OFFICE)))
    answer = json.loads(
        run("preview", "--calendar", "-", "--at", "2025-03-31T09:00+03:00", "--minutes", "90",
            "--json")
    )  # fmt: skip
    assert answer["due_at"] == "2025-03-31T07:30:00Z"


def test_it_requires_an_action():
    with pytest.raises(CommandError, match="required: action"):
        run()


@pytest.mark.django_db
def test_it_exports_and_imports_calendars_through_a_file(calendar_file, tmp_path):
    assert run("import", str(calendar_file)) == 'Created calendar "Helsinki office"\n'
    exported = tmp_path / "export.json"
    assert run("export", "--output", str(exported)) == (
        f"Exported 1 calendar(s) and 0 policy(ies) to {exported}\n"
    )
    everything = {"calendars": [HELSINKI_OFFICE], "policies": []}
    assert json.loads(exported.read_text(encoding="utf-8")) == everything
    # Moving the configuration to another installation: the same calendar comes back.
    BusinessCalendar.objects.all().delete()
    assert run("import", str(exported)) == 'Created calendar "Helsinki office"\n'
    assert json.loads(run("export")) == everything


@pytest.mark.django_db
def test_it_exports_only_the_named_calendars(calendar_file):
    run("import", str(calendar_file))
    calendar_save(calendar=Calendar.build(name="Istanbul", time_zone="Europe/Istanbul"))
    exported = json.loads(run("export", "--calendar", "Istanbul"))
    assert [calendar["name"] for calendar in exported["calendars"]] == ["Istanbul"]
    assert exported["policies"] == []
    with pytest.raises(CommandError, match='no calendar named "Oslo"'):
        run("export", "--calendar", "Istanbul", "--calendar", "Oslo")


@pytest.mark.django_db
def test_it_replaces_an_existing_calendar_only_when_asked(calendar_file, tmp_path):
    run("import", str(calendar_file))
    changed = tmp_path / "changed.json"
    changed.write_text(
        json.dumps({**HELSINKI_OFFICE, "time_zone": "Europe/Istanbul"}), encoding="utf-8"
    )
    with pytest.raises(CommandError, match=r"exists already .*; nothing was imported"):
        run("import", str(changed))
    assert BusinessCalendar.objects.get().time_zone == "Europe/Helsinki"
    assert run("import", str(changed), "--replace") == 'Replaced calendar "Helsinki office"\n'
    assert BusinessCalendar.objects.get().time_zone == "Europe/Istanbul"


@pytest.mark.django_db
def test_it_imports_nothing_from_a_file_with_a_bad_calendar(tmp_path):
    path = tmp_path / "mixed.json"
    bad = {**HELSINKI_OFFICE, "name": "Bad", "week": {"mon": [["09:00", "08:00"]]}}
    path.write_text(json.dumps([HELSINKI_OFFICE, bad]), encoding="utf-8")
    with pytest.raises(CommandError, match=r'\[1\] \(calendar "Bad"\): week.mon\[0\]'):
        run("import", str(path))
    assert not BusinessCalendar.objects.exists()


@pytest.mark.django_db
def test_it_adds_holidays_from_an_ics_file(calendar_file, tmp_path):
    run("import", str(calendar_file))
    path = tmp_path / "fi.ics"
    path.write_text(
        ics(
            "DTSTART;VALUE=DATE:20251224\nDTEND;VALUE=DATE:20251227\nSUMMARY:Joulu",
            "DTSTART;VALUE=DATE:20201206\nRRULE:FREQ=YEARLY\nSUMMARY:Itsenäisyyspäivä",
        ),
        encoding="utf-8",
    )
    output = run("import-ics", "--calendar", "Helsinki office", str(path))
    assert output == 'Calendar "Helsinki office": 4 holiday(s) added, 0 renamed, 0 already there\n'
    dates = set(Holiday.objects.values_list("date", flat=True))
    assert {date(2025, 12, 24), date(2025, 12, 25), date(2025, 12, 26)} <= dates
    assert calendar_value_by_name("Helsinki office").is_holiday(date(2031, 12, 6))


@pytest.mark.django_db
def test_it_refuses_bad_ics_imports_clearly(calendar_file, tmp_path):
    run("import", str(calendar_file))
    path = tmp_path / "bad.ics"
    path.write_text(ics("DTSTART;VALUE=DATE:20251127\nRRULE:FREQ=MONTHLY"), encoding="utf-8")
    with pytest.raises(CommandError, match="line 6: the rule 'FREQ=MONTHLY'"):
        run("import-ics", "--calendar", "Helsinki office", str(path))
    with pytest.raises(CommandError, match='no calendar named "Oslo"'):
        run("import-ics", "--calendar", "Oslo", str(path))
    assert not Holiday.objects.filter(date=date(2025, 11, 27)).exists()
