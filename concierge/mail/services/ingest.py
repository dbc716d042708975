"""From stored raw mail to tickets: the one pipeline behind IMAP, SMTP and imports.

`raw_message_store` saves the bytes first; `raw_message_process` turns one stored
message into a new ticket or a message on an existing one; `raw_messages_process`
does many, in groups sharing one transaction (a savepoint each). Processing holds the
raw messages' row locks, so a worker that dies mid-way leaves them as they were
(received) and the next run does each once; a message already processed is left
alone. An error marks only that message failed, with the error. A message is accepted
(processed or ignored) by the same update that records its result: the unique index on
accepted fingerprints lets one copy of a message through, whichever worker has it.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import logging
import re
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from concierge.mail import addresses, conf
from concierge.mail.mime import ParsedMessage, parse_message
from concierge.mail.models import (
    ACCEPTED_STATUSES,
    Direction,
    EmailTicket,
    IngestAction,
    Mailbox,
    MailMessageId,
    RawMessage,
    RawStatus,
)
from concierge.mail.services import agent_replies, outbox, threading
from concierge.mail.services.deferred import DeferredRows
from concierge.mail.services.lookups import GroupLookups, sender_address
from concierge.people.models import STAFF_ROLES, Customer, User
from concierge.people.services import customer_find_or_create_by_email
from concierge.tickets import batch
from concierge.tickets.attachments import (
    IncomingFile,
    clean_filename,
    guess_content_type,
    validate_attachment,
)
from concierge.tickets.models import Channel, Message, Status, Ticket
from concierge.tickets.services import (
    UNSET,
    message_receive,
    ticket_create,
    ticket_set_followers,
    unit_of_work,
)

logger = logging.getLogger(__name__)
T = TypeVar("T")

# A batch commits its messages in groups of this many, or fewer when this many seconds
# passed: fewer commits, and the rows a group locks are held only that long.
GROUP_MESSAGES = 50
GROUP_SECONDS = 0.25
# A group locks its messages, and reads their senders ahead, this many at a time (in
# the order of their ids, as every group does: no deadlock between two).
READ_AHEAD = 16
# ... and parses those of them up to this size ahead (their fingerprints are then looked
# up together); a bigger message is parsed in its turn, so a group never holds many.
PARSE_AHEAD_BYTES = 1024 * 1024
HEADER_END = re.compile(rb"\r?\n\r?\n")
LANGUAGE_HINTS = (
    ("ru", re.compile(r"[а-яё]", re.IGNORECASE)),
    ("tr", re.compile(r"[ğışİĞŞ]")),
    ("fi", re.compile(r"\b(kiitos|terveisin|hei|ystävällisin|että|ja|on)\b", re.IGNORECASE)),
)


class MailRejectedError(Exception):
    """The message cannot become a ticket message (shown to admins as its error)."""


@dataclass
class IngestResult:
    raw_message_id: int | None
    action: str
    ticket_number: int | None = None
    error: str = ""
    parsed: ParsedMessage | None = field(default=None, repr=False)


# --- storing -----------------------------------------------------------------------------------


def raw_message_store(
    *,
    raw: bytes,
    source: str,
    mailbox: Mailbox | None = None,
    envelope_from: str = "",
    envelope_to: Iterable[str] = (),
    origin: str = "",
) -> RawMessage:
    """Keep the bytes exactly as they arrived, before anything reads them.

    The sender is noted from the header block already, so that a group of messages can
    look its senders up at once; processing parses the message and has the last word.
    """
    message = _raw_message_with_file(
        raw=raw,
        source=source,
        mailbox=mailbox,
        envelope_from=envelope_from,
        envelope_to=envelope_to,
        origin=origin,
    )
    message.save()
    return message


def raw_messages_store(
    raws: Iterable[tuple[bytes, str]], *, source: str, mailbox: Mailbox | None
) -> list[RawMessage]:
    """Keep many messages (bytes and origin each) as `raw_message_store` does, their rows
    written with one query: an import's messages, a group at a time."""
    messages = [
        _raw_message_with_file(raw=raw, source=source, mailbox=mailbox, origin=origin)
        for raw, origin in raws
    ]
    return RawMessage.objects.bulk_create(messages)


def _raw_message_with_file(
    *,
    raw: bytes,
    source: str,
    mailbox: Mailbox | None,
    envelope_from: str = "",
    envelope_to: Iterable[str] = (),
    origin: str = "",
) -> RawMessage:
    """The raw message's row, not stored yet, and its file, stored already."""
    message = RawMessage(
        mailbox=mailbox,
        source=source,
        size=len(raw),
        sender=sender_address(raw)[:998],
        envelope_from=envelope_from[:998],
        envelope_to=[addresses.normalize(a) for a in envelope_to],
        origin=origin[:300],
    )
    message.file.save("message.eml", ContentFile(raw), save=False)
    return message


def read_raw(message: RawMessage) -> bytes:
    with message.file.open("rb") as handle:
        return handle.read()


@dataclass
class StoredMessage:
    """A stored message parsed, with its fingerprint: what processing starts from."""

    parsed: ParsedMessage
    fingerprint: str


def stored_message_read(raw: RawMessage) -> StoredMessage:
    data = read_raw(raw)
    parsed = parse_message(data)
    return StoredMessage(parsed, fingerprint(data, parsed))


# --- identifying -------------------------------------------------------------------------------


def fingerprint(raw: bytes, parsed: ParsedMessage) -> str:
    """sha256 of what makes a message itself, not of how it travelled.

    Trace headers (Received, Delivered-To, ...) and line endings differ between two
    copies of one message and are left out; a mailer that reuses one Message-ID for
    different messages gets different fingerprints, so no real mail is taken for a copy.
    """
    parts = HEADER_END.split(raw, maxsplit=1)
    body = parts[1] if len(parts) == 2 else b""
    body = b"\n".join(line.rstrip() for line in body.replace(b"\r\n", b"\n").split(b"\n"))
    digest = hashlib.sha256()
    for value in (
        parsed.message_id,
        parsed.from_.address.lower(),
        ",".join(sorted(a.address.lower() for a in parsed.to)),
        ",".join(sorted(a.address.lower() for a in parsed.cc)),
        parsed.subject,
        parsed.date.isoformat() if parsed.date else "",
    ):
        digest.update(value.encode("utf-8", "surrogatepass") + b"\x00")
    digest.update(body.strip())
    return digest.hexdigest()


def guess_language(parsed: ParsedMessage) -> str:
    from django.conf import settings

    known = {code for code, _ in settings.LANGUAGES}
    declared = parsed.header("Content-Language").split(",")[0].strip()[:2].lower()
    if declared in known:
        return declared
    text = f"{parsed.subject}\n{parsed.reply.reply_text}"
    for code, pattern in LANGUAGE_HINTS:
        if code in known and pattern.search(text):
            return code
    return ""


def action_for(parsed: ParsedMessage, *, appended: bool) -> str:
    if parsed.is_bounce:
        return IngestAction.BOUNCE
    if parsed.is_auto_reply or parsed.is_bulk:
        return IngestAction.AUTO_REPLY
    return IngestAction.APPENDED if appended else IngestAction.NEW


# --- processing --------------------------------------------------------------------------------


def _incoming_files(parsed: ParsedMessage) -> tuple[list[IncomingFile], list[str]]:
    """The files we can store, and a line for each we cannot (kept in the original)."""
    files: list[IncomingFile] = []
    refused: list[str] = []
    for attachment in parsed.attachments:
        name = clean_filename(attachment.filename)
        content_type = guess_content_type(name, attachment.content_type)
        try:
            validate_attachment(filename=name, content_type=content_type, size=attachment.size)
        except ValidationError as error:
            refused.append(" ".join(error.messages))
            continue
        files.append(
            IncomingFile(filename=name, content_type=content_type, content=attachment.content)
        )
    return files, refused


def _body_text(parsed: ParsedMessage, refused: list[str]) -> str:
    text = parsed.reply.reply_text.strip() or parsed.text.strip()
    if refused:
        note = _("Not attached (still in the original message):")
        text = "\n\n".join(filter(None, [text, note + "\n" + "\n".join(refused)]))
    return text or _("(no text)")


def _cc_customers(parsed: ParsedMessage, sender: str, ours: set[str]) -> list[Customer]:
    """The other people the message went to, as customers to follow the ticket; the
    desk's own people (an agent copied on a customer's answer) are no customers."""
    wanted: dict[str, str] = {}
    for address in (*parsed.to, *parsed.cc):
        value = addresses.normalize(address.address)
        if not value or "@" not in value or value == sender or outbox.is_our_address(value, ours):
            continue
        wanted.setdefault(value, address.name)
    if not wanted:
        return []  # most mail is to us alone: no query
    staff = {
        addresses.normalize(email)
        for email in User.objects.annotate(address=Lower("email"))
        .filter(role__in=STAFF_ROLES, address__in=list(wanted))
        .values_list("email", flat=True)
    }
    return [
        customer_find_or_create_by_email(email=value, full_name=name)
        for value, name in wanted.items()
        if value not in staff
    ]


def _add_followers(ticket: Ticket, people: list[Customer]) -> None:
    current = list(ticket.followers.all())
    known = {c.pk for c in current} | {ticket.requester_id}
    new = [c for c in dict.fromkeys(people) if c.pk not in known]
    if new:
        ticket_set_followers(ticket=ticket, actor=None, followers=[*current, *new])


def _accepted_copy(raw: RawMessage, lookups: GroupLookups | None) -> RawMessage | None:
    """The accepted earlier copy of this message, if it is a duplicate."""
    if lookups is not None and lookups.knows_copies_of(raw.fingerprint):
        earlier_id = lookups.accepted_copies.get(raw.fingerprint)
        if earlier_id is None:
            return None  # most mail: no query, not even one built
        wanted = Q(pk=earlier_id)
    else:
        wanted = Q(fingerprint=raw.fingerprint, status__in=ACCEPTED_STATUSES)
    return RawMessage.objects.select_related("ticket").filter(wanted).exclude(pk=raw.pk).first()


def _ignore_reason(raw: RawMessage, parsed: ParsedMessage, sender: str, ours: set[str]) -> str:
    if threading.is_our_own_message(parsed.message_id):
        return "one of our own outgoing messages came back"
    if sender and outbox.is_our_address(sender, ours):
        return "sent from one of our own addresses"
    return ""


def _deliver(
    raw: RawMessage,
    parsed: ParsedMessage,
    *,
    acknowledge: bool,
    ours: set[str],
    lookups: GroupLookups | None,
    deferred: DeferredRows | None = None,
) -> tuple[str, Ticket, Message]:
    """Create the ticket or add to one; returns (action, ticket, message).

    `deferred`: the group's rows stored at its end, which this message's join.
    """
    rows = DeferredRows()
    sender = addresses.normalize(parsed.from_.address or raw.envelope_from)
    if not sender or "@" not in sender:
        raise MailRejectedError("the message has no sender address")
    name, language = parsed.from_.name, guess_language(parsed)
    if lookups is not None:
        customer = lookups.customer(sender, full_name=name, language=language)
    else:
        customer = customer_find_or_create_by_email(email=sender, full_name=name, language=language)
    files, refused = _incoming_files(parsed)
    body = _body_text(parsed, refused)
    found = threading.ticket_for_message(parsed, envelope_to=raw.envelope_to, sender=sender)
    follow_up_of = None
    if found is not None and found.status == Status.CLOSED and conf.follow_up_closed():
        follow_up_of, found = found, None
    if found is not None:
        message = message_receive(
            ticket=found,
            customer=customer,
            body_text=body,
            channel=Channel.EMAIL,
            attachments=files,
        )
        ticket = message.ticket
        appended = True
    else:
        ticket = ticket_create(
            requester=customer,
            subject=parsed.subject or (follow_up_of.subject if follow_up_of else ""),
            body_text=body,
            channel=Channel.EMAIL,
            attachments=files,
            team=raw.mailbox.team if raw.mailbox else (follow_up_of.team if follow_up_of else None),
            language=customer.language or guess_language(parsed),
            organization_id=lookups.organization_id(customer) if lookups else UNSET,
        )
        message = ticket.opening_message or ticket.messages.get()
        rows.email_tickets.append(
            EmailTicket(ticket=ticket, mailbox=raw.mailbox, follow_up_of=follow_up_of)
        )
        appended = False
    if parsed.message_id:
        rows.message_ids.append(
            MailMessageId(
                message_id=parsed.message_id,
                ticket=ticket,
                ticket_message=message,
                direction=Direction.INBOUND,
            )
        )
    noise = parsed.suppress_auto_response
    if conf.cc_become_followers() and not noise:
        people = _cc_customers(parsed, sender, ours)
        if people:  # most mail is to us alone: no need to read the followers then
            # What the change of followers sets off may write to the thread.
            rows.store()
            _add_followers(ticket, people)
    mailbox = raw.mailbox or outbox.ticket_mailbox(ticket)
    wanted = acknowledge and mailbox is not None and mailbox.auto_acknowledge
    if wanted and not appended and not noise:
        queued = outbox.acknowledgement_queue(
            ticket=ticket,
            customer=customer,
            address=sender,
            mailbox=mailbox,
            ours=ours,
            opened_by=parsed.message_id,
            sent=lookups.acknowledgements_sent(sender) if lookups else None,
            deferred=rows,
        )
        if queued is not None and lookups is not None:
            lookups.acknowledged(sender)
    if deferred is None:
        rows.store()
    else:
        deferred.extend(rows)
    return action_for(parsed, appended=appended), ticket, message


def _process_locked(
    raw: RawMessage,
    *,
    acknowledge: bool,
    lookups: GroupLookups | None = None,
    stored: StoredMessage | None = None,
    deferred: DeferredRows | None = None,
) -> IngestResult:
    stored = stored or stored_message_read(raw)
    parsed = stored.parsed
    raw.message_id = parsed.message_id[:998]
    raw.fingerprint = stored.fingerprint
    raw.sender = parsed.from_.address[:998]
    raw.subject = parsed.subject[:998]
    raw.attempts += 1
    now = timezone.now()
    common = ["message_id", "fingerprint", "sender", "subject", "attempts", "processed_at"]
    raw.processed_at = now
    earlier = _accepted_copy(raw, lookups)
    if earlier is not None:
        raw.status, raw.action, raw.duplicate_of = (
            RawStatus.DUPLICATE,
            IngestAction.DUPLICATE,
            earlier,
        )
        raw.ticket_id, raw.error = earlier.ticket_id, ""
        raw.save(update_fields=[*common, "status", "action", "duplicate_of", "ticket", "error"])
        number = earlier.ticket.number if earlier.ticket_id else None
        return IngestResult(raw.pk, IngestAction.DUPLICATE, number, parsed=parsed)
    ours = outbox.our_addresses()
    sender = addresses.normalize(parsed.from_.address)
    reason = _ignore_reason(raw, parsed, sender, ours)
    # An agent answering the desk's e-mail about a ticket takes the agent's path.
    answer = (
        None
        if reason
        else agent_replies.answer_key(parsed, envelope_to=raw.envelope_to, sender=sender)
    )
    if answer is not None:
        reason = agent_replies.ignore_reason(parsed)
    if reason:
        raw.status, raw.action, raw.error = RawStatus.IGNORED, IngestAction.IGNORED, reason
        raw.save(update_fields=[*common, "status", "action", "error"])
        return IngestResult(raw.pk, IngestAction.IGNORED, error=reason, parsed=parsed)
    if answer is not None:
        files, refused = _incoming_files(parsed)
        action, ticket, message = agent_replies.agent_answer_deliver(
            parsed=parsed, key=answer, files=files, refused=refused
        )
    else:
        action, ticket, message = _deliver(
            raw, parsed, acknowledge=acknowledge, ours=ours, lookups=lookups, deferred=deferred
        )
    raw.status, raw.action, raw.error = RawStatus.PROCESSED, action, ""
    raw.ticket, raw.ticket_message = ticket, message
    # Accepting it: the unique index on accepted fingerprints may refuse (_process_saved).
    raw.save(update_fields=[*common, "status", "action", "ticket", "ticket_message", "error"])
    return IngestResult(raw.pk, action, ticket.number, parsed=parsed)


def _process_saved(
    raw: RawMessage,
    *,
    acknowledge: bool,
    lookups: GroupLookups | None = None,
    stored: StoredMessage | None = None,
    deferred: DeferredRows | None = None,
) -> IngestResult:
    """`_process_locked` in a savepoint of its own; a message that fails leaves no rows
    in `deferred` either.

    Should another worker accept a copy of the message after it was looked for, the
    unique index refuses this one when it is accepted: all it did is rolled back, and it
    is done again, as the duplicate it now is.
    """
    arguments = {"acknowledge": acknowledge, "stored": stored, "deferred": deferred}
    try:
        return _attempt(raw, lookups=lookups, **arguments)
    except IntegrityError:
        raw.refresh_from_db()
        if raw.status != RawStatus.RECEIVED:
            raise
    # Without the group's answers, so the copy is looked for anew. Another constraint
    # fails again, and the message is marked failed with it.
    return _attempt(raw, lookups=None, **arguments)


def _attempt(
    raw: RawMessage,
    *,
    acknowledge: bool,
    lookups: GroupLookups | None,
    stored: StoredMessage | None,
    deferred: DeferredRows | None,
) -> IngestResult:
    mark = deferred.mark() if deferred is not None else ()
    try:
        with transaction.atomic():
            return _process_locked(
                raw, acknowledge=acknowledge, lookups=lookups, stored=stored, deferred=deferred
            )
    except Exception:
        if deferred is not None:
            deferred.rollback_to(mark)
        raise


def raw_message_process(raw_message_id: int, *, acknowledge: bool = True) -> IngestResult:
    """Turn one stored message into ticket data; safe to call any number of times.

    `acknowledge=False` sends no acknowledgement of new tickets (imports of old mail).
    Inside a batch (`ingest_batch`) configuration is read once for the whole batch and
    the tickets are indexed for search together; alone, it is a batch of one.
    """
    with batch.batch() as running:
        result = _process(raw_message_id, acknowledge=acknowledge)
        # After the message's transaction, never inside it:
        running.flush()
        running.index_if_due()
    return result


def _locked(ids: list[int], mailboxes: dict[int, Mailbox] | None = None) -> dict[int, RawMessage]:
    """The raw messages, locked, with their mailboxes (and teams). `mailboxes`: those a
    group read already, by id, shared by its messages rather than built for each row."""
    rows = RawMessage.objects.select_for_update(of=("self",)).filter(pk__in=ids)
    if mailboxes is None:
        rows = rows.select_related("mailbox", "mailbox__team")
    # Workers lock in one order: no deadlock between two groups.
    locked = {row.pk: row for row in rows.order_by("pk")}
    if mailboxes is not None:
        missing = {row.mailbox_id for row in locked.values()} - mailboxes.keys() - {None}
        if missing:
            mailboxes.update(Mailbox.objects.select_related("team").in_bulk(missing))
        for row in locked.values():
            if row.mailbox_id is not None:
                row.mailbox = mailboxes[row.mailbox_id]
    return locked


def _already_done(raw: RawMessage) -> IngestResult:
    number = raw.ticket.number if raw.ticket_id else None
    return IngestResult(raw.pk, raw.action, number, raw.error)


def _failed(raw_message_id: int, error: Exception) -> IngestResult:
    """Record why a message failed, in the transaction around it (its own work is
    rolled back already)."""
    detail = "".join(traceback.format_exception_only(type(error), error)).strip()
    logger.warning("mail %s failed: %s", raw_message_id, detail)
    RawMessage.objects.filter(pk=raw_message_id, status=RawStatus.RECEIVED).update(
        status=RawStatus.FAILED,
        action=IngestAction.FAILED,
        error=(detail + "\n\n" + traceback.format_exc(limit=8))[:10000],
        processed_at=timezone.now(),
    )
    return IngestResult(raw_message_id, IngestAction.FAILED, error=detail)


def _process(raw_message_id: int, *, acknowledge: bool) -> IngestResult:
    try:
        with transaction.atomic():
            raw = _locked([raw_message_id]).get(raw_message_id)
            if raw is None:
                return IngestResult(None, IngestAction.FAILED, error="no such message")
            if raw.status != RawStatus.RECEIVED:
                return _already_done(raw)
            return _process_saved(raw, acknowledge=acknowledge)
    except Exception as error:
        return _failed(raw_message_id, error)


def _parse_ahead(raws: list[RawMessage], parsed: dict[int, StoredMessage]) -> None:
    """Parse the messages not parsed yet, those small enough to hold a few of at once.

    A message whose file cannot be read is left to its turn, to fail there on its own.
    """
    for raw in raws:
        if raw.pk not in parsed and raw.size <= PARSE_AHEAD_BYTES:
            with contextlib.suppress(Exception):  # reported when the message's turn comes
                parsed[raw.pk] = stored_message_read(raw)


def _process_group(
    ids: list[int], *, acknowledge: bool, parsed: dict[int, StoredMessage] | None = None
) -> list[IngestResult]:
    """Process the first messages of `ids` in one transaction, each in a savepoint of
    its own; returns the results of those it took (at least one).

    A message that fails rolls back its own savepoint only and is marked failed; a
    crash rolls back the whole group, whose messages stay received for the next run.
    One commit for many messages is what makes a batch fast: a commit writes every
    page the transaction touched (SQLite's WAL) or waits for the disk (PostgreSQL).
    `parsed`: messages parsed ahead, by id; those the group does not reach stay in it
    for the next group.
    """
    started = time.monotonic()
    results: list[IngestResult] = []
    taken = ids[:GROUP_MESSAGES]
    parsed = {} if parsed is None else parsed
    with transaction.atomic():
        rows: dict[int, RawMessage] = {}
        mailboxes: dict[int, Mailbox] = {}
        lookups = GroupLookups()
        deferred = DeferredRows()
        # One unit of work: each message in its savepoint (_attempt), the events of its
        # changes stored with the group's other rows, at its end.
        with unit_of_work(deferred.ticket_events):
            for index, raw_id in enumerate(taken):
                if index % READ_AHEAD == 0:
                    # A few at a time: a group often ends (GROUP_SECONDS) well before its
                    # last message, and the rows it did not reach would be read for nothing.
                    ahead = taken[index : index + READ_AHEAD]
                    rows.update(_group_read_ahead(ahead, parsed, lookups, mailboxes))
                results.append(
                    _group_process(
                        raw_id,
                        rows.get(raw_id),
                        acknowledge=acknowledge,
                        lookups=lookups,
                        deferred=deferred,
                        stored=parsed.pop(raw_id, None),
                    )
                )
                # The group holds its rows (and on SQLite the database) locked: keep it
                # short for the web requests that wait.
                if time.monotonic() - started >= GROUP_SECONDS:
                    break
        deferred.store()
    return results


def _group_read_ahead(
    ids: list[int],
    parsed: dict[int, StoredMessage],
    lookups: GroupLookups,
    mailboxes: dict[int, Mailbox],
) -> dict[int, RawMessage]:
    """Lock these messages of a group, parse those to do, and read their answers ahead."""
    rows = _locked(ids, mailboxes)
    waiting = [row for row in rows.values() if row.status == RawStatus.RECEIVED]
    _parse_ahead(waiting, parsed)
    prints = [parsed[row.pk].fingerprint for row in waiting if row.pk in parsed]
    lookups.read_ahead(waiting, fingerprints=prints)
    return rows


def _group_process(
    raw_id: int,
    raw: RawMessage | None,
    *,
    acknowledge: bool,
    lookups: GroupLookups,
    deferred: DeferredRows,
    stored: StoredMessage | None,
) -> IngestResult:
    """One message of a group, in its savepoint; a message that fails is marked so."""
    if raw is None:
        return IngestResult(None, IngestAction.FAILED, error="no such message")
    if raw.status != RawStatus.RECEIVED:
        return _already_done(raw)
    keys = threading.thread_keys(stored.parsed, raw.envelope_to) if stored else None
    if deferred and (keys is None or deferred.concerns(keys.message_ids, keys.ticket_numbers)):
        deferred.store()  # it may answer a ticket this group opened
    try:
        result = _process_saved(
            raw, acknowledge=acknowledge, lookups=lookups, stored=stored, deferred=deferred
        )
    except OperationalError:
        # A deadlock or a lost connection says nothing about the message: the group is
        # done again one message at a time.
        raise
    except Exception as error:
        return _failed(raw_id, error)
    if raw.status in ACCEPTED_STATUSES:
        lookups.accepted(raw.fingerprint, raw.pk)
    return result


def raw_message_reprocess(*, raw_message: RawMessage) -> IngestResult:
    """Run a failed message through the pipeline again (after a fix, say)."""
    RawMessage.objects.filter(pk=raw_message.pk, status=RawStatus.FAILED).update(
        status=RawStatus.RECEIVED
    )
    return raw_message_process(raw_message.pk)


def ingest_batch() -> AbstractContextManager[batch.Batch]:
    """Process the messages of one fetch or import as a batch (concierge.tickets.batch):
    each in its own transaction still, with what they share read once."""
    return batch.batch()


def raw_messages_process(ids: Iterable[int], *, acknowledge: bool = True) -> list[IngestResult]:
    """Process a batch; one failing message never stops the others.

    Messages go in groups sharing one transaction (`_process_group`). Should a group
    fail as a whole (the database refused its commit, say), its messages are done
    again one by one, each in its own transaction.
    """
    pending = list(ids)
    results: list[IngestResult] = []
    parsed: dict[int, StoredMessage] = {}  # read ahead by a group, for the next one
    with ingest_batch() as running:
        while pending:
            try:
                done = _process_group(pending, acknowledge=acknowledge, parsed=parsed)
            except Exception:
                group = pending[:GROUP_MESSAGES]
                logger.exception("a group of %s messages failed; one by one", len(group))
                done = [_process(raw_id, acknowledge=acknowledge) for raw_id in group]
            results.extend(done)
            pending = pending[len(done) :]
            # After the group's commit, never inside it:
            running.flush()  # one task sends the e-mails the group queued
            running.index_if_due()
    return results


def raw_messages_ingest(
    raws: Iterable[T],
    *,
    read: Callable[[T], tuple[bytes, str]],
    source: str,
    mailbox: Mailbox | None,
    acknowledge: bool = True,
) -> Iterator[tuple[T, IngestResult]]:
    """Store and process many messages (an archive, a benchmark's mail), a group at a
    time: a group's raw messages are stored in one transaction and committed before
    they are processed, as live mail is. `read` gives an item's bytes and origin."""
    with ingest_batch():
        items = iter(raws)
        while group := list(itertools.islice(items, GROUP_MESSAGES)):
            with transaction.atomic():
                stored = raw_messages_store(map(read, group), source=source, mailbox=mailbox)
            results = raw_messages_process([m.pk for m in stored], acknowledge=acknowledge)
            yield from zip(group, results, strict=True)


def received_ids(limit: int = 500) -> list[int]:
    """Messages stored but not processed yet, oldest first (a crash left them, say)."""
    return list(
        RawMessage.objects.filter(status=RawStatus.RECEIVED)
        .order_by("received_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def ingest_preview(raw: bytes, *, seen: set[str]) -> IngestResult:
    """What processing would do with these bytes, without writing anything."""
    parsed = parse_message(raw)
    print_ = fingerprint(raw, parsed)
    duplicate = (
        print_ in seen
        or RawMessage.objects.filter(fingerprint=print_, status__in=ACCEPTED_STATUSES).exists()
    )
    seen.add(print_)
    if duplicate:
        return IngestResult(None, IngestAction.DUPLICATE, parsed=parsed)
    sender = addresses.normalize(parsed.from_.address)
    found = threading.ticket_for_message(parsed, sender=sender)
    if found is not None and found.status == Status.CLOSED and conf.follow_up_closed():
        found = None
    number = found.number if found is not None else None
    return IngestResult(None, action_for(parsed, appended=found is not None), number, parsed=parsed)
