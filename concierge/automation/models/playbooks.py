"""Playbooks: standard operating procedures as ordered checklists on matching tickets."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from concierge.tickets.models import Tag, Ticket, TicketType


class Playbook(models.Model):
    """A procedure for tickets of a type, or with a tag, or both (say, a return request).

    A playbook with neither condition matches no ticket: it could otherwise end up on
    every ticket when its tag is deleted.
    """

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(
        _("description"),
        blank=True,
        max_length=5_000,
        help_text=_("Why the procedure exists and what a good outcome is."),
    )
    ticket_type = models.CharField(
        _("for tickets of type"), max_length=12, choices=TicketType.choices, blank=True
    )
    tag = models.ForeignKey(
        Tag,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="playbooks",
        verbose_name=_("for tickets tagged"),
    )
    required_before_solving = models.BooleanField(
        _("must be complete before the ticket is solved"), default=False
    )
    is_active = models.BooleanField(_("active"), default=True)
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
        verbose_name = _("playbook")
        verbose_name_plural = _("playbooks")
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title


class PlaybookStep(models.Model):
    playbook = models.ForeignKey(Playbook, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveIntegerField(_("position"), default=0)
    text = models.CharField(_("step"), max_length=300)

    class Meta:
        verbose_name = _("playbook step")
        verbose_name_plural = _("playbook steps")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class PlaybookStepCheck(models.Model):
    """A step done on one ticket: who ticked it and when (the audit trail has the history)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="playbook_checks")
    step = models.ForeignKey(PlaybookStep, on_delete=models.CASCADE, related_name="checks")
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    checked_at = models.DateTimeField(_("done at"), default=timezone.now)

    class Meta:
        verbose_name = _("step done")
        verbose_name_plural = _("steps done")
        constraints = [models.UniqueConstraint(fields=["ticket", "step"], name="unique_step_check")]

    def __str__(self) -> str:
        return f"{self.step} on #{self.ticket_id}"
