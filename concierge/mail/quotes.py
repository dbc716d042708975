"""Separating the new text of a reply from the quoted history and the signature.

Mail clients quote in three ways: "> " prefixes (bottom-posted or inline
answers), an attribution line above the quote ("On <date>, <name> wrote:" and
its translations), and an unprefixed copy of the old message below a separator
or an Outlook header block ("From: ... Sent: ..."). We scan from the top:
quoted lines are set aside wherever they are (so inline answers survive), and
the first attribution, separator or header block that is not followed by "> "
lines ends the new text. When unsure we keep text in the reply: the full
original is always stored beside it, but text wrongly hidden is text an agent
never reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from concierge.mail.htmlbody import html_reply_text, html_to_text

# Attribution lines end in a verb (and a colon) in most languages.
ATTRIBUTION_VERB = re.compile(
    r"(\bwrote|\bwrites|\ba écrit|\bécrit|\bschrieb|\bschreef|\bskrev|\bskriver|\bkirjoitti|"
    r"\bnapisał(\(a\))?|\bnapisała|\bnapsal(\(a\))?|\bnapísal(\(a\))?|пишет|написал(\(-?а\))?|"
    r"написала|yazdı|\bescribió|\bescreveu|\bha scritto|\bscrisse|írta|\bhar skrivit|"
    r"\bskrifaði|\bkirjutas|\brašė|\bgeschreven)\s*:$",
    re.IGNORECASE,
)
# English attributions without a colon ("On <date> <name> wrote") and Zoho's
# "---- On <date> <address> wrote ----".
ENGLISH_ATTRIBUTION = re.compile(r"^On\b.*\bwrote\s*:?$", re.IGNORECASE)
# Gmail, Yandex and mail.ru in several languages: "<date>, <time>, <name> <address>:".
ADDRESS_ATTRIBUTION = re.compile(r"<\s*[^<>\s]+@[^<>\s]+\s*>\s*:$")
CLOCK_TIME = re.compile(r"\d{1,2}[:.]\d{2}")
ATTRIBUTION_LEAD = re.compile(
    r"^(on|le|am|el|em|il|in data|op|den|dne|w dniu|dnia|quoting|citando|zitat von|pada|στις)\b",
    re.IGNORECASE,
)
NAME_WITH_ADDRESS = re.compile(r"^[^<>]{1,80}<[^<>\s]+@")
MAX_ATTRIBUTION_LINES = 4
MAX_ATTRIBUTION_LENGTH = 400

ORIGINAL_MESSAGE_PHRASES = (
    r"original message|original-nachricht|ursprüngliche nachricht|message d'origine|"
    r"message original|mensaje original|mensagem original|messaggio originale|"
    r"oorspronkelijk bericht|origineel bericht|ursprungligt meddelande|originalmeddelande|"
    r"oprindelig (besked|meddelelse)|opprinnelig melding|oryginalna wiadomość|"
    r"wiadomość oryginalna|исходное сообщение|оригинальное сообщение|"
    r"пересылаемое сообщение|пересланное сообщение|orijinal (ileti|mesaj)|özgün (ileti|mesaj)|"
    r"iletilen (ileti|mesaj)|alkuperäinen viesti|välitetty viesti|forwarded message|"
    r"weitergeleitete nachricht|message transféré|mensaje reenviado|mensagem encaminhada|"
    r"messaggio inoltrato|doorgestuurd bericht|vidarebefordrat meddelande|"
    r"videresendt (besked|meddelelse|melding)|przekazana wiadomość|eredeti üzenet|"
    r"továbbított üzenet|reply message|reply separator"
)
SEPARATOR = re.compile(
    rf"^[\s>]*(?:[-_=*]\s*){{2,}}\s*({ORIGINAL_MESSAGE_PHRASES})\s*(?:[-_=*]\s*)*:?\s*$",
    re.IGNORECASE,
)
FORWARD_INTRO = re.compile(
    r"^\s*(begin forwarded message|début du message réexpédié|anfang der weitergeleiteten "
    r"nachricht|начало переадресованного сообщения|iletilen ileti başlangıcı|"
    r"välitetty viesti alkaa|inicio del mensaje reenviado|início da mensagem reencaminhada|"
    r"inizio messaggio inoltrato|doorgestuurd bericht begint|vidarebefordrat brev börjar)\s*:\s*$",
    re.IGNORECASE,
)
DIVIDER = re.compile(r"^\s*(?:[-_=*~]\s*){4,}$")

HEADER_FIELDS = {
    "from": "from|de|von|van|da|från|fra|od|от|kimden|lähettäjä|feladó|remetente|afzender",
    "sent": (
        "sent|date|datum|envoyé|envoyé le|gesendet|verzonden|inviato|enviado|enviada|skickat|"
        "sendt|wysłano|data|отправлено|дата|gönderildi|gönderilme tarihi|tarih|lähetetty|"
        "päivämäärä|elküldve|dato|message du"
    ),
    "to": "to|à|a|an|aan|till|til|do|кому|kime|vastaanottaja|címzett|para|per",
    "cc": "cc|copie à|копия|bilgi|kopio|kopie|másolat",
    "subject": (
        "subject|objet|sujet|betreff|onderwerp|oggetto|asunto|assunto|ämne|emne|temat|тема|"
        "konu|aihe|tárgy"
    ),
}
HEADER_FIELD = re.compile(
    r"^\s*\*?\s*(?P<field>"
    + "|".join(HEADER_FIELDS.values())
    + r")\s*\*?\s*:\s*\*?\s*(?P<value>.*)$",
    re.IGNORECASE,
)
FIELD_KIND = {name: kind for kind, names in HEADER_FIELDS.items() for name in names.split("|")}

MOBILE_PREFIXES = (
    r"sent from|sent via|sent with|sent using|get outlook for|envoyé de|envoyé depuis|"
    r"envoyé à partir de|envoyé avec|gesendet von|gesendet mit|enviado desde|enviado do|"
    r"enviado a partir do|inviato da|inviato dal|verzonden vanaf|verzonden met|"
    r"verstuurd vanaf|verstuurd met|skickat från|sendt fra|wysłane z|wysłano z|"
    r"отправлено с|отправлено из|отправлено через|послано с|lähetetty|hanki outlook|"
    r"получить outlook|получите outlook|загрузите outlook"
)
LINK_SUFFIX = r"(?:\s*[<\[](?:https?://|mailto:)[^>\]\s]*[>\]])?"
SIGNATURE_TAIL = r"[\w'’.\-+&() ]{1,60}?\.?" + LINK_SUFFIX
MOBILE_SIGNATURE = re.compile(
    rf"^(?:(?:{MOBILE_PREFIXES})\s{SIGNATURE_TAIL}"
    rf"|von meinem\s{SIGNATURE_TAIL}\sgesendet"
    rf"|{SIGNATURE_TAIL}['’]?\w*(?:dan|den|tan|ten)\s+gönderildi"
    rf"|(?:ios|android) için outlook['’]u edinin{LINK_SUFFIX})$",
    re.IGNORECASE,
)
MAX_MOBILE_SIGNATURE_WORDS = 8
# Classic delimiters ("-- " of RFC 3676 and what people type instead of it).
SIGNATURE_DELIMITER = re.compile(r"^(--|-- |__|[—–]+)\s*$")
# Past this many lines after a loose delimiter ("--", "__", an em dash) it is more
# likely a divider in the text than a signature.
MAX_SIGNATURE_LINES = 20
WRAPPED_QUOTE_MIN_LENGTH = 60


@dataclass(frozen=True)
class ReplyParts:
    reply_text: str
    quoted_text: str
    signature: str

    @property
    def has_hidden_text(self) -> bool:
        return bool(self.quoted_text or self.signature)


def _is_quoted(line: str) -> bool:
    return line.lstrip().startswith(">")


def _is_blank(line: str) -> bool:
    return not line.strip()


def _could_start_attribution(line: str) -> bool:
    text = line.strip().lstrip("-").strip()
    return bool(
        ATTRIBUTION_LEAD.match(text)
        or any(character.isdigit() for character in text[:25])
        or NAME_WITH_ADDRESS.match(text)
    )


def _is_attribution(joined: str) -> bool:
    text = joined.strip().strip("-").strip()
    if not any(character.isdigit() or character == "@" for character in text):
        return False
    if ENGLISH_ATTRIBUTION.match(text) or ATTRIBUTION_VERB.search(text):
        return True
    return bool(ADDRESS_ATTRIBUTION.search(text) and CLOCK_TIME.search(text))


def _attribution_end(lines: list[str], start: int) -> int | None:
    if not _could_start_attribution(lines[start]):
        return None
    parts: list[str] = []
    for index in range(start, min(start + MAX_ATTRIBUTION_LINES, len(lines))):
        if _is_blank(lines[index]):
            return None
        parts.append(lines[index].strip())
        joined = " ".join(parts)
        if len(joined) > MAX_ATTRIBUTION_LENGTH:
            return None
        if joined.rstrip()[-1:] in {":", "-", "e"} and _is_attribution(joined):
            return index + 1
    return None


def _header_block_end(lines: list[str], start: int) -> int | None:
    """End of an Outlook-style "From: / Sent: / To: / Subject:" block starting here."""
    first = HEADER_FIELD.match(lines[start])
    if first is None or FIELD_KIND[first["field"].lower()] not in {"from", "sent"}:
        return None
    kinds: list[str] = []
    from_value = ""
    sent_value = ""
    end = start
    index = start
    while index < len(lines):
        match = HEADER_FIELD.match(lines[index])
        if match is not None:
            kind = FIELD_KIND[match["field"].lower()]
            kinds.append(kind)
            if kind == "from" and not from_value:
                from_value = match["value"]
            if kind == "sent" and not sent_value:
                sent_value = match["value"]
            end = index + 1
            index += 1
            continue
        # Long addresses wrap onto the next line; allow one such line between fields.
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if not _is_blank(lines[index]) and HEADER_FIELD.match(following) and kinds:
            index += 1
            continue
        break
    if "from" not in kinds or len(set(kinds)) < 2:
        return None
    from_is_address = "@" in from_value or "mailto:" in from_value.lower()
    dated_with_subject = any(c.isdigit() for c in sent_value) and "subject" in kinds
    return end if (from_is_address or dated_with_subject) else None


def _quote_start(lines: list[str], index: int) -> tuple[int, bool] | None:
    """(end of the quote's header, whether "> " lines may follow it) or None."""
    line = lines[index]
    if SEPARATOR.match(line) or FORWARD_INTRO.match(line):
        return index + 1, False
    end = _attribution_end(lines, index)
    if end is not None:
        return end, True
    end = _header_block_end(lines, index)
    if end is not None:
        return end, False
    return None


def _is_wrapped_quote_line(lines: list[str], index: int) -> bool:
    """A line the sender's client wrapped out of a "> " line (it lost its prefix)."""
    previous = lines[index - 1] if index else ""
    current = lines[index].strip()
    following = lines[index + 1] if index + 1 < len(lines) else ""
    return (
        _is_quoted(previous)
        and len(previous.lstrip().lstrip(">").strip()) >= WRAPPED_QUOTE_MIN_LENGTH
        and current[:1].islower()
        and (_is_quoted(following) or _is_blank(following))
    )


def _quoted_region_end(lines: list[str], start: int) -> int:
    index = start
    while index < len(lines):
        if _is_quoted(lines[index]) or _is_wrapped_quote_line(lines, index):
            index += 1
            continue
        if _is_blank(lines[index]):
            following = index
            while following < len(lines) and _is_blank(lines[following]):
                following += 1
            if following < len(lines) and _is_quoted(lines[following]):
                index = following
                continue
        break
    return index


def _skip_blank_after_removal(lines: list[str], index: int, reply: list[str]) -> int:
    """Where to go on after removed quoted lines, without doubling the blank line
    between the answers around them."""
    if reply and not _is_blank(reply[-1]):
        return index
    return _skip_blank(lines, index)


def _skip_blank(lines: list[str], index: int) -> int:
    while index < len(lines) and _is_blank(lines[index]):
        index += 1
    return index


def _is_mobile_signature(line: str) -> bool:
    text = line.strip()
    return len(text.split()) <= MAX_MOBILE_SIGNATURE_WORDS + 2 and bool(
        MOBILE_SIGNATURE.match(text)
    )


def _has_text(lines: list[str]) -> bool:
    return any(not _is_blank(line) for line in lines)


def _split_signature(reply: list[str]) -> tuple[list[str], list[str]]:
    in_fence = False
    for index, line in enumerate(reply):
        if line.strip().startswith("```"):
            in_fence = not in_fence
        if in_fence or not SIGNATURE_DELIMITER.match(line) or not _has_text(reply[:index]):
            continue
        rest = reply[index + 1 :]
        strict_delimiter = line.rstrip("\n") == "-- "
        if strict_delimiter or sum(1 for r in rest if not _is_blank(r)) <= MAX_SIGNATURE_LINES:
            return reply[:index], reply[index:]
    return reply, []


def _split_lines(lines: list[str]) -> tuple[list[str], list[str], list[str]]:
    reply: list[str] = []
    quoted: list[str] = []
    signature: list[str] = []
    in_fence = False
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.strip().startswith("```"):
            in_fence = not in_fence
        if in_fence or line.strip().startswith("```"):
            reply.append(line)
            index += 1
            continue
        if _is_quoted(line):
            end = _quoted_region_end(lines, index)
            quoted.extend(lines[index:end])
            index = _skip_blank_after_removal(lines, end, reply)
            continue
        if _has_text(reply) and _is_mobile_signature(line):
            # Mobile clients put the original right under their signature line.
            signature = [line]
            quoted.extend(lines[index + 1 :])
            break
        start = _quote_start(lines, index)
        if start is not None:
            end, may_introduce_quote = start
            following = end
            while following < len(lines) and _is_blank(lines[following]):
                following += 1
            if may_introduce_quote and following < len(lines) and _is_quoted(lines[following]):
                quoted.extend(lines[index:following])
                index = following
                continue
            # A divider line ("____", "====") above the history belongs to it.
            moved: list[str] = []
            while reply and (_is_blank(reply[-1]) or DIVIDER.match(reply[-1])):
                moved.insert(0, reply.pop())
            quoted.extend(moved + lines[index:])
            break
        reply.append(line)
        index += 1
    reply, delimited = _split_signature(reply)
    return reply, quoted, delimited + signature


def _clean(lines: list[str]) -> str:
    return "\n".join(line.rstrip() for line in lines).strip("\n")


def _split_by_html(text_lines: list[str], html: str) -> tuple[list[str], list[str]] | None:
    """Use the client's HTML quote container when the text alone showed no quote."""
    html_reply = html_reply_text(html)
    if not html_reply or not html_reply.strip():
        return None
    last_line = " ".join(html_reply.strip().splitlines()[-1].split())
    for index, line in enumerate(text_lines):
        if last_line and " ".join(line.split()) == last_line:
            if _has_text(text_lines[index + 1 :]):
                return text_lines[: index + 1], text_lines[index + 1 :]
            return None
    return None


def extract_reply(text: str, html: str | None = None) -> ReplyParts:
    """Split a message body into its new text, the quoted history and the signature."""
    if not (text or "").strip() and html:
        text = html_to_text(html)
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return ReplyParts("", "", "")
    lines = text.split("\n")
    reply, quoted, signature = _split_lines(lines)
    if not _has_text(quoted) and html:
        by_html = _split_by_html(lines, html)
        if by_html is not None:
            reply, quoted, signature = _split_lines(by_html[0])
            quoted = quoted + by_html[1]
    reply_text = _clean(reply)
    if not reply_text.strip():
        # Nothing new above the history (a bare forward, a lone quote): show it all
        # rather than an empty message.
        return ReplyParts(text.strip("\n"), "", "")
    return ReplyParts(reply_text, _clean(quoted).strip(), _clean(signature).strip())
