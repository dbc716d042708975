"""SLA timers: each target a ticket was promised, its clock, and how it ended.

A timer starts when a target starts to count (the ticket arrives, the customer writes
again) and stops when the target is met, or when it no longer applies. Finished timers
stay: they are what reports count as achieved or breached.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _

from concierge.sla.models.policies import Metric, SlaPolicy
from concierge.tickets.models import Priority, Ticket


class TimerState(models.TextChoices):
    RUNNING = "running", _("Running")
    ACHIEVED = "achieved", _("Achieved")
    # Past its due time; it stays breached even when it is met later.
    BREACHED = "breached", _("Breached")
    # The ticket's policy stopped promising this target before it was met.
    CANCELLED = "cancelled", _("No longer applies")


class SlaTimer(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="sla_timers")
    policy = models.ForeignKey(
        SlaPolicy, on_delete=models.SET_NULL, null=True, blank=True, related_name="timers"
    )
    # Kept so reports still name the policy after it is renamed or deleted.
    policy_name = models.CharField(_("policy"), max_length=100)
    metric = models.CharField(_("target"), max_length=20, choices=Metric.choices)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices)
    target_minutes = models.PositiveIntegerField(_("target (minutes)"))
    business_hours = models.BooleanField(_("in business hours"))
    started_at = models.DateTimeField(_("started"))
    # Business time during which the clock stood still: pending or on hold under a
    # pausing policy, or solved until the ticket was reopened.
    paused = models.DurationField(_("paused for"), default=timedelta(0))
    due_at = models.DateTimeField(_("due"))
    state = models.CharField(
        _("state"), max_length=10, choices=TimerState.choices, default=TimerState.RUNNING
    )
    # When the target was met (or stopped applying); empty while the clock runs.
    stopped_at = models.DateTimeField(_("stopped"), null=True, blank=True)
    breached_at = models.DateTimeField(_("breach recorded"), null=True, blank=True)
    # How late: at the moment the breach was recorded, then when the target was met.
    late_by = models.DurationField(_("late by"), null=True, blank=True)
    # Escalation rules that fired for this timer; `SlaEscalation` rows are the record
    # that makes each fire once, this copy spares the recomputation a query.
    escalated_rule_ids = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("SLA timer")
        verbose_name_plural = _("SLA timers")
        ordering = ["ticket", "started_at", "id"]
        indexes = [
            models.Index(fields=["ticket", "metric", "-started_at"], name="sla_timer_ticket"),
            # Reports: achieved and breached targets per metric over a period.
            models.Index(fields=["started_at", "metric", "state"], name="sla_timer_report"),
        ]

    def __str__(self) -> str:
        return f"{self.get_metric_display()} on #{self.ticket_id}: {self.get_state_display()}"

    @property
    def is_finished(self) -> bool:
        return self.stopped_at is not None
