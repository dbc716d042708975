"""Specification of the `worker` command: it drains queued tasks and reports its heartbeat."""

from __future__ import annotations

import signal
from io import StringIO

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from concierge.automation.models.triggers import Trigger
from concierge.system.health import health
from concierge.system.models import WorkerHeartbeat
from concierge.tickets import notifications
from concierge.tickets.services import ticket_reply
from concierge.tickets.tasks import send_reply_notification

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = DATABASE_TASKS


@pytest.fixture(autouse=True)
def _keep_signal_handlers():
    """The worker installs its own shutdown handlers; the test process keeps its own."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


@pytest.fixture(autouse=True)
def _shipped_triggers_off():
    # The shipped triggers acknowledge new requests by e-mail, which would queue a task of
    # their own; these tests are about the worker draining the tasks they queue.
    Trigger.objects.update(is_active=False)


def run_worker() -> str:
    out = StringIO()
    call_command("worker", batch=True, interval=0, stdout=out)
    return out.getvalue()


# The worker commits its own transactions and runs a heartbeat thread with its own
# database connection, so these tests use real transactions.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.usefixtures("database_tasks")
def test_a_reply_waits_in_the_queue_until_a_worker_sends_it(ticket, agent, mailoutbox):
    ticket_reply(ticket=ticket, author=agent, body_text="A new lamp is on its way.", internal=False)

    [queued] = DBTaskResult.objects.all()
    assert queued.status == "READY"
    assert mailoutbox == []  # the request that wrote the reply did not wait for the mail

    output = run_worker()

    assert "started" in output
    [email] = mailoutbox
    assert email.to == ["customer@example.com"]
    assert "A new lamp is on its way." in email.body
    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL"
    assert queued.return_value == 1


@pytest.mark.usefixtures("database_tasks")
def test_the_worker_reports_while_it_runs_and_removes_its_heartbeat_when_it_stops(
    ticket, mailoutbox, monkeypatch
):
    seen_while_running = []
    real_send = notifications.reply_notification_send

    def send_and_look(*, message_id):
        seen_while_running.append((health()[0], WorkerHeartbeat.objects.count()))
        return real_send(message_id=message_id)

    monkeypatch.setattr(notifications, "reply_notification_send", send_and_look)
    send_reply_notification.enqueue(
        ticket.messages.get().pk  # the customer's own message: the task runs and sends nothing
    )

    run_worker()

    assert seen_while_running == [(True, 1)]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert WorkerHeartbeat.objects.count() == 0
    assert mailoutbox == []


@pytest.mark.usefixtures("database_tasks")
def test_a_worker_with_nothing_to_do_exits_in_batch_mode(db):
    run_worker()

    assert DBTaskResult.objects.count() == 0
    assert WorkerHeartbeat.objects.count() == 0
