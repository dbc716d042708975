"""Fetching mail by IMAP, resumable and safe with several workers.

Each folder has a `MailboxFolderState` (UIDVALIDITY and the last UID stored). New mail
is fetched a group at a time (up to `ingest.GROUP_MESSAGES` messages and `FETCH_BYTES`),
with one FETCH for the group's sizes and one for its messages, and stored while its
folder's state row is locked; the last UID moves past the group in the same
transaction: two workers polling the same folder wait for each other per group, and
the second sees the messages are already stored. One command then marks the whole
group read (or moves or deletes it): a round trip to the server serves many messages,
which is what limits a poller talking to a distant server. Mail stays on the server
unless the admin chose to delete it; it is fetched with BODY.PEEK so that a message we
failed to store is not marked read.
"""

from __future__ import annotations

import imaplib
import itertools
import json
import logging
import re
import ssl
import urllib.parse
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from concierge.mail import conf
from concierge.mail.imap_utf7 import decode_folder, encode_folder
from concierge.mail.models import (
    AfterProcessing,
    ImapAuth,
    ImapSecurity,
    Mailbox,
    MailboxFolderState,
    RawSource,
)
from concierge.mail.services import ingest

logger = logging.getLogger(__name__)

UIDVALIDITY = re.compile(rb"UIDVALIDITY (\d+)")
FETCH_UID = re.compile(rb"UID (\d+)")
FETCH_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")

# The most one FETCH brings into memory: a group's messages come together up to this
# size, and a message bigger than it comes alone.
FETCH_BYTES = 16 * 1024 * 1024


class ImapError(Exception):
    """The server refused or failed a command; the message says which and why."""


@dataclass
class PollResult:
    fetched: int = 0
    processed: int = 0
    failed: int = 0
    error: str = ""

    def __str__(self) -> str:
        text = f"{self.fetched} fetched, {self.processed} processed, {self.failed} failed"
        return f"{text}; error: {self.error}" if self.error else text


def _ssl_context() -> ssl.SSLContext:
    context = ssl.create_default_context()
    if conf.tls_ca_file():
        context.load_verify_locations(cafile=conf.tls_ca_file())
    return context


def _check(response: tuple[str, list[object]], what: str) -> list[object]:
    status, data = response
    if status != "OK":
        detail = b" ".join(d for d in data if isinstance(d, bytes)).decode("utf-8", "replace")
        raise ImapError(f"{what}: {status} {detail}".strip())
    return data


def _quote(folder: str) -> str:
    """Folder names go to the server encoded and quoted (they may contain spaces)."""
    encoded = encode_folder(folder)
    return '"' + encoded.replace("\\", "\\\\").replace('"', '\\"') + '"'


def oauth2_access_token(mailbox: Mailbox) -> str:
    """The mailbox's access token, refreshed first when it expired and can be refreshed."""
    expiring = mailbox.oauth2_expires_at is not None and mailbox.oauth2_expires_at <= (
        timezone.now() + timedelta(minutes=2)
    )
    if expiring and mailbox.oauth2_refresh_token and mailbox.oauth2_token_url:
        form = urllib.parse.urlencode(
            {
                "grant_type": "refresh_token",
                "refresh_token": mailbox.oauth2_refresh_token,
                "client_id": mailbox.oauth2_client_id,
                "client_secret": mailbox.oauth2_client_secret,
            }
        ).encode()
        request = urllib.request.Request(mailbox.oauth2_token_url, data=form, method="POST")  # noqa: S310 - an admin-set https endpoint
        with urllib.request.urlopen(request, timeout=conf.imap_timeout_seconds()) as answer:  # noqa: S310
            token = json.load(answer)
        mailbox.oauth2_access_token = token["access_token"]
        mailbox.oauth2_refresh_token = token.get("refresh_token", mailbox.oauth2_refresh_token)
        mailbox.oauth2_expires_at = timezone.now() + timedelta(
            seconds=int(token.get("expires_in", 3600))
        )
        mailbox.save(
            update_fields=["oauth2_access_token", "oauth2_refresh_token", "oauth2_expires_at"]
        )
    return mailbox.oauth2_access_token


def imap_connect(mailbox: Mailbox) -> imaplib.IMAP4:
    """A signed-in connection to the mailbox's server."""
    timeout = conf.imap_timeout_seconds()
    try:
        if mailbox.imap_security == ImapSecurity.TLS:
            client: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                mailbox.imap_host, mailbox.imap_port, ssl_context=_ssl_context(), timeout=timeout
            )
        else:
            client = imaplib.IMAP4(mailbox.imap_host, mailbox.imap_port, timeout=timeout)
            if mailbox.imap_security == ImapSecurity.STARTTLS:
                _check(client.starttls(ssl_context=_ssl_context()), "STARTTLS")
    except (OSError, imaplib.IMAP4.error) as error:
        raise ImapError(
            f"cannot connect to {mailbox.imap_host}:{mailbox.imap_port}: {error}"
        ) from error
    try:
        if mailbox.imap_auth == ImapAuth.XOAUTH2:
            token = oauth2_access_token(mailbox)
            payload = f"user={mailbox.imap_username}\x01auth=Bearer {token}\x01\x01".encode()
            _check(client.authenticate("XOAUTH2", lambda _: payload), "XOAUTH2 sign-in")
        else:
            _check(client.login(mailbox.imap_username, mailbox.imap_password), "sign-in")
    except (imaplib.IMAP4.error, OSError, KeyError, ValueError) as error:
        client.shutdown()
        raise ImapError(f"sign-in failed: {error}") from error
    # Servers name some of what they can do (MOVE, for one) only once signed in, and
    # imaplib keeps the list it was given before.
    announced = _check(client.capability(), "CAPABILITY")
    if announced and isinstance(announced[-1], bytes):
        client.capabilities = tuple(announced[-1].decode("ascii", "replace").upper().split())
    return client


def folder_names(client: imaplib.IMAP4) -> list[str]:
    names = []
    for line in _check(client.list(), "LIST"):
        if not isinstance(line, bytes):
            continue
        match = re.match(rb'\(.*?\) (?:"[^"]*"|NIL) (.+)$', line)
        if match:
            name = match.group(1).decode("utf-8", "replace")
            name = name[1:-1].replace('\\"', '"') if name.startswith('"') else name
            names.append(decode_folder(name))
    return names


def mailbox_test_connection(mailbox: Mailbox) -> tuple[bool, str]:
    """Sign in and look for the folders; (worked, what a person should know)."""
    try:
        client = imap_connect(mailbox)
    except ImapError as error:
        return False, str(error)
    try:
        existing = folder_names(client)
        missing = [f for f in mailbox.folders if f not in existing]
        if (
            mailbox.after_processing == AfterProcessing.MOVE
            and mailbox.move_to_folder not in existing
        ):
            missing.append(mailbox.move_to_folder)
    except ImapError as error:
        return False, str(error)
    finally:
        client.logout()
    if missing:
        return False, f"signed in, but these folders do not exist: {', '.join(missing)}"
    return True, f"signed in; folders found: {', '.join(existing)}"


def uid_set(uids: Sequence[int]) -> str:
    """An IMAP UID set for these UIDs (ascending), runs written as ranges: `3:7,9`."""
    parts = []
    # Within a run of consecutive UIDs, a UID less its position is the same number.
    for _, run in itertools.groupby(enumerate(uids), key=lambda pair: pair[1] - pair[0]):
        numbers = [uid for _, uid in run]
        parts.append(f"{numbers[0]}:{numbers[-1]}" if len(numbers) > 1 else str(numbers[0]))
    return ",".join(parts)


def _after_store(client: imaplib.IMAP4, mailbox: Mailbox, uids: str) -> None:
    """Mark read, move or delete the stored messages (a UID set), with one command."""
    if mailbox.after_processing == AfterProcessing.MOVE and mailbox.move_to_folder:
        if "MOVE" in client.capabilities:
            _check(client.uid("MOVE", uids, _quote(mailbox.move_to_folder)), "MOVE")
            return
        _check(client.uid("COPY", uids, _quote(mailbox.move_to_folder)), "COPY")
        _check(client.uid("STORE", uids, "+FLAGS.SILENT", r"(\Deleted)"), "STORE")
        client.expunge()
    elif mailbox.after_processing == AfterProcessing.DELETE:
        _check(client.uid("STORE", uids, "+FLAGS.SILENT", r"(\Deleted)"), "STORE")
        client.expunge()
    else:
        _check(client.uid("STORE", uids, "+FLAGS.SILENT", r"(\Seen)"), "STORE")


def _select(client: imaplib.IMAP4, folder: str) -> int:
    _check(client.select(_quote(folder)), f"SELECT {folder}")
    untagged = client.untagged_responses.get("OK", [])
    for line in untagged:
        match = UIDVALIDITY.search(line) if isinstance(line, bytes) else None
        if match:
            return int(match.group(1))
    data = _check(client.status(_quote(folder), "(UIDVALIDITY)"), "STATUS")
    match = UIDVALIDITY.search(data[0]) if data and isinstance(data[0], bytes) else None
    if match is None:
        raise ImapError(f"the server gave no UIDVALIDITY for {folder}")
    return int(match.group(1))


def _new_uids(client: imaplib.IMAP4, state: MailboxFolderState, first_run: bool) -> list[int]:
    # On the first run only unread mail is taken, so a mailbox with years of read mail
    # does not flood the desk; after that every message past the last UID is taken.
    criteria = ("UNSEEN",) if first_run else ("UID", f"{state.last_uid + 1}:*")
    data = _check(client.uid("SEARCH", *criteria), "SEARCH")
    uids = [int(u) for u in (data[0] or b"").split()] if data else []
    return sorted(u for u in uids if u > state.last_uid)


def _fetched(
    data: list[object], item: re.Pattern[bytes] | None = None
) -> Iterator[tuple[int, bytes]]:
    """The (UID, value) pairs of a FETCH response: the messages (the literals) or, with
    `item`, a value written in the text. Servers may name the UID after the literal, in
    the text that closes it; other untagged FETCH lines (flags another client changed)
    are passed over."""
    for index, entry in enumerate(data):
        text, literal = entry if isinstance(entry, tuple) else (entry, None)
        if not isinstance(text, bytes) or (literal is None) != (item is not None):
            continue
        match = FETCH_UID.search(text)
        closing = data[index + 1] if index + 1 < len(data) else None
        if match is None and isinstance(closing, bytes) and not closing[:1].isdigit():
            match = FETCH_UID.search(closing)
        if match is None:
            continue
        if isinstance(literal, bytes):
            yield int(match.group(1)), literal
        elif item is not None and (value := item.search(text)) is not None:
            yield int(match.group(1)), value.group(1)


def _fetch_groups(client: imaplib.IMAP4, uids: list[int]) -> Iterator[list[int]]:
    """The new UIDs in groups to fetch together: at most a processing group's count,
    and no more than `FETCH_BYTES` unless one message alone is bigger."""
    for start in range(0, len(uids), ingest.GROUP_MESSAGES):
        chunk = uids[start : start + ingest.GROUP_MESSAGES]
        data = _check(client.uid("FETCH", uid_set(chunk), "(RFC822.SIZE)"), "FETCH")
        sizes = {uid: int(size) for uid, size in _fetched(data, FETCH_SIZE)}
        group: list[int] = []
        group_bytes = 0
        for uid in chunk:
            size = sizes.get(uid, 0)  # gone from the server meanwhile: fetches nothing
            if group and group_bytes + size > FETCH_BYTES:
                yield group
                group, group_bytes = [], 0
            group.append(uid)
            group_bytes += size
        if group:
            yield group


def _store_group(
    client: imaplib.IMAP4, mailbox: Mailbox, folder: str, uidvalidity: int, uids: list[int]
) -> tuple[list[int], list[int]]:
    """Fetch and store these messages under the folder's lock: the UIDs stored and
    their raw ids, without those another worker took first."""
    with transaction.atomic():
        state = MailboxFolderState.objects.select_for_update().get(mailbox=mailbox, folder=folder)
        wanted = [uid for uid in uids if uid > state.last_uid]
        if state.uidvalidity != uidvalidity or not wanted:
            return [], []
        data = _check(client.uid("FETCH", uid_set(wanted), "(BODY.PEEK[])"), "FETCH")
        bodies = dict(_fetched(data))
        # A message deleted on the server meanwhile has no body: it is passed over.
        taken = [uid for uid in wanted if uid in bodies]
        stored = ingest.raw_messages_store(
            ((bodies[uid], f"{folder} {uidvalidity}:{uid}") for uid in taken),
            source=RawSource.IMAP,
            mailbox=mailbox,
        )
        state.last_uid = wanted[-1]
        state.updated_at = timezone.now()
        state.save(update_fields=["last_uid", "updated_at"])
    return taken, [raw.pk for raw in stored]


def _poll_folder(client: imaplib.IMAP4, mailbox: Mailbox, folder: str, result: PollResult) -> None:
    uidvalidity = _select(client, folder)
    state, created = MailboxFolderState.objects.get_or_create(mailbox=mailbox, folder=folder)
    first_run = created or state.uidvalidity is None
    if state.uidvalidity != uidvalidity:
        # The server renumbered the folder: every UID we know is meaningless now. Read it
        # again from the start; fingerprints recognise the messages we already have.
        with transaction.atomic():
            MailboxFolderState.objects.filter(pk=state.pk).update(
                uidvalidity=uidvalidity, last_uid=0, updated_at=timezone.now()
            )
        state.uidvalidity, state.last_uid = uidvalidity, 0
    for group in _fetch_groups(client, _new_uids(client, state, first_run)):
        taken, stored = _store_group(client, mailbox, folder, uidvalidity, group)
        if taken:
            # Stored is safe: they may leave the folder before they are processed. A
            # crash leaves at most this group stored and still unread on the server.
            _after_store(client, mailbox, uid_set(taken))
        # Processed as one group (concierge.mail.services.ingest): fewer commits.
        for outcome in ingest.raw_messages_process(stored):
            result.fetched += 1
            if outcome.action == "failed":
                result.failed += 1
            else:
                result.processed += 1


def mailbox_poll(mailbox: Mailbox) -> PollResult:
    """Fetch every configured folder once; errors are recorded on the mailbox, not raised."""
    result = PollResult()
    try:
        client = imap_connect(mailbox)
        try:
            with ingest.ingest_batch():
                for folder in mailbox.folders:
                    _poll_folder(client, mailbox, folder, result)
        finally:
            try:
                client.logout()
            except (imaplib.IMAP4.error, OSError):
                pass
    except (ImapError, imaplib.IMAP4.error, OSError) as error:
        result.error = str(error)
        logger.warning("fetching %s failed: %s", mailbox.address, error)
    Mailbox.objects.filter(pk=mailbox.pk).update(
        last_polled_at=timezone.now(), last_poll_error=result.error[:2000]
    )
    return result
