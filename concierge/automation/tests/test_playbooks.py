"""Playbooks: which tickets follow them, ticking steps, and solving only when complete."""

from __future__ import annotations

import pytest

from concierge.automation.models.playbooks import PlaybookStep, PlaybookStepCheck
from concierge.automation.playbooks_queries import playbooks_matching, ticket_checklists
from concierge.automation.playbooks_services import (
    playbook_create,
    playbook_delete,
    playbook_step_set_done,
    playbook_update,
)
from concierge.tickets.models import EventKind, Status, Tag, TicketEvent, TicketType
from concierge.tickets.services import (
    NotAllowedError,
    SolveBlockedError,
    ticket_bulk_update,
    ticket_merge,
    ticket_reply,
    ticket_set_tags,
    ticket_update,
)

RETURN_STEPS = ["Check the receipt", "Send a prepaid label", "Refund when the parcel arrives"]


@pytest.fixture
def returns(admin):
    return playbook_create(
        actor=admin,
        steps=RETURN_STEPS,
        title="Return request",
        tag_name="Return",
        required_before_solving=True,
    )


def tick_all(ticket, playbook, actor):
    for step in playbook.steps.all():
        playbook_step_set_done(ticket=ticket, step=step, actor=actor, done=True)


def titles(ticket):
    return [playbook.title for playbook in playbooks_matching(ticket)]


# --- matching ----------------------------------------------------------------------------


def test_a_playbook_follows_its_tag(ticket, agent, returns):
    assert titles(ticket) == []
    ticket_set_tags(ticket=ticket, actor=agent, add=["return"])
    assert titles(ticket) == ["Return request"]


def test_a_playbook_follows_its_type(ticket, admin, agent):
    playbook_create(
        actor=admin, steps=["Reproduce"], title="Incident", ticket_type=TicketType.INCIDENT
    )
    assert titles(ticket) == []
    ticket = ticket_update(ticket=ticket, actor=agent, ticket_type=TicketType.INCIDENT)
    assert titles(ticket) == ["Incident"]


def test_with_type_and_tag_a_ticket_needs_both(ticket, admin, agent):
    playbook_create(
        actor=admin,
        steps=["Call the courier"],
        title="Damaged in transit",
        ticket_type=TicketType.COMPLAINT,
        tag_name="courier",
    )
    ticket_set_tags(ticket=ticket, actor=agent, add=["courier"])
    assert titles(ticket) == []
    ticket = ticket_update(ticket=ticket, actor=agent, ticket_type=TicketType.COMPLAINT)
    assert titles(ticket) == ["Damaged in transit"]


def test_inactive_playbooks_and_playbooks_without_a_condition_match_nothing(
    ticket, admin, agent, returns
):
    ticket_set_tags(ticket=ticket, actor=agent, add=["return"])
    playbook_update(
        playbook=returns, actor=admin, steps=RETURN_STEPS, tag_name="return", is_active=False
    )
    assert titles(ticket) == []
    playbook_update(playbook=returns, actor=admin, steps=RETURN_STEPS, is_active=True)
    Tag.objects.filter(name="return").delete()  # its only condition is gone
    returns.refresh_from_db()
    assert returns.tag is None
    assert titles(ticket) == []


def test_the_checklists_read_in_constant_queries(ticket, admin, agent, django_assert_num_queries):
    for index in range(3):
        playbook_create(
            actor=admin,
            steps=[f"step {n}" for n in range(10)],
            title=f"Playbook {index}",
            tag_name="many",
        )
    ticket_set_tags(ticket=ticket, actor=agent, add=["many"])
    with django_assert_num_queries(3):
        checklists = ticket_checklists(ticket)
        assert [len(c.steps) for c in checklists] == [10, 10, 10]


# --- ticking --------------------------------------------------------------------------------


def test_ticking_is_recorded_in_the_audit_trail(ticket, agent, returns):
    ticket_set_tags(ticket=ticket, actor=agent, add=["return"])
    step = returns.steps.get(text="Check the receipt")

    assert playbook_step_set_done(ticket=ticket, step=step, actor=agent, done=True)

    [checklist] = ticket_checklists(ticket)
    assert [item.done for item in checklist.steps] == [True, False, False]
    assert checklist.steps[0].check.checked_by == agent
    event = TicketEvent.objects.get(kind=EventKind.PLAYBOOK_STEP)
    assert event.actor == agent
    assert event.after == {
        "id": step.pk,
        "label": "Check the receipt",
        "playbook": "Return request",
    }

    assert playbook_step_set_done(ticket=ticket, step=step, actor=agent, done=False)
    untick = TicketEvent.objects.filter(kind=EventKind.PLAYBOOK_STEP).latest("pk")
    assert untick.before["label"] == "Check the receipt"
    assert untick.after is None
    assert not PlaybookStepCheck.objects.exists()


def test_ticking_twice_changes_nothing_the_second_time(ticket, agent, teammate, returns):
    step = returns.steps.first()
    assert playbook_step_set_done(ticket=ticket, step=step, actor=agent, done=True)
    assert not playbook_step_set_done(ticket=ticket, step=step, actor=teammate, done=True)
    assert PlaybookStepCheck.objects.get().checked_by == agent
    assert TicketEvent.objects.filter(kind=EventKind.PLAYBOOK_STEP).count() == 1


def test_light_agents_do_not_tick(ticket, light_agent, returns):
    with pytest.raises(NotAllowedError):
        playbook_step_set_done(
            ticket=ticket, step=returns.steps.first(), actor=light_agent, done=True
        )
    assert not PlaybookStepCheck.objects.exists()


def test_editing_keeps_the_ticks_of_unchanged_steps(ticket, admin, agent, returns):
    keep = returns.steps.get(text="Send a prepaid label")
    reworded = returns.steps.get(text="Check the receipt")
    for step in (keep, reworded):
        playbook_step_set_done(ticket=ticket, step=step, actor=agent, done=True)

    playbook_update(
        playbook=returns,
        actor=admin,
        steps=["Ask for the order number", "Send a prepaid label", "Check the receipt date"],
        tag_name="return",
    )

    assert list(returns.steps.values_list("text", flat=True)) == [
        "Ask for the order number",
        "Send a prepaid label",
        "Check the receipt date",
    ]
    assert list(PlaybookStepCheck.objects.values_list("step_id", flat=True)) == [keep.pk]
    assert not PlaybookStep.objects.filter(pk=reworded.pk).exists()


def test_the_history_outlives_the_playbook(ticket, admin, agent, returns):
    playbook_step_set_done(ticket=ticket, step=returns.steps.first(), actor=agent, done=True)
    playbook_delete(playbook=returns, actor=admin)
    event = TicketEvent.objects.get(kind=EventKind.PLAYBOOK_STEP)
    assert event.after["playbook"] == "Return request"


def test_only_admins_write_playbooks(agent, returns):
    with pytest.raises(NotAllowedError):
        playbook_create(actor=agent, steps=["x"], title="Mine", tag_name="x")
    with pytest.raises(NotAllowedError):
        playbook_update(playbook=returns, actor=agent, steps=["x"], tag_name="x")
    with pytest.raises(NotAllowedError):
        playbook_delete(playbook=returns, actor=agent)


# --- required before solving ----------------------------------------------------------------


@pytest.fixture
def return_ticket(ticket, agent, returns):
    ticket_set_tags(ticket=ticket, actor=agent, add=["return"])
    ticket.refresh_from_db()
    return ticket


def test_an_unfinished_required_playbook_blocks_solving(return_ticket, agent, returns):
    playbook_step_set_done(ticket=return_ticket, step=returns.steps.first(), actor=agent, done=True)

    with pytest.raises(SolveBlockedError) as refused:
        ticket_update(ticket=return_ticket, actor=agent, status=Status.SOLVED)

    assert str(refused.value) == (
        f"Finish the procedure “Return request” before solving ticket #{return_ticket.number}: "
        "2 steps are not done."
    )
    return_ticket.refresh_from_db()
    assert return_ticket.status == Status.NEW


@pytest.mark.parametrize("status", [Status.SOLVED, Status.CLOSED])
def test_a_reply_that_solves_is_refused_whole(return_ticket, agent, status):
    with pytest.raises(SolveBlockedError):
        ticket_reply(
            ticket=return_ticket, author=agent, body_text="Done!", internal=False, status=status
        )
    assert return_ticket.messages.count() == 1


def test_a_complete_playbook_lets_the_ticket_be_solved(return_ticket, agent, returns):
    tick_all(return_ticket, returns, agent)
    ticket_reply(
        ticket=return_ticket,
        author=agent,
        body_text="Refunded",
        internal=False,
        status=Status.SOLVED,
    )
    return_ticket.refresh_from_db()
    assert return_ticket.status == Status.SOLVED
    # Closing a solved ticket asks nothing more, even if a step was unticked since.
    playbook_step_set_done(
        ticket=return_ticket, step=returns.steps.first(), actor=agent, done=False
    )
    ticket_update(ticket=return_ticket, actor=agent, status=Status.CLOSED)


def test_an_optional_playbook_does_not_block(return_ticket, admin, agent, returns):
    playbook_update(
        playbook=returns,
        actor=admin,
        steps=RETURN_STEPS,
        tag_name="return",
        required_before_solving=False,
    )
    ticket_update(ticket=return_ticket, actor=agent, status=Status.SOLVED)
    return_ticket.refresh_from_db()
    assert return_ticket.status == Status.SOLVED


def test_other_statuses_are_not_blocked(return_ticket, agent):
    for status in (Status.OPEN, Status.PENDING, Status.ON_HOLD):
        ticket_update(ticket=return_ticket, actor=agent, status=status)


def test_merging_a_duplicate_is_not_blocked(return_ticket, agent, customer):
    from concierge.tickets.models import Channel
    from concierge.tickets.services import ticket_create

    target = ticket_create(
        requester=customer, subject="Lamp again", body_text="x", channel=Channel.WEB
    )
    ticket_merge(source=return_ticket, target=target, actor=agent)
    return_ticket.refresh_from_db()
    assert return_ticket.status == Status.CLOSED


def test_a_bulk_solve_skips_the_blocked_ticket_and_solves_the_rest(return_ticket, agent, customer):
    from concierge.tickets.models import Channel
    from concierge.tickets.services import ticket_create

    first = ticket_create(requester=customer, subject="Other", body_text="x", channel=Channel.WEB)
    last = ticket_create(requester=customer, subject="Third", body_text="x", channel=Channel.WEB)

    result = ticket_bulk_update(
        tickets=[first, return_ticket, last], actor=agent, status=Status.SOLVED, priority=3
    )

    assert result.changed == 2
    [(blocked, reason)] = result.blocked
    assert blocked == return_ticket
    assert f"before solving ticket #{return_ticket.number}" in reason
    for ticket in (first, last):
        ticket.refresh_from_db()
        assert (ticket.status, ticket.priority) == (Status.SOLVED, 3)
    # The blocked ticket is left whole: none of the other changes either.
    return_ticket.refresh_from_db()
    assert (return_ticket.status, return_ticket.priority) == (Status.NEW, 2)
    assert not TicketEvent.objects.filter(ticket=return_ticket, field="priority").exists()
