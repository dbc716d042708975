"""Inbound webhooks of mail providers, through django-anymail: /mail/inbound/<provider>/.

Anymail's own views check each request (HTTP basic auth with `WEBHOOK_SECRET`, and the
provider's signature where it signs: Mailgun, Mandrill, Postal, MailerSend, Resend,
Mailtrap) and turn the post into inbound events. We call those checks and the parsing
here, then store every message before answering 200, so a 200 means the mail is safe;
the rest waits for the worker. Anymail's `inbound` signal is not used: the step that
follows is called where it happens, as everywhere else in the desk.

A provider's endpoint answers only when it is switched on (`MAIL_WEBHOOK_PROVIDERS`) and
basic auth is configured: an endpoint open to anyone would let anyone open tickets.
"""

from __future__ import annotations

import logging
from io import BytesIO

from anymail.exceptions import (
    AnymailConfigurationError,
    AnymailError,
    AnymailWebhookValidationFailure,
)
from anymail.signals import AnymailInboundEvent
from anymail.utils import get_anymail_setting, get_request_basic_auth
from anymail.webhooks.amazon_ses import AmazonSESInboundWebhookView
from anymail.webhooks.base import AnymailCoreWebhookView
from anymail.webhooks.brevo import BrevoInboundWebhookView
from anymail.webhooks.mailersend import MailerSendInboundWebhookView
from anymail.webhooks.mailgun import MailgunInboundWebhookView
from anymail.webhooks.mailjet import MailjetInboundWebhookView
from anymail.webhooks.mailtrap import MailtrapInboundWebhookView
from anymail.webhooks.mandrill import MandrillCombinedWebhookView
from anymail.webhooks.postal import PostalInboundWebhookView
from anymail.webhooks.postmark import PostmarkInboundWebhookView
from anymail.webhooks.resend import ResendInboundWebhookView
from anymail.webhooks.sendgrid import SendGridInboundWebhookView
from anymail.webhooks.sendinblue import SendinBlueInboundWebhookView
from anymail.webhooks.sparkpost import SparkPostInboundWebhookView
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.crypto import constant_time_compare
from django.views.decorators.csrf import csrf_exempt
from django_ratelimit.decorators import ratelimit

from concierge.mail import conf
from concierge.mail.formposts import multipart_post_read
from concierge.mail.services.webhooks import inbound_event_store
from concierge.portal.throttle import client_ip

logger = logging.getLogger(__name__)

# Every provider whose inbound mail anymail parses, by the name in our URL. Mailgun posts
# the original MIME only to a URL that contains "mime", so it has two. Anymail has no
# inbound webhook for Unisender Go or Scaleway (they send only).
PROVIDERS: dict[str, type[AnymailCoreWebhookView]] = {
    "amazon_ses": AmazonSESInboundWebhookView,
    "brevo": BrevoInboundWebhookView,
    "sendinblue": SendinBlueInboundWebhookView,
    "mailersend": MailerSendInboundWebhookView,
    "mailgun": MailgunInboundWebhookView,
    "mailgun_mime": MailgunInboundWebhookView,
    "mailjet": MailjetInboundWebhookView,
    "mailtrap": MailtrapInboundWebhookView,
    "mandrill": MandrillCombinedWebhookView,
    "postal": PostalInboundWebhookView,
    "postmark": PostmarkInboundWebhookView,
    "resend": ResendInboundWebhookView,
    "sendgrid": SendGridInboundWebhookView,
    "sparkpost": SparkPostInboundWebhookView,
}

# JSON and form encodings (base64 above all) make a post bigger than the message in it.
ENCODING_ALLOWANCE = 1.4
OVERHEAD_BYTES = 1024 * 1024


def body_limit() -> int:
    return int(conf.max_message_bytes() * ENCODING_ALLOWANCE) + OVERHEAD_BYTES


def _webhook_rate(group: str, request: HttpRequest) -> str:
    return conf.webhook_rate()


def _secured() -> bool:
    return bool(get_anymail_setting("webhook_secret", default=None))


def _credentials_match(request: HttpRequest) -> bool:
    """The post carries the shared webhook secret (anymail's own check, done early).

    Checked before the body is read: a stranger must not make us hold a message-sized
    post in memory first.
    """
    secrets = get_anymail_setting("webhook_secret", default=[])
    if isinstance(secrets, str):
        secrets = [secrets]
    given = get_request_basic_auth(request)
    return given is not None and any(constant_time_compare(given, secret) for secret in secrets)


def _read_body(request: HttpRequest) -> bool:
    """Read the post up to our own limit, False when it is bigger.

    Django's in-memory limit for request bodies (DATA_UPLOAD_MAX_MEMORY_SIZE) is sized
    for forms; a provider posting a message with attachments is allowed what the mail
    size limit allows.
    """
    limit = body_limit()
    declared = request.META.get("CONTENT_LENGTH") or "0"
    # A length that is no number is left to the bounded read below.
    if declared.isdigit() and int(declared) > limit:
        return False
    body = request.read(limit + 1)
    if len(body) > limit:
        return False
    request._body = body  # what request.body would have read, without its 5 MiB cap
    request._stream = BytesIO(body)
    return True


def _read_form(request: HttpRequest, provider: str) -> HttpResponse | None:
    """Parse a multipart post with our limit, or answer why it cannot be parsed.

    Done before anymail's checks, which read the signature from request.POST: Django
    would parse it there, holding a message posted as a form field (Mailgun's
    `body-mime`, SendGrid's raw `email`) to DATA_UPLOAD_MAX_MEMORY_SIZE.
    """
    if request.content_type != "multipart/form-data":
        return None  # JSON and url-encoded posts are parsed from the body read already
    try:
        multipart_post_read(request, field_limit=body_limit())
    except RequestDataTooBig:
        return HttpResponse(status=413)
    except (MultiPartParserError, TooManyFieldsSent, TooManyFilesSent) as error:
        logger.warning("mail webhook %s could not read a form post: %s", provider, error)
        return HttpResponse(status=400)
    return None


def _challenge() -> HttpResponse:
    """401 asks for the credentials (Amazon SNS sends them only when asked)."""
    response = HttpResponse(status=401)
    response["WWW-Authenticate"] = 'Basic realm="Concierge mail webhook"'
    return response


@csrf_exempt
@ratelimit(group="mail.webhook", key=client_ip, rate=_webhook_rate, block=True)
def inbound(request: HttpRequest, provider: str) -> HttpResponse:
    view_class = PROVIDERS.get(provider)
    if view_class is None or provider not in conf.webhook_providers() or not _secured():
        raise Http404
    if request.method == "HEAD":
        return HttpResponse()  # some providers check the URL this way when it is set up
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST, HEAD"})
    if not request.META.get("HTTP_AUTHORIZATION"):
        return _challenge()
    if not _credentials_match(request):
        logger.warning("mail webhook %s refused a request: wrong credentials", provider)
        return HttpResponse(status=403)
    if not _read_body(request):
        return HttpResponse(status=413)
    refused = _read_form(request, provider)
    if refused is not None:
        return refused
    try:
        view = view_class()
    except AnymailConfigurationError:
        # A provider switched on without its signing key: tell the provider to try
        # again later (the message stays with it) and the admin what is missing.
        logger.exception("mail webhook %s is not configured", provider)
        return HttpResponse(status=503)
    try:
        view.run_validators(request)
    except AnymailConfigurationError:
        logger.exception("mail webhook %s is not configured", provider)
        return HttpResponse(status=503)
    except (AnymailWebhookValidationFailure, AnymailError) as error:
        logger.warning("mail webhook %s refused a request: %s", provider, error)
        return HttpResponse(status=403)
    try:
        events = view.parse_events(request)
    except RequestDataTooBig:
        return HttpResponse(status=413)
    except (AnymailConfigurationError, AnymailError, KeyError, ValueError) as error:
        # A tracking webhook pointed at the inbound URL, or a post that is no mail.
        logger.warning("mail webhook %s could not read a post: %s", provider, error)
        return HttpResponse(status=400)
    with transaction.atomic():
        for event in events:
            if isinstance(event, AnymailInboundEvent) and event.message is not None:
                inbound_event_store(event=event, esp_name=view.esp_name)
    return HttpResponse()
