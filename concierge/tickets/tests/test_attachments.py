"""Specification of attachments: stored safely, refused clearly, never half-saved."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from concierge.tickets.attachments import (
    IncomingFile,
    clean_filename,
    guess_content_type,
    validate_uploads,
)
from concierge.tickets.models import Attachment, Channel, Message, Ticket, TicketEvent
from concierge.tickets.services import message_receive, ticket_create, ticket_reply


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\system.ini", "system.ini"),
        ("/var/lib/secret.txt", "secret.txt"),
        ("quarterly report (final).pdf", "quarterly_report_final.pdf"),
        ("отчёт за май.pdf", "отчёт_за_май.pdf"),
        ("İade formu.docx", "İade_formu.docx"),
        ("..", "file"),
        ("", "file"),
    ],
)
def test_file_names_are_cleaned_to_a_safe_base_name(given, expected):
    assert clean_filename(given) == expected


def test_a_very_long_file_name_is_shortened():
    assert len(clean_filename("a" * 300 + ".pdf")) == 200


def test_a_received_file_is_stored_with_its_clean_name(customer, settings):
    ticket = ticket_create(
        requester=customer,
        subject="Invoice",
        body_text="See attached",
        channel=Channel.EMAIL,
        attachments=[IncomingFile("../../etc/passwd", "text/plain", b"root:x:0:0")],
    )

    attachment = Attachment.objects.get(message__ticket=ticket)
    assert attachment.filename == "passwd"
    assert attachment.size == len(b"root:x:0:0")
    assert attachment.content_type == "text/plain"
    assert ".." not in attachment.file.name
    path = Path(attachment.file.path).resolve()
    assert path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert path.read_bytes() == b"root:x:0:0"
    assert not (Path(settings.MEDIA_ROOT).parent / "etc" / "passwd").exists()


def test_an_uploaded_file_is_stored_on_an_agents_reply(ticket, agent):
    upload = SimpleUploadedFile("label.pdf", b"%PDF-1.7 label", content_type="application/pdf")

    reply = ticket_reply(
        ticket=ticket, author=agent, body_text="Return label", internal=False, attachments=[upload]
    )

    [attachment] = reply.attachments.all()
    assert (attachment.filename, attachment.content_type) == ("label.pdf", "application/pdf")
    with attachment.file.open("rb") as stored:
        assert stored.read() == b"%PDF-1.7 label"


def test_an_undeclared_type_is_guessed_from_the_name():
    assert guess_content_type("photo.jpg", "application/octet-stream") == "image/jpeg"
    assert guess_content_type("photo.jpg", "") == "image/jpeg"
    assert guess_content_type("notes.txt", "Text/Plain; charset=utf-8") == "text/plain"
    assert guess_content_type("blob", "") == "application/octet-stream"


def test_a_file_over_the_size_limit_is_refused_with_a_clear_message(customer, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024

    with pytest.raises(ValidationError) as refused:
        ticket_create(
            requester=customer,
            subject="Photos",
            body_text="Two photos",
            channel=Channel.EMAIL,
            attachments=[IncomingFile("big.jpg", "image/jpeg", b"x" * 1025)],
        )

    assert refused.value.code == "too_large"
    assert "big.jpg is too large" in refused.value.messages[0]
    assert "1.0\xa0KB" in refused.value.messages[0]  # the limit, readable by a person
    assert Ticket.objects.count() == Message.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("setup.exe", "application/octet-stream"),
        ("RUN.BAT", ""),
        ("invoice.pdf.js", "application/pdf"),
        ("page.txt", "text/html"),
        ("logo.png", "image/svg+xml"),
    ],
)
def test_a_blocked_type_is_refused_by_name_or_declared_type(ticket, customer, name, content_type):
    version = Ticket.objects.get(pk=ticket.pk).version
    messages, events = Message.objects.count(), TicketEvent.objects.count()

    with pytest.raises(ValidationError) as refused:
        message_receive(
            ticket=ticket,
            customer=customer,
            body_text="Here it is",
            channel=Channel.EMAIL,
            attachments=[IncomingFile(name, content_type, b"payload")],
        )

    assert refused.value.code == "blocked_type"
    assert "files of this type are not accepted" in refused.value.messages[0]
    assert (Message.objects.count(), TicketEvent.objects.count()) == (messages, events)
    assert Ticket.objects.get(pk=ticket.pk).version == version


def test_one_refused_file_rolls_back_the_whole_message_and_stores_no_file(
    ticket, customer, settings
):
    with pytest.raises(ValidationError):
        message_receive(
            ticket=ticket,
            customer=customer,
            body_text="Photo and installer",
            channel=Channel.EMAIL,
            attachments=[
                IncomingFile("photo.jpg", "image/jpeg", b"jpeg bytes"),
                IncomingFile("tool.exe", "", b"MZ"),
            ],
        )

    assert ticket.messages.count() == 1
    assert Attachment.objects.count() == 0
    assert stored_files(settings) == []


def test_validate_uploads_accepts_ordinary_files_and_limits_their_number(settings):
    settings.ATTACHMENT_MAX_FILES = 2
    files = [SimpleUploadedFile(f"photo{i}.jpg", b"jpeg", "image/jpeg") for i in range(3)]

    assert validate_uploads(files[:2]) == files[:2]
    with pytest.raises(ValidationError) as refused:
        validate_uploads(files)
    assert refused.value.code == "too_many"
    assert "at most 2 files" in refused.value.messages[0]


def test_validate_uploads_checks_every_file(settings):
    settings.ATTACHMENT_MAX_BYTES = 10
    files = [
        SimpleUploadedFile("small.txt", b"ok", "text/plain"),
        SimpleUploadedFile("large.txt", b"x" * 11, "text/plain"),
    ]

    with pytest.raises(ValidationError, match=r"large\.txt is too large"):
        validate_uploads(files)
