"""Time rules: when they are due (calendar and business time), what they do, and once only."""

from __future__ import annotations

import datetime as dt

import pytest

from concierge.automation.models.rules import TimeRule, TimeRuleRun
from concierge.automation.models.triggers import Trigger
from concierge.automation.rules import add_business_days, time_rules_run
from concierge.automation.tests.triggers_helpers import cond, make_email_template
from concierge.automation.triggers_actions import clean_actions
from concierge.automation.triggers_conditions import TIME_RULE, clean_conditions
from concierge.sla.calendar import Calendar, HolidayRule
from concierge.sla.services import calendar_save
from concierge.tickets.models import Channel, EventKind, Status, Ticket, TicketEvent
from concierge.tickets.services import message_receive, ticket_create, ticket_update

UTC = dt.UTC
HELSINKI = Calendar.build(
    name="Helsinki office",
    time_zone="Europe/Helsinki",
    week={day: [("09:00", "17:00")] for day in ("mon", "tue", "wed", "thu", "fri")},
    holidays=[HolidayRule(dt.date(2026, 12, 24), "Jouluaatto", yearly=True)],
)


@pytest.fixture(autouse=True)
def _no_shipped_rules(db):
    Trigger.objects.all().delete()
    TimeRule.objects.all().delete()


def make_rule(name: str = "Rule", *, amount: int, unit: str, actions, anchor="status_changed",
              all_of=(), calendar=None, position=None, is_active=True) -> TimeRule:  # fmt: skip
    return TimeRule.objects.create(
        name=name,
        anchor=anchor,
        amount=amount,
        unit=unit,
        calendar=calendar,
        conditions_all=clean_conditions(list(all_of), TIME_RULE),
        actions=clean_actions(actions),
        position=TimeRule.objects.count() + 1 if position is None else position,
        is_active=is_active,
    )


def set_pending_at(ticket: Ticket, agent, at: dt.datetime) -> Ticket:
    ticket_update(ticket=ticket, actor=agent, status=Status.PENDING)
    TicketEvent.objects.filter(ticket=ticket, field="status").update(created_at=at)
    return Ticket.objects.get(pk=ticket.pk)


# --- business days ---------------------------------------------------------------------------


def utc(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # Friday 15:00 in Helsinki (13:00 UTC) + 3 business days: Wednesday 15:00.
        (utc(2026, 1, 9, 13), 3, utc(2026, 1, 14, 13)),
        # Saturday counts from Monday: Wednesday at the same time of day.
        (utc(2026, 1, 10, 8), 3, utc(2026, 1, 14, 8)),
        # Christmas Eve (Thursday) is a holiday: Wednesday 23rd + 2 is Monday 28th.
        (utc(2026, 12, 23, 10), 2, utc(2026, 12, 28, 10)),
        # Across the spring clock change (29 March 2026): same wall-clock time, one hour less.
        (utc(2026, 3, 27, 8), 1, utc(2026, 3, 30, 7)),
        (utc(2026, 1, 9, 13), 0, utc(2026, 1, 9, 13)),
    ],
)
def test_business_days_keep_the_time_of_day_and_skip_weekends_and_holidays(start, days, expected):
    assert add_business_days(HELSINKI, start, days) == expected


def test_a_calendar_that_never_opens_has_no_business_day():
    closed = Calendar.build(name="closed", time_zone="Europe/Helsinki")

    assert add_business_days(closed, dt.datetime(2026, 1, 9, tzinfo=UTC), 1) is None


# --- rules ----------------------------------------------------------------------------------


def test_pending_for_3_business_days_reminds_the_customer_once(
    ticket, agent, mailoutbox, django_capture_on_commit_callbacks
):
    stored, _ = calendar_save(calendar=HELSINKI)
    template = make_email_template("Reminder")
    make_rule(
        "Remind",
        amount=3,
        unit="business_days",
        calendar=stored,
        all_of=[cond("status", "is", Status.PENDING)],
        actions=[{"type": "email_requester", "template": template.pk}],
    )
    friday = dt.datetime(2026, 1, 9, 13, 0, tzinfo=UTC)  # 15:00 in Helsinki
    set_pending_at(ticket, agent, friday)

    with django_capture_on_commit_callbacks(execute=True):
        time_rules_run(dt.datetime(2026, 1, 14, 12, 59, tzinfo=UTC))  # Wednesday 14:59
    assert mailoutbox == []

    with django_capture_on_commit_callbacks(execute=True):
        assert time_rules_run(dt.datetime(2026, 1, 14, 13, 0, tzinfo=UTC)) == "acted on 1 ticket(s)"
        assert time_rules_run(dt.datetime(2026, 1, 15, 13, 0, tzinfo=UTC)) == "acted on 0 ticket(s)"

    [email] = mailoutbox
    assert email.to == ["customer@example.com"]
    assert email.body == "Hei Kirsi, pyyntösi tila: Odottaa."
    [event] = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.EMAIL_SENT)
    assert event.cause["kind"] == "time_rule"
    assert event.cause["name"] == "Remind"


def test_pending_again_later_is_reminded_again(ticket, agent, customer):
    make_rule(
        amount=3,
        unit="days",
        all_of=[cond("status", "is", Status.PENDING)],
        actions=[{"type": "add_note", "value": "reminded"}],
    )
    set_pending_at(ticket, agent, dt.datetime(2026, 1, 1, tzinfo=UTC))
    time_rules_run(dt.datetime(2026, 1, 5, tzinfo=UTC))
    message_receive(ticket=ticket, customer=customer, body_text="Still there?", channel="web")
    TicketEvent.objects.filter(ticket=ticket, field="status", after="open").update(
        created_at=dt.datetime(2026, 1, 20, tzinfo=UTC)
    )
    ticket_update(ticket=ticket, actor=agent, status=Status.PENDING)
    TicketEvent.objects.filter(
        ticket=ticket, field="status", created_at__gt=dt.datetime(2026, 2, 1, tzinfo=UTC)
    ).update(created_at=dt.datetime(2026, 2, 1, tzinfo=UTC))

    time_rules_run(dt.datetime(2026, 2, 5, tzinfo=UTC))

    assert ticket.messages.filter(body_text="reminded").count() == 2
    assert TimeRuleRun.objects.count() == 2


def test_seven_days_pending_solves_and_four_days_solved_closes(ticket, agent):
    make_rule(
        "Solve",
        amount=7,
        unit="days",
        all_of=[cond("status", "is", Status.PENDING)],
        actions=[{"type": "set_status", "value": Status.SOLVED}],
    )
    make_rule(
        "Close",
        amount=4,
        unit="days",
        anchor="solved",
        all_of=[cond("status", "is", Status.SOLVED)],
        actions=[{"type": "set_status", "value": Status.CLOSED}],
    )
    set_pending_at(ticket, agent, dt.datetime(2026, 1, 1, tzinfo=UTC))

    time_rules_run(dt.datetime(2026, 1, 7, 23, tzinfo=UTC))
    assert Ticket.objects.get(pk=ticket.pk).status == Status.PENDING
    time_rules_run(dt.datetime(2026, 1, 8, tzinfo=UTC))
    solved = Ticket.objects.get(pk=ticket.pk)
    assert solved.status == Status.SOLVED
    [change] = TicketEvent.objects.filter(ticket=ticket, field="status", after="solved")
    assert change.actor is None
    assert change.cause["name"] == "Solve"

    Ticket.objects.filter(pk=ticket.pk).update(solved_at=dt.datetime(2026, 1, 8, tzinfo=UTC))
    time_rules_run(dt.datetime(2026, 1, 12, tzinfo=UTC))
    assert Ticket.objects.get(pk=ticket.pk).status == Status.CLOSED


def test_business_hours_count_only_opening_hours(ticket, agent):
    stored, _ = calendar_save(calendar=HELSINKI)
    make_rule(
        amount=8,
        unit="business_hours",
        calendar=stored,
        all_of=[cond("status", "is", Status.PENDING)],
        actions=[{"type": "add_tags", "value": "late"}],
    )
    set_pending_at(ticket, agent, dt.datetime(2026, 1, 9, 13, 0, tzinfo=UTC))  # Friday 15:00

    time_rules_run(dt.datetime(2026, 1, 12, 12, 59, tzinfo=UTC))  # Monday 14:59: 7 h 59 min
    assert not ticket.tags.exists()
    time_rules_run(dt.datetime(2026, 1, 12, 13, 0, tzinfo=UTC))
    assert list(ticket.tags.values_list("name", flat=True)) == ["late"]


def test_conditions_inactive_rules_closed_tickets_and_missing_calendars(customer, agent):
    make_rule(
        "VIP only",
        amount=1,
        unit="hours",
        anchor="created",
        all_of=[cond("tags", "contains", "vip")],
        actions=[{"type": "add_tags", "value": "vip-seen"}],
    )
    make_rule(
        "Off", amount=1, unit="hours", anchor="created", is_active=False,
        actions=[{"type": "add_tags", "value": "off"}],
    )  # fmt: skip
    make_rule(
        "No calendar", amount=1, unit="business_hours", anchor="created",
        actions=[{"type": "add_tags", "value": "never"}],
    )  # fmt: skip
    plain = ticket_create(requester=customer, subject="a", body_text="a", channel=Channel.WEB)
    vip = ticket_create(
        requester=customer, subject="b", body_text="b", channel=Channel.WEB, tags=["vip"]
    )
    closed = ticket_create(
        requester=customer, subject="c", body_text="c", channel=Channel.WEB, tags=["vip"]
    )
    ticket_update(ticket=closed, actor=agent, status=Status.CLOSED)

    time_rules_run(Ticket.objects.get(pk=plain.pk).created_at + dt.timedelta(hours=2))

    assert list(plain.tags.values_list("name", flat=True)) == []
    assert sorted(vip.tags.values_list("name", flat=True)) == ["vip", "vip-seen"]
    assert list(closed.tags.values_list("name", flat=True)) == ["vip"]


def test_a_failing_ticket_does_not_stop_the_others(customer, monkeypatch):
    make_rule(
        amount=1, unit="hours", anchor="created", actions=[{"type": "add_tags", "value": "seen"}]
    )
    first = ticket_create(requester=customer, subject="a", body_text="a", channel=Channel.WEB)
    second = ticket_create(requester=customer, subject="b", body_text="b", channel=Channel.WEB)
    from concierge.automation import rules

    real_perform = rules.perform

    def perform_or_fail(actions, ticket, **kwargs):
        if ticket.pk == first.pk:
            raise RuntimeError("broken mail server")
        return real_perform(actions, ticket, **kwargs)

    monkeypatch.setattr(rules, "perform", perform_or_fail)

    result = time_rules_run(Ticket.objects.get(pk=second.pk).created_at + dt.timedelta(hours=2))

    assert result == "acted on 1 ticket(s)"
    assert list(second.tags.values_list("name", flat=True)) == ["seen"]
    assert not TimeRuleRun.objects.filter(ticket=first).exists()  # tried again next tick
