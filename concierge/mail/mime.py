"""From the raw bytes of an e-mail to what a help desk needs of it.

`parse_message` never raises on what arrives from outside: a malformed message
gives what could be read plus a list of defects. The raw bytes are stored before
parsing (elsewhere), so a defect here never means the customer's mail is lost.

The message tree is built with the compat32 policy, which keeps header values
raw; `headers` decodes them (the modern policy raises on some malformed headers
and turns undecodable text into U+FFFD). Bodies are decoded by `charsets`.
"""

from __future__ import annotations

import dataclasses
import email
import re
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import Message

from concierge.mail import headers as mail_headers
from concierge.mail.charsets import decode_bytes
from concierge.mail.headers import Address
from concierge.mail.htmlbody import (
    block_remote_images,
    html_to_text,
    normalize_cid,
    referenced_cids,
)
from concierge.mail.parts import ParsedAttachment, PartWalker, unfold_flowed
from concierge.mail.quotes import ReplyParts, extract_reply
from concierge.tickets.html import sanitize_html

AUTO_REPLY_SUBJECT = re.compile(
    r"^\s*(automatic reply|auto-?reply|autoreply|out of (the )?office|"
    r"автоматический ответ|автоответ|otomatik (yanıt|cevap)|ofis dışında|"
    r"automaattinen vastaus|poissa toimistolta|automatische antwort|abwesenheitsnotiz|"
    r"réponse automatique|respuesta automática|risposta automatica|automatisch antwoord|"
    r"automatiskt svar|odpowiedź automatyczna|resposta automática)\b",
    re.IGNORECASE,
)
BOUNCE_SUBJECT = re.compile(
    r"^\s*(undeliver(ed|able)|delivery (status notification|failure|has failed)|"
    r"returned mail|mail delivery failed|failure notice|"
    r"недоставленное сообщение|не удалось доставить|iletilemedi|teslim edilemedi|"
    r"toimitus epäonnistui|unzustellbar)",
    re.IGNORECASE,
)
BOUNCE_SENDERS = {"mailer-daemon", "mail-daemon", "mailerdaemon"}
BULK_PRECEDENCE = {"bulk", "junk", "list"}


@dataclass(frozen=True)
class ParsedMessage:
    message_id: str
    in_reply_to: str
    references: list[str]
    subject: str
    from_: Address
    to: list[Address]
    cc: list[Address]
    reply_to: list[Address]
    date: datetime | None
    # Raw values of the loop-prevention headers ("" when absent), lowercased.
    auto_submitted: str
    precedence: str
    x_autoreply: bool
    is_auto_reply: bool
    is_bulk: bool
    is_bounce: bool
    bounced_recipients: list[str]
    text: str
    # Sanitized HTML as sent (remote images included) and the same with them blocked.
    html: str
    html_blocked: str
    remote_image_urls: list[str]
    attachments: list[ParsedAttachment]
    is_signed: bool
    is_encrypted: bool
    reply: ReplyParts
    # Every header, decoded, in order: for threading keys such as Delivered-To.
    headers: list[tuple[str, str]]
    defects: list[str]

    @property
    def suppress_auto_response(self) -> bool:
        """True when answering automatically could start a mail loop (RFC 3834)."""
        return self.is_auto_reply or self.is_bulk or self.is_bounce

    def header(self, name: str) -> str:
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), "")


def _index_headers(headers: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Raw values by lowercased name, in message order.

    `_build` asks for some twenty names; indexing once spares a scan of every
    header (and a lower() of each name) per question.
    """
    index: dict[str, list[str]] = {}
    for key, value in headers:
        index.setdefault(key.lower(), []).append(value)
    return index


def _raw_header(index: dict[str, list[str]], name: str) -> str | None:
    values = index.get(name.lower())
    return values[0] if values else None


def _raw_headers(index: dict[str, list[str]], name: str) -> list[str]:
    return index.get(name.lower(), [])


def _is_auto_reply(auto_submitted: str, x_autoreply: bool, subject: str) -> bool:
    if auto_submitted and not auto_submitted.startswith("no"):
        return True
    return x_autoreply or bool(AUTO_REPLY_SUBJECT.match(subject))


def _is_bounce(walker: PartWalker, sender: Address, subject: str, failed: bool) -> bool:
    if walker.delivery_report or failed:
        return True
    local_part = sender.address.split("@", 1)[0].lower()
    if local_part in BOUNCE_SENDERS:
        return True
    return local_part == "postmaster" and bool(BOUNCE_SUBJECT.match(subject))


def _mark_inline(attachments: list[ParsedAttachment], raw_html: str) -> list[ParsedAttachment]:
    if not attachments:
        return []
    shown = referenced_cids(raw_html)
    marked = []
    for attachment in attachments:
        is_inline = bool(attachment.content_id) and normalize_cid(attachment.content_id) in shown
        # Copied only when the flag changes: most attachments are plain files.
        if is_inline != attachment.is_inline:
            attachment = dataclasses.replace(attachment, is_inline=is_inline)
        marked.append(attachment)
    return marked


def _build(message: Message, defects: list[str], depth: int) -> ParsedMessage:
    raw_headers = [(name, str(value)) for name, value in message.raw_items()]
    by_name = _index_headers(raw_headers)
    walker = PartWalker(depth=depth, parse_embedded=parse_embedded)
    walker.walk(message)
    hints = tuple(walker.charsets)

    def text(name: str) -> str:
        return mail_headers.header_text(_raw_header(by_name, name), hints)

    def addresses(name: str) -> list[Address]:
        return mail_headers.parse_addresses(_raw_headers(by_name, name), hints)

    subject = text("Subject")
    senders = addresses("From") or addresses("Sender")
    sender = senders[0] if senders else Address("", "")
    message_id = mail_headers.parse_message_id(_raw_header(by_name, "Message-ID"))
    if not message_id:
        defects.append("no Message-ID")
    date_value = _raw_header(by_name, "Date")
    date = mail_headers.parse_date(date_value)
    if date is None:
        defects.append(
            f"unreadable Date: {mail_headers.unfold(date_value)[:80]!r}"
            if date_value
            else "no Date"
        )
    auto_submitted = text("Auto-Submitted").lower()
    precedence = text("Precedence").lower()
    x_autoreply = any(
        _raw_header(by_name, name) is not None for name in ("X-Autoreply", "X-Autorespond")
    )
    failed_recipients = [address.address for address in addresses("X-Failed-Recipients")] or [
        value.strip() for value in _raw_headers(by_name, "X-Failed-Recipients") if value.strip()
    ]
    is_bounce = _is_bounce(walker, sender, subject, bool(failed_recipients))

    plain = "\n\n".join(part for part in walker.texts if part.strip())
    raw_html = "\n".join(walker.htmls)
    if not plain.strip() and raw_html:
        plain = html_to_text(raw_html)
    sanitized = sanitize_html(raw_html) if raw_html else ""
    blocked, remote_urls = block_remote_images(sanitized)
    defects.extend(walker.defects)
    decoded_headers = [
        (name, mail_headers.header_text(value, hints)) for name, value in raw_headers
    ]
    return ParsedMessage(
        message_id=message_id,
        in_reply_to=mail_headers.parse_message_id(_raw_header(by_name, "In-Reply-To")),
        references=mail_headers.parse_id_list(_raw_header(by_name, "References")),
        subject=subject,
        from_=sender,
        to=addresses("To"),
        cc=addresses("Cc"),
        reply_to=addresses("Reply-To"),
        date=date,
        auto_submitted=auto_submitted,
        precedence=precedence,
        x_autoreply=x_autoreply,
        is_auto_reply=_is_auto_reply(auto_submitted, x_autoreply, subject) or walker.read_receipt,
        is_bulk=precedence in BULK_PRECEDENCE,
        is_bounce=is_bounce,
        bounced_recipients=list(dict.fromkeys(failed_recipients + walker.bounced_recipients)),
        text=plain,
        html=sanitized,
        html_blocked=blocked,
        remote_image_urls=remote_urls,
        attachments=_mark_inline(walker.attachments, raw_html),
        is_signed=walker.signed,
        is_encrypted=walker.encrypted,
        reply=extract_reply(plain, raw_html or None),
        headers=decoded_headers,
        defects=defects,
    )


def _empty(defects: list[str], text: str = "") -> ParsedMessage:
    return ParsedMessage(
        message_id="",
        in_reply_to="",
        references=[],
        subject="",
        from_=Address("", ""),
        to=[],
        cc=[],
        reply_to=[],
        date=None,
        auto_submitted="",
        precedence="",
        x_autoreply=False,
        is_auto_reply=False,
        is_bulk=False,
        is_bounce=False,
        bounced_recipients=[],
        text=text,
        html="",
        html_blocked="",
        remote_image_urls=[],
        attachments=[],
        is_signed=False,
        is_encrypted=False,
        reply=extract_reply(text),
        headers=[],
        defects=defects,
    )


def parse_message(raw: bytes, *, depth: int = 0) -> ParsedMessage:
    """Parse a raw RFC 5322 message; never raises on malformed input."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogateescape")
    # isspace() stops at the first visible byte; strip() would copy the whole
    # message, attachments included, only to test it for emptiness.
    if not raw or raw.isspace():
        return _empty(["empty message"])
    repaired, defects = mail_headers.repair_header_block(raw)
    try:
        message = email.message_from_bytes(repaired, policy=policy.compat32)
        return _build(message, defects, depth)
    except Exception as error:
        # Last line of defence for input no rule above foresaw: the mail must still
        # become a readable message rather than a failed batch.
        body = raw.split(b"\n\n", 1)[-1]
        return _empty([*defects, f"unparseable message: {error!r}"], decode_bytes(body).text)


def parse_embedded(message: Message, depth: int) -> ParsedMessage:
    """Parse a message/rfc822 part already in the tree (a forwarded message)."""
    return _build(message, [], depth)


__all__ = [
    "Address",
    "ParsedAttachment",
    "ParsedMessage",
    "parse_message",
    "unfold_flowed",
]
