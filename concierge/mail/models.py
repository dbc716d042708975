"""Mailboxes, the raw mail they receive, the Message-IDs that thread it, and the outbox.

Nothing a customer sends is lost: every message is first a `RawMessage` (its bytes in
storage, a row saying where it came from), and only then parsed into a ticket. Every
message that leaves is first an `OutboundEmail` row, drained by the worker.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from concierge.people.models import Team
from concierge.tickets.models import Message, Ticket


class ImapSecurity(models.TextChoices):
    TLS = "tls", _("TLS (implicit, usually port 993)")
    STARTTLS = "starttls", _("STARTTLS (usually port 143)")
    NONE = "none", _("None (plain text; only on a trusted network)")


class ImapAuth(models.TextChoices):
    PASSWORD = "password", _("Password")
    XOAUTH2 = "xoauth2", _("OAuth2 access token (XOAUTH2)")


class AfterProcessing(models.TextChoices):
    MARK_SEEN = "seen", _("Mark as read and keep it in the folder")
    MOVE = "move", _("Move it to another folder")
    DELETE = "delete", _("Delete it from the server")


class Mailbox(models.Model):
    """An address customers write to, and how its mail reaches us.

    IMAP credentials are stored as given (the server needs them in clear to log in):
    the database and its backups must be protected like the mail server itself.
    """

    address = models.EmailField(_("address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=200, blank=True)
    team = models.ForeignKey(
        Team,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mailboxes",
        verbose_name=_("team"),
        help_text=_("New tickets from this address go to this team."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    auto_acknowledge = models.BooleanField(
        _("acknowledge new requests"),
        default=True,
        help_text=_("Answer each new request at once with its number, in the customer's language."),
    )
    plus_addressing = models.BooleanField(
        _("per-ticket reply addresses"),
        default=False,
        help_text=_(
            "Replies go to support+t<number>-<code>@…, which threads them even when the "
            "customer's mail program drops the headers. The mail server must deliver "
            "plus-addresses to this mailbox."
        ),
    )

    imap_enabled = models.BooleanField(_("fetch by IMAP"), default=False)
    imap_host = models.CharField(_("IMAP server"), max_length=253, blank=True)
    imap_port = models.PositiveIntegerField(_("port"), default=993)
    imap_security = models.CharField(
        _("security"), max_length=10, choices=ImapSecurity.choices, default=ImapSecurity.TLS
    )
    imap_auth = models.CharField(
        _("sign-in"), max_length=10, choices=ImapAuth.choices, default=ImapAuth.PASSWORD
    )
    imap_username = models.CharField(_("user name"), max_length=320, blank=True)
    imap_password = models.CharField(_("password"), max_length=500, blank=True)
    oauth2_access_token = models.TextField(_("OAuth2 access token"), blank=True)
    oauth2_refresh_token = models.TextField(_("OAuth2 refresh token"), blank=True)
    oauth2_token_url = models.URLField(_("OAuth2 token endpoint"), max_length=500, blank=True)
    oauth2_client_id = models.CharField(_("OAuth2 client id"), max_length=300, blank=True)
    oauth2_client_secret = models.CharField(_("OAuth2 client secret"), max_length=500, blank=True)
    oauth2_expires_at = models.DateTimeField(_("access token expires"), null=True, blank=True)
    imap_folders = models.JSONField(_("folders"), default=list, blank=True)
    after_processing = models.CharField(
        _("after fetching"),
        max_length=10,
        choices=AfterProcessing.choices,
        default=AfterProcessing.MARK_SEEN,
    )
    move_to_folder = models.CharField(_("move to folder"), max_length=200, blank=True)
    last_polled_at = models.DateTimeField(_("last fetched"), null=True, blank=True)
    last_poll_error = models.TextField(_("last fetch error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")
        ordering = ["address"]

    def __str__(self) -> str:
        return self.address

    @property
    def folders(self) -> list[str]:
        return [str(f) for f in self.imap_folders if str(f).strip()] or ["INBOX"]


class MailboxFolderState(models.Model):
    """How far a mailbox folder has been read: resumable by UIDVALIDITY and UID.

    Pollers lock this row while they fetch the folder, so two workers never fetch
    the same folder (and so the same message) at once.
    """

    mailbox = models.ForeignKey(Mailbox, on_delete=models.CASCADE, related_name="folder_states")
    folder = models.CharField(_("folder"), max_length=200)
    uidvalidity = models.BigIntegerField(null=True, blank=True)
    last_uid = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mailbox", "folder"], name="unique_mailbox_folder")
        ]

    def __str__(self) -> str:
        return f"{self.mailbox} {self.folder} {self.uidvalidity}:{self.last_uid}"


class RawSource(models.TextChoices):
    IMAP = "imap", _("IMAP")
    SMTP = "smtp", _("SMTP server")
    WEBHOOK = "webhook", _("Provider webhook")
    IMPORT = "import", _("Import")


class RawStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    PROCESSING = "processing", _("Processing")
    PROCESSED = "processed", _("Processed")
    FAILED = "failed", _("Failed")
    DUPLICATE = "duplicate", _("Duplicate")
    IGNORED = "ignored", _("Ignored")


class IngestAction(models.TextChoices):
    """What processing did with a message (the `action` of `concierge mail ingest`)."""

    NEW = "new", _("New ticket")
    APPENDED = "appended", _("Added to a ticket")
    DUPLICATE = "duplicate", _("Duplicate")
    AUTO_REPLY = "auto_reply", _("Automatic reply")
    BOUNCE = "bounce", _("Bounce")
    IGNORED = "ignored", _("Ignored")
    FAILED = "failed", _("Failed")


# Statuses of the one accepted copy of a message: a second copy with the same
# fingerprint cannot reach them (the unique index below), so it is a duplicate.
ACCEPTED_STATUSES = (RawStatus.PROCESSED, RawStatus.IGNORED)


def raw_message_path(instance: RawMessage, filename: str) -> str:
    now = timezone.now()
    return f"mail/raw/{now:%Y/%m/%d}/{uuid.uuid4().hex}.eml"


class RawMessage(models.Model):
    """One message as it arrived, stored before anything reads it."""

    # Indexed with its status (raw_mailbox_status), which serves lookups by mailbox too.
    mailbox = models.ForeignKey(
        Mailbox,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="raw_messages",
        db_index=False,
    )
    source = models.CharField(_("source"), max_length=10, choices=RawSource.choices)
    file = models.FileField(_("raw message"), upload_to=raw_message_path, max_length=300)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=12, choices=RawStatus.choices, default=RawStatus.RECEIVED
    )
    action = models.CharField(_("result"), max_length=12, choices=IngestAction.choices, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveIntegerField(default=0)
    processed_at = models.DateTimeField(null=True, blank=True)
    # Where it came from: the SMTP envelope, or the IMAP folder and UID.
    envelope_from = models.CharField(max_length=998, blank=True)
    envelope_to = models.JSONField(default=list, blank=True)
    origin = models.CharField(max_length=300, blank=True)
    message_id = models.CharField(max_length=998, blank=True)
    # sha256 over the identifying headers and the normalized body: recognises the same
    # message fetched twice or delivered to two mailboxes, with or without a Message-ID.
    # Only accepted copies are looked for, by the unique index below.
    fingerprint = models.CharField(max_length=64, blank=True)
    sender = models.CharField(_("from"), max_length=998, blank=True)
    subject = models.CharField(_("subject"), max_length=998, blank=True)
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ticket = models.ForeignKey(
        Ticket, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ticket_message = models.ForeignKey(
        Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="raw_messages"
    )

    class Meta:
        verbose_name = _("received e-mail")
        verbose_name_plural = _("received e-mails")
        indexes = [
            models.Index(fields=["status", "-received_at"], name="raw_status_received"),
            models.Index(fields=["mailbox", "status"], name="raw_mailbox_status"),
            # Every index is written with each message (twice: stored, then accepted);
            # looked up by equality only, these need no pattern index beside them.
            models.Index(fields=["message_id"], name="raw_message_id"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["fingerprint"],
                condition=Q(status__in=ACCEPTED_STATUSES) & ~Q(fingerprint=""),
                name="unique_accepted_fingerprint",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.message_id or self.pk} ({self.status})"


class Direction(models.TextChoices):
    INBOUND = "in", _("Received")
    OUTBOUND = "out", _("Sent")


class MailMessageId(models.Model):
    """Every Message-ID we stored or sent, and its ticket: what replies thread by."""

    message_id = models.CharField(max_length=998)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    ticket_message = models.ForeignKey(
        Message, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    direction = models.CharField(max_length=3, choices=Direction.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("message id")
        verbose_name_plural = _("message ids")
        # Looked up by equality only: no pattern index beside it (db_index would add one).
        indexes = [models.Index(fields=["message_id"], name="mail_message_id")]

    def __str__(self) -> str:
        return f"<{self.message_id}> #{self.ticket_id}"


class EmailTicket(models.Model):
    """The mail side of a ticket: the mailbox it lives in, and what it follows up."""

    ticket = models.OneToOneField(
        Ticket, on_delete=models.CASCADE, primary_key=True, related_name="email"
    )
    mailbox = models.ForeignKey(
        Mailbox, on_delete=models.SET_NULL, null=True, blank=True, related_name="tickets"
    )
    follow_up_of = models.ForeignKey(
        Ticket, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )


class OutboundKind(models.TextChoices):
    REPLY = "reply", _("Reply")
    ACKNOWLEDGEMENT = "ack", _("Acknowledgement")
    AUTOMATION = "rule", _("Trigger or time rule")
    ESCALATION = "sla", _("SLA escalation")


class OutboundStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutboundEmail(models.Model):
    """One e-mail to send, rendered when queued; the worker claims and sends it.

    `status=sending` with `lease_until` is a claim: a crash mid-send leaves the row
    claimed, and it is retried only after the lease ran out and a check that the
    message did not leave (see `services.outbox`).
    """

    kind = models.CharField(max_length=5, choices=OutboundKind.choices)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    ticket_message = models.ForeignKey(
        Message, on_delete=models.CASCADE, null=True, blank=True, related_name="outbound_emails"
    )
    mailbox = models.ForeignKey(
        Mailbox, on_delete=models.SET_NULL, null=True, blank=True, related_name="outbound_emails"
    )
    from_address = models.CharField(max_length=500)
    reply_to = models.CharField(max_length=500, blank=True)
    to = models.JSONField(default=list)
    # The first To address, lower-cased: what rate limits of automatic answers count by.
    recipient = models.CharField(max_length=320, blank=True)
    cc = models.JSONField(default=list, blank=True)
    subject = models.CharField(max_length=998)
    message_id = models.CharField(max_length=998, unique=True)
    in_reply_to = models.CharField(max_length=998, blank=True)
    references = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    status = models.CharField(
        max_length=8, choices=OutboundStatus.choices, default=OutboundStatus.QUEUED
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbound_due"),
            models.Index(
                fields=["kind", "recipient", "created_at"], name="outbound_kind_recipient"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.status})"
