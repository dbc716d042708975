"""Every fixture message of the parser's corpus, end to end through ingestion.

Each must become ticket data without failing: the reply text as the parser extracted
it, the thread it answers, and its files (minus refused types, which stay in the
original, which is kept byte for byte).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from concierge.mail.mime import parse_message
from concierge.mail.models import Direction, IngestAction, MailMessageId, RawMessage
from concierge.people.services import customer_find_or_create_by_email
from concierge.tickets.attachments import clean_filename, guess_content_type, validate_attachment
from concierge.tickets.models import Message, Ticket
from concierge.tickets.services import ticket_create

FIXTURES = sorted((Path(__file__).parent / "fixtures").glob("*.eml"))
OUR_REPLY = "ticket-4411-reply-1@concierge.example"


@pytest.fixture
def answered_ticket(mailbox):
    """The ticket the corpus' replies answer: our reply's Message-ID is on record."""
    requester = customer_find_or_create_by_email(email="emily.clark@example.com")
    ticket = ticket_create(requester=requester, subject="Invoice", body_text="?", channel="email")
    MailMessageId.objects.create(message_id=OUR_REPLY, ticket=ticket, direction=Direction.OUTBOUND)
    return ticket


def _storable(parsed) -> list[str]:
    names = []
    for attachment in parsed.attachments:
        name = clean_filename(attachment.filename)
        try:
            validate_attachment(
                filename=name,
                content_type=guess_content_type(name, attachment.content_type),
                size=attachment.size,
            )
        except Exception:  # noqa: S112 - refused files are expected in the corpus
            continue
        names.append(name)
    return names


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_every_corpus_message_becomes_ticket_data(path, ingest, answered_ticket):
    raw = path.read_bytes()
    parsed = parse_message(raw)

    result = ingest(raw)

    assert result.action != IngestAction.FAILED, result.error
    stored = RawMessage.objects.get()
    with stored.file.open("rb") as handle:
        assert handle.read() == raw
    if result.action == IngestAction.IGNORED:
        return
    message = Message.objects.get(pk=stored.ticket_message_id)
    expected = parsed.reply.reply_text.strip() or parsed.text.strip()
    if expected:
        assert message.body_text.startswith(expected)
    assert "\ufffd" not in message.body_text or "\ufffd" in parsed.text
    if parsed.in_reply_to == OUR_REPLY:
        assert message.ticket == answered_ticket
    assert sorted(a.filename for a in message.attachments.all()) == sorted(_storable(parsed))


def test_inline_images_show_in_the_original(login, agent, ingest, mailbox):
    raw = (Path(__file__).parent / "fixtures" / "related_cid_images.eml").read_bytes()
    ingest(raw)
    ticket = Ticket.objects.get()
    message = ticket.messages.get()
    inline = list(message.attachments.all())
    assert inline

    page = login(agent).get(reverse("mail:message_original", args=[ticket.number, message.pk]))

    html = page.content.decode().split("mail-html", 1)[1]
    assert reverse("tickets:attachment", args=[inline[0].pk]) in html
    assert 'src="cid:' not in html
