"""Triggers: rules that act on a ticket right after something happened to it.

A trigger names the events it listens to, the conditions the ticket must meet (all of
one list and any of another), and the actions to take. Conditions and actions are kept
as small JSON documents whose vocabulary lives in `triggers_conditions` and
`triggers_actions`, so one list of condition fields serves triggers, time rules and
routing alike.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TriggerEvent(models.TextChoices):
    CREATED = "created", _("Ticket created")
    CUSTOMER_MESSAGE = "customer_message", _("Customer wrote")
    AGENT_REPLY = "agent_reply", _("Agent replied publicly")
    NOTE = "note", _("Internal note added")
    STATUS_CHANGED = "status_changed", _("Status changed")
    PRIORITY_CHANGED = "priority_changed", _("Priority changed")
    TYPE_CHANGED = "type_changed", _("Type changed")
    ASSIGNEE_CHANGED = "assignee_changed", _("Assignee changed")
    TEAM_CHANGED = "team_changed", _("Team changed")
    TAGS_CHANGED = "tags_changed", _("Tags changed")


class Trigger(models.Model):
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    # TriggerEvent values: the trigger is considered when any of them happened.
    events = models.JSONField(_("events"), default=list)
    # Lists of {"field": ..., "operator": ..., "value": ...}: every condition of
    # `conditions_all` must hold and, when `conditions_any` is not empty, one of it too.
    conditions_all = models.JSONField(_("all of these conditions"), default=list, blank=True)
    conditions_any = models.JSONField(_("any of these conditions"), default=list, blank=True)
    # A list of {"type": ..., "value": ..., "template": ...} run in order.
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
        verbose_name = _("trigger")
        verbose_name_plural = _("triggers")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class EmailTemplate(models.Model):
    """An e-mail that triggers and time rules send, with a variant per language.

    `variants` maps a language code to {"subject": ..., "body": ...}; the recipient's
    language picks the variant, falling back to the desk's default language.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    variants = models.JSONField(_("texts by language"), default=dict)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("e-mail template")
        verbose_name_plural = _("e-mail templates")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
