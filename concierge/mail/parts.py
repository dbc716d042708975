"""Walking a MIME tree: which parts are the body, which are files, what is signed.

Mail clients nest parts in every order the RFCs allow and several they do not;
the walker reads each kind of container by its meaning (alternative: the same
content twice, related: a page and its images, signed: content plus signature,
report: a bounce) and keeps anything it cannot place as an attachment, so no
part is ever dropped.
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message
from email.utils import getaddresses
from pathlib import PurePath
from typing import TYPE_CHECKING

from tnefparse.tnef import TNEF

from concierge.mail.charsets import decode_8bit_header, decode_bytes
from concierge.mail.headers import decode_encoded_words, header_text, unfold

if TYPE_CHECKING:
    from concierge.mail.mime import ParsedMessage

MAX_DEPTH = 12
TNEF_TYPES = {"application/ms-tnef", "application/vnd.ms-tnef"}
SIGNATURE_TYPES = {
    "application/pkcs7-signature",
    "application/x-pkcs7-signature",
    "application/pgp-signature",
}
SMIME_TYPES = {"application/pkcs7-mime", "application/x-pkcs7-mime"}
# Alternatives that only repeat the body for a particular device.
SKIPPED_ALTERNATIVES = {"text/watch-html", "text/enriched", "text/richtext"}
FORWARD_SEPARATOR = "---------- Forwarded message ----------"
FALLBACK_EXTENSIONS = {
    "text/rfc822-headers": ".txt",
    "message/rfc822": ".eml",
    "text/calendar": ".ics",
}
UNSAFE_FILENAME_CHARACTERS = re.compile(r"[\x00-\x1f\x7f/\\]")


@dataclass(frozen=True)
class ParsedAttachment:
    filename: str
    content_type: str
    content: bytes = field(repr=False)
    # Without angle brackets, as written; compare with htmlbody.normalize_cid.
    content_id: str = ""
    # Shown inside the HTML body through a cid: reference rather than listed.
    is_inline: bool = False

    @property
    def size(self) -> int:
        return len(self.content)


def unfold_flowed(text: str, *, delete_space: bool = False) -> str:
    """Join the soft line breaks of format=flowed text (RFC 3676)."""
    out: list[str] = []
    pending: tuple[int, str] | None = None

    def flush() -> None:
        nonlocal pending
        if pending is not None:
            depth, content = pending
            out.append((">" * depth + " " if depth else "") + content)
            pending = None

    for line in text.split("\n"):
        stripped = line.lstrip(">")
        depth = len(line) - len(stripped)
        content = stripped[1:] if stripped.startswith(" ") else stripped
        if content == "-- ":
            flush()
            out.append((">" * depth + " " if depth else "") + content)
            continue
        if pending is not None and pending[0] == depth:
            pending = (depth, pending[1] + content)
        else:
            flush()
            pending = (depth, content)
        if content.endswith(" ") and content.strip():
            if delete_space:
                pending = (depth, pending[1][:-1])
            continue
        flush()
    flush()
    return "\n".join(out)


def safe_filename(name: str, fallback: str) -> str:
    """A file name without directories or control characters, at most 255 long."""
    name = UNSAFE_FILENAME_CHARACTERS.sub("_", name.replace("\\", "/").rsplit("/", 1)[-1])
    name = " ".join(name.split()).strip(". ")
    if not name:
        return fallback
    if len(name) > 255:
        suffix = PurePath(name).suffix[:20]
        name = name[: 255 - len(suffix)] + suffix
    return name


def _decode_raw(value: str, hints: tuple[str, ...]) -> str:
    try:
        raw = value.encode("ascii", "surrogateescape")
    except UnicodeEncodeError:
        return value
    if raw.isascii():
        return value
    return decode_8bit_header(raw, hints).text


@dataclass
class PartWalker:
    depth: int = 0
    parse_embedded: Callable[[Message, int], ParsedMessage] | None = None
    texts: list[str] = field(default_factory=list)
    htmls: list[str] = field(default_factory=list)
    attachments: list[ParsedAttachment] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)
    charsets: list[str] = field(default_factory=list)
    bounced_recipients: list[str] = field(default_factory=list)
    signed: bool = False
    encrypted: bool = False
    delivery_report: bool = False
    read_receipt: bool = False
    in_report: bool = False
    # The parameters of each (id of part, header) already parsed: a body part's
    # Content-Type is asked for its name (twice), charset and format, and its file
    # name up to three times while the part is placed. Keyed by id: the walker
    # lives only while the message tree it walks does.
    parsed_params: dict[tuple[int, str], list[tuple[str, str | tuple[str, str, str]]]] = field(
        default_factory=dict, repr=False, compare=False
    )

    # Reading parameters and payloads ------------------------------------------------

    def _param(self, part: Message, name: str, header: str) -> str:
        raw_value = next(
            (str(value) for key, value in part.raw_items() if key.lower() == header), None
        )
        if raw_value is None:
            return ""
        try:
            if raw_value.isascii():
                value = self._ascii_param(part, name, header)
            else:
                # Raw 8-bit parameters (a Cyrillic file name without RFC 2231): decode
                # the header first, or the email package turns every byte into U+FFFD.
                # Not cached: the decoding depends on the charsets seen so far.
                probe = Message()
                probe[header] = _decode_raw(unfold(raw_value), tuple(self.charsets))
                value = probe.get_param(name, None, header)
        except Exception:
            self.defects.append(f"unreadable {header} parameter {name}")
            return ""
        if value is None:
            return ""
        if isinstance(value, tuple):
            charset, _language, text = value
            raw = text.encode("latin-1", "surrogateescape")
            return decode_bytes(raw, charset or None).text
        return decode_encoded_words(str(value).strip())

    def _ascii_param(
        self, part: Message, name: str, header: str
    ) -> str | tuple[str, str, str] | None:
        """What `part.get_param(name, None, header)` gives, parsing the header once.

        A header that fails to parse is not cached, so each question about it raises
        (and is reported) as before.
        """
        key = (id(part), header)
        params = self.parsed_params.get(key)
        if params is None:
            params = part.get_params([], header)
            self.parsed_params[key] = params
        wanted = name.lower()
        return next((value for param, value in params if param.lower() == wanted), None)

    def _payload(self, part: Message) -> bytes:
        try:
            payload = part.get_payload(decode=True)
        except Exception as error:
            self.defects.append(f"undecodable part body: {error!r}")
            payload = None
        if isinstance(payload, bytes):
            return payload
        raw = part.get_payload()
        if isinstance(raw, str):
            return raw.encode("ascii", "surrogateescape")
        return b""

    def _text_of(self, part: Message) -> str:
        charset = self._param(part, "charset", "content-type")
        decoded = decode_bytes(self._payload(part), charset or None)
        if decoded.charset and decoded.charset not in self.charsets:
            self.charsets.append(decoded.charset)
        if decoded.lossy:
            self.defects.append(f"text not decodable as {charset or 'any charset'}")
        text = decoded.text.replace("\r\n", "\n").replace("\r", "\n")
        if self._param(part, "format", "content-type").lower() == "flowed":
            delete_space = self._param(part, "delsp", "content-type").lower() == "yes"
            text = unfold_flowed(text, delete_space=delete_space)
        return text

    def _filename(self, part: Message) -> str:
        return self._param(part, "filename", "content-disposition") or self._param(
            part, "name", "content-type"
        )

    def _attach(
        self,
        part: Message,
        content: bytes,
        fallback: str,
        name: str = "",
        content_type: str = "",
    ) -> None:
        content_type = content_type or part.get_content_type()
        filename = name or self._filename(part)
        if not filename:
            if fallback == "attachment" and part.get_content_maintype() == "image":
                fallback = "image"
            extension = FALLBACK_EXTENSIONS.get(content_type) or mimetypes.guess_extension(
                content_type
            )
            filename = f"{fallback}-{len(self.attachments) + 1}{extension or '.bin'}"
        filename = safe_filename(filename, fallback)
        if content_type == "application/octet-stream":
            content_type = mimetypes.guess_type(filename)[0] or content_type
        content_id = "".join(header_text(part.get("Content-ID")).split()).strip("<>")
        self.attachments.append(ParsedAttachment(filename, content_type, content, content_id))

    # Walking ------------------------------------------------------------------------

    def walk(self, part: Message, path: str = "1") -> None:
        self._walk_part(part, path)
        # Collected afterwards: decoding a body (broken base64) adds defects too.
        for defect in getattr(part, "defects", []):
            self.defects.append(f"{type(defect).__name__} in part {path}")

    def _walk_part(self, part: Message, path: str) -> None:
        if path.count(".") > MAX_DEPTH:
            self.defects.append(f"parts nested too deep at {path}")
            self._attach(part, part.as_bytes(), "part")
            return
        content_type = part.get_content_type()
        maintype = part.get_content_maintype()
        if part.is_multipart() and maintype != "message":
            self._walk_multipart(part, content_type, path)
        elif content_type in ("message/rfc822", "message/global"):
            self._walk_embedded_message(part)
        elif content_type == "message/delivery-status":
            self._walk_delivery_status(part)
        elif content_type in TNEF_TYPES or self._filename(part).lower() == "winmail.dat":
            self._walk_tnef(part)
        elif content_type in SMIME_TYPES:
            smime_type = self._param(part, "smime-type", "content-type").lower()
            self.encrypted = self.encrypted or smime_type != "signed-data"
            self.signed = self.signed or smime_type == "signed-data"
            self._attach(
                part, self._payload(part), "smime", name=self._filename(part) or "smime.p7m"
            )
        elif content_type in SIGNATURE_TYPES:
            self.signed = True
            fallback = "signature.asc" if "pgp" in content_type else "smime.p7s"
            self._attach(
                part, self._payload(part), "signature", name=self._filename(part) or fallback
            )
        elif content_type in ("text/plain", "text/html") and not self._is_attachment(part):
            text = self._text_of(part)
            if content_type == "text/html":
                self.htmls.append(text)
            else:
                self._note_inline_pgp(text)
                self.texts.append(text)
        elif content_type == "text/rfc822-headers":
            # The headers of the message a bounce returns: evidence for the agent.
            self._attach(part, self._payload(part), "headers", name="original-headers.txt")
        else:
            self._attach(part, self._payload(part), "attachment")

    def _is_attachment(self, part: Message) -> bool:
        disposition = (part.get("Content-Disposition") or "").split(";")[0].strip().lower()
        return disposition == "attachment" or (
            disposition != "inline" and bool(self._filename(part))
        )

    def _note_inline_pgp(self, text: str) -> None:
        if "-----BEGIN PGP MESSAGE-----" in text:
            self.encrypted = True
        if "-----BEGIN PGP SIGNED MESSAGE-----" in text:
            self.signed = True

    def _walk_multipart(self, part: Message, content_type: str, path: str) -> None:
        children = part.get_payload()
        if not isinstance(children, list):
            self.defects.append(f"multipart without parts at {path}")
            text = decode_bytes(self._payload(part)).text
            if text.strip():
                self.texts.append(text)
            return
        if content_type == "multipart/alternative":
            self._walk_alternative(children, path)
            return
        if content_type == "multipart/signed":
            self.signed = True
        if content_type == "multipart/encrypted":
            # PGP/MIME: a "Version: 1" part, then the encrypted payload, kept as a file.
            self.encrypted = True
            for child in children[1:]:
                self._attach(
                    child,
                    self._payload(child),
                    "encrypted",
                    name=self._filename(child) or "encrypted.asc",
                    content_type="application/pgp-encrypted",
                )
            return
        if content_type == "multipart/report":
            report_type = self._param(part, "report-type", "content-type").lower()
            self.delivery_report = self.delivery_report or report_type == "delivery-status"
            self.read_receipt = self.read_receipt or report_type == "disposition-notification"
            self.in_report = True
        for index, child in enumerate(children, start=1):
            self.walk(child, f"{path}.{index}")

    def _walk_alternative(self, children: list[Message], path: str) -> None:
        # Each alternative is the same content; keep the best text and the best HTML,
        # but every file any of them carries (images of a related HTML part).
        best_text: list[str] = []
        best_html: list[str] = []
        for index, child in enumerate(children, start=1):
            if child.get_content_type() in SKIPPED_ALTERNATIVES:
                continue
            branch = PartWalker(
                depth=self.depth, parse_embedded=self.parse_embedded, charsets=self.charsets
            )
            branch.in_report = self.in_report
            branch.walk(child, f"{path}.{index}")
            if branch.texts:
                best_text = branch.texts
            if branch.htmls:
                best_html = branch.htmls
            self.attachments.extend(branch.attachments)
            self.defects.extend(branch.defects)
            self.bounced_recipients.extend(branch.bounced_recipients)
            self.signed |= branch.signed
            self.encrypted |= branch.encrypted
        self.texts.extend(best_text)
        self.htmls.extend(best_html)

    def _walk_embedded_message(self, part: Message) -> None:
        payload = part.get_payload()
        inner = payload[0] if isinstance(payload, list) and payload else None
        if not isinstance(inner, Message):
            self._attach(part, self._payload(part), "message", name="message.eml")
            return
        try:
            content = inner.as_bytes()
        except Exception:
            content = inner.as_string().encode("utf-8", "surrogateescape")
        if self.parse_embedded is None or self.depth >= MAX_DEPTH:
            self._attach(part, content, "message", name="message.eml")
            return
        embedded = self.parse_embedded(inner, self.depth + 1)
        self._attach(part, content, "message", name=f"{embedded.subject or 'message'}.eml")
        if self.in_report:
            # The returned copy of a bounced message is evidence, not conversation.
            return
        header_lines = [
            f"From: {_format_address(embedded.from_.name, embedded.from_.address)}",
            f"Date: {header_text(inner.get('Date'))}",
            f"Subject: {embedded.subject}",
            "To: " + ", ".join(_format_address(name, address) for name, address in embedded.to),
        ]
        self.texts.append("\n".join([FORWARD_SEPARATOR, *header_lines, "", embedded.text]))

    def _walk_delivery_status(self, part: Message) -> None:
        self.delivery_report = True
        blocks = part.get_payload()
        lines: list[str] = []
        if isinstance(blocks, list):
            for block in blocks:
                fields = {key.lower(): unfold(str(value)) for key, value in block.raw_items()}
                lines.extend(f"{key}: {unfold(str(value))}" for key, value in block.raw_items())
                lines.append("")
                recipient = fields.get("final-recipient") or fields.get("original-recipient")
                action = fields.get("action", "").strip().lower()
                status = fields.get("status", "").strip()
                if recipient and (action == "failed" or (not action and status.startswith("5"))):
                    address = recipient.split(";", 1)[-1].strip()
                    self.bounced_recipients.extend(
                        found for _name, found in getaddresses([address]) if found
                    )
            content = "\n".join(lines).encode("utf-8", "surrogateescape")
        else:
            content = self._payload(part)
        self._attach(part, content, "delivery-status", name="delivery-status.txt")

    def _walk_tnef(self, part: Message) -> None:
        data = self._payload(part)
        try:
            tnef = TNEF(data, do_checksum=False)
        except Exception as error:
            # A damaged winmail.dat is still the customer's file: keep it as is.
            self.defects.append(f"unreadable TNEF attachment: {error!r}")
            self._attach(part, data, "winmail", name="winmail.dat")
            return
        codepage = tnef.codepage or "cp1252"
        found_any = False
        for item in tnef.attachments:
            name = item.long_filename() or item.name
            if isinstance(name, bytes):
                name = decode_bytes(name.rstrip(b"\x00"), codepage).text
            content = item.data if isinstance(item.data, bytes) else bytes(item.data or b"")
            self.attachments.append(
                ParsedAttachment(
                    safe_filename(
                        str(name).strip("\x00"), f"attachment-{len(self.attachments) + 1}"
                    ),
                    mimetypes.guess_type(str(name))[0] or "application/octet-stream",
                    content,
                )
            )
            found_any = True
        for body, target in ((tnef.body, self.texts), (tnef.htmlbody, self.htmls)):
            if not body:
                continue
            text = (
                body
                if isinstance(body, str)
                else decode_bytes(bytes(body).rstrip(b"\x00"), codepage).text
            )
            if text.strip() and not target:
                target.append(text.replace("\r\n", "\n"))
                found_any = True
        if not found_any:
            self._attach(part, data, "winmail", name="winmail.dat")


def _format_address(name: str, address: str) -> str:
    if name and address:
        return f"{name} <{address}>"
    return name or address


__all__ = ["ParsedAttachment", "PartWalker", "safe_filename", "unfold_flowed"]
