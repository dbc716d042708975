"""Specification of mail posted to the webhooks as form fields, up to the mail size limit.

Mailgun (`body-mime`) and SendGrid (raw `email`) post the whole message as one field of
a multipart form. Django holds form fields to DATA_UPLOAD_MAX_MEMORY_SIZE (5 MiB), a
limit for the site's own forms; the webhooks hold them to the mail size limit instead,
and every other form keeps Django's.
"""

from __future__ import annotations

import base64
import json
import random
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http.multipartparser import MultiPartParserError

from concierge.mail.formposts import multipart_post_read
from concierge.mail.models import RawMessage, RawStatus
from concierge.mail.tests import test_webhooks
from concierge.mail.tests.messages import SUPPORT, build
from concierge.mail.tests.test_webhooks import (
    SECRET,
    SIGNING_KEY,
    URL,
    mailgun_mime,
    stored_bytes,
)
from concierge.mail.views.webhooks import _read_body, body_limit
from concierge.tickets.models import Ticket

MiB = 1024 * 1024


post = test_webhooks.post  # posting as the provider does, shared


@pytest.fixture(autouse=True)
def webhooks(settings, mailbox):
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET, "MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}
    settings.MAIL_WEBHOOK_PROVIDERS = ["mailgun", "mailgun_mime", "sendgrid"]
    cache.clear()  # the rate limit's counters
    yield
    cache.clear()


@dataclass(frozen=True)
class BigMail:
    raw: bytes
    scan: bytes


@pytest.fixture(scope="module")
def big_mail() -> BigMail:
    """A customer's mail of about 8 MB: a 6 MB scan, base64 in the message."""
    scan = random.Random(8).randbytes(6 * 1000 * 1000)
    raw = build(
        subject="Scans of the broken lamp",
        body="The scans are attached.",
        attachments=[("scan.pdf", "application/pdf", scan)],
    )
    return BigMail(raw=raw, scan=scan)


def sendgrid_raw(raw: bytes) -> dict[str, str]:
    """SendGrid's Inbound Parse post with *POST the raw, full MIME message* ticked."""
    return {
        "email": raw.decode(),
        "to": SUPPORT,
        "from": "Emily Clark <emily@example.com>",
        "subject": "Scans of the broken lamp",
        "envelope": json.dumps({"to": [SUPPORT], "from": "emily@example.com"}),
        "charsets": json.dumps({"to": "UTF-8", "subject": "UTF-8", "from": "UTF-8"}),
        "SPF": "pass",
        "sender_ip": "192.0.2.10",
        "spam_score": "0.1",
    }


BOUNDARY = "xYzZY-provider-7MA4YWxkTrZu0gW"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"


def form_part(
    name: str,
    content: bytes,
    *,
    filename: str = "",
    content_type: str = "",
    transfer_encoding: str = "",
) -> bytes:
    """One part of a form post, built by hand for what the test client cannot post
    (fields in other charsets, base64 parts)."""
    disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
    headers = [f"Content-Disposition: {disposition}"]
    if content_type:
        headers.append(f"Content-Type: {content_type}")
    if transfer_encoding:
        headers.append(f"Content-Transfer-Encoding: {transfer_encoding}")
    return ("\r\n".join(headers) + "\r\n\r\n").encode() + content


def multipart_body(*parts: bytes) -> bytes:
    separator = f"--{BOUNDARY}\r\n".encode()
    return b"".join(separator + part + b"\r\n" for part in parts) + f"--{BOUNDARY}--\r\n".encode()


def attachment_of(ticket: Ticket):
    attachment = ticket.messages.get().attachments.get()
    with attachment.file.open("rb") as handle:
        return attachment, handle.read()


# --- big mail through the webhooks --------------------------------------------------------


def test_the_mail_is_bigger_than_djangos_form_limit_and_within_ours(big_mail, settings):
    assert 5 * MiB == settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE < 8_000_000 < len(big_mail.raw) < body_limit()


def test_an_8_mb_mailgun_mime_post_is_stored_as_sent_with_its_attachment(post, big_mail, mailbox):
    response = post("mailgun_mime", mailgun_mime(big_mail.raw))

    assert response.status_code == 200
    stored = RawMessage.objects.get()
    assert stored_bytes(stored) == big_mail.raw
    assert stored.mailbox == mailbox
    assert stored.status == RawStatus.PROCESSED
    ticket = Ticket.objects.get()
    assert ticket.subject == "Scans of the broken lamp"
    attachment, content = attachment_of(ticket)
    assert (attachment.filename, attachment.size) == ("scan.pdf", len(big_mail.scan))
    assert content == big_mail.scan


def test_an_8_mb_sendgrid_raw_post_is_stored_as_sent_with_its_attachment(post, big_mail, mailbox):
    response = post("sendgrid", sendgrid_raw(big_mail.raw))

    assert response.status_code == 200
    stored = RawMessage.objects.get()
    assert stored_bytes(stored) == big_mail.raw
    assert (stored.mailbox, stored.envelope_from) == (mailbox, "emily@example.com")
    ticket = Ticket.objects.get()
    attachment, content = attachment_of(ticket)
    assert attachment.filename == "scan.pdf"
    assert content == big_mail.scan


@pytest.mark.parametrize(
    ("provider", "fields"),
    [("mailgun_mime", mailgun_mime), ("sendgrid", sendgrid_raw)],
)
def test_a_form_post_over_the_mail_size_limit_is_still_too_big(
    post, big_mail, settings, provider, fields
):
    settings.MAIL_MAX_MESSAGE_BYTES = 4 * MiB
    assert body_limit() < len(big_mail.raw)

    response = post(provider, fields(big_mail.raw))

    assert response.status_code == 413
    assert not RawMessage.objects.exists()
    assert not Ticket.objects.exists()


def test_a_big_post_with_wrong_credentials_is_refused_unread(post, big_mail):
    wrong = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(b"desk:guess").decode()}

    response = post("mailgun_mime", mailgun_mime(big_mail.raw), auth=wrong)

    assert response.status_code == 403
    assert not RawMessage.objects.exists()


def test_a_big_post_with_a_bad_signature_is_refused(post, big_mail):
    response = post("mailgun_mime", mailgun_mime(big_mail.raw, key="key-of-somebody-else"))

    assert response.status_code == 403
    assert not RawMessage.objects.exists()


def test_sendgrids_parsed_post_keeps_its_charsets_and_its_big_attachment(post):
    """SendGrid's default mode posts the text in the sender's charset (named in `charsets`)
    and the attachments as files; anymail decodes the text again from the body we read."""
    # Binary, CR and LF bytes included: the rebuilt message keeps them (base64).
    manual = random.Random(6).randbytes(6 * MiB) + b"\r\n\n\r"
    body = multipart_body(
        form_part(
            "headers",
            b"From: Renee Martin <renee@example.com>\r\nTo: support@desk.example\r\n"
            b"Subject: =?utf-8?q?Lampe_cass=C3=A9e?=\r\n"
            b"Message-ID: <sg-parsed-1@example.com>\r\n",
        ),
        form_part("text", "La lampe est cassée, voici le manuel.".encode("iso-8859-1")),
        form_part("charsets", json.dumps({"text": "iso-8859-1", "headers": "UTF-8"}).encode()),
        form_part("envelope", json.dumps({"to": [SUPPORT], "from": "renee@example.com"}).encode()),
        form_part("attachment-info", json.dumps({"attachment1": {"filename": "m.pdf"}}).encode()),
        form_part("attachment1", manual, filename="manual.pdf", content_type="application/pdf"),
    )

    response = post("sendgrid", body, content_type=MULTIPART)

    assert response.status_code == 200
    ticket = Ticket.objects.get()
    assert ticket.subject == "Lampe cassée"
    assert ticket.messages.get().body_text == "La lampe est cassée, voici le manuel."
    attachment, content = attachment_of(ticket)
    assert (attachment.filename, attachment.content_type) == ("manual.pdf", "application/pdf")
    assert content == manual


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("multipart/form-data", b"no boundary was named"),
        (
            MULTIPART,
            multipart_body(
                form_part(
                    "attachment-1", b"bm90IGJhc2U2N", filename="a.txt", transfer_encoding="base64"
                )
            ),
        ),
    ],
    ids=["no-boundary", "broken-base64-file"],
)
def test_a_malformed_form_post_is_a_bad_request(post, content_type, body):
    response = post("mailgun", body, content_type=content_type)

    assert response.status_code == 400
    assert not RawMessage.objects.exists()


def test_the_sites_own_forms_keep_djangos_limit_after_a_big_webhook_post(
    post, client, big_mail, settings
):
    assert post("mailgun_mime", mailgun_mime(big_mail.raw)).status_code == 200

    too_big = client.post(
        "/login/",
        {"username": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1), "password": "secret"},
    )
    ordinary = client.post("/login/", {"username": "emily@example.com", "password": "guess"})

    assert too_big.status_code == 400  # RequestDataTooBig
    assert ordinary.status_code == 200  # the form, answered with its errors


# --- the reader ----------------------------------------------------------------------------


def form_request(rf, *parts: bytes, charset: str = ""):
    """A post to a webhook whose body was read as the webhook reads it."""
    body = multipart_body(*parts)
    if charset:
        # The request factory encodes text in the charset its content type names.
        request = rf.post(
            URL.format("mailgun"),
            body.decode(charset),
            content_type=f"{MULTIPART}; charset={charset}",
        )
    else:
        request = rf.post(URL.format("mailgun"), body, content_type=MULTIPART)
    assert _read_body(request)
    return request


def test_the_field_limit_counts_names_and_values_as_django_does(rf):
    parts = (form_part("subject", b"x" * 100), form_part("body-mime", b"y" * 1000))
    exact = 100 + len("subject") + 2 + 1000 + len("body-mime") + 2

    request = form_request(rf, *parts)
    multipart_post_read(request, field_limit=exact)
    assert request.POST["body-mime"] == "y" * 1000

    over = form_request(rf, *parts)
    with pytest.raises(RequestDataTooBig):
        multipart_post_read(over, field_limit=exact - 1)
    assert not over.POST  # left empty, not parsed again with Django's limit


def test_a_field_bigger_than_djangos_limit_is_read_for_the_webhook_only(rf, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    part = form_part("body-mime", b"z" * 5000)

    webhook = form_request(rf, part)
    multipart_post_read(webhook, field_limit=10_000)
    other = rf.post("/login/", multipart_body(part), content_type=MULTIPART)

    assert webhook.POST["body-mime"] == "z" * 5000
    with pytest.raises(RequestDataTooBig):
        other.POST  # noqa: B018


def test_djangos_counts_of_fields_and_files_still_hold(rf, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 2
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 1
    fields = [form_part(name, b"1") for name in ("a", "b", "c")]
    files = [form_part(f"attachment-{n}", b"1", filename=f"{n}.txt") for n in (1, 2)]

    with pytest.raises(TooManyFieldsSent):
        multipart_post_read(form_request(rf, *fields), field_limit=10_000)
    with pytest.raises(TooManyFilesSent):
        multipart_post_read(form_request(rf, *files), field_limit=10_000)
    allowed = form_request(rf, *fields[:2], *files[:1])
    multipart_post_read(allowed, field_limit=10_000)
    assert (sorted(allowed.POST), sorted(allowed.FILES)) == (["a", "b"], ["attachment-1"])


def test_files_are_decoded_and_their_names_cleaned(rf):
    request = form_request(
        rf,
        form_part(
            "attachment-1",
            base64.b64encode(b"%PDF-1.4 invoice"),
            filename="../../etc/invoice.pdf",
            content_type="application/pdf",
            transfer_encoding="base64",
        ),
        form_part("attachment-2", b"note", filename="..", content_type="text/plain"),
        form_part(
            "attachment-3",
            b"Gr\xfc\xdfe",
            filename="hi.txt",
            content_type="text/plain; charset=iso-8859-1",
        ),
    )

    multipart_post_read(request, field_limit=10_000)

    invoice, greeting = request.FILES["attachment-1"], request.FILES["attachment-3"]
    assert (invoice.name, invoice.content_type, invoice.read()) == (
        "invoice.pdf",
        "application/pdf",
        b"%PDF-1.4 invoice",
    )
    assert "attachment-2" not in request.FILES  # a name Django refuses drops the file
    assert (greeting.charset, greeting.read()) == ("iso-8859-1", b"Gr\xfc\xdfe")


def test_fields_are_decoded_with_the_posts_charset(rf):
    request = form_request(
        rf,
        form_part("subject", "Lampe cassée".encode("iso-8859-1")),
        charset="iso-8859-1",
    )

    multipart_post_read(request, field_limit=10_000)

    assert request.POST["subject"] == "Lampe cassée"
    assert request.POST.encoding == "iso-8859-1"


def test_a_malformed_part_fails_the_whole_post(rf):
    request = form_request(
        rf,
        form_part("subject", b"Lamp"),
        form_part("attachment-1", b"bm90IGJhc2U2N", filename="a.txt", transfer_encoding="base64"),
    )

    with pytest.raises(MultiPartParserError):
        multipart_post_read(request, field_limit=10_000)
    assert not request.POST


def test_sendgrids_parsed_post_with_raw_utf8_headers_is_stored_and_read(post):
    """A provider posting the headers as UTF-8 text (no encoded words) is no error."""
    body = multipart_body(
        form_part(
            "headers",
            "From: Renée Martin <renee@example.com>\r\nTo: support@desk.example\r\n"
            "Subject: Lampe cassée\r\nMessage-ID: <sg-parsed-2@example.com>\r\n".encode(),
        ),
        form_part("text", "Elle est cassée.".encode()),
        form_part("charsets", json.dumps({"text": "utf-8", "headers": "UTF-8"}).encode()),
        form_part("envelope", json.dumps({"to": [SUPPORT], "from": "renee@example.com"}).encode()),
    )

    response = post("sendgrid", body, content_type=MULTIPART)

    assert response.status_code == 200
    ticket = Ticket.objects.get()
    assert ticket.subject == "Lampe cassée"
    assert ticket.requester.full_name == "Renée Martin"
    assert ticket.messages.get().body_text == "Elle est cassée."
