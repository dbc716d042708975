"""The demo desk's service levels: office calendars, three SLA policies and two warnings.

They are set up after the history is replayed, the way a team introduces SLAs on a desk
that already has work: `recompute_unresolved` then gives every unresolved ticket its due
times from its own (backdated) timestamps, so the inbox shows "due in" and "breached"
badges at once. Solved tickets keep no SLA record, as on a desk whose SLAs start today.
Everything is created through the SLA services and looked up by name first.
"""

from __future__ import annotations

import datetime as dt

from concierge.people.models import SupportPlan, Team
from concierge.sla.bulk import recompute_unresolved
from concierge.sla.calendar import Calendar, HolidayRule
from concierge.sla.models import BusinessCalendar, Metric, SlaEscalationRule, SlaPolicy
from concierge.sla.services import (
    PolicyDraft,
    RuleDraft,
    calendar_save,
    escalation_rule_save,
    policy_create,
)
from concierge.system.demo.scenarios import BILLING
from concierge.tickets.models import Priority

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
HELSINKI_OFFICE = "Helsinki office"
ISTANBUL_OFFICE = "Istanbul office"


def _yearly(month: int, day: int, name: str) -> HolidayRule:
    return HolidayRule(dt.date(2024, month, day), name, yearly=True)


CALENDARS = (
    Calendar.build(
        name=HELSINKI_OFFICE,
        time_zone="Europe/Helsinki",
        week={day: [("08:00", "18:00")] for day in WEEKDAYS},
        holidays=(
            _yearly(1, 1, "Uudenvuodenpäivä"),
            _yearly(1, 6, "Loppiainen"),
            _yearly(5, 1, "Vappu"),
            _yearly(12, 6, "Itsenäisyyspäivä"),
            _yearly(12, 24, "Jouluaatto"),
            _yearly(12, 25, "Joulupäivä"),
            _yearly(12, 26, "Tapaninpäivä"),
        ),
    ),
    Calendar.build(
        name=ISTANBUL_OFFICE,
        time_zone="Europe/Istanbul",
        # A split shift: the office closes for lunch.
        week={day: [("09:00", "12:30"), ("13:30", "18:00")] for day in WEEKDAYS},
        holidays=(
            _yearly(1, 1, "Yılbaşı"),
            _yearly(4, 23, "Ulusal Egemenlik ve Çocuk Bayramı"),
            _yearly(5, 1, "Emek ve Dayanışma Günü"),
            _yearly(5, 19, "Atatürk'ü Anma, Gençlik ve Spor Bayramı"),
            _yearly(7, 15, "Demokrasi ve Milli Birlik Günü"),
            _yearly(8, 30, "Zafer Bayramı"),
            _yearly(10, 29, "Cumhuriyet Bayramı"),
        ),
    ),
)

HOUR = 60


def _targets(first: int, next_: int, resolution: int) -> dict[str, int]:
    return {
        Metric.FIRST_RESPONSE: first,
        Metric.NEXT_RESPONSE: next_,
        Metric.RESOLUTION: resolution,
    }


# Minutes per priority: around the clock for the paying plans, office hours otherwise
# (an office day is ten hours in Helsinki, eight in Istanbul).
PREMIUM_TARGETS = {
    Priority.URGENT: _targets(30, HOUR, 8 * HOUR),
    Priority.HIGH: _targets(HOUR, 2 * HOUR, 16 * HOUR),
    Priority.NORMAL: _targets(2 * HOUR, 4 * HOUR, 24 * HOUR),
    Priority.LOW: _targets(4 * HOUR, 8 * HOUR, 48 * HOUR),
}
OFFICE_TARGETS = {
    Priority.URGENT: _targets(HOUR, 2 * HOUR, 8 * HOUR),
    Priority.HIGH: _targets(2 * HOUR, 4 * HOUR, 20 * HOUR),
    Priority.NORMAL: _targets(4 * HOUR, 8 * HOUR, 40 * HOUR),
    Priority.LOW: _targets(8 * HOUR, 16 * HOUR, 80 * HOUR),
}


def _calendars() -> dict[str, BusinessCalendar]:
    stored = {
        c.name: c for c in BusinessCalendar.objects.filter(name__in=[c.name for c in CALENDARS])
    }
    for calendar in CALENDARS:
        if calendar.name not in stored:
            stored[calendar.name], _new = calendar_save(calendar=calendar)
    return stored


def _policies(calendars: dict[str, BusinessCalendar], teams: dict[str, Team]) -> None:
    drafts = (
        PolicyDraft(
            name="Premium and enterprise plans",
            description="Paying plans are answered around the clock.",
            support_plans=(SupportPlan.PREMIUM, SupportPlan.ENTERPRISE),
            targets=PREMIUM_TARGETS,
        ),
        PolicyDraft(
            name="Billing (Istanbul office hours)",
            description="The billing team works from Istanbul.",
            calendar=calendars[ISTANBUL_OFFICE],
            teams=(teams[BILLING],),
            targets=OFFICE_TARGETS,
        ),
        PolicyDraft(
            name="Standard (Helsinki office hours)",
            description="Everything else, in the Helsinki office's hours.",
            calendar=calendars[HELSINKI_OFFICE],
            targets=OFFICE_TARGETS,
        ),
    )
    existing = set(SlaPolicy.objects.values_list("name", flat=True))
    for draft in drafts:
        if draft.name not in existing:
            policy_create(draft=draft)


def _warnings() -> None:
    """In-app notices only: the demo's agents have no real mailboxes."""
    drafts = (
        RuleDraft(name="Warn the assignee", percent=75, notify_assignee=True, send_email=False),
        RuleDraft(name="Tell the team lead", percent=100, notify_team_lead=True, send_email=False),
    )
    existing = set(SlaEscalationRule.objects.values_list("name", flat=True))
    for draft in drafts:
        if draft.name not in existing:
            escalation_rule_save(draft=draft)


def load_service_levels(*, teams: dict[str, Team], now: dt.datetime) -> int:
    """Set up the demo's calendars, policies and warnings, and apply them to every
    unresolved ticket as of `now`; returns how many tickets were given due times."""
    _policies(_calendars(), teams)
    _warnings()
    return recompute_unresolved(now=now)
