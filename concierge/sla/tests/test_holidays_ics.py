"""Holidays from iCalendar files as public holiday calendars publish them."""

from __future__ import annotations

from datetime import date

import pytest

from concierge.sla.calendar import HolidayRule
from concierge.sla.holidays_ics import IcsError, parse_ics_holidays


def ics(*events: str) -> str:
    """A calendar file with CRLF line ends, as RFC 5545 writes them."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Example//Holidays//EN"]
    for event in events:
        lines += ["BEGIN:VEVENT", *event.strip().splitlines(), "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"


def test_it_reads_all_day_events_with_their_names():
    text = ics(
        "UID:1\nDTSTART;VALUE=DATE:20251206\nDTEND;VALUE=DATE:20251207\nSUMMARY:Itsenäisyyspäivä",
        "UID:2\nDTSTART;VALUE=DATE:20251224\nSUMMARY:Jouluaatto",
    )
    assert parse_ics_holidays(text) == [
        HolidayRule(date(2025, 12, 6), "Itsenäisyyspäivä"),
        HolidayRule(date(2025, 12, 24), "Jouluaatto"),
    ]


def test_it_marks_yearly_rules_on_the_events_own_date_as_yearly():
    text = ics(
        "DTSTART;VALUE=DATE:20200101\nRRULE:FREQ=YEARLY\nSUMMARY:New Year",
        "DTSTART;VALUE=DATE:20200501\nRRULE:FREQ=YEARLY;BYMONTH=5;BYMONTHDAY=1\nSUMMARY:Vappu",
    )
    assert parse_ics_holidays(text) == [
        HolidayRule(date(2020, 1, 1), "New Year", yearly=True),
        HolidayRule(date(2020, 5, 1), "Vappu", yearly=True),
    ]


def test_it_lists_the_dates_of_a_yearly_rule_with_an_end():
    text = ics("DTSTART;VALUE=DATE:20240229\nRRULE:FREQ=YEARLY;COUNT=3\nSUMMARY:Leap")
    # RFC 5545: an invalid date (29 February in a common year) is skipped, not moved.
    assert [rule.date for rule in parse_ics_holidays(text)] == [
        date(2024, 2, 29),
        date(2028, 2, 29),
        date(2032, 2, 29),
    ]
    text = ics("DTSTART;VALUE=DATE:20230619\nRRULE:FREQ=YEARLY;UNTIL=20250101T000000Z\nSUMMARY:X")
    assert [rule.date for rule in parse_ics_holidays(text)] == [
        date(2023, 6, 19),
        date(2024, 6, 19),
    ]
    assert not any(rule.yearly for rule in parse_ics_holidays(text))


def test_it_closes_every_day_of_a_multi_day_event():
    text = ics(
        "DTSTART;VALUE=DATE:20251224\nDTEND;VALUE=DATE:20251227\nSUMMARY:Christmas",
        "DTSTART;VALUE=DATE:20251231\nDURATION:P2D\nSUMMARY:New Year's break",
    )
    assert [rule.date for rule in parse_ics_holidays(text)] == [
        date(2025, 12, 24),
        date(2025, 12, 25),
        date(2025, 12, 26),
        date(2025, 12, 31),
        date(2026, 1, 1),
    ]


def test_it_unfolds_lines_unescapes_text_and_skips_cancelled_events_and_alarms():
    text = ics(
        "DTSTART;VALUE=DATE:20251101\nSUMMARY:Pyhäinpäivä\\, All Saints\n  (Finland)\n"
        "BEGIN:VALARM\nACTION:DISPLAY\nSUMMARY:Reminder\nEND:VALARM",
        "DTSTART;VALUE=DATE:20251102\nSTATUS:CANCELLED\nSUMMARY:Moved",
        'DTSTART;TZID="Europe/Helsinki";X-NOTE="a:b":20251103T000000\nSUMMARY:Timed',
    )
    assert parse_ics_holidays(text) == [
        HolidayRule(date(2025, 11, 1), "Pyhäinpäivä, All Saints (Finland)"),
        HolidayRule(date(2025, 11, 3), "Timed"),
    ]


def test_it_keeps_the_first_name_for_a_date_listed_twice():
    text = ics(
        "DTSTART;VALUE=DATE:20251225\nSUMMARY:Joulupäivä",
        "DTSTART;VALUE=DATE:20251225\nSUMMARY:Christmas Day",
    )
    assert parse_ics_holidays(text) == [HolidayRule(date(2025, 12, 25), "Joulupäivä")]


def test_it_reads_a_byte_order_mark_and_bare_newlines():
    text = "\ufeffBEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20250101\nEND:VEVENT\nEND:VCALENDAR\n"
    assert parse_ics_holidays(text) == [HolidayRule(date(2025, 1, 1))]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("hello", "not an iCalendar file"),
        ("", "not an iCalendar file"),
        (ics("SUMMARY:No start"), r"line 4: the event has no DTSTART"),
        (ics("DTSTART;VALUE=DATE:20251332"), r"line 5: DTSTART '20251332' is not a date"),
        (ics("DTSTART;VALUE=DATE:20251201\nDTEND;VALUE=DATE:20270101"), "too long for a holiday"),
        (ics("DTSTART;VALUE=DATE:20251201\nDURATION:PT8H"), "DURATION 'PT8H' is not a number"),
        (
            ics("DTSTART;VALUE=DATE:20251127\nRRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=4TH\nSUMMARY:TG"),
            r"line 6: the rule .* of 'TG' does not repeat on one date each year",
        ),
        (ics("DTSTART;VALUE=DATE:20251127\nRRULE:FREQ=WEEKLY"), "does not repeat on one date"),
        (ics("DTSTART;VALUE=DATE:20251127\nRRULE:FREQ=YEARLY;COUNT=x"), "COUNT=X is not a number"),
        ("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20250101\n", "line 2: the event is never closed"),
        ("BEGIN:VCALENDAR\nnonsense line\n", "line 2: 'nonsense line' is not an iCalendar"),
    ],
)
def test_it_refuses_what_it_cannot_read_as_holidays(text, message):
    with pytest.raises(IcsError, match=message):
        parse_ics_holidays(text)
