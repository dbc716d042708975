"""The worker's scheduler: each tick runs once, whatever the number of workers."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.conf import settings
from django.db import connection

from concierge.automation import rules_scheduler
from concierge.automation.models.rules import ScheduledJob, TimeRule, TimeRuleRun
from concierge.automation.models.triggers import Trigger
from concierge.automation.rules import time_rules_run
from concierge.automation.rules_scheduler import Job, claim, run_due_jobs, run_scheduler
from concierge.automation.triggers_actions import clean_actions
from concierge.tickets.models import Channel, Ticket
from concierge.tickets.services import ticket_create

UTC = dt.UTC
ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
CALLS: list[str] = []


def record(now: dt.datetime) -> str:
    CALLS.append(now.isoformat())
    return "recorded"


def explode(now: dt.datetime) -> str:
    raise RuntimeError("the job broke")


JOB = Job("test.record", lambda: 300, f"{__name__}.record")


@pytest.fixture(autouse=True)
def _only_test_jobs(monkeypatch):
    CALLS.clear()
    monkeypatch.setattr(rules_scheduler, "JOBS", [JOB])


@pytest.mark.django_db
def test_a_tick_is_claimed_once_and_the_next_tick_again():
    first = dt.datetime(2026, 1, 5, 10, 1, 30, tzinfo=UTC)

    assert claim(JOB, now=first, worker="a")
    assert not claim(JOB, now=first, worker="b")
    assert not claim(JOB, now=first + dt.timedelta(seconds=200), worker="b")  # same 5 minutes
    assert claim(JOB, now=dt.datetime(2026, 1, 5, 10, 5, tzinfo=UTC), worker="b")

    job = ScheduledJob.objects.get(name="test.record")
    assert job.next_run_at == dt.datetime(2026, 1, 5, 10, 10, tzinfo=UTC)
    assert (job.last_worker, job.runs) == ("b", 2)


@pytest.mark.django_db
def test_due_jobs_run_and_report_and_a_failing_one_does_not_stop_the_rest(monkeypatch):
    broken = Job("test.explode", lambda: 60, f"{__name__}.explode")
    monkeypatch.setattr(rules_scheduler, "JOBS", [broken, JOB])
    now = dt.datetime(2026, 1, 5, 10, 0, tzinfo=UTC)

    assert run_due_jobs(worker="a", now=now) == ["test.explode", "test.record"]
    assert run_due_jobs(worker="a", now=now) == []

    assert [now.isoformat()] == CALLS
    failed = ScheduledJob.objects.get(name="test.explode")
    assert failed.last_error == "RuntimeError: the job broke"
    assert ScheduledJob.objects.get(name="test.record").last_result == "recorded"


@pytest.mark.django_db(transaction=True)
def test_the_scheduler_thread_runs_due_jobs_and_stops_when_told():
    stop = threading.Event()
    stop.set()  # one look, then stop: as a worker does when it shuts down
    thread = threading.Thread(target=run_scheduler, args=("worker-1", stop))
    thread.start()
    thread.join(timeout=30)

    assert not thread.is_alive()
    assert len(CALLS) == 1
    assert ScheduledJob.objects.get(name="test.record").last_worker == "worker-1"


# --- several workers at once, on a database that really runs them at once --------------------


def _in_threads(target, count: int = 2) -> list[object]:
    """Run `target(name)` in `count` threads released together; their results in order."""
    barrier = threading.Barrier(count)
    results: list[object] = [None] * count
    errors: list[BaseException] = []

    def work(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = target(f"worker-{index}")
        except BaseException as error:  # reported in the test's own thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


def notes_per_ticket() -> list[int]:
    return [t.messages.filter(body_text="one hour old").count() for t in Ticket.objects.all()]


def _due_desk(customer_count: int = 5) -> dt.datetime:
    """A desk with tickets a time rule is due for; returns a moment they are all due."""
    from concierge.people.services import customer_find_or_create_by_email

    Trigger.objects.all().delete()
    TimeRule.objects.all().delete()
    TimeRule.objects.create(
        name="Note old tickets",
        anchor="created",
        amount=1,
        unit="hours",
        actions=clean_actions([{"type": "add_note", "value": "one hour old"}]),
    )
    for number in range(customer_count):
        customer = customer_find_or_create_by_email(email=f"c{number}@example.com", full_name="C")
        ticket_create(requester=customer, subject="Hi", body_text="Hi", channel=Channel.WEB)
    return Ticket.objects.order_by("-created_at").first().created_at + dt.timedelta(hours=2)


@pytest.mark.skipif(not ON_POSTGRESQL, reason="SQLite runs one writer at a time")
@pytest.mark.django_db(transaction=True)
def test_two_workers_on_postgresql_run_a_tick_once(monkeypatch):
    monkeypatch.setattr(
        rules_scheduler,
        "JOBS",
        [Job("automation.time_rules", lambda: 300, "concierge.automation.rules.time_rules_run")],
    )
    now = _due_desk()

    ran = _in_threads(lambda worker: run_due_jobs(worker=worker, now=now))

    assert sorted(len(r) for r in ran) == [0, 1]  # one worker ran the tick, the other skipped
    assert ScheduledJob.objects.get(name="automation.time_rules").runs == 1
    assert TimeRuleRun.objects.count() == 5
    assert Ticket.objects.filter(messages__body_text="one hour old").count() == 5
    assert all(
        t.messages.filter(body_text="one hour old").count() == 1 for t in Ticket.objects.all()
    )


@pytest.mark.skipif(not ON_POSTGRESQL, reason="SQLite runs one writer at a time")
@pytest.mark.django_db(transaction=True)
def test_two_workers_on_postgresql_running_the_rules_together_act_once_per_ticket():
    now = _due_desk()

    results = _in_threads(lambda worker: time_rules_run(now))

    acted = sorted(int(str(r).split()[2]) for r in results)
    assert sum(acted) == 5  # between them, each ticket once
    assert TimeRuleRun.objects.count() == 5
    assert all(
        t.messages.filter(body_text="one hour old").count() == 1 for t in Ticket.objects.all()
    )
