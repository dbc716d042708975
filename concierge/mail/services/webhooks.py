"""Mail that a provider posts to us (django-anymail's inbound webhooks), stored raw.

A provider's inbound webhook is one more way in, like IMAP and the SMTP server: the
message's bytes are stored first, exactly as the provider sent them where it sends the
original MIME (Mailgun's `body-mime`, SendGrid's raw `email`, Amazon SES's `content`,
Postmark's `RawEmail`, Mandrill's `raw_msg`, Postal, SparkPost, MailerSend), and
rebuilt by anymail from the parsed fields only where the provider sends no more than
those. Then the worker processes them through `ingest.raw_message_process`, so a
provider that posts the same message twice gets the same duplicate check as a mailbox
fetched twice.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from email import encoders
from typing import Any

from anymail.inbound import AnymailInboundMessage
from anymail.signals import AnymailInboundEvent
from django.db import transaction

from concierge.mail import addresses
from concierge.mail.models import RawMessage, RawSource
from concierge.mail.services import ingest, mailboxes


def _text_bytes(value: object) -> bytes:
    if isinstance(value, bytes):
        return value
    if isinstance(value, str) and value:
        # Providers hand raw MIME over as text; mail is 7-bit or UTF-8 by then.
        return value.encode("utf-8", "surrogateescape")
    return b""


def _base64_or_text(value: object, is_base64: bool) -> bytes:
    if not is_base64:
        return _text_bytes(value)
    try:
        return base64.b64decode(str(value), validate=False)
    except (binascii.Error, ValueError):
        return b""


def _posted_field(name: str) -> Callable[[Any], bytes]:
    """A field of a form post (the request is the event's esp_event for these)."""

    def read(request: Any) -> bytes:
        post = getattr(request, "POST", None)
        return _text_bytes(post.get(name)) if post is not None else b""

    return read


def _amazon_ses(event: Any) -> bytes:
    action = (event.get("receipt") or {}).get("action") or {}
    return _base64_or_text(event.get("content"), action.get("encoding") == "BASE64")


def _postmark(event: Any) -> bytes:
    # Postmark adds the Bcc it received on to the parsed message but not to RawEmail;
    # the envelope recipient is kept separately, so the original is the better copy.
    return _text_bytes(event.get("RawEmail"))


def _mandrill(event: Any) -> bytes:
    return _text_bytes((event.get("msg") or {}).get("raw_msg"))


def _postal(event: Any) -> bytes:
    return _base64_or_text(event.get("message"), event.get("base64") is True)


def _sparkpost(event: Any) -> bytes:
    content = ((event.get("msys") or {}).get("relay_message") or {}).get("content") or {}
    return _base64_or_text(content.get("email_rfc822"), bool(content.get("email_rfc822_is_base64")))


def _mailersend(event: Any) -> bytes:
    return _text_bytes((event.get("data") or {}).get("raw"))


# Where each provider's post holds the original message, keyed by anymail's esp_name.
ORIGINALS: dict[str, Callable[[Any], bytes]] = {
    "Mailgun": _posted_field("body-mime"),
    "SendGrid": _posted_field("email"),
    "Amazon SES": _amazon_ses,
    "Postmark": _postmark,
    "Mandrill": _mandrill,
    "Postal": _postal,
    "SparkPost": _sparkpost,
    "MailerSend": _mailersend,
}


def original_bytes(event: AnymailInboundEvent, esp_name: str) -> bytes:
    """The message as the provider received it, or anymail's rebuild of it."""
    reader = ORIGINALS.get(esp_name)
    if reader is not None and event.esp_event is not None:
        try:
            raw = reader(event.esp_event)
        except (AttributeError, TypeError):
            raw = b""
        if raw.strip():
            return raw
    return _rebuilt(event.message)


UNENCODED = ("", "7bit", "8bit", "binary")


def _rebuilt(message: AnymailInboundMessage) -> bytes:
    """anymail's message rebuilt from the posted fields, as bytes that keep all of it.

    Posted files become parts holding their raw bytes with no transfer encoding:
    written so, their CR and LF bytes would turn into line ends, so they are written in
    base64. Header text that is
    not ASCII (a provider posting the headers as UTF-8) is written as UTF-8 (RFC 6532),
    which the parser reads, rather than failing the post.
    """
    for part in message.walk():
        unencoded = part.get("Content-Transfer-Encoding", "").lower() in UNENCODED
        if unencoded and part.get_content_maintype() not in ("text", "multipart", "message"):
            del part["Content-Transfer-Encoding"]
            encoders.encode_base64(part)
    try:
        return message.as_bytes()
    except UnicodeEncodeError:
        return message.as_bytes(policy=message.policy.clone(utf8=True))


def _addresses_of(message: AnymailInboundMessage) -> list[str]:
    found: list[str] = []
    recipient = message.envelope_recipient
    if isinstance(recipient, str):
        found += [part for part in recipient.split(",") if part.strip()]
    for group in (message.to, message.cc):
        found += [address.addr_spec for address in group or []]
    return [addresses.normalize(a) for a in found if "@" in a]


def inbound_event_store(*, event: AnymailInboundEvent, esp_name: str) -> RawMessage:
    """Store one posted message and queue its processing when the transaction commits.

    Mail for an address that is no mailbox of ours is stored too (without a mailbox),
    as imports are: the provider routed it to us, and nothing sent is dropped.
    """
    from concierge.mail.tasks import process_raw_message

    message: AnymailInboundMessage = event.message
    recipients = _addresses_of(message)
    envelope = message.envelope_recipient
    envelope_to = [addresses.normalize(envelope)] if isinstance(envelope, str) and envelope else []
    stored = ingest.raw_message_store(
        raw=original_bytes(event, esp_name),
        source=RawSource.WEBHOOK,
        mailbox=mailboxes.mailbox_for(recipients),
        envelope_from=str(message.envelope_sender or ""),
        envelope_to=envelope_to,
        origin=f"{esp_name} {event.event_id or ''}".strip(),
    )
    transaction.on_commit(lambda: process_raw_message.enqueue(stored.pk))
    return stored
