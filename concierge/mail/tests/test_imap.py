"""Specification of IMAP fetching, against a real Dovecot server."""

from __future__ import annotations

import imaplib
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from django.utils import timezone

from concierge.mail.models import (
    AfterProcessing,
    ImapAuth,
    ImapSecurity,
    MailboxFolderState,
    RawMessage,
    RawSource,
    RawStatus,
)
from concierge.mail.services import imap, ingest
from concierge.mail.services.imap import mailbox_poll, mailbox_test_connection, uid_set
from concierge.mail.tests.dovecot import oauth2_token
from concierge.mail.tests.messages import build
from concierge.tickets.models import Message, Ticket


def messages(count: int, prefix: str = "m") -> list[bytes]:
    return [
        build(message_id=f"{prefix}{n}@example.com", subject=f"Question {n}", body=f"Body {n}")
        for n in range(count)
    ]


def test_it_fetches_new_mail_into_tickets_and_marks_it_read(
    imap_mailbox, dovecot_server, imap_account
):
    for raw in messages(3):
        dovecot_server.append(imap_account, raw)

    result = mailbox_poll(imap_mailbox)

    assert (result.fetched, result.processed, result.failed, result.error) == (3, 3, 0, "")
    assert Ticket.objects.count() == 3
    assert set(RawMessage.objects.values_list("source", "status")) == {
        (RawSource.IMAP, RawStatus.PROCESSED)
    }
    assert dovecot_server.folder_uids(imap_account, criteria="UNSEEN") == []
    assert len(dovecot_server.folder_uids(imap_account)) == 3  # the mail stays on the server
    state = MailboxFolderState.objects.get(mailbox=imap_mailbox, folder="INBOX")
    assert state.last_uid == 3
    assert state.uidvalidity
    imap_mailbox.refresh_from_db()
    assert imap_mailbox.last_polled_at is not None
    assert imap_mailbox.last_poll_error == ""


def test_it_resumes_after_the_last_uid(imap_mailbox, dovecot_server, imap_account):
    dovecot_server.append(imap_account, messages(1, "a")[0])
    mailbox_poll(imap_mailbox)

    assert mailbox_poll(imap_mailbox).fetched == 0
    # After the first run every new message counts, even one another client already read.
    dovecot_server.append(imap_account, messages(1, "b")[0], flags=r"(\Seen)")
    result = mailbox_poll(imap_mailbox)

    assert result.fetched == 1
    assert Ticket.objects.count() == 2


def test_the_first_run_takes_only_unread_mail(imap_mailbox, dovecot_server, imap_account):
    old, new = messages(2)
    dovecot_server.append(imap_account, old, flags=r"(\Seen)")
    dovecot_server.append(imap_account, new)

    assert mailbox_poll(imap_mailbox).fetched == 1
    assert Message.objects.get().body_text == "Body 1"


def test_it_can_move_fetched_mail_to_another_folder(imap_mailbox, dovecot_server, imap_account):
    imap_mailbox.after_processing = AfterProcessing.MOVE
    imap_mailbox.move_to_folder = "Archive"
    imap_mailbox.save()
    for raw in messages(2):
        dovecot_server.append(imap_account, raw)

    mailbox_poll(imap_mailbox)

    assert dovecot_server.folder_uids(imap_account) == []
    assert len(dovecot_server.folder_uids(imap_account, "Archive")) == 2


def test_it_deletes_fetched_mail_only_when_told_to(imap_mailbox, dovecot_server, imap_account):
    imap_mailbox.after_processing = AfterProcessing.DELETE
    imap_mailbox.save()
    dovecot_server.append(imap_account, messages(1)[0])

    mailbox_poll(imap_mailbox)

    assert dovecot_server.folder_uids(imap_account) == []
    assert RawMessage.objects.count() == 1  # the raw copy is ours now


def test_several_folders_are_fetched(imap_mailbox, dovecot_server, imap_account):
    imap_mailbox.imap_folders = ["INBOX", "Kundendienst Türkiye"]
    imap_mailbox.save()
    dovecot_server.append(imap_account, messages(1, "inbox")[0])
    dovecot_server.append(imap_account, messages(1, "other")[0], folder="Kundendienst Türkiye")

    assert mailbox_poll(imap_mailbox).fetched == 2


def test_a_renumbered_folder_is_read_again_without_doubling_anything(
    imap_mailbox, dovecot_server, imap_account
):
    imap_mailbox.imap_folders = ["Support"]
    imap_mailbox.save()
    batch = messages(2)
    for raw in batch:
        dovecot_server.append(imap_account, raw, folder="Support")
    mailbox_poll(imap_mailbox)
    # Deleting and re-creating a folder gives it a new UIDVALIDITY, like a server migration.
    client = dovecot_server.client(imap_account)
    client.delete('"Support"')
    client.logout()
    for raw in [*batch, messages(1, "new")[0]]:
        dovecot_server.append(imap_account, raw, folder="Support")

    result = mailbox_poll(imap_mailbox)

    assert result.fetched == 3
    assert Ticket.objects.count() == 3
    assert RawMessage.objects.filter(status=RawStatus.DUPLICATE).count() == 2


def test_a_message_that_fails_is_kept_and_the_others_go_on(
    imap_mailbox, dovecot_server, imap_account
):
    dovecot_server.append(imap_account, b"Subject: who am I\r\n\r\nno sender\r\n")
    dovecot_server.append(imap_account, messages(1)[0])

    result = mailbox_poll(imap_mailbox)

    assert (result.fetched, result.processed, result.failed) == (2, 1, 1)
    assert RawMessage.objects.filter(status=RawStatus.FAILED).count() == 1
    assert Ticket.objects.count() == 1


# --- a round trip serves a group of messages ------------------------------------------------


@pytest.fixture
def imap_commands(monkeypatch):
    """The commands the poller sends, as the server receives them (UID commands by their
    own name)."""
    sent: list[str] = []
    original = imaplib.IMAP4._command

    def record(client, name, *args):
        sent.append(args[0].upper() if name == "UID" else name)
        return original(client, name, *args)

    monkeypatch.setattr(imaplib.IMAP4, "_command", record)
    return sent


def test_a_group_of_messages_takes_three_commands(
    imap_mailbox, dovecot_server, imap_account, imap_commands, monkeypatch
):
    monkeypatch.setattr(ingest, "GROUP_MESSAGES", 10)
    for raw in messages(25):
        dovecot_server.append(imap_account, raw)

    result = mailbox_poll(imap_mailbox)

    assert (result.fetched, result.processed) == (25, 25)
    # Three groups: for each, its sizes, its messages, and marking it read.
    assert imap_commands.count("FETCH") == 6
    assert imap_commands.count("STORE") == 3
    assert imap_commands.count("SEARCH") == 1
    assert dovecot_server.folder_uids(imap_account, criteria="UNSEEN") == []
    origins = RawMessage.objects.order_by("pk").values_list("origin", flat=True)
    assert [origin.rsplit(":", 1)[1] for origin in origins] == [str(n) for n in range(1, 26)]


def test_a_group_moves_with_one_command(imap_mailbox, dovecot_server, imap_account, imap_commands):
    imap_mailbox.after_processing = AfterProcessing.MOVE
    imap_mailbox.move_to_folder = "Archive"
    imap_mailbox.save()
    for raw in messages(12):
        dovecot_server.append(imap_account, raw)

    mailbox_poll(imap_mailbox)

    # MOVE, which Dovecot names only once signed in: no EXPUNGE, which would also take
    # away mail someone else marked deleted.
    assert imap_commands.count("MOVE") == 1
    assert "EXPUNGE" not in imap_commands
    assert dovecot_server.folder_uids(imap_account) == []
    assert len(dovecot_server.folder_uids(imap_account, "Archive")) == 12


def test_a_fetch_brings_no_more_than_its_size_and_a_big_message_comes_alone(
    imap_mailbox, dovecot_server, imap_account, imap_commands, monkeypatch
):
    small = messages(4, "small")
    big = build(
        message_id="big@example.com",
        subject="Big",
        body="A long story. " * 400,
    )
    monkeypatch.setattr(imap, "FETCH_BYTES", 2 * max(len(raw) for raw in small) + 10)
    assert len(big) > imap.FETCH_BYTES
    for raw in [small[0], small[1], big, small[2], small[3]]:
        dovecot_server.append(imap_account, raw)

    result = mailbox_poll(imap_mailbox)

    assert (result.fetched, result.processed) == (5, 5)
    # Sizes once, then the messages two, one (the big one) and two at a time.
    assert imap_commands.count("FETCH") == 1 + 3
    assert Message.objects.filter(body_text__startswith="A long story.").count() == 1


def test_a_message_deleted_between_the_search_and_the_fetch_is_passed_over(
    imap_mailbox, dovecot_server, imap_account, monkeypatch
):
    for raw in messages(3):
        dovecot_server.append(imap_account, raw)
    store_group = imap._store_group

    def another_client_deletes_the_second_first(client, mailbox, folder, uidvalidity, uids):
        other = dovecot_server.client(imap_account)
        other.select("INBOX")
        other.uid("STORE", "2", "+FLAGS.SILENT", r"(\Deleted)")
        other.expunge()
        other.logout()
        return store_group(client, mailbox, folder, uidvalidity, uids)

    monkeypatch.setattr(imap, "_store_group", another_client_deletes_the_second_first)

    result = mailbox_poll(imap_mailbox)

    assert (result.fetched, result.processed, result.error) == (2, 2, "")
    assert sorted(Message.objects.values_list("body_text", flat=True)) == ["Body 0", "Body 2"]
    state = MailboxFolderState.objects.get(mailbox=imap_mailbox, folder="INBOX")
    assert state.last_uid == 3  # the next run does not look for it again
    assert mailbox_poll(imap_mailbox).fetched == 0


def test_uid_sets_write_runs_as_ranges():
    assert uid_set([1, 2, 3, 5, 7, 8]) == "1:3,5,7:8"
    assert uid_set([4]) == "4"
    assert uid_set([]) == ""


def test_a_fetch_response_is_read_whichever_way_the_server_words_it():
    """What imaplib hands back: the UID before the message (Dovecot) or after it (in the
    text that closes it), and a flag change of another message in between."""
    data = [
        (b"1 (UID 11 BODY[] {5}", b"first"),
        b")",
        b"7 (UID 17 FLAGS (\\Seen))",
        (b"2 (BODY[] {6}", b"second"),
        b" UID 12)",
    ]

    assert dict(imap._fetched(data)) == {11: b"first", 12: b"second"}
    sizes = [b"1 (UID 11 RFC822.SIZE 5)", b"2 (RFC822.SIZE 6 UID 12)"]
    assert dict(imap._fetched(sizes, imap.FETCH_SIZE)) == {11: b"5", 12: b"6"}


def test_a_wrong_password_is_recorded_on_the_mailbox(imap_mailbox):
    imap_mailbox.imap_password = "wrong"
    imap_mailbox.save()

    result = mailbox_poll(imap_mailbox)

    assert "sign-in failed" in result.error
    imap_mailbox.refresh_from_db()
    assert "sign-in failed" in imap_mailbox.last_poll_error


def test_test_connection_reports_success_and_missing_folders(imap_mailbox):
    worked, detail = mailbox_test_connection(imap_mailbox)
    assert worked, detail
    assert "INBOX" in detail

    imap_mailbox.imap_folders = ["INBOX", "Nowhere"]
    worked, detail = mailbox_test_connection(imap_mailbox)
    assert not worked
    assert "Nowhere" in detail


def test_test_connection_reports_a_server_that_is_not_there(imap_mailbox):
    from concierge.mail.tests.conftest import free_port

    imap_mailbox.imap_port = free_port()
    worked, detail = mailbox_test_connection(imap_mailbox)

    assert not worked
    assert "cannot connect" in detail


@pytest.mark.parametrize("security", [ImapSecurity.TLS, ImapSecurity.STARTTLS])
def test_it_fetches_over_tls_and_starttls(
    security, imap_mailbox, dovecot_server, imap_account, settings
):
    settings.MAIL_TLS_CA_FILE = str(dovecot_server.ca_file)
    imap_mailbox.imap_security = security
    imap_mailbox.imap_host = "localhost"
    if security == ImapSecurity.TLS:
        imap_mailbox.imap_port = dovecot_server.tls_port
    imap_mailbox.save()
    dovecot_server.append(imap_account, messages(1)[0])

    result = mailbox_poll(imap_mailbox)

    assert (result.fetched, result.error) == (1, "")


def test_tls_refuses_a_certificate_nobody_vouches_for(imap_mailbox, dovecot_server):
    imap_mailbox.imap_security = ImapSecurity.TLS
    imap_mailbox.imap_host = "localhost"
    imap_mailbox.imap_port = dovecot_server.tls_port
    imap_mailbox.save()

    worked, detail = mailbox_test_connection(imap_mailbox)

    assert not worked
    assert "CERTIFICATE_VERIFY_FAILED" in detail


# --- OAuth2 (XOAUTH2) --------------------------------------------------------------------------


@pytest.fixture
def oauth_mailbox(imap_mailbox):
    imap_mailbox.imap_auth = ImapAuth.XOAUTH2
    imap_mailbox.imap_password = ""
    imap_mailbox.save()
    return imap_mailbox


def test_it_signs_in_with_an_oauth2_access_token(oauth_mailbox, dovecot_server, imap_account):
    oauth_mailbox.oauth2_access_token = oauth2_token(imap_account)
    oauth_mailbox.save()
    dovecot_server.append(imap_account, messages(1)[0])

    result = mailbox_poll(oauth_mailbox)

    assert (result.fetched, result.error) == (1, "")


def test_a_token_the_server_does_not_accept_is_reported(oauth_mailbox, imap_account):
    oauth_mailbox.oauth2_access_token = oauth2_token("somebody-else") + "tampered"
    oauth_mailbox.save()

    worked, detail = mailbox_test_connection(oauth_mailbox)

    assert not worked
    assert "sign-in failed" in detail


@pytest.fixture
def token_endpoint(imap_account):
    """The authorization server: trades the refresh token for a new access token."""
    requests: list[dict[str, list[str]]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
            requests.append(form)
            body = json.dumps(
                {
                    "access_token": oauth2_token(imap_account),
                    "expires_in": 3600,
                    "refresh_token": "rotated-refresh-token",
                }
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/token", requests
    server.shutdown()
    server.server_close()


def test_an_expired_access_token_is_refreshed_first(
    oauth_mailbox, dovecot_server, imap_account, token_endpoint
):
    url, requests = token_endpoint
    oauth_mailbox.oauth2_access_token = oauth2_token(imap_account, lifetime=-60)
    oauth_mailbox.oauth2_expires_at = timezone.now() - timedelta(minutes=1)
    oauth_mailbox.oauth2_refresh_token = "first-refresh-token"
    oauth_mailbox.oauth2_token_url = url
    oauth_mailbox.oauth2_client_id = "desk-client"
    oauth_mailbox.oauth2_client_secret = "desk-secret"
    oauth_mailbox.save()
    dovecot_server.append(imap_account, messages(1)[0])

    result = mailbox_poll(oauth_mailbox)

    assert (result.fetched, result.error) == (1, "")
    [form] = requests
    assert form["grant_type"] == ["refresh_token"]
    assert form["refresh_token"] == ["first-refresh-token"]
    assert form["client_id"] == ["desk-client"]
    oauth_mailbox.refresh_from_db()
    assert oauth_mailbox.oauth2_refresh_token == "rotated-refresh-token"
    assert oauth_mailbox.oauth2_expires_at > timezone.now() + timedelta(minutes=50)
