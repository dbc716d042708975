"""Tickets, their conversation, tags, attachments and the audit trail."""

from __future__ import annotations

import unicodedata

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from concierge.people.models import Customer, Organization, Team


class Status(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("Open")
    PENDING = "pending", _("Pending")
    ON_HOLD = "on_hold", _("On hold")
    SOLVED = "solved", _("Solved")
    CLOSED = "closed", _("Closed")


UNRESOLVED_STATUSES = (Status.NEW, Status.OPEN, Status.PENDING, Status.ON_HOLD)


class Priority(models.IntegerChoices):
    # Integers so that "highest priority first" is a plain index-backed sort.
    LOW = 1, _("Low")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("High")
    URGENT = 4, _("Urgent")


class TicketType(models.TextChoices):
    QUESTION = "question", _("Question")
    INCIDENT = "incident", _("Incident")
    PROBLEM = "problem", _("Problem")
    TASK = "task", _("Task")
    COMPLAINT = "complaint", _("Complaint")
    SUGGESTION = "suggestion", _("Suggestion")


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    EMAIL = "email", _("E-mail")
    CHAT = "chat", _("Live chat")
    MESSAGING = "messaging", _("Messaging app")
    API = "api", _("API")
    PHONE = "phone", _("Phone")
    AGENT = "agent", _("Created by an agent")


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def normalize(name: str) -> str:
        """The stored form of a tag name: trimmed and lower-cased.

        Python lower-cases the Turkish dotted capital İ to "i" plus a combining dot,
        which would never match a tag typed in lower case; it becomes a plain "i".
        """
        return unicodedata.normalize("NFC", name.strip().replace("İ", "i").lower())[:60]


class TicketNumberSequence(models.Model):
    """One row holding the last ticket number handed out.

    A separate counter (rather than the primary key) lets an installation start
    numbering where its previous help desk stopped.
    """

    last_number = models.BigIntegerField(default=0)


class Ticket(models.Model):
    number = models.BigIntegerField(_("number"), unique=True)
    subject = models.CharField(_("subject"), max_length=300)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    ticket_type = models.CharField(
        _("type"), max_length=12, choices=TicketType.choices, default=TicketType.QUESTION
    )
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    requester = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="tickets")
    organization = models.ForeignKey(
        Organization, on_delete=models.SET_NULL, null=True, blank=True, related_name="tickets"
    )
    followers = models.ManyToManyField(Customer, blank=True, related_name="followed_tickets")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tickets",
    )
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="tickets"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="tickets")
    language = models.CharField(_("language"), max_length=10, blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged_tickets"
    )
    # Bumped by every service that changes the ticket: the page sends the version it
    # showed, and a write against an older one is refused with a warning, not applied.
    version = models.PositiveIntegerField(default=1)

    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    first_response_at = models.DateTimeField(_("first agent response"), null=True, blank=True)
    last_customer_message_at = models.DateTimeField(
        _("last customer message"), null=True, blank=True
    )
    last_agent_message_at = models.DateTimeField(_("last agent reply"), null=True, blank=True)
    solved_at = models.DateTimeField(_("solved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Service levels (concierge.sla): the due times of the targets still to be met, kept
    # by pipeline.apply_sla_timers so the inbox can sort and filter by them with indexes.
    first_response_due_at = models.DateTimeField(_("first response due"), null=True, blank=True)
    next_response_due_at = models.DateTimeField(_("next response due"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)
    # The earliest of the three while the clock runs; empty while paused or resolved.
    sla_next_due_at = models.DateTimeField(_("next SLA due time"), null=True, blank=True)
    # When a pending or on-hold status stopped the clock; empty while it runs.
    sla_paused_at = models.DateTimeField(_("SLA clock paused"), null=True, blank=True)
    # When the escalation sweep must look at the ticket next: a breach or an escalation.
    sla_check_at = models.DateTimeField(_("next SLA check"), null=True, blank=True)

    # Not a column: on the ticket `ticket_create` returns, the message it was opened with,
    # so that the caller need not read it back.
    opening_message: Message | None = None

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        # Each inbox view filters on one of these leading columns and pages by
        # (updated_at, id) or (created_at, id) through keyset pagination.
        indexes = [
            models.Index(fields=["status", "-updated_at", "-id"], name="ticket_status_updated"),
            models.Index(
                fields=["assignee", "status", "-updated_at", "-id"], name="ticket_assignee_updated"
            ),
            models.Index(
                fields=["team", "status", "-updated_at", "-id"], name="ticket_team_updated"
            ),
            models.Index(fields=["-updated_at", "-id"], name="ticket_updated"),
            # A team-restricted agent's views read their teams' tickets and their own
            # separately, each in this order (queries.inbox_page).
            models.Index(fields=["team", "-updated_at", "-id"], name="ticket_team_recent"),
            models.Index(fields=["assignee", "-updated_at", "-id"], name="ticket_assignee_recent"),
            models.Index(fields=["-created_at", "-id"], name="ticket_created"),
            models.Index(fields=["status", "-priority", "-id"], name="ticket_status_priority"),
            models.Index(fields=["requester", "-created_at"], name="ticket_requester_created"),
            models.Index(fields=["organization", "-created_at"], name="ticket_org_created"),
            # Only tickets with a running SLA clock are in these (a small share of a desk).
            models.Index(
                fields=["sla_next_due_at", "id"],
                name="ticket_sla_next_due",
                condition=models.Q(sla_next_due_at__isnull=False),
            ),
            # A team's unassigned queue, by status and date: the unassigned view of a
            # team-restricted agent, and the queue routing hands tickets out from.
            models.Index(
                fields=["team", "status", "-updated_at", "-id"],
                name="ticket_team_queue",
                condition=models.Q(assignee__isnull=True),
            ),
            # The same for a team-restricted agent's SLA view and counts, read per part.
            models.Index(
                fields=["team", "sla_next_due_at", "id"],
                name="ticket_team_sla_next_due",
                condition=models.Q(sla_next_due_at__isnull=False),
            ),
            models.Index(
                fields=["assignee", "sla_next_due_at", "id"],
                name="ticket_assignee_sla_next_due",
                condition=models.Q(sla_next_due_at__isnull=False),
            ),
            models.Index(
                fields=["sla_check_at"],
                name="ticket_sla_check",
                condition=models.Q(sla_check_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.subject}"

    @property
    def is_resolved(self) -> bool:
        return self.status in (Status.SOLVED, Status.CLOSED)


class MessageKind(models.TextChoices):
    CUSTOMER = "customer", _("Customer message")
    REPLY = "reply", _("Public reply")
    NOTE = "note", _("Internal note")
    SYSTEM = "system", _("System message")


PUBLIC_MESSAGE_KINDS = (MessageKind.CUSTOMER, MessageKind.REPLY)


class Message(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(_("kind"), max_length=10, choices=MessageKind.choices)
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    author_customer = models.ForeignKey(
        Customer, on_delete=models.SET_NULL, null=True, blank=True, related_name="messages"
    )
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    body_text = models.TextField(_("text"))
    # Already sanitized with nh3 when stored; empty when the message was plain text.
    body_html = models.TextField(_("HTML"), blank=True)
    # A system message as data ({"note": "merged_into", "number": 12}, see
    # concierge.tickets.system_notes), so each reader sees it in their own language;
    # body_text keeps it in the desk's language. Nullable: adding it rewrites no table.
    system_note = models.JSONField(_("system note"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [models.Index(fields=["ticket", "created_at", "id"], name="message_thread")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on #{self.ticket_id}"

    @property
    def is_public(self) -> bool:
        return self.kind in PUBLIC_MESSAGE_KINDS

    @property
    def display_text(self) -> str:
        """The text to show, a system message in the reader's language."""
        from concierge.tickets.system_notes import system_note_text

        return system_note_text(self.system_note) or self.body_text

    @property
    def author_name(self) -> str:
        if self.author_user_id:
            return str(self.author_user)
        if self.author_customer_id:
            return str(self.author_customer)
        return ""


def attachment_path(instance: Attachment, filename: str) -> str:
    now = timezone.now()
    return f"attachments/{now:%Y/%m}/{instance.message.ticket_id}/{filename}"


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=500)
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=150)
    size = models.PositiveBigIntegerField(_("size"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.filename


class EventKind(models.TextChoices):
    CREATED = "created", _("Ticket created")
    MESSAGE_ADDED = "message_added", _("Message added")
    FIELD_CHANGED = "field_changed", _("Field changed")
    TAGS_CHANGED = "tags_changed", _("Tags changed")
    MERGED = "merged", _("Merged")
    MERGED_INTO = "merged_into", _("Merged into another ticket")
    SPLIT = "split", _("Message split out")
    FOLLOWERS_CHANGED = "followers_changed", _("Followers changed")
    EMAIL_SENT = "email_sent", _("E-mail sent")
    MACRO_APPLIED = "macro_applied", _("Macro applied")
    PLAYBOOK_STEP = "playbook_step", _("Playbook step done or undone")
    SLA_BREACHED = "sla_breached", _("SLA target breached")
    SLA_ESCALATED = "sla_escalated", _("SLA escalation")


class TicketEvent(models.Model):
    """The audit trail: who changed what on a ticket, with the values before and after."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_customer = models.ForeignKey(
        Customer, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    field = models.CharField(_("field"), max_length=40, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    message = models.ForeignKey(
        Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # What made the change when no person did (a trigger, a time rule, routing):
    # {"kind": "trigger", "id": 3, "name": "..."}. The name is kept so the trail still
    # reads right after the rule is renamed or deleted.
    cause = models.JSONField(_("cause"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        indexes = [models.Index(fields=["ticket", "created_at", "id"], name="event_timeline")]

    def __str__(self) -> str:
        return f"{self.kind} on #{self.ticket_id}"


class SavedView(models.Model):
    """An admin-defined inbox view: a saved set of filters and a sort order."""

    name = models.CharField(_("name"), max_length=100)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    sort = models.CharField(_("sort"), max_length=30, default="-updated_at")
    position = models.PositiveIntegerField(_("position"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("shared view")
        verbose_name_plural = _("shared views")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name
