"""Reads about playbooks: which ones a ticket follows, how far it is, what blocks solving."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import ngettext

from concierge.automation.models.playbooks import Playbook, PlaybookStep, PlaybookStepCheck
from concierge.people.models import User
from concierge.people.queries import is_admin
from concierge.tickets.models import Ticket


@dataclass(frozen=True)
class ChecklistStep:
    step: PlaybookStep
    check: PlaybookStepCheck | None

    @property
    def done(self) -> bool:
        return self.check is not None


@dataclass(frozen=True)
class Checklist:
    """One playbook as it stands on one ticket."""

    playbook: Playbook
    steps: list[ChecklistStep]

    @property
    def done_count(self) -> int:
        return sum(1 for step in self.steps if step.done)

    @property
    def complete(self) -> bool:
        return self.done_count == len(self.steps)

    @property
    def left_count(self) -> int:
        return len(self.steps) - self.done_count


def playbooks_matching(ticket: Ticket) -> QuerySet[Playbook]:
    """Active playbooks whose type and tag conditions the ticket meets.

    A condition left empty accepts any ticket, but a playbook needs at least one.
    """
    return (
        Playbook.objects.filter(is_active=True)
        .filter(Q(ticket_type="") | Q(ticket_type=ticket.ticket_type))
        .filter(Q(tag__isnull=True) | Q(tag__in=ticket.tags.all()))
        .exclude(ticket_type="", tag__isnull=True)
        .order_by("title", "pk")
    )


def ticket_checklists(ticket: Ticket) -> list[Checklist]:
    """The checklists shown on the ticket, in three queries whatever their length."""
    playbooks = list(playbooks_matching(ticket).prefetch_related("steps"))
    if not playbooks:
        return []
    checks = {
        check.step_id: check
        for check in PlaybookStepCheck.objects.filter(
            ticket=ticket, step__playbook__in=[p.pk for p in playbooks]
        ).select_related("checked_by")
    }
    return [
        Checklist(
            playbook=playbook,
            steps=[ChecklistStep(step=s, check=checks.get(s.pk)) for s in playbook.steps.all()],
        )
        for playbook in playbooks
    ]


def step_for_ticket(ticket: Ticket, step_id: int) -> PlaybookStep:
    """A step of a playbook the ticket follows; 404 for a step of any other playbook."""
    try:
        return PlaybookStep.objects.select_related("playbook").get(
            pk=step_id, playbook__in=playbooks_matching(ticket)
        )
    except PlaybookStep.DoesNotExist:
        raise Http404 from None


def solve_blockers(ticket: Ticket) -> list[str]:
    """Why the ticket may not be solved yet: one sentence per unfinished required playbook.

    Call under the ticket's lock, so nobody unticks a step between the check and the solve.
    """
    blockers = []
    for checklist in ticket_checklists(ticket):
        if checklist.playbook.required_before_solving and not checklist.complete:
            left = checklist.left_count
            blockers.append(
                ngettext(
                    "Finish the procedure “%(playbook)s” before solving ticket #%(number)s: "
                    "%(count)d step is not done.",
                    "Finish the procedure “%(playbook)s” before solving ticket #%(number)s: "
                    "%(count)d steps are not done.",
                    left,
                )
                % {"playbook": checklist.playbook.title, "number": ticket.number, "count": left}
            )
    return blockers


def playbooks_for_admin(user: User) -> QuerySet[Playbook]:
    if not is_admin(user):
        raise Http404
    return Playbook.objects.select_related("tag").annotate(step_count=Count("steps"))


def playbook_for_admin(user: User, pk: int) -> Playbook:
    if not is_admin(user):
        raise Http404
    try:
        return Playbook.objects.select_related("tag").prefetch_related("steps").get(pk=pk)
    except Playbook.DoesNotExist:
        raise Http404 from None
