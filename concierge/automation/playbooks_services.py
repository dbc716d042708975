"""Every write about playbooks: admins keep the procedures, agents tick their steps."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from concierge.automation.models.playbooks import Playbook, PlaybookStep, PlaybookStepCheck
from concierge.people.models import User
from concierge.tickets import pipeline
from concierge.tickets.models import EventKind, Tag, Ticket, TicketEvent
from concierge.tickets.services import NotAllowedError

PLAYBOOK_FIELDS = (
    "title",
    "description",
    "ticket_type",
    "required_before_solving",
    "is_active",
)


def _check_admin(actor: User) -> None:
    if not actor.is_admin:
        raise NotAllowedError(_("Only admins write playbooks."))


def _save_steps(playbook: Playbook, texts: Sequence[str]) -> None:
    """Make the steps read `texts`, in that order.

    A step whose text is unchanged keeps its row, so tickets keep their ticks on it when
    the admin adds, removes or reorders other steps; a reworded step starts unticked.
    """
    existing: dict[str, list[PlaybookStep]] = {}
    for step in playbook.steps.order_by("position", "pk"):
        existing.setdefault(step.text, []).append(step)
    kept: list[PlaybookStep] = []
    for position, text in enumerate(texts):
        same = existing.get(text)
        if same:
            step = same.pop(0)
            if step.position != position:
                step.position = position
                step.save(update_fields=["position"])
        else:
            step = PlaybookStep.objects.create(playbook=playbook, position=position, text=text)
        kept.append(step)
    PlaybookStep.objects.filter(playbook=playbook).exclude(pk__in=[s.pk for s in kept]).delete()


def _tag(name: str) -> Tag | None:
    """The tag a playbook follows; one not used on any ticket yet is created."""
    name = Tag.normalize(name) if name.strip() else ""
    return Tag.objects.get_or_create(name=name)[0] if name else None


def _check_fields(values: dict[str, Any]) -> None:
    unknown = set(values) - set(PLAYBOOK_FIELDS)
    if unknown:
        raise TypeError(f"not playbook fields: {sorted(unknown)}")


def playbook_create(
    *, actor: User, steps: Sequence[str], tag_name: str = "", **values: Any
) -> Playbook:
    """A procedure for tickets of `ticket_type`, or tagged `tag_name`, or both."""
    _check_admin(actor)
    _check_fields(values)
    now = timezone.now()
    with transaction.atomic():
        playbook = Playbook.objects.create(
            tag=_tag(tag_name), created_by=actor, created_at=now, updated_at=now, **values
        )
        _save_steps(playbook, steps)
    return playbook


def playbook_update(
    *, playbook: Playbook, actor: User, steps: Sequence[str], tag_name: str = "", **values: Any
) -> Playbook:
    _check_admin(actor)
    _check_fields(values)
    with transaction.atomic():
        for name, value in values.items():
            setattr(playbook, name, value)
        playbook.tag = _tag(tag_name)
        playbook.updated_at = timezone.now()
        playbook.save(update_fields=[*values, "tag", "updated_at"])
        _save_steps(playbook, steps)
    return playbook


def playbook_delete(*, playbook: Playbook, actor: User) -> None:
    _check_admin(actor)
    playbook.delete()


def playbook_step_set_done(*, ticket: Ticket, step: PlaybookStep, actor: User, done: bool) -> bool:
    """Tick (or untick) a step on a ticket; returns whether anything changed.

    The wanted state is given rather than toggled, so a double click or a retried request
    does not undo itself. The ticket's row lock orders ticks against a concurrent solve,
    which checks the required steps under the same lock.
    """
    if not actor.can_reply_publicly:
        raise NotAllowedError(_("Your role may only add internal notes, not work procedures."))
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
        current = PlaybookStepCheck.objects.filter(ticket=ticket, step=step).first()
        if (current is not None) == done:
            return False
        if done:
            PlaybookStepCheck.objects.create(ticket=ticket, step=step, checked_by=actor)
        else:
            current.delete()
        # The step's and the playbook's wording are kept in the event, so the history
        # still reads right after the playbook is edited or deleted.
        label = {"id": step.pk, "label": step.text, "playbook": step.playbook.title}
        event = TicketEvent.objects.create(
            ticket=ticket,
            kind=EventKind.PLAYBOOK_STEP,
            actor=actor,
            field="playbook",
            before=None if done else label,
            after=label if done else None,
        )
        pipeline.run([event])
    return True
