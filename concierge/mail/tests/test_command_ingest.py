"""Specification of `concierge mail ingest`: archives through the live pipeline."""

from __future__ import annotations

import json
import mailbox as stdlib_mailbox
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from concierge.mail.models import RawMessage, RawSource
from concierge.mail.tests.messages import SUPPORT, build
from concierge.tickets.models import Ticket


def run(*args, **kwargs):
    out, err = StringIO(), StringIO()
    call_command("mail", "ingest", *map(str, args), stdout=out, stderr=err, **kwargs)
    return [
        json.loads(line) for line in out.getvalue().splitlines() if line.strip()
    ], err.getvalue()


@pytest.fixture
def archive(tmp_path):
    """One .eml file, an mbox with two messages and a maildir with one."""
    tmp_path = tmp_path / "archive"  # beside the test's media folder, not above it
    tmp_path.mkdir()
    first = build(
        message_id="first@example.com",
        subject="Kargo nerede?",
        from_="Ayşe Yılmaz <ayse@example.com.tr>",
        body="Siparişim hâlâ gelmedi.",
        attachments=[("fatura.pdf", "application/pdf", b"%PDF-1.4 fatura")],
    )
    (tmp_path / "first.eml").write_bytes(first)
    box = stdlib_mailbox.mbox(tmp_path / "old.mbox")
    box.add(build(message_id="second@example.com", subject="Second", body="Two"))
    box.add(
        build(
            message_id="third@example.com",
            subject="Re: Kargo nerede?",
            from_="ayse@example.com.tr",
            in_reply_to="first@example.com",
            body="Geldi, teşekkürler!\n\n> Siparişim hâlâ gelmedi.",
        )
    )
    box.close()
    folder = stdlib_mailbox.Maildir(tmp_path / "Maildir", create=True)
    folder.add(build(message_id="fourth@example.com", subject="Fourth", body="Four"))
    return tmp_path


def test_it_imports_eml_mbox_and_maildir_and_reports_each_message(archive, mailbox):
    reports, _ = run(
        archive / "first.eml",
        archive / "old.mbox",
        archive / "Maildir",
        "--json",
        mailbox=SUPPORT,
    )

    assert [r["message_id"] for r in reports] == [
        "first@example.com",
        "second@example.com",
        "third@example.com",
        "fourth@example.com",
    ]
    first, second, third, fourth = reports
    assert first["from"] == "ayse@example.com.tr"
    assert first["subject"] == "Kargo nerede?"
    assert first["reply_text"] == "Siparişim hâlâ gelmedi."
    assert first["attachments"] == [
        {"file_name": "fatura.pdf", "content_type": "application/pdf", "size": 15}
    ]
    assert first["action"] == "new"
    assert third["action"] == "appended"
    assert third["reply_text"] == "Geldi, teşekkürler!"
    assert third["ticket"] == first["ticket"]
    assert {second["action"], fourth["action"]} == {"new"}
    assert Ticket.objects.count() == 3
    assert set(RawMessage.objects.values_list("source", flat=True)) == {RawSource.IMPORT}
    assert Ticket.objects.get(number=first["ticket"]).team == mailbox.team


def test_importing_the_same_archive_again_doubles_nothing(archive, mailbox):
    run(archive, "--json")
    reports, err = run(archive, "--json")

    assert {r["action"] for r in reports} == {"duplicate"}
    assert Ticket.objects.count() == 3
    assert "4 duplicate" in err


def test_a_folder_is_read_recursively(archive, mailbox):
    reports, _ = run(archive, "--json")

    assert len(reports) == 4


def test_imports_send_no_acknowledgements_unless_asked(
    archive, mailbox, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run(archive / "first.eml")
    assert mailoutbox == []

    with django_capture_on_commit_callbacks(execute=True):
        run(archive / "old.mbox", "--acknowledge")
    assert len(mailoutbox) == 1  # the second message is new; the third is a reply


def test_a_dry_run_reports_and_writes_nothing(archive, mailbox):
    reports, _ = run(archive / "first.eml", archive / "old.mbox", "--json", "--dry-run")

    # Nothing is written, so the reply in the mbox cannot find the ticket of the first.
    assert [r["action"] for r in reports] == ["new", "new", "new"]
    assert [r["ticket"] for r in reports] == [None, None, None]
    assert reports[0]["reply_text"] == "Siparişim hâlâ gelmedi."
    assert not RawMessage.objects.exists()
    assert not Ticket.objects.exists()


def test_a_failed_message_is_reported_and_the_rest_go_on(tmp_path, mailbox):
    tmp_path = tmp_path / "archive"
    tmp_path.mkdir()
    (tmp_path / "a.eml").write_bytes(b"Subject: no sender\r\n\r\nWho wrote this?\r\n")
    (tmp_path / "b.eml").write_bytes(build())

    reports, err = run(tmp_path, "--json")

    assert [r["action"] for r in reports] == ["failed", "new"]
    assert "no sender address" in reports[0]["error"]
    assert "1 failed" in err


def test_it_refuses_an_unknown_mailbox_and_missing_paths(archive, db):
    with pytest.raises(CommandError, match="No mailbox"):
        run(archive, mailbox="nobody@desk.example")
    with pytest.raises(CommandError, match="No such file"):
        run(archive / "missing.eml")
