"""Agents answer the desk's e-mails about a ticket by e-mail.

An e-mail to an agent about a ticket (a trigger's "customer wrote", "assigned to you",
an SLA escalation) carries two keys to the ticket and the agent: its Reply-To is a
per-agent, per-ticket address of the ticket's mailbox
(`support+a1234-7-5f0c9a1b2e7d@example.com`, when the mailbox has plus-addressing on;
otherwise the mailbox's own address), and its Message-ID names them too
(`agent.1234.7.5f0c9a1b2e7d.<random>@example.com`), so the answer's In-Reply-To finds
them when the mail program dropped the Reply-To. Both end in an HMAC of the ticket
number and the agent's id: nobody can write into a ticket as an agent by guessing, and
a customer, who never sees these keys, cannot either.

The answer arrives through any way in (IMAP, SMTP, a provider's webhook) and the one
pipeline: stored raw, duplicates recognised, then here instead of the customer path.
Its new text (quoted history and signature taken off by the reply parser) becomes the
agent's public reply, which goes to the customer through the outbox like any reply; or
an internal note when its first line starts with `MAIL_AGENT_NOTE_KEYWORD` ("#note").
Mail with a key from one of the desk's people who is not that agent, from an agent who
may no longer see the ticket, or for a ticket that is gone, changes nothing: it is marked
failed with the reason, for an admin to read (and reprocess once it is fixed). An
automatic answer (an agent's out-of-office) is kept and ignored. Anybody else with a key
got it on a copy of the agent's answer (copied on it, or sent it on): their mail is
theirs, a customer's message on the key's ticket, never the agent's.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils import translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.html import escape
from django.utils.translation import gettext as _

from concierge.mail import addresses, conf
from concierge.mail.mime import ParsedMessage
from concierge.mail.models import IngestAction, Mailbox, OutboundEmail
from concierge.mail.services import threading  # the module: it imports this one too
from concierge.people.models import STAFF_ROLES, User
from concierge.tickets.attachments import IncomingFile
from concierge.tickets.models import Message, Ticket
from concierge.tickets.queries import tickets_visible_to
from concierge.tickets.services import NotAllowedError, ticket_reply

_HMAC_SALT = "concierge.mail.agent-reply"
ADDRESS_TAG = re.compile(r"^a(\d{1,18})-(\d{1,18})-([0-9a-f]{12})$")
MESSAGE_ID = re.compile(r"^agent\.(\d{1,18})\.(\d{1,18})\.([0-9a-f]{12})\.[0-9a-f]+@", re.I)


class AgentAnswerRefusedError(Exception):
    """The answer may not change the ticket; the message says why (shown to admins)."""


@dataclass(frozen=True)
class AnswerKey:
    ticket_number: int
    agent_id: int


def _code(number: int, agent_id: int) -> str:
    return salted_hmac(_HMAC_SALT, f"{number}:{agent_id}", algorithm="sha256").hexdigest()[:12]


def _key(number: str, agent_id: str, code: str) -> AnswerKey | None:
    key = AnswerKey(int(number), int(agent_id))
    if constant_time_compare(code.lower(), _code(key.ticket_number, key.agent_id)):
        return key
    return None


def reply_address(mailbox_address: str, number: int, agent_id: int) -> str:
    local, _, domain = addresses.normalize(mailbox_address).rpartition("@")
    return f"{local}+a{number}-{agent_id}-{_code(number, agent_id)}@{domain}"


def message_id(domain: str, number: int, agent_id: int) -> str:
    random = secrets.token_hex(8)
    return f"agent.{number}.{agent_id}.{_code(number, agent_id)}.{random}@{domain}"


def _keys(parsed: ParsedMessage, envelope_to: Iterable[str]) -> Iterator[AnswerKey]:
    """The valid keys the message carries: its recipients first, then the ids it answers."""
    for address in threading.recipient_addresses(parsed, envelope_to):
        match = ADDRESS_TAG.match(addresses.split_tag(address)[1])
        if match and (key := _key(*match.groups())) is not None:
            yield key
    for referenced in (parsed.in_reply_to, *reversed(parsed.references)):
        match = MESSAGE_ID.match(referenced or "")
        if match and (key := _key(*match.groups())) is not None:
            yield key


def keyed_ticket_number(parsed: ParsedMessage, envelope_to: Iterable[str] = ()) -> int | None:
    """The ticket a valid key in the message names, whoever sent it.

    For threading: a customer who answers a copy of an agent's answer (copied on it,
    or sent it on) writes into that ticket, as with a per-ticket reply address.
    """
    key = next(_keys(parsed, envelope_to), None)
    return key.ticket_number if key is not None else None


def answer_key(parsed: ParsedMessage, *, envelope_to: list[str], sender: str) -> AnswerKey | None:
    """The ticket and agent of an agent's answer to the desk's e-mail; None for other mail.

    Plain string checks come first, so ordinary customer mail costs no query; mail with
    a valid key costs one. A key also reaches people who are not its agent: a customer
    copied on the agent's answer who answers all, or who was sent it on. Their mail is
    the customer's (None), and threading finds its ticket by the key. Mail from one of
    the desk's own people, or from nobody, still takes the agent's path, where it is
    refused: nobody but the key's agent writes as that agent, and a colleague's mail is
    not quietly turned into a customer's.
    """
    keys = list(dict.fromkeys(_keys(parsed, envelope_to)))
    if not keys:
        return None
    sender = addresses.normalize(sender)
    if not sender:
        return keys[0]  # refused there: an answer must say who wrote it
    rows = User.objects.filter(
        Q(pk__in=[key.agent_id for key in keys]) | Q(email__iexact=sender)
    ).values_list("pk", "email", "role")
    senders = {pk: role for pk, email, role in rows if addresses.normalize(email) == sender}
    # Mail that answers several agents' e-mails carries several keys: the sender's counts.
    mine = next((key for key in keys if key.agent_id in senders), None)
    if mine is not None:
        return mine
    # One of the desk's people with another agent's key: refused on the agent's path.
    return keys[0] if any(role in STAFF_ROLES for role in senders.values()) else None


# --- the e-mail to the agent -------------------------------------------------------------


def _footer(agent: User) -> str:
    keyword = conf.agent_note_keyword()
    with translation.override(agent.language or settings.LANGUAGE_CODE):
        if agent.can_reply_publicly:
            return _(
                "Answer this e-mail to reply to the customer. Start your answer with "
                "“%(keyword)s” to add an internal note instead."
            ) % {"keyword": keyword}
        return _("Answer this e-mail starting with “%(keyword)s” to add an internal note.") % {
            "keyword": keyword
        }


def notification_make_answerable(
    *, outbound: OutboundEmail, ticket: Ticket, mailbox: Mailbox | None
) -> bool:
    """Give a queued e-mail to an agent the keys that let the agent answer it by e-mail.

    Only for an active agent who may see the ticket, and only when a mailbox of ours
    receives the answer. Call in the transaction that queued it, before it is sent.
    """
    if mailbox is None:
        return False
    address = addresses.normalize(outbound.recipient or (outbound.to or [""])[0])
    agent = User.objects.filter(email__iexact=address, is_active=True).first()
    if agent is None or not agent.is_agent:
        return False
    if not tickets_visible_to(agent).filter(pk=ticket.pk).exists():
        return False
    domain = addresses.normalize(mailbox.address).rpartition("@")[2]
    outbound.reply_to = (
        reply_address(mailbox.address, ticket.number, agent.pk)
        if mailbox.plus_addressing
        else mailbox.address
    )
    outbound.message_id = message_id(domain, ticket.number, agent.pk)
    footer = _footer(agent)
    outbound.body_text = f"{outbound.body_text.rstrip()}\n\n-- \n{footer}\n"
    if outbound.body_html:
        html_footer = f"<hr>\n<p>{escape(footer)}</p>\n"
        # Inside the document when the template wrote a whole one, not after </html>.
        head, body_end, tail = outbound.body_html.rpartition("</body>")
        outbound.body_html = (
            f"{head}{html_footer}{body_end}{tail}"
            if body_end
            else f"{outbound.body_html}\n{html_footer}"
        )
    outbound.save(update_fields=["reply_to", "message_id", "body_text", "body_html"])
    return True


# --- the agent's answer ------------------------------------------------------------------


def ignore_reason(parsed: ParsedMessage) -> str:
    """Why an answer to an agent's e-mail is kept but not used (an out-of-office)."""
    if parsed.is_bounce or parsed.is_auto_reply or parsed.suppress_auto_response:
        return "an automatic reply to an e-mail sent to an agent"
    return ""


def _ticket(number: int) -> Ticket:
    ticket = Ticket.objects.filter(number=number).first()
    if ticket is None:
        raise AgentAnswerRefusedError(f"ticket #{number} no longer exists")
    # The walk visits each ticket once, so even a merge cycle ends.
    return threading.merge_target(ticket)


def _agent(key: AnswerKey, sender: str, ticket: Ticket) -> User:
    agent = User.objects.filter(pk=key.agent_id).first()
    if agent is None or not agent.is_active or not agent.is_agent:
        raise AgentAnswerRefusedError(
            f"the agent the e-mail about ticket #{key.ticket_number} went to is no agent now"
        )
    if sender != addresses.normalize(agent.email):
        raise AgentAnswerRefusedError(
            f"sent from {sender or 'no address'}, not from {agent.email}, the agent the "
            f"e-mail about ticket #{key.ticket_number} went to"
        )
    if not tickets_visible_to(agent).filter(pk=ticket.pk).exists():
        raise AgentAnswerRefusedError(f"{agent.email} may not see ticket #{ticket.number}")
    return agent


def split_keyword(text: str, keyword: str) -> tuple[bool, str]:
    """(is a note, the text without the keyword) from the first line of the answer."""
    stripped = text.lstrip()
    if keyword and stripped.casefold().startswith(keyword.casefold()):
        rest = stripped[len(keyword) :]
        if not rest or not (rest[0].isalnum() or rest[0] == "_"):
            return True, rest.lstrip(" \t:").lstrip("\r\n").strip()
    return False, text.strip()


def agent_answer_deliver(
    *, parsed: ParsedMessage, key: AnswerKey, files: list[IncomingFile], refused: list[str]
) -> tuple[str, Ticket, Message]:
    """Add the agent's answer to the ticket: a public reply, or a note with the keyword.

    Raises AgentAnswerRefusedError when it may not; the caller's transaction then
    changes nothing and the stored message is marked failed with the reason.
    """
    ticket = _ticket(key.ticket_number)
    agent = _agent(key, addresses.normalize(parsed.from_.address), ticket)
    internal, text = split_keyword(
        parsed.reply.reply_text.strip() or parsed.text.strip(), conf.agent_note_keyword()
    )
    if refused:
        note = _("Not attached (still in the original message):")
        text = "\n\n".join(filter(None, [text, note + "\n" + "\n".join(refused)]))
    if not text and not files:
        raise AgentAnswerRefusedError("the answer has no text")
    try:
        message = ticket_reply(
            ticket=ticket,
            author=agent,
            body_text=text or _("(no text)"),
            internal=internal,
            attachments=files,
        )
    except NotAllowedError as error:
        raise AgentAnswerRefusedError(f"{agent.email}: {error}") from None
    # The agent's own Message-ID is not kept for threading: the next e-mail to the
    # customer would answer it and show the agent's mail host in its References. A
    # second copy of the answer is caught by its fingerprint.
    return IngestAction.APPENDED, message.ticket, message
