"""Escalation rules, the record of each escalation, and agents' in-app notices.

A rule fires for a running SLA timer when a share of its target has passed (75 %), at the
breach (100 %), or later (150 %): it tells people, reassigns the ticket, raises its
priority. `SlaEscalation` records each firing; its unique (timer, rule) pair is what
makes a rule act once per target of a ticket, however many workers sweep at once.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from concierge.people.models import Team
from concierge.sla.models.policies import Metric, SlaPolicy
from concierge.sla.models.timers import SlaTimer
from concierge.tickets.models import Ticket

#: A rule fires at most this late: ten times the target.
MAX_PERCENT = 1000


class SlaEscalationRule(models.Model):
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)
    # Which timers: of one policy (or any), of one target (or any).
    policy = models.ForeignKey(
        SlaPolicy,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="escalation_rules",
        verbose_name=_("policy"),
    )
    metric = models.CharField(_("target"), max_length=20, choices=Metric.choices, blank=True)
    percent = models.PositiveSmallIntegerField(
        _("when this share of the target has passed (%)"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_PERCENT)],
        help_text=_("100 is the moment of the breach; 75 is three quarters of the way."),
    )
    # What it does.
    notify_assignee = models.BooleanField(_("notify the assignee"), default=False)
    notify_team_lead = models.BooleanField(_("notify the team's leads"), default=False)
    notify_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("notify")
    )
    send_email = models.BooleanField(_("also by e-mail"), default=True)
    reassign_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reassign to"),
    )
    reassign_team = models.ForeignKey(
        Team,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("move to team"),
    )
    raise_priority = models.BooleanField(_("raise the priority one level"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("escalation rule")
        verbose_name_plural = _("escalation rules")
        ordering = ["percent", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(percent__gte=1, percent__lte=MAX_PERCENT),
                name="sla_escalation_percent",
            )
        ]

    def __str__(self) -> str:
        return self.name


class SlaEscalation(models.Model):
    """One firing of a rule for one timer: who was told and what changed."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    timer = models.ForeignKey(SlaTimer, on_delete=models.CASCADE, related_name="escalations")
    rule = models.ForeignKey(
        SlaEscalationRule, on_delete=models.CASCADE, related_name="escalations"
    )
    fired_at = models.DateTimeField(_("fired"), default=timezone.now)
    # The instant the rule was due, and what it did: {"notified": [...], "priority": 4, ...}
    due_at = models.DateTimeField(_("due"))
    actions = models.JSONField(_("actions"), default=dict, blank=True)

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        constraints = [
            models.UniqueConstraint(fields=["timer", "rule"], name="sla_escalation_once")
        ]

    def __str__(self) -> str:
        return f"{self.rule} on #{self.ticket_id}"


class AgentNotice(models.Model):
    """An in-app notice for an agent: a ticket needs their attention (an SLA escalation)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sla_notices"
    )
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    escalation = models.ForeignKey(
        SlaEscalation, on_delete=models.CASCADE, null=True, blank=True, related_name="notices"
    )
    # What to say, kept as facts so each reader sees it in their own language.
    rule_name = models.CharField(max_length=100)
    metric = models.CharField(max_length=20, choices=Metric.choices)
    percent = models.PositiveSmallIntegerField()
    due_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="sla_notice_recipient"),
            models.Index(
                fields=["recipient"],
                name="sla_notice_unread",
                condition=models.Q(read_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule_name} on #{self.ticket_id} for {self.recipient_id}"
