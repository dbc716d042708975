"""Specification of the escalation sweep: breaches recorded, rules fired once, each action."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import translation

from concierge.automation.models.triggers import Trigger
from concierge.mail.models import OutboundEmail, OutboundKind, OutboundStatus
from concierge.mail.services.outbox import outbox_drain
from concierge.mail.tests.conftest import Sink, free_port
from concierge.people.models import Team
from concierge.sla.escalations import due_ticket_ids, sweep, sweep_ticket
from concierge.sla.models import AgentNotice, Metric, SlaEscalation, SlaEscalationRule, SlaTimer
from concierge.sla.notices import notice_summary
from concierge.sla.services import RuleDraft, escalation_rule_save
from concierge.sla.tests.conftest import MONDAY_9, make_policy, targets
from concierge.tickets.models import Channel, EventKind, Priority, Status, Ticket
from concierge.tickets.services import ticket_create, ticket_update

pytestmark = pytest.mark.django_db

MINUTE = timedelta(minutes=1)


def new_ticket(customer, **fields) -> Ticket:
    return ticket_create(
        requester=customer,
        subject="The lamp is broken",
        body_text="It arrived in pieces.",
        channel=Channel.WEB,
        **fields,
    )


def rule(name: str = "Warn", percent: int = 50, **fields) -> SlaEscalationRule:
    return escalation_rule_save(draft=RuleDraft(name=name, percent=percent, **fields))


def fresh(ticket: Ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


def notices(user) -> list[tuple[int, str, int]]:
    return [
        (n.ticket.number, n.metric, n.percent)
        for n in AgentNotice.objects.filter(recipient=user).select_related("ticket").order_by("id")
    ]


@pytest.fixture
def policy(db):
    return make_policy(
        table={
            Priority.NORMAL: targets(first=60, next_=30, resolution=480),
            Priority.HIGH: targets(first=30, next_=30, resolution=240),
        }
    )


# --- finding tickets ----------------------------------------------------------------------------


def test_the_next_check_is_the_earliest_breach_or_escalation(clock, policy, customer, agent):
    rule(percent=50, notify_assignee=True)
    ticket = fresh(new_ticket(customer, assignee=agent))

    assert ticket.sla_check_at == MONDAY_9 + 30 * MINUTE


def test_the_sweep_reads_due_tickets_through_the_partial_index(clock, policy, customer):
    new_ticket(customer)
    query = Ticket.objects.filter(sla_check_at__lte=MONDAY_9).order_by("sla_check_at")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table is read whole
    plan = query.values("pk")[:500].explain()

    assert "ticket_sla_check" in plan


def test_only_tickets_whose_check_has_come_are_swept(clock, policy, customer):
    early, late = new_ticket(customer), new_ticket(customer)
    Ticket.objects.filter(pk=late.pk).update(sla_check_at=MONDAY_9 + 3 * 60 * MINUTE)

    assert due_ticket_ids(MONDAY_9 + 61 * MINUTE) == [early.pk]


# --- breaches ----------------------------------------------------------------------------------


def test_the_sweep_records_a_breach_when_it_happens(clock, policy, customer):
    ticket = new_ticket(customer)

    result = sweep(now=clock.set(MONDAY_9 + 61 * MINUTE))

    assert (result.tickets, result.breaches) == (1, 1)
    event = ticket.events.get(kind=EventKind.SLA_BREACHED)
    assert (event.field, event.after["late_seconds"]) == (Metric.FIRST_RESPONSE, 60)
    ticket = fresh(ticket)
    assert ticket.sla_check_at == MONDAY_9 + 480 * MINUTE
    assert sweep(now=MONDAY_9 + 62 * MINUTE).breaches == 0


# --- rules fire once ---------------------------------------------------------------------------


def test_a_rule_fires_at_its_share_of_each_target(clock, policy, customer, agent):
    rule(percent=50, notify_assignee=True)
    ticket = new_ticket(customer, assignee=agent)

    assert sweep(now=clock.set(MONDAY_9 + 29 * MINUTE)).escalations == 0
    # Half of the first response's 60 minutes has passed; half of the resolution's 480 not.
    assert sweep(now=clock.set(MONDAY_9 + 31 * MINUTE)).escalations == 1
    assert notices(agent) == [(ticket.number, Metric.FIRST_RESPONSE, 50)]
    assert fresh(ticket).sla_check_at == MONDAY_9 + 60 * MINUTE
    assert sweep(now=clock.set(MONDAY_9 + 241 * MINUTE)).escalations == 1
    assert notices(agent)[-1] == (ticket.number, Metric.RESOLUTION, 50)


def test_a_rule_acts_once_per_target_however_often_the_sweep_runs(clock, policy, customer, agent):
    warn = rule(percent=50, notify_assignee=True, metric=Metric.FIRST_RESPONSE)
    ticket = new_ticket(customer, assignee=agent)
    clock.set(MONDAY_9 + 31 * MINUTE)

    assert sweep(now=clock.now).escalations == 1
    assert sweep(now=clock.now).escalations == 0
    sweep_ticket(ticket.pk, now=clock.now)

    assert notices(agent) == [(ticket.number, Metric.FIRST_RESPONSE, 50)]
    escalation = SlaEscalation.objects.get()
    assert (escalation.rule, escalation.due_at) == (warn, MONDAY_9 + 30 * MINUTE)
    assert escalation.actions == {"notified": [agent.pk]}
    event = ticket.events.get(kind=EventKind.SLA_ESCALATED)
    assert event.cause == {"kind": "sla_escalation", "id": warn.pk, "name": "Warn"}
    assert event.after["notified"] == ["Aino Agent"]


def test_a_firing_already_recorded_is_not_acted_on_again(clock, policy, customer, agent):
    """A worker that recorded the escalation and then died before noting it on the timer
    leaves the row behind: the next sweep must not act a second time."""
    warn = rule(percent=50, notify_assignee=True, metric=Metric.FIRST_RESPONSE)
    ticket = new_ticket(customer, assignee=agent)
    timer = SlaTimer.objects.get(ticket=ticket, metric=Metric.FIRST_RESPONSE)
    SlaEscalation.objects.create(ticket=ticket, timer=timer, rule=warn, due_at=MONDAY_9)

    assert sweep(now=clock.set(MONDAY_9 + 31 * MINUTE)).escalations == 0
    assert notices(agent) == []
    assert fresh(ticket).sla_check_at == MONDAY_9 + 60 * MINUTE


def test_each_new_target_is_escalated_again(clock, policy, customer, agent):
    from concierge.tickets.services import message_receive, ticket_reply

    rule(percent=100, notify_assignee=True, metric=Metric.NEXT_RESPONSE)
    ticket = new_ticket(customer, assignee=agent)
    ticket_reply(ticket=ticket, author=agent, body_text="Which lamp?", internal=False)
    for start in (10, 100):
        clock.set(MONDAY_9 + start * MINUTE)
        message_receive(ticket=ticket, customer=customer, body_text="Hello?", channel="web")
        sweep(now=clock.advance(minutes=31))
        ticket_reply(ticket=fresh(ticket), author=agent, body_text="Sorry", internal=False)

    assert notices(agent) == [(ticket.number, Metric.NEXT_RESPONSE, 100)] * 2


def test_nothing_escalates_while_the_clock_is_paused(clock, policy, customer, agent):
    rule(percent=50, notify_assignee=True)
    ticket = new_ticket(customer, assignee=agent)
    ticket_update(ticket=ticket, actor=agent, status=Status.PENDING)

    assert fresh(ticket).sla_check_at is None
    assert sweep(now=clock.set(MONDAY_9 + 5 * 60 * MINUTE)).tickets == 0


def test_a_rule_watches_only_its_policy_and_target(clock, policy, customer, agent):
    other = make_policy("Other", channels=[Channel.PHONE])
    rule("Other policy", percent=10, notify_assignee=True, policy=other)
    rule("Resolution", percent=10, notify_assignee=True, metric=Metric.RESOLUTION)
    ticket = new_ticket(customer, assignee=agent)

    sweep(now=clock.set(MONDAY_9 + 49 * MINUTE))  # 10 % of 480 minutes is 48

    assert notices(agent) == [(ticket.number, Metric.RESOLUTION, 10)]


# --- actions -----------------------------------------------------------------------------------


def test_team_leads_and_named_agents_are_notified_once_each(
    clock, policy, customer, agent, teammate, outsider, support_team
):
    support_team.memberships.filter(user=teammate).update(is_lead=True)
    inactive = outsider
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    rule(
        percent=100,
        metric=Metric.FIRST_RESPONSE,
        notify_assignee=True,
        notify_team_lead=True,
        notify_users=[teammate, inactive],
    )
    ticket = new_ticket(customer, assignee=agent, team=support_team)

    sweep(now=clock.set(MONDAY_9 + 60 * MINUTE))

    assert notices(agent) == [(ticket.number, Metric.FIRST_RESPONSE, 100)]
    assert notices(teammate) == [(ticket.number, Metric.FIRST_RESPONSE, 100)]
    assert notices(inactive) == []


def test_a_rule_reassigns_moves_and_raises_the_priority(
    clock, policy, customer, agent, teammate, support_team
):
    billing = Team.objects.create(name="Escalations")
    lead = rule(
        "Hand over",
        percent=100,
        metric=Metric.FIRST_RESPONSE,
        reassign_to=teammate,
        reassign_team=billing,
        raise_priority=True,
    )
    ticket = new_ticket(customer, assignee=agent, team=support_team)

    sweep(now=clock.set(MONDAY_9 + 61 * MINUTE))

    ticket = fresh(ticket)
    assert (ticket.assignee, ticket.team, ticket.priority) == (teammate, billing, Priority.HIGH)
    changes = ticket.events.filter(kind=EventKind.FIELD_CHANGED).order_by("field")
    assert [c.field for c in changes] == ["assignee", "priority", "team"]
    assert all(
        c.cause == {"kind": "sla_escalation", "id": lead.pk, "name": "Hand over"} for c in changes
    )
    assert all(c.actor is None for c in changes)
    # The new assignee is told; the higher priority brings the high targets.
    assert notices(teammate) == [(ticket.number, Metric.FIRST_RESPONSE, 100)]
    assert ticket.resolution_due_at == MONDAY_9 + 240 * MINUTE


def test_two_rules_due_in_one_sweep_each_raise_the_priority(clock, policy, customer):
    rule("Early", percent=50, metric=Metric.FIRST_RESPONSE, raise_priority=True)
    rule("Late", percent=90, metric=Metric.FIRST_RESPONSE, raise_priority=True)
    ticket = new_ticket(customer)

    assert sweep(now=clock.set(MONDAY_9 + 55 * MINUTE)).escalations == 2

    assert fresh(ticket).priority == Priority.URGENT


def test_an_urgent_ticket_stays_urgent(clock, policy, customer):
    make_policy("Urgent", table={Priority.URGENT: targets()}, priorities=[Priority.URGENT])
    rule(percent=100, metric=Metric.FIRST_RESPONSE, raise_priority=True)
    ticket = new_ticket(customer, priority=Priority.URGENT)

    sweep(now=clock.set(MONDAY_9 + 61 * MINUTE))

    assert fresh(ticket).priority == Priority.URGENT


def test_the_notice_is_e_mailed_in_the_agents_language(
    clock, policy, customer, agent, django_capture_on_commit_callbacks
):
    agent.language = "fi"
    agent.save(update_fields=["language"])
    rule(percent=100, metric=Metric.FIRST_RESPONSE, notify_assignee=True, send_email=True)
    quiet = rule(
        "Quiet", percent=50, metric=Metric.FIRST_RESPONSE, notify_assignee=True, send_email=False
    )
    ticket = new_ticket(customer, assignee=agent)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        sweep(now=clock.set(MONDAY_9 + 61 * MINUTE))

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [agent.email]
    assert f"#{ticket.number}" in message.subject
    assert f"/tickets/{ticket.number}/" in message.body
    with translation.override("fi"):
        assert notice_summary(AgentNotice.objects.get(escalation__rule__send_email=True)) in (
            message.body
        )
    assert quiet.escalations.count() == 1


def test_the_e_mail_leaves_through_the_outbox_once(
    clock, policy, customer, agent, django_capture_on_commit_callbacks
):
    Trigger.objects.update(is_active=False)  # no acknowledgement of the request here
    rule(percent=100, metric=Metric.FIRST_RESPONSE, notify_assignee=True, send_email=True)
    ticket = new_ticket(customer, assignee=agent)

    with django_capture_on_commit_callbacks(execute=True):
        sweep(now=clock.set(MONDAY_9 + 61 * MINUTE))
    with django_capture_on_commit_callbacks(execute=True):
        sweep(now=clock.set(MONDAY_9 + 90 * MINUTE))

    [outbound] = OutboundEmail.objects.filter(ticket=ticket)
    assert (outbound.kind, outbound.status) == (OutboundKind.ESCALATION, OutboundStatus.SENT)
    assert outbound.headers["Auto-Submitted"] == "auto-generated"
    # An agent's notice stays out of the customer's thread: an answer is never theirs.
    assert (outbound.in_reply_to, outbound.references) == ("", "")
    assert outbox_drain() == {}
    assert len(mail.outbox) == 1


def test_a_notice_that_cannot_leave_yet_is_retried_by_the_worker(
    clock, policy, customer, agent, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()  # nobody listens: the first attempt fails
    settings.EMAIL_TIMEOUT = 5
    Trigger.objects.update(is_active=False)  # no acknowledgement of the request here
    rule(percent=100, metric=Metric.FIRST_RESPONSE, notify_assignee=True, send_email=True)
    new_ticket(customer, assignee=agent)

    with django_capture_on_commit_callbacks(execute=True):
        result = sweep(now=clock.set(MONDAY_9 + 61 * MINUTE))

    assert result.escalations == 1  # the escalation stands though its e-mail waits
    outbound = OutboundEmail.objects.get(kind=OutboundKind.ESCALATION)
    assert (outbound.status, outbound.attempts) == (OutboundStatus.QUEUED, 1)
    sink = Sink(free_port())
    settings.EMAIL_PORT = sink.port
    sink.start()
    try:
        clock.set(outbound.next_attempt_at)
        assert outbox_drain() == {OutboundStatus.SENT: 1}
        assert outbox_drain() == {}
    finally:
        sink.stop()
    [delivered] = sink.received
    assert delivered.rcpt_tos == [agent.email]


def test_no_e_mail_is_queued_when_the_sweep_of_a_ticket_fails(
    clock, policy, customer, agent, monkeypatch, django_capture_on_commit_callbacks
):
    from concierge.sla import escalations

    Trigger.objects.update(is_active=False)  # no acknowledgement of the request here
    rule(percent=100, metric=Metric.FIRST_RESPONSE, notify_assignee=True, send_email=True)
    new_ticket(customer, assignee=agent)
    queue = escalations.notice_emails_queue

    def queue_then_fail(**kwargs):
        assert queue(**kwargs) == 1
        raise RuntimeError("the database went away")

    monkeypatch.setattr(escalations, "notice_emails_queue", queue_then_fail)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        sweep(now=clock.set(MONDAY_9 + 61 * MINUTE))

    assert callbacks == []
    assert not OutboundEmail.objects.exists()
    assert not SlaEscalation.objects.exists()


def test_a_broken_ticket_does_not_stop_the_sweep(clock, policy, customer, monkeypatch):
    from concierge.sla import escalations

    first, second = new_ticket(customer), new_ticket(customer)
    real = escalations.recompute

    def fail_on_first(ticket, **kwargs):
        if ticket.pk == first.pk:
            raise RuntimeError("boom")
        return real(ticket, **kwargs)

    monkeypatch.setattr(escalations, "recompute", fail_on_first)

    result = sweep(now=clock.set(MONDAY_9 + 61 * MINUTE))

    assert result.breaches == 1
    assert second.events.filter(kind=EventKind.SLA_BREACHED).exists()


# --- the worker's schedule ------------------------------------------------------------------------


def test_the_worker_runs_the_sweep_once_per_tick(clock, policy, customer):
    from concierge.automation.models.rules import ScheduledJob
    from concierge.automation.rules_scheduler import run_due_jobs

    ticket = new_ticket(customer)
    now = clock.set(MONDAY_9 + 61 * MINUTE)

    assert "sla.escalation_sweep" in run_due_jobs(worker="first", now=now)
    assert "sla.escalation_sweep" not in run_due_jobs(worker="second", now=now)

    assert ticket.events.filter(kind=EventKind.SLA_BREACHED).count() == 1
    job = ScheduledJob.objects.get(name="sla.escalation_sweep")
    assert job.last_result == "1 ticket(s) checked, 1 breach(es) recorded, 0 escalation(s)"
    assert job.last_error == ""
