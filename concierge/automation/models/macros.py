"""Macros: canned replies with placeholders, plus the field changes and tags they apply.

A macro is shared (no owner: every agent may use it, admins manage it) or personal
(its owner alone sees and uses it). Its text comes in variants per language and per
register (formal or informal address), one of which is chosen for each ticket.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from concierge.people.models import Team
from concierge.tickets.models import Priority, Status, TicketType


class Tone(models.TextChoices):
    FORMAL = "formal", _("Formal (вы, siz, te)")
    INFORMAL = "informal", _("Informal (ты, sen, sinä)")


class SendAs(models.TextChoices):
    COMPOSER = "", _("As chosen in the composer")
    REPLY = "reply", _("Public reply")
    NOTE = "note", _("Internal note")


class AssigneeAction(models.TextChoices):
    KEEP = "", _("Leave unchanged")
    CURRENT_USER = "me", _("The agent who applies the macro")
    NOBODY = "none", _("Nobody (unassign)")
    AGENT = "agent", _("A chosen agent")


class Macro(models.Model):
    title = models.CharField(_("title"), max_length=200)
    description = models.CharField(
        _("description"),
        max_length=300,
        blank=True,
        help_text=_("When to use it, shown to agents in the macro list."),
    )
    # No owner: a shared macro. An owner: a personal macro nobody else sees.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="macros",
        verbose_name=_("owner"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    send_as = models.CharField(
        _("send the text as"), max_length=10, choices=SendAs.choices, blank=True
    )

    # What the macro changes when the message is sent; empty values change nothing.
    set_status = models.CharField(
        _("set status"), max_length=10, choices=Status.choices, blank=True
    )
    set_priority = models.PositiveSmallIntegerField(
        _("set priority"), choices=Priority.choices, null=True, blank=True
    )
    set_ticket_type = models.CharField(
        _("set type"), max_length=12, choices=TicketType.choices, blank=True
    )
    set_team = models.ForeignKey(
        Team,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("set team"),
    )
    assignee_action = models.CharField(
        _("set assignee"), max_length=10, choices=AssigneeAction.choices, blank=True
    )
    set_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agent to assign"),
    )
    add_tags = models.JSONField(_("add tags"), default=list, blank=True)
    remove_tags = models.JSONField(_("remove tags"), default=list, blank=True)

    usage_count = models.PositiveIntegerField(_("times used"), default=0)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
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
        verbose_name = _("macro")
        verbose_name_plural = _("macros")
        ordering = ["title", "pk"]
        indexes = [models.Index(fields=["owner", "is_active", "title"], name="macro_owner_title")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_shared(self) -> bool:
        return self.owner_id is None

    @property
    def changes_ticket(self) -> bool:
        """Whether sending with this macro changes anything beyond adding the message."""
        return bool(
            self.set_status
            or self.set_priority
            or self.set_ticket_type
            or self.set_team_id
            or self.assignee_action
            or self.add_tags
            or self.remove_tags
        )


class MacroVariant(models.Model):
    """The macro's text in one language and register.

    An empty tone suits both registers (most English texts); a language with formal
    and informal address (Russian, Turkish, Finnish) may have one of each.
    """

    macro = models.ForeignKey(Macro, on_delete=models.CASCADE, related_name="variants")
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    tone = models.CharField(_("register"), max_length=10, choices=Tone.choices, blank=True)
    body = models.TextField(_("text"), max_length=20_000)

    class Meta:
        verbose_name = _("macro text")
        verbose_name_plural = _("macro texts")
        ordering = ["language", "tone"]
        constraints = [
            models.UniqueConstraint(
                fields=["macro", "language", "tone"], name="unique_macro_variant"
            )
        ]

    def __str__(self) -> str:
        return f"{self.macro} ({self.language}{'/' + self.tone if self.tone else ''})"
