"""SLA policies: which tickets a policy covers, and its targets for each priority.

Policies form one ordered list; the first active policy whose conditions all match a
ticket applies to it (`concierge.sla.policy_rules`). A condition left empty matches any
ticket. Targets are whole minutes, counted in the policy's calendar (business hours) or,
without a calendar, in plain elapsed time (calendar hours).
"""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from concierge.people.models import Organization, Team
from concierge.sla.models.calendars import BusinessCalendar
from concierge.tickets.models import Priority, Status, Tag

#: Longest target a form accepts: one year of minutes, far beyond any real promise.
MAX_TARGET_MINUTES = 366 * 24 * 60


class Metric(models.TextChoices):
    """What a target measures. Each has at most one running clock per ticket."""

    FIRST_RESPONSE = "first_response", _("First response")
    NEXT_RESPONSE = "next_response", _("Next response")
    RESOLUTION = "resolution", _("Resolution")


#: Statuses during which a policy may stop its clocks.
PAUSABLE_STATUSES = (Status.PENDING, Status.ON_HOLD)


class SlaPolicy(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    # Lower comes first; the first active policy that matches a ticket applies.
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    calendar = models.ForeignKey(
        BusinessCalendar,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="policies",
        verbose_name=_("business hours"),
        help_text=_("Targets count only open hours of this calendar; none counts every hour."),
    )
    pause_when_pending = models.BooleanField(_("pause while pending"), default=True)
    pause_when_on_hold = models.BooleanField(_("pause while on hold"), default=True)

    # Conditions. Each one left empty matches every ticket; a filled one matches a ticket
    # with one of the listed values. All filled conditions must match.
    priorities = models.JSONField(_("priorities"), default=list, blank=True)
    ticket_types = models.JSONField(_("types"), default=list, blank=True)
    channels = models.JSONField(_("channels"), default=list, blank=True)
    # One condition on the customer's side: the ticket's organization is listed, or its
    # support plan is.
    organizations = models.ManyToManyField(
        Organization, blank=True, related_name="+", verbose_name=_("organizations")
    )
    support_plans = models.JSONField(_("support plans"), default=list, blank=True)
    teams = models.ManyToManyField(Team, blank=True, related_name="+", verbose_name=_("teams"))
    # The ticket has at least one of these tags.
    tags = models.ManyToManyField(Tag, blank=True, related_name="+", verbose_name=_("tags"))

    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def pause_statuses(self) -> tuple[str, ...]:
        paused = []
        if self.pause_when_pending:
            paused.append(Status.PENDING)
        if self.pause_when_on_hold:
            paused.append(Status.ON_HOLD)
        return tuple(paused)


def _minutes_field(label: str) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(
        label, null=True, blank=True, validators=[MinValueValidator(1)]
    )


class SlaPolicyTarget(models.Model):
    """A policy's promises for tickets of one priority; a target left empty is not promised."""

    policy = models.ForeignKey(SlaPolicy, on_delete=models.CASCADE, related_name="targets")
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices)
    first_response_minutes = _minutes_field(_("first response (minutes)"))
    next_response_minutes = _minutes_field(_("next response (minutes)"))
    resolution_minutes = _minutes_field(_("resolution (minutes)"))

    class Meta:
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")
        ordering = ["policy", "-priority"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "priority"], name="sla_target_priority"),
            models.CheckConstraint(
                condition=(Q(first_response_minutes__isnull=True) | Q(first_response_minutes__gt=0))
                & (Q(next_response_minutes__isnull=True) | Q(next_response_minutes__gt=0))
                & (Q(resolution_minutes__isnull=True) | Q(resolution_minutes__gt=0)),
                name="sla_target_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.policy}: {self.get_priority_display()}"

    def minutes(self, metric: str) -> int | None:
        return getattr(self, f"{metric}_minutes")


class SlaConfigVersion(models.Model):
    """One row whose token changes with every change to policies, rules or calendars.

    Each process keeps the compiled policies in memory and reads only this token before
    using them (`policy_rules.current_config`), so recomputing a ticket's due times does
    not reload every policy. A random token rather than a counter, so that a rolled-back
    change can never leave two different configurations under the same token.
    """

    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return self.token
