"""Turning the bytes of a mail part or header into text without mangling it.

Mail declares its charset, but the declaration is often missing, misspelled
("win-1251", "koi8r"), narrower than what the sender really used (GB2312 mail
written in GBK, ISO-8859-1 mail with Windows-1252 quotes) or simply wrong
(Windows-1251 text labelled ISO-8859-1). We try, in order: the declared charset
widened to the superset mail clients really use, the declared charset as is,
UTF-8, detection, and only then a lossy decode.
"""

from __future__ import annotations

import codecs
import functools
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes
from charset_normalizer.md import mess_ratio

# Names seen in real mail that Python does not know, or knows under another name.
CHARSET_ALIASES = {
    "win-1250": "cp1250",
    "win-1251": "cp1251",
    "win-1252": "cp1252",
    "win-1254": "cp1254",
    "win1251": "cp1251",
    "windows1251": "cp1251",
    "x-cp1251": "cp1251",
    "x-cp1250": "cp1250",
    "cp-1251": "cp1251",
    "cp-1252": "cp1252",
    "koi8r": "koi8_r",
    "koi8u": "koi8_u",
    "koi8-ru": "koi8_u",
    "x-mac-cyrillic": "mac_cyrillic",
    "x-mac-ukrainian": "mac_cyrillic",
    "x-mac-roman": "mac_roman",
    "macintosh": "mac_roman",
    "x-mac-ce": "mac_latin2",
    "x-mac-turkish": "mac_turkish",
    "x-gbk": "gb18030",
    "cn-gb": "gb18030",
    "euc-cn": "gb18030",
    "x-euc-cn": "gb18030",
    "gb_2312-80": "gb18030",
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "ksc5601": "cp949",
    "ksc_5601": "cp949",
    "x-sjis": "cp932",
    "x-euc-jp": "euc_jp",
    "windows-31j": "cp932",
    "iso-8859-8-i": "iso8859_8",
    "iso-8859-6-i": "iso8859_6",
    "unicode-1-1-utf-7": "utf_7",
    "x-unicode20utf8": "utf_8",
    "unicode-2-0-utf-8": "utf_8",
    "utf8mb4": "utf_8",
    "windows-874": "cp874",
    "x-windows-874": "cp874",
    "tis620": "cp874",
}

# Labels that carry no information at all.
MEANINGLESS_CHARSETS = {"", "unknown-8bit", "x-unknown", "unknown", "default", "charset", "none"}

# Mail clients label text with the old standard name and write with the Windows or
# extended superset; decoding with the superset first keeps the extra characters
# (curly quotes in "ISO-8859-1", GBK ideographs in "GB2312", half-width katakana in
# "ISO-2022-JP") instead of failing on them.
SUPERSETS = {
    "ascii": ("cp1252",),
    "latin_1": ("cp1252",),
    "iso8859-1": ("cp1252",),
    "iso8859-9": ("cp1254",),
    "iso8859-11": ("cp874",),
    "tis-620": ("cp874",),
    "gb2312": ("gb18030",),
    "gbk": ("gb18030",),
    "euc_kr": ("cp949",),
    "shift_jis": ("cp932",),
    "big5": ("big5hkscs",),
    "iso2022_jp": ("iso2022_jp_ext", "iso2022_jp_2", "iso2022_jp_3"),
}

# Charsets tried when nothing is declared or the declaration is wrong, most likely
# first: when two decodings look equally clean, the earlier one wins. Windows-1254
# precedes Windows-1252 because the two differ only where Turkish has ğ ı ş and
# Windows-1252 has the Icelandic ð ý þ.
DETECTION_CANDIDATES = (
    "cp1251",
    "koi8_r",
    "cp1254",
    "cp1252",
    "iso8859_15",
    "cp1250",
    "cp1257",
    "cp1253",
    "cp1255",
    "cp1256",
    "cp866",
    "mac_cyrillic",
    "gb18030",
    "big5hkscs",
    "cp932",
    "euc_jp",
    "cp949",
)

# How much cleaner (in charset-normalizer's "mess" measure, 0 = clean) another
# decoding must look before we overrule what the sender declared.
MESS_TOLERATED = 0.1
MESS_SAMPLE_CHARS = 4000
EIGHT_BIT_WORD = re.compile(rb"[^\s\"'=;:<>(),]*[\x80-\xff][^\s\"'=;:<>(),]*")


@dataclass(frozen=True)
class Decoded:
    text: str
    charset: str
    # True when the text is not what the declared charset alone gave.
    guessed: bool = False
    lossy: bool = False


def resolve_charset(name: str | None) -> str | None:
    """The Python codec name for a charset label, or None when it means nothing to us."""
    if not name:
        return None
    return _codec_for_label(str(name))


# Every body part and encoded-word asks again for the same few labels. Bounded:
# labels come from the outside and may be anything.
@functools.lru_cache(maxsize=256)
def _codec_for_label(name: str) -> str | None:
    label = name.strip().strip("\"'").strip().lower()
    # Some clients append a language (RFC 2231 "utf-8*ru") or junk after a semicolon.
    label = label.split("*", 1)[0].split(";", 1)[0].strip()
    if label in MEANINGLESS_CHARSETS:
        return None
    label = CHARSET_ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _decoding_chain(codec: str) -> tuple[str, ...]:
    return (*SUPERSETS.get(codec, ()), codec)


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _mess(text: str) -> float:
    return mess_ratio(text[:MESS_SAMPLE_CHARS], maximum_threshold=1.0)


def _is_stateful_7bit(data: bytes) -> bool:
    # ISO-2022 text is pure ASCII with escape sequences that switch character sets.
    return b"\x1b$" in data or b"\x1b(" in data


def detect(data: bytes) -> Decoded | None:
    """Best clean decoding of bytes whose charset we do not know, or None."""
    if _is_stateful_7bit(data):
        for codec in ("iso2022_jp_ext", "iso2022_jp_2", "iso2022_kr"):
            text = _strict(data, codec)
            if text is not None:
                return Decoded(text, codec, guessed=True)
    text = _strict(data, "utf-8")
    if text is not None:
        return Decoded(text.removeprefix("\ufeff"), "utf-8", guessed=True)
    best: tuple[float, int, str, str] | None = None
    candidates = list(DETECTION_CANDIDATES)
    guess = from_bytes(data[:65536]).best()
    if guess is not None and guess.encoding not in candidates:
        candidates.append(guess.encoding)
    for order, codec in enumerate(candidates):
        text = _strict(data, codec)
        if text is None:
            continue
        score = (round(_mess(text), 2), order, codec, text)
        if best is None or score < best:
            best = score
    if best is None or best[0] >= 1.0:
        return None
    return Decoded(best[3], best[2], guessed=True)


def decode_bytes(data: bytes, declared: str | None = None) -> Decoded:
    """Decode bytes from mail into text, recovering from wrong or missing charsets."""
    if not data:
        return Decoded("", resolve_charset(declared) or "utf-8")
    codec = resolve_charset(declared)
    wide_unicode = codec is not None and codec.startswith(("utf-16", "utf-32", "utf-7"))
    if data.isascii() and not wide_unicode and not _is_stateful_7bit(data):
        return Decoded(data.decode("ascii"), codec or "ascii")
    if codec is not None:
        for candidate in _decoding_chain(codec):
            text = _strict(data, candidate)
            if text is None:
                continue
            if not codec.startswith("utf") and not data.isascii():
                # Valid UTF-8 with multibyte sequences is almost never an accident:
                # the label is wrong (clients that write UTF-8 and say ISO-8859-1).
                utf8 = _strict(data, "utf-8")
                if utf8 is not None:
                    return Decoded(utf8, "utf-8", guessed=True)
                declared_mess = _mess(text)
                if declared_mess > MESS_TOLERATED:
                    detected = detect(data)
                    if detected and _mess(detected.text) + MESS_TOLERATED < declared_mess:
                        return detected
            return Decoded(text.removeprefix("\ufeff"), candidate)
    detected = detect(data)
    if detected is not None:
        return detected
    # Nothing decodes cleanly: lose as little as possible, in the declared charset
    # when there is one, else in UTF-8.
    fallback = codec or "utf-8"
    return Decoded(data.decode(fallback, errors="replace"), fallback, guessed=True, lossy=True)


def decode_8bit_header(raw: bytes, hints: tuple[str, ...] = ()) -> Decoded:
    """Decode a header written with raw 8-bit bytes (no encoded-words).

    Such headers carry no charset; the sender almost always used the charset of the
    message body, so the body's charsets come as hints before detection.
    """
    text = _strict(raw, "utf-8")
    if text is not None:
        return Decoded(text, "utf-8", guessed=True)
    for hint in hints:
        codec = resolve_charset(hint)
        if codec is None or codec.startswith("utf"):
            continue
        for candidate in _decoding_chain(codec):
            text = _strict(raw, candidate)
            if text is not None and _mess(text) <= MESS_TOLERATED:
                return Decoded(text, candidate, guessed=True)
    # Detect on the words that carry 8-bit bytes only: the ASCII around them (field
    # syntax, a "filename=" prefix) makes every charset's decoding look mixed.
    words = b" ".join(EIGHT_BIT_WORD.findall(raw))
    detected = detect(words) if words else None
    if detected is not None:
        text = _strict(raw, detected.charset)
        if text is not None:
            return Decoded(text, detected.charset, guessed=True)
    return decode_bytes(raw, None)
