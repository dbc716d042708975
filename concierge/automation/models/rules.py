"""Time rules ("pending for 3 business days: remind the customer") and the schedule that
runs them.

A time rule is checked on every tick of the worker's scheduler. It acts on a ticket once
a set time has passed since a moment in the ticket's life (its status was last set, it
was solved, the customer last wrote, ...), and only once for that moment: `TimeRuleRun`
records it, unique per rule, ticket and moment, so several workers can never act twice
and a ticket that goes pending again later is reminded again.

`ScheduledJob` is one row per periodic job; a worker claims a tick with a conditional
UPDATE of `next_run_at`, so each tick runs once whatever the number of workers.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from concierge.sla.models import BusinessCalendar
from concierge.tickets.models import Ticket


class TimeAnchor(models.TextChoices):
    STATUS_CHANGED = "status_changed", _("its status was last set")
    CREATED = "created", _("it was created")
    UPDATED = "updated", _("it was last updated")
    CUSTOMER_MESSAGE = "customer_message", _("the customer last wrote")
    AGENT_REPLY = "agent_reply", _("an agent last replied")
    SOLVED = "solved", _("it was solved")


class TimeUnit(models.TextChoices):
    HOURS = "hours", _("hours")
    DAYS = "days", _("days")
    BUSINESS_HOURS = "business_hours", _("business hours")
    BUSINESS_DAYS = "business_days", _("business days")


BUSINESS_UNITS = (TimeUnit.BUSINESS_HOURS, TimeUnit.BUSINESS_DAYS)


class TimeRule(models.Model):
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    anchor = models.CharField(
        _("time since"),
        max_length=20,
        choices=TimeAnchor.choices,
        default=TimeAnchor.STATUS_CHANGED,
    )
    amount = models.PositiveIntegerField(_("how long"))
    unit = models.CharField(_("unit"), max_length=20, choices=TimeUnit.choices)
    # Business units count under this calendar; a rule whose calendar was deleted acts on
    # nothing until it gets another one.
    calendar = models.ForeignKey(
        BusinessCalendar,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("business hours"),
    )
    conditions_all = models.JSONField(_("all of these conditions"), default=list, blank=True)
    conditions_any = models.JSONField(_("any of these conditions"), default=list, blank=True)
    actions = models.JSONField(_("actions"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("time rule")
        verbose_name_plural = _("time rules")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class TimeRuleRun(models.Model):
    """A time rule acted on a ticket for the moment `anchor_at` of its life."""

    rule = models.ForeignKey(TimeRule, on_delete=models.CASCADE, related_name="runs")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    anchor_at = models.DateTimeField()
    ran_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "ticket", "anchor_at"], name="time_rule_run_once"
            )
        ]


class ScheduledJob(models.Model):
    """A periodic job of the worker's scheduler, and what its last run did."""

    name = models.CharField(max_length=100, unique=True)
    next_run_at = models.DateTimeField()
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_worker = models.CharField(max_length=100, blank=True)
    last_result = models.TextField(blank=True)
    last_error = models.TextField(blank=True)
    runs = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return self.name
