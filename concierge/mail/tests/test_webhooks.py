"""Specification of the providers' inbound webhooks (/mail/inbound/<provider>/).

The providers are third-party services, so their side is played by the Django test
client posting what they post: the payload shapes of their documentation and of
django-anymail's own tests (Mailgun's signed form post, Postmark's JSON, SendGrid's raw
form post, Amazon SNS notifications of SES receipts). Everything after the post is
real: anymail's checks and parsing, the raw store, the worker's processing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest
from anymail.inbound import AnymailInboundMessage
from anymail.signals import AnymailInboundEvent
from django.core.cache import cache

from concierge.mail.mime import parse_message
from concierge.mail.models import IngestAction, Mailbox, RawMessage, RawSource, RawStatus
from concierge.mail.services import mailboxes
from concierge.mail.services.webhooks import original_bytes
from concierge.mail.tests.messages import SUPPORT, build
from concierge.tickets.models import Ticket

SECRET = "desk-webhooks:Zx81-long-random"
SIGNING_KEY = "key-3ax6xnjp29jd6fds4gc373sgvjxteol0"
URL = "/mail/inbound/{}/"
AUTH = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(SECRET.encode()).decode()}


@pytest.fixture(autouse=True)
def webhooks(settings, mailbox):
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET, "MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}
    settings.MAIL_WEBHOOK_PROVIDERS = [
        "mailgun",
        "mailgun_mime",
        "postmark",
        "sendgrid",
        "amazon_ses",
    ]
    cache.clear()  # the rate limit's counters
    yield
    cache.clear()


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """Post as the provider does; what the post queued (processing) runs as it commits."""

    def run(provider, data, *, auth=AUTH, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(URL.format(provider), data, **{**auth, **extra})

    return run


MAILGUN_TOKEN = "06c96bafc3f42a66b9edd546347a2fe18dc23461"


def mailgun_signed(fields, *, key=SIGNING_KEY, token=MAILGUN_TOKEN):
    timestamp = "1461261330"
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    return {**fields, "token": token, "timestamp": timestamp, "signature": signature}


def mailgun_mime(raw, **kw):
    return mailgun_signed(
        {
            "recipient": SUPPORT,
            "sender": "bounces@example.com",
            "body-mime": raw.decode(),
        },
        **kw,
    )


def stored_bytes(raw_message):
    with raw_message.file.open("rb") as handle:
        return handle.read()


# --- Mailgun -----------------------------------------------------------------------------


def test_it_stores_mailguns_original_mime_and_makes_a_ticket(post, mailbox):
    raw = build(subject="Lamp flickers", body="The lamp flickers at night.")

    response = post("mailgun_mime", mailgun_mime(raw))

    assert response.status_code == 200
    stored = RawMessage.objects.get()
    assert stored.source == RawSource.WEBHOOK
    assert stored_bytes(stored) == raw
    assert stored.mailbox == mailbox
    assert stored.envelope_from == "bounces@example.com"
    assert stored.envelope_to == [SUPPORT]
    assert stored.origin.startswith("Mailgun ")
    assert (stored.status, stored.action) == (RawStatus.PROCESSED, IngestAction.NEW)
    ticket = Ticket.objects.get()
    assert ticket.subject == "Lamp flickers"
    assert ticket.requester.primary_email == "emily@example.com"
    assert ticket.messages.get().body_text == "The lamp flickers at night."


def test_mailguns_parsed_post_becomes_a_ticket(post):
    fields = mailgun_signed(
        {
            "recipient": SUPPORT,
            "sender": "emily@example.com",
            "message-headers": json.dumps(
                [
                    ["From", "Emily Clark <emily@example.com>"],
                    ["To", SUPPORT],
                    ["Subject", "Parsed by Mailgun"],
                    ["Message-Id", "<parsed-1@example.com>"],
                    ["Date", "Mon, 15 Dec 2025 14:30:00 +0000"],
                ]
            ),
            "body-plain": "Sent without the MIME.",
            "body-html": "<div>Sent without the MIME.</div>",
        }
    )

    assert post("mailgun", fields).status_code == 200
    ticket = Ticket.objects.get()
    assert ticket.subject == "Parsed by Mailgun"
    assert ticket.messages.get().body_text == "Sent without the MIME."
    assert RawMessage.objects.get().message_id == "parsed-1@example.com"


def test_a_bad_mailgun_signature_is_refused_and_nothing_is_stored(post):
    response = post("mailgun_mime", mailgun_mime(build(), key="key-of-somebody-else"))

    assert response.status_code == 403
    assert not RawMessage.objects.exists()
    assert not Ticket.objects.exists()


def test_a_post_without_a_signature_is_refused(post):
    fields = {"recipient": SUPPORT, "body-mime": build().decode()}

    assert post("mailgun_mime", fields).status_code == 403
    assert not RawMessage.objects.exists()


def test_the_same_post_twice_makes_one_ticket(post):
    fields = mailgun_mime(build(message_id="retry-1@example.com"))

    assert post("mailgun_mime", fields).status_code == 200
    assert post("mailgun_mime", fields).status_code == 200

    assert Ticket.objects.count() == 1
    first, second = RawMessage.objects.order_by("pk")
    assert first.action == IngestAction.NEW
    assert (second.status, second.duplicate_of) == (RawStatus.DUPLICATE, first)


def test_a_tracking_event_posted_to_the_inbound_url_is_a_bad_request(client):
    token, timestamp = "tok-1", "1534109600"
    signature = hmac.new(
        SIGNING_KEY.encode(), f"{timestamp}{token}".encode(), hashlib.sha256
    ).hexdigest()
    event = {
        "signature": {"token": token, "timestamp": timestamp, "signature": signature},
        "event-data": {"event": "clicked", "recipient": "emily@example.com"},
    }
    response = client.post(
        URL.format("mailgun"), json.dumps(event), content_type="application/json", **AUTH
    )

    assert response.status_code == 400
    assert not RawMessage.objects.exists()


# --- basic auth, switches and limits ------------------------------------------------------


def test_a_post_without_credentials_is_asked_for_them(post):
    response = post("postmark", {}, auth={}, content_type="application/json")

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic ")
    assert not RawMessage.objects.exists()


def test_wrong_credentials_are_refused(post):
    wrong = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(b"desk:guess").decode()}
    response = post(
        "postmark", json.dumps(postmark_event()), auth=wrong, content_type="application/json"
    )

    assert response.status_code == 403
    assert not RawMessage.objects.exists()


def test_wrong_credentials_are_refused_before_the_body_is_read(post, monkeypatch):
    from concierge.mail.views import webhooks as views

    read = []
    monkeypatch.setattr(views, "_read_body", lambda request: read.append(request) or True)
    wrong = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(b"desk:guess").decode()}

    response = post(
        "postmark", json.dumps(postmark_event()), auth=wrong, content_type="application/json"
    )

    assert response.status_code == 403
    assert read == []


def test_a_content_length_that_is_no_number_is_a_bad_request_not_an_error(post):
    response = post(
        "postmark",
        json.dumps(postmark_event()),
        content_type="application/json",
        CONTENT_LENGTH="lots",
    )

    assert response.status_code == 400
    assert not RawMessage.objects.exists()


@pytest.mark.parametrize("provider", ["mailjet", "no-such-provider"])
def test_a_provider_that_is_not_switched_on_is_not_there(client, provider):
    assert client.post(URL.format(provider), {}, **AUTH).status_code == 404


def test_without_a_webhook_secret_no_endpoint_answers(client, settings):
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}

    response = client.post(URL.format("mailgun_mime"), mailgun_mime(build()), **AUTH)

    assert response.status_code == 404
    assert not RawMessage.objects.exists()


def test_a_provider_switched_on_without_its_signing_key_asks_to_retry_later(client, settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET}

    response = client.post(URL.format("mailgun_mime"), mailgun_mime(build()), **AUTH)

    assert response.status_code == 503
    assert not RawMessage.objects.exists()


def test_only_posts_are_taken(client):
    assert client.get(URL.format("postmark"), **AUTH).status_code == 405
    assert client.head(URL.format("postmark"), **AUTH).status_code == 200


def test_a_post_bigger_than_the_mail_size_limit_is_refused(post, settings):
    settings.MAIL_MAX_MESSAGE_BYTES = 1000
    big = build(body="x" * 3_000_000)

    response = post("mailgun_mime", mailgun_mime(big))

    assert response.status_code == 413
    assert not RawMessage.objects.exists()


def test_a_message_bigger_than_djangos_form_limit_is_still_taken(post, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 50_000
    event = postmark_event(raw=build(body="long line of text\n" * 10_000))

    response = post("postmark", json.dumps(event), content_type="application/json")

    assert response.status_code == 200
    assert Ticket.objects.count() == 1


def test_posts_are_rate_limited_per_address(post, settings):
    settings.RATELIMIT_ENABLE = True
    settings.MAIL_WEBHOOK_RATE = "2/m"
    codes = [
        post("mailgun_mime", mailgun_mime(build(subject=f"Request {n}"))).status_code
        for n in range(3)
    ]

    assert codes == [200, 200, 429]
    assert RawMessage.objects.count() == 2


# --- Postmark ------------------------------------------------------------------------------


def postmark_event(*, raw: bytes | None = None, to: str = SUPPORT) -> dict:
    """Postmark's inbound JSON (its documentation's example, trimmed)."""
    event = {
        "FromName": "Emily Clark",
        "MessageStream": "inbound",
        "From": "emily@example.com",
        "FromFull": {"Email": "emily@example.com", "Name": "Emily Clark", "MailboxHash": ""},
        "To": to,
        "ToFull": [{"Email": to, "Name": "", "MailboxHash": ""}],
        "Cc": "",
        "CcFull": [],
        "Bcc": "",
        "BccFull": [],
        "OriginalRecipient": to,
        "Subject": "Invoice is wrong",
        "MessageID": "73e6d360-66eb-11e1-8e72-a8904824019b",
        "ReplyTo": "",
        "MailboxHash": "",
        "Date": "Mon, 15 Dec 2025 14:30:00 +0000",
        "TextBody": "The invoice shows two lamps; I bought one.",
        "HtmlBody": "<p>The invoice shows two lamps; I bought one.</p>",
        "StrippedTextReply": "",
        "Tag": "",
        "Headers": [
            {"Name": "Return-Path", "Value": "<emily@example.com>"},
            {"Name": "X-Spam-Status", "Value": "No"},
            {"Name": "Message-ID", "Value": "<pm-1@example.com>"},
        ],
        "Attachments": [
            {
                "Name": "invoice.pdf",
                "Content": base64.b64encode(b"%PDF-1.4 invoice").decode(),
                "ContentType": "application/pdf",
                "ContentLength": 16,
            }
        ],
    }
    if raw is not None:
        event["RawEmail"] = raw.decode()
    return event


def test_postmarks_parsed_json_becomes_a_ticket_with_its_attachment(post):
    response = post("postmark", json.dumps(postmark_event()), content_type="application/json")

    assert response.status_code == 200
    stored = RawMessage.objects.get()
    assert stored.envelope_from == "emily@example.com"  # from Return-Path
    assert stored.message_id == "pm-1@example.com"
    ticket = Ticket.objects.get()
    message = ticket.messages.get()
    assert message.body_text == "The invoice shows two lamps; I bought one."
    assert [a.filename for a in message.attachments.all()] == ["invoice.pdf"]


def test_postmarks_raw_email_is_stored_byte_for_byte(post):
    raw = build(subject="Kept as sent", body="Original text.")

    post("postmark", json.dumps(postmark_event(raw=raw)), content_type="application/json")

    assert stored_bytes(RawMessage.objects.get()) == raw
    assert Ticket.objects.get().subject == "Kept as sent"


def test_mail_to_a_plus_address_finds_its_mailbox(post, mailbox):
    event = postmark_event(to="support+billing@desk.example")

    post("postmark", json.dumps(event), content_type="application/json")

    assert RawMessage.objects.get().mailbox == mailbox


def test_the_first_recipient_that_is_an_active_mailbox_of_ours_decides(
    mailbox, django_assert_num_queries
):
    sales = Mailbox.objects.create(address="sales@desk.example")
    Mailbox.objects.create(address="old@desk.example", is_active=False)
    recipients = ["friend@example.com", "OLD@desk.example", "Sales+t9-x@Desk.Example", SUPPORT]

    with django_assert_num_queries(1):
        assert mailboxes.mailbox_for(recipients) == sales
    assert mailboxes.mailbox_for(["old@desk.example", "nobody@desk.example"]) is None
    with django_assert_num_queries(0):
        assert mailboxes.mailbox_for([]) is None


def test_mail_to_an_address_that_is_no_mailbox_is_still_kept(post):
    event = postmark_event(to="sales@elsewhere.example")

    post("postmark", json.dumps(event), content_type="application/json")

    stored = RawMessage.objects.get()
    assert stored.mailbox is None
    assert stored.status == RawStatus.PROCESSED


# --- SendGrid ------------------------------------------------------------------------------


def test_sendgrids_raw_post_is_stored_as_sent(post, mailbox):
    raw = build(subject="Raw from SendGrid", body="Parse webhook, raw mode.")
    fields = {
        "email": raw.decode(),
        "to": SUPPORT,
        "from": "Emily Clark <emily@example.com>",
        "subject": "Raw from SendGrid",
        "envelope": json.dumps({"to": [SUPPORT], "from": "emily@example.com"}),
        "charsets": json.dumps({"to": "UTF-8", "subject": "UTF-8", "from": "UTF-8"}),
        "SPF": "pass",
        "dkim": "{@example.com : pass}",
        "sender_ip": "192.0.2.10",
        "spam_score": "0.1",
    }

    assert post("sendgrid", fields).status_code == 200

    stored = RawMessage.objects.get()
    assert stored_bytes(stored) == raw
    assert (stored.mailbox, stored.envelope_from) == (mailbox, "emily@example.com")
    assert Ticket.objects.get().subject == "Raw from SendGrid"


# --- Amazon SES (through Amazon SNS) ----------------------------------------------------


def sns_post(post, ses_event):
    notification = {
        "Type": "Notification",
        "MessageId": "8f6dee70-c885-558a-be7d-bd48bbf5335e",
        "TopicArn": "arn:aws:sns:eu-west-1:111111111111:SES_Inbound",
        "Subject": "Amazon SES Email Receipt Notification",
        "Message": json.dumps(ses_event),
        "Timestamp": "2025-12-15T14:30:01.516Z",
        "SignatureVersion": "1",
        "Signature": "EXAMPLE==",
    }
    return post(
        "amazon_ses",
        json.dumps(notification),
        content_type="text/plain; charset=UTF-8",
        HTTP_X_AMZ_SNS_MESSAGE_TYPE="Notification",
        HTTP_X_AMZ_SNS_MESSAGE_ID=notification["MessageId"],
    )


def ses_event(content: str, *, encoding: str) -> dict:
    return {
        "notificationType": "Received",
        "mail": {
            "timestamp": "2025-12-15T14:30:00.636Z",
            "source": "ivan@example.ru",
            "messageId": "jili9m351il3gkburn7o2f0u6788stij94c8ld01",
            "destination": [SUPPORT],
        },
        "receipt": {
            "recipients": [SUPPORT],
            "spamVerdict": {"status": "PASS"},
            "action": {
                "type": "SNS",
                "topicArn": "arn:aws:sns:eu-west-1:111111111111:SES_Inbound",
                "encoding": encoding,
            },
        },
        "content": content,
    }


def test_ses_base64_content_keeps_an_eight_bit_koi8r_message_intact(post):
    raw = (
        "From: Иван <ivan@example.ru>\r\nTo: support@desk.example\r\n"
        "Subject: Заказ\r\nMessage-ID: <koi-1@example.ru>\r\n"
        "Content-Type: text/plain; charset=koi8-r\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        "Здравствуйте, лампа не работает.\r\n"
    ).encode("koi8-r")

    response = sns_post(post, ses_event(base64.b64encode(raw).decode(), encoding="BASE64"))

    assert response.status_code == 200
    stored = RawMessage.objects.get()
    assert stored_bytes(stored) == raw
    assert stored.envelope_from == "ivan@example.ru"
    assert Ticket.objects.get().messages.get().body_text == "Здравствуйте, лампа не работает."


def test_ses_utf8_content_becomes_a_ticket(post, mailbox):
    raw = build(subject="Through SES", body="Delivered by a receipt rule.")

    assert sns_post(post, ses_event(raw.decode(), encoding="UTF8")).status_code == 200

    assert RawMessage.objects.get().mailbox == mailbox
    assert Ticket.objects.get().subject == "Through SES"


def test_an_sns_post_whose_headers_do_not_match_its_body_is_refused(post):
    notification = {"Type": "Notification", "MessageId": "real-id", "Message": "{}"}
    response = post(
        "amazon_ses",
        json.dumps(notification),
        content_type="text/plain; charset=UTF-8",
        HTTP_X_AMZ_SNS_MESSAGE_TYPE="Notification",
        HTTP_X_AMZ_SNS_MESSAGE_ID="forged-id",
    )

    assert response.status_code == 403
    assert not RawMessage.objects.exists()


# --- the original bytes of every provider that posts them ---------------------------------

RAW = build(subject="Kept as sent", body="Original.")
RAW_B64 = base64.b64encode(RAW).decode()


@pytest.mark.parametrize(
    ("esp_name", "esp_event"),
    [
        ("Mandrill", {"event": "inbound", "msg": {"raw_msg": RAW.decode()}}),
        ("Postal", {"id": 1, "message": RAW_B64, "base64": True}),
        (
            "SparkPost",
            {
                "msys": {
                    "relay_message": {
                        "content": {"email_rfc822": RAW_B64, "email_rfc822_is_base64": True}
                    }
                }
            },
        ),
        ("MailerSend", {"type": "inbound.message", "data": {"raw": RAW.decode()}}),
        ("Postmark", {"RawEmail": RAW.decode()}),
    ],
)
def test_the_providers_original_message_is_what_is_stored(esp_name, esp_event):
    rebuilt = AnymailInboundMessage.construct(text="rebuilt", subject="Rebuilt")
    event = AnymailInboundEvent(event_type="inbound", esp_event=esp_event, message=rebuilt)

    assert original_bytes(event, esp_name) == RAW


def test_without_an_original_the_message_anymail_rebuilt_is_stored():
    rebuilt = AnymailInboundMessage.construct(text="Rebuilt text", subject="Rebuilt")
    event = AnymailInboundEvent(event_type="inbound", esp_event={}, message=rebuilt)

    parsed = parse_message(original_bytes(event, "Mailjet"))
    assert (parsed.subject, parsed.text.strip()) == ("Rebuilt", "Rebuilt text")
