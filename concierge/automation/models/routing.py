"""Routing: which team a new ticket goes to, and which of its agents gets it.

Team rules are checked in order when a ticket without a team arrives; the first whose
conditions hold (channel, the detected language, keywords, the customer's organization,
...) gives the team. Each team then says how its tickets find an agent, and agents say
whether they are available: online in the top bar, and within their own working hours
when they have a calendar.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from concierge.people.models import Team
from concierge.sla.models import BusinessCalendar


class RoutingRule(models.Model):
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    conditions_all = models.JSONField(_("all of these conditions"), default=list, blank=True)
    conditions_any = models.JSONField(_("any of these conditions"), default=list, blank=True)
    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, related_name="routing_rules", verbose_name=_("team")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class AssignmentMode(models.TextChoices):
    MANUAL = "", _("Agents take tickets themselves")
    ROUND_ROBIN = "round_robin", _("Round-robin")
    LEAST_LOADED = "least_loaded", _("Least loaded")
    SKILLS = "skills", _("Best skills match")


class TeamRouting(models.Model):
    """How a team's new tickets are given to its agents."""

    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="routing")
    mode = models.CharField(
        _("assign to"), max_length=20, choices=AssignmentMode.choices, blank=True
    )
    max_open_per_agent = models.PositiveIntegerField(
        _("most open tickets per agent"),
        null=True,
        blank=True,
        help_text=_("An agent with this many new or open tickets gets no more. Empty: no limit."),
    )
    return_when_away = models.BooleanField(
        _("return tickets when the agent goes away"),
        default=False,
        help_text=_(
            "When an agent sets themselves away or their working hours end, their new and "
            "open tickets of this team go back to the team and on to another available agent."
        ),
    )
    # Round-robin: the agent who got the last ticket; the next one goes to the one after.
    last_assigned = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("team routing")
        verbose_name_plural = _("team routing")

    def __str__(self) -> str:
        return f"{self.team}: {self.get_mode_display()}"


class Presence(models.TextChoices):
    ONLINE = "online", _("Online")
    AWAY = "away", _("Away")


class AgentAvailability(models.Model):
    """Whether an agent takes new tickets now. An agent without a row is away."""

    agent = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="availability"
    )
    presence = models.CharField(
        _("status"), max_length=10, choices=Presence.choices, default=Presence.AWAY
    )
    # The agent's own working hours: outside them they get no tickets even when online.
    calendar = models.ForeignKey(
        BusinessCalendar,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("working hours"),
    )
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)
    # Set when the end of the agent's shift was handled (their tickets went back), cleared
    # when the next shift begins: tickets taken after hours stay with the agent.
    off_shift_since = models.DateTimeField(_("working hours ended"), null=True, blank=True)

    class Meta:
        verbose_name = _("agent availability")
        verbose_name_plural = _("agent availability")

    def __str__(self) -> str:
        return f"{self.agent}: {self.get_presence_display()}"
