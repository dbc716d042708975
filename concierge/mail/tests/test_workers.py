"""Fault tests with real worker processes: two pollers at once, and a worker killed mid-batch.

The workers are `concierge mail ...` processes against a scratch database of the
same engine as the test run (a file for SQLite, a database of its own for
PostgreSQL), and a real Dovecot.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from concierge.mail.services.ingest import GROUP_MESSAGES
from concierge.mail.tests.messages import build

PYTHON = sys.executable


@dataclass
class Scratch:
    env: dict[str, str]
    engine: str
    sqlite_path: Path | None
    pg: dict[str, Any]

    def run(self, *args: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 - our own entry point
            [PYTHON, "-m", "concierge.cli", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=True,
        )

    def start(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(  # noqa: S603 - our own entry point
            [PYTHON, "-m", "concierge.cli", *args],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )

    def scalar(self, sql: str, *params: str) -> int:
        """One number from the scratch database; `%s` marks a parameter."""
        if self.sqlite_path is not None:
            with sqlite3.connect(self.sqlite_path, timeout=30) as db:
                return int(db.execute(sql.replace("%s", "?"), params).fetchone()[0])
        import psycopg

        with psycopg.connect(**self.pg, autocommit=True) as db:
            return int(db.execute(sql, params).fetchone()[0])


def _pg_params(name: str) -> dict[str, Any]:
    config = settings.DATABASES["default"]
    params = {"dbname": name, "user": config["USER"], "host": config["HOST"] or "127.0.0.1"}
    if config.get("PORT"):
        params["port"] = int(config["PORT"])
    if config.get("PASSWORD"):
        params["password"] = config["PASSWORD"]
    return params


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scratch]:
    root = tmp_path_factory.mktemp("workers")
    env = {
        **os.environ,
        "CONCIERGE_VAR_DIR": str(root),
        "MEDIA_ROOT": str(root / "media"),
        "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "MAIL_POLL_SECONDS": "1",
    }
    engine = settings.DATABASES["default"]["ENGINE"]
    if engine.endswith("sqlite3"):
        path = root / "db.sqlite3"
        env["DATABASE_URL"] = f"sqlite:///{path}"
        scratch = Scratch(env, engine, path, {})
    else:
        import psycopg

        name = f"concierge_mailworkers_{os.getpid()}"
        admin = _pg_params("postgres")
        with psycopg.connect(**admin, autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}"')
            db.execute(f'CREATE DATABASE "{name}"')
        params = _pg_params(name)
        auth = params["user"] + (f":{params['password']}" if "password" in params else "")
        env["DATABASE_URL"] = (
            f"postgres://{auth}@{params['host']}:{params.get('port', 5432)}/{name}"
        )
        scratch = Scratch(env, engine, None, params)
    scratch.run("migrate", "-v", "0")
    yield scratch
    if scratch.sqlite_path is None:
        import psycopg

        with psycopg.connect(**_pg_params("postgres"), autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{scratch.pg["dbname"]}" WITH (FORCE)')


def _configure(scratch: Scratch, dovecot_server: Any, user: str, address: str) -> None:
    code = (
        "from concierge.mail.models import Mailbox;"
        f"Mailbox.objects.create(address={address!r}, imap_enabled=True,"
        f" imap_host='127.0.0.1', imap_port={dovecot_server.port}, imap_security='none',"
        f" imap_username={user!r}, imap_password='imap-secret', imap_folders=['INBOX'],"
        " auto_acknowledge=False)"
    )
    scratch.run("shell", "-c", code)


def _fill(dovecot_server: Any, user: str, count: int, prefix: str) -> None:
    for n in range(count):
        raw = build(
            message_id=f"{prefix}-{n}@example.com",
            subject=f"{prefix} question {n}",
            body=f"Question number {n}",
            from_=f"customer{n}@example.com",
        )
        dovecot_server.append(user, raw)


def _counts(scratch: Scratch, prefix: str) -> dict[str, int]:
    ids = f"{prefix}-%"
    return {
        "raw": scratch.scalar("SELECT COUNT(*) FROM mail_rawmessage WHERE message_id LIKE %s", ids),
        "processed": scratch.scalar(
            "SELECT COUNT(*) FROM mail_rawmessage WHERE message_id LIKE %s AND status = %s",
            ids,
            "processed",
        ),
        "tickets": scratch.scalar(
            "SELECT COUNT(*) FROM tickets_ticket WHERE subject LIKE %s", f"{prefix} question %"
        ),
    }


def test_two_pollers_at_once_store_and_process_each_message_once(
    scratch, dovecot_server, imap_account
):
    _configure(scratch, dovecot_server, imap_account, "twins@desk.example")
    _fill(dovecot_server, imap_account, 40, "twins")

    pollers = [scratch.start("mail", "poll") for _ in range(2)]
    for poller in pollers:
        _, err = poller.communicate(timeout=240)
        assert poller.returncode == 0, err

    assert _counts(scratch, "twins") == {"raw": 40, "processed": 40, "tickets": 40}


def test_a_worker_killed_mid_batch_loses_and_doubles_nothing(scratch, dovecot_server, imap_account):
    total = 150
    _configure(scratch, dovecot_server, imap_account, "killed@desk.example")
    _fill(dovecot_server, imap_account, total, "killed")

    worker = scratch.start("mail", "worker")
    deadline = time.monotonic() + 180
    # Killed once a first group of messages is committed, while it fetches or
    # processes the next.
    while _counts(scratch, "killed")["processed"] < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)
    at_kill = _counts(scratch, "killed")
    assert 0 < at_kill["processed"] < total  # it really died in the middle

    scratch.run("mail", "worker", "--once")

    assert _counts(scratch, "killed") == {"raw": total, "processed": total, "tickets": total}
    # At most the group stored just before the kill was not yet marked read.
    unread = dovecot_server.folder_uids(imap_account, criteria="UNSEEN")
    assert len(unread) <= GROUP_MESSAGES
