"""Reading mail headers the way they are really written, not the way RFCs hope.

The email package's modern policy raises on some malformed headers and turns raw
8-bit text or an unknown charset in an encoded-word into U+FFFD. We read raw
header values (as the compat32 policy keeps them) and decode them ourselves with
the charset rules of `charsets`, so "=?win-1251?B?...?=" and a raw KOI8-R Subject
both come out as the sender wrote them.
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import UTC, datetime
from email.utils import getaddresses, parsedate_to_datetime
from typing import NamedTuple

from concierge.mail.charsets import decode_8bit_header, decode_bytes

ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?]*)\?=")
FOLD = re.compile(r"\r?\n(?=[ \t])")
ANGLE_ID = re.compile(r"<([^<>]*)>")
QP_ESCAPE = re.compile(rb"=([0-9A-Fa-f]{2})")
HEADER_LINE = re.compile(rb"^[!-9;-~]+[ \t]*:")
# One blank line ends the header block; \r\n and bare \n both occur in the wild.
HEADER_END = re.compile(rb"\r?\n\r?\n")


class Address(NamedTuple):
    name: str
    address: str


def _surrogates_to_bytes(value: str) -> bytes | None:
    """Raw header bytes when the value carries undecoded 8-bit bytes, else None."""
    if value.isascii():
        return None
    try:
        return value.encode("ascii", "surrogateescape")
    except UnicodeEncodeError:
        # Already real text (a header set in Python, not parsed from bytes).
        return None


def _decode_b(payload: str) -> bytes:
    compact = "".join(payload.split())
    compact += "=" * (-len(compact) % 4)
    try:
        return base64.b64decode(compact)
    except (binascii.Error, ValueError):
        # Truncated words: keep every whole 4-character group we have.
        usable = compact.rstrip("=")
        usable = usable[: len(usable) - len(usable) % 4]
        try:
            return base64.b64decode(usable)
        except (binascii.Error, ValueError):
            return payload.encode("ascii", "ignore")


def _decode_q(payload: str) -> bytes:
    raw = payload.replace("_", " ").encode("ascii", "surrogateescape")
    return QP_ESCAPE.sub(lambda match: bytes([int(match.group(1), 16)]), raw)


def decode_encoded_words(text: str) -> str:
    """Decode RFC 2047 encoded-words, joining split multibyte characters.

    Whitespace between two encoded-words is not part of the text (RFC 2047 6.2);
    consecutive words in one charset are decoded together because many mailers
    split a character's bytes across two words.
    """
    if "=?" not in text:
        return text
    pieces: list[tuple[str | None, bytes | str]] = []
    position = 0
    for match in ENCODED_WORD.finditer(text):
        between = text[position : match.start()]
        previous_is_word = bool(pieces) and pieces[-1][0] is not None
        if between and not (previous_is_word and not between.strip()):
            pieces.append((None, between))
        charset, encoding, payload = match.groups()
        data = _decode_b(payload) if encoding in "bB" else _decode_q(payload)
        if pieces and pieces[-1][0] == charset.lower():
            previous = pieces[-1][1]
            assert isinstance(previous, bytes)
            pieces[-1] = (charset.lower(), previous + data)
        else:
            pieces.append((charset.lower(), data))
        position = match.end()
    pieces.append((None, text[position:]))
    out: list[str] = []
    for charset, value in pieces:
        if charset is None:
            assert isinstance(value, str)
            out.append(value)
        else:
            assert isinstance(value, bytes)
            out.append(decode_bytes(value, charset).text)
    return "".join(out)


def unfold(value: str) -> str:
    if "\n" not in value and "\r" not in value:
        # Most header values fit on one line: nothing to unfold.
        return value
    return FOLD.sub("", value).replace("\r", "").replace("\n", " ")


def header_text(value: str | None, hints: tuple[str, ...] = ()) -> str:
    """The text of an unstructured header (Subject, Auto-Submitted, ...)."""
    if value is None:
        return ""
    value = unfold(str(value))
    raw = _surrogates_to_bytes(value)
    if raw is not None:
        value = decode_8bit_header(raw, hints).text
    return decode_encoded_words(value).strip()


def parse_addresses(values: list[str], hints: tuple[str, ...] = ()) -> list[Address]:
    """Addresses of From/To/Cc/Reply-To headers, display names decoded."""
    if not values:
        # Most messages lack Cc, Reply-To and X-Failed-Recipients; getaddresses
        # would build and validate an empty address list for each.
        return []
    texts = []
    for value in values:
        value = unfold(str(value))
        raw = _surrogates_to_bytes(value)
        texts.append(decode_8bit_header(raw, hints).text if raw is not None else value)
    addresses = []
    for name, address in getaddresses(texts):
        name = " ".join(decode_encoded_words(name).split())
        address = "".join(address.split())
        if not address and not name:
            continue
        if not address and "@" in name:
            name, address = "", name
        addresses.append(Address(name, address))
    return addresses


def parse_message_id(value: str | None) -> str:
    """A Message-ID without its angle brackets; empty when missing or blank."""
    if not value:
        return ""
    value = unfold(str(value))
    match = ANGLE_ID.search(value)
    found = match.group(1) if match else (value.split() or [""])[0]
    return "".join(found.split())


def parse_id_list(value: str | None) -> list[str]:
    """The ids of a References header, in order, each once."""
    if not value:
        return []
    value = unfold(str(value))
    ids = ANGLE_ID.findall(value) or value.split()
    seen: dict[str, None] = {}
    for found in ids:
        cleaned = "".join(found.split())
        if cleaned:
            seen.setdefault(cleaned, None)
    return list(seen)


def parse_date(value: str | None) -> datetime | None:
    """An aware datetime; dates without a zone are taken as UTC (RFC 5322 -0000)."""
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(unfold(str(value)).strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def repair_header_block(raw: bytes) -> tuple[bytes, list[str]]:
    """Leave out stray lines without a colon that sit between real headers.

    The email parser treats the first line that is neither a header nor a
    continuation as the start of the body, which silently drops every header
    after it (often Subject and Content-Type). Such a line is skipped instead and
    reported as a defect (the raw message keeps it); folding it into the header
    above would corrupt that header, typically an address.
    """
    end = HEADER_END.search(raw)
    if end is None:
        return raw, []
    lines = raw[: end.start()].split(b"\n")
    last_header = max(
        (index for index, line in enumerate(lines) if HEADER_LINE.match(line)), default=-1
    )
    defects = []
    repaired = []
    for index, line in enumerate(lines):
        is_mbox_separator = index == 0 and line.startswith(b"From ")
        if (
            is_mbox_separator
            or HEADER_LINE.match(line)
            or line[:1] in (b" ", b"\t")
            or index > last_header
        ):
            repaired.append(line)
            continue
        shown = line.strip().decode("ascii", "replace")[:60]
        defects.append(f"header line without a colon, skipped: {shown!r}")
    if not defects:
        return raw, []
    return b"\n".join(repaired) + raw[end.start() :], defects
