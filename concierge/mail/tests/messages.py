"""Builds the raw bytes of test messages, the way a mail client sends them."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

SUPPORT = "support@desk.example"


def build(
    *,
    subject: str = "Lamp arrived broken",
    body: str = "The lamp arrived broken. Can you send a new one?",
    from_: str = "Emily Clark <emily@example.com>",
    to: str = SUPPORT,
    cc: str = "",
    message_id: str | None = "",
    in_reply_to: str = "",
    references: str = "",
    html: str = "",
    attachments: list[tuple[str, str, bytes]] = (),
    headers: dict[str, str] | None = None,
    date: datetime | None = None,
) -> bytes:
    """`message_id=""` makes a fresh id, None leaves the header out."""
    message = EmailMessage()
    message["From"] = from_
    message["To"] = to
    if cc:
        message["Cc"] = cc
    message["Subject"] = subject
    message["Date"] = format_datetime(date or datetime(2025, 12, 15, 14, 30, tzinfo=UTC))
    if message_id is not None:
        message["Message-ID"] = (
            f"<{message_id}>" if message_id else make_msgid(domain="example.com")
        )
    if in_reply_to:
        message["In-Reply-To"] = f"<{in_reply_to}>"
    if references:
        message["References"] = references
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    if html:
        message.add_alternative(html, subtype="html")
    for filename, content_type, content in attachments:
        maintype, subtype = content_type.split("/", 1)
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    # Mail travels with CRLF line ends; stored messages are compared byte for byte.
    return message.as_bytes(policy=message.policy.clone(linesep="\r\n"))


def message_id_of(raw: bytes) -> str:
    from concierge.mail.mime import parse_message

    return parse_message(raw).message_id
