"""`concierge mail ...`: import archives, process stored mail, fetch by IMAP, send the outbox.

concierge mail ingest PATH... [--mailbox ADDRESS] [--json] [--dry-run] [--acknowledge]
concierge mail process          # stored mail not processed yet (after a crash, say)
concierge mail poll             # fetch every IMAP mailbox once
concierge mail send             # send the outgoing e-mail that is due
concierge mail worker           # all of the above, every MAIL_POLL_SECONDS
"""

from __future__ import annotations

import json
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections
from tqdm import tqdm

from concierge.mail import archive, conf
from concierge.mail.mime import ParsedMessage, parse_message
from concierge.mail.models import IngestAction, Mailbox, RawSource
from concierge.mail.services import imap, ingest, outbox


def _report(result: ingest.IngestResult, parsed: ParsedMessage, origin: str) -> dict[str, Any]:
    report: dict[str, Any] = {
        "message_id": parsed.message_id,
        "from": parsed.from_.address,
        "subject": parsed.subject,
        "reply_text": parsed.reply.reply_text,
        "attachments": [
            {"file_name": a.filename, "content_type": a.content_type, "size": a.size}
            for a in parsed.attachments
        ],
        "ticket": result.ticket_number,
        "action": result.action,
        "source": origin,
    }
    if result.error:
        report["error"] = result.error
    return report


class Command(BaseCommand):
    help = "The e-mail channel: import archives, process stored mail, fetch, send."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True)
        ingest_parser = commands.add_parser(
            "ingest", help="Import .eml files, mbox files and maildir folders."
        )
        ingest_parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        ingest_parser.add_argument("--mailbox", help="The address the mail was sent to.")
        ingest_parser.add_argument(
            "--json", action="store_true", help="Print one JSON object per message."
        )
        ingest_parser.add_argument(
            "--dry-run", action="store_true", help="Parse and report; write nothing."
        )
        ingest_parser.add_argument(
            "--acknowledge",
            action="store_true",
            help="Acknowledge new tickets by e-mail (off: an archive is old mail).",
        )
        commands.add_parser("process", help="Process stored mail that is not processed yet.")
        commands.add_parser("poll", help="Fetch every active IMAP mailbox once.")
        commands.add_parser("send", help="Send the outgoing e-mail that is due.")
        worker = commands.add_parser("worker", help="Poll, process and send, again and again.")
        worker.add_argument("--once", action="store_true", help="One round, then exit.")

    def handle(self, *args: Any, subcommand: str, **options: Any) -> None:
        getattr(self, f"_{subcommand}")(**options)

    # --- ingest ---------------------------------------------------------------------------------

    def _ingest(
        self,
        *,
        paths: list[Path],
        mailbox: str | None,
        json: bool,
        dry_run: bool,
        acknowledge: bool,
        **options: Any,
    ) -> None:
        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            raise CommandError(f"No such file or folder: {', '.join(missing)}")
        target = None
        if mailbox:
            target = Mailbox.objects.filter(address__iexact=mailbox.strip()).first()
            if target is None:
                raise CommandError(f"No mailbox {mailbox}; create it in the settings first.")
        counts: dict[str, int] = {}
        seen: set[str] = set()
        total = archive.count_messages(paths)
        progress = tqdm(total=total, unit="msg", disable=None, file=self.stderr._out)
        items = archive.read_archives(paths)
        if dry_run:
            outcomes: Iterator[tuple[archive.ArchivedMessage, ingest.IngestResult]] = (
                (item, ingest.ingest_preview(item.raw, seen=seen)) for item in items
            )
        else:
            # Groups as a fetch run has them: what the messages share is read once.
            outcomes = ingest.raw_messages_ingest(
                items,
                read=lambda item: (item.raw, item.origin),
                source=RawSource.IMPORT,
                mailbox=target,
                acknowledge=acknowledge,
            )
        for item, result in outcomes:
            parsed = result.parsed or parse_message(item.raw)
            counts[result.action] = counts.get(result.action, 0) + 1
            if json:
                self.stdout.write(self._dumps(_report(result, parsed, item.origin)))
            progress.update(1)
        progress.close()
        summary = ", ".join(f"{count} {action}" for action, count in sorted(counts.items()))
        self.stderr.write(f"{sum(counts.values())} messages: {summary or 'none'}")
        if counts.get(IngestAction.FAILED):
            self.stderr.write("Failed messages are kept; see Settings > E-mail > Failed messages.")

    @staticmethod
    def _dumps(report: dict[str, Any]) -> str:
        return json.dumps(report, ensure_ascii=False)

    # --- the live side --------------------------------------------------------------------------

    def _process(self, **options: Any) -> None:
        done = 0
        while ids := ingest.received_ids():
            results = ingest.raw_messages_process(ids)
            done += len(results)
        self.stdout.write(f"{done} messages processed")

    def _poll(self, **options: Any) -> None:
        for mailbox in Mailbox.objects.filter(is_active=True, imap_enabled=True):
            result = imap.mailbox_poll(mailbox)
            self.stdout.write(f"{mailbox.address}: {result}")

    def _send(self, **options: Any) -> None:
        counts = outbox.outbox_drain()
        self.stdout.write(", ".join(f"{n} {s}" for s, n in counts.items()) or "nothing due")

    def _worker(self, *, once: bool, **options: Any) -> None:
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        self.stdout.write("mail worker started")
        while not stop.is_set():
            close_old_connections()
            for mailbox in Mailbox.objects.filter(is_active=True, imap_enabled=True):
                imap.mailbox_poll(mailbox)
            while ids := ingest.received_ids():
                ingest.raw_messages_process(ids)
            outbox.outbox_drain()
            if once:
                break
            stop.wait(conf.poll_seconds())
