"""Specification of the ticket services: every write, its audit event and its rules."""

from __future__ import annotations

import re
import threading

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from concierge.automation.models.triggers import Trigger
from concierge.people.models import Team
from concierge.people.services import customer_find_or_create_by_email
from concierge.tickets.models import (
    Channel,
    EventKind,
    Message,
    MessageKind,
    Priority,
    Status,
    Ticket,
    TicketEvent,
    TicketNumberSequence,
    TicketType,
)
from concierge.tickets.services import (
    NotAllowedError,
    StaleTicketError,
    message_receive,
    message_split,
    ticket_bulk_merge,
    ticket_bulk_update,
    ticket_create,
    ticket_merge,
    ticket_reply,
    ticket_set_followers,
    ticket_set_tags,
    ticket_update,
)


def new_ticket(requester, subject="Where is my parcel?", **kwargs):
    kwargs.setdefault("channel", Channel.EMAIL)
    kwargs.setdefault("body_text", "It was due on Monday and has not arrived.")
    return ticket_create(requester=requester, subject=subject, **kwargs)


@pytest.fixture(autouse=True)
def _shipped_triggers_off(db):
    # The shipped triggers acknowledge new requests by e-mail and record that on the
    # ticket; these tests are about what the services and the pipeline do themselves.
    Trigger.objects.update(is_active=False)


def events_of(ticket, kind=None):
    events = TicketEvent.objects.filter(ticket=ticket).order_by("created_at", "id")
    return list(events.filter(kind=kind) if kind else events)


TICKET_UPDATE = re.compile(r'UPDATE "tickets_ticket" SET (.*?) WHERE', re.IGNORECASE | re.DOTALL)


def updated_columns(queries):
    """The columns each UPDATE of the ticket table wrote, in the order they were written."""
    writes = []
    for query in queries:
        match = TICKET_UPDATE.search(query["sql"])
        if match:
            writes.append(set(re.findall(r'"(\w+)" = ', match.group(1))))
    return writes


# --- numbers -------------------------------------------------------------------------------------


def test_it_numbers_tickets_one_after_another(customer):
    numbers = [new_ticket(customer).number for _ in range(3)]

    assert numbers == [1, 2, 3]


def test_it_continues_from_the_number_a_previous_help_desk_stopped_at(customer):
    TicketNumberSequence.objects.create(pk=1, last_number=41_000)

    assert new_ticket(customer).number == 41_001
    assert new_ticket(customer).number == 41_002


def test_a_refused_ticket_does_not_use_up_a_number(customer, settings):
    from django.core.exceptions import ValidationError

    from concierge.tickets.attachments import IncomingFile

    first = new_ticket(customer)
    with pytest.raises(ValidationError):
        new_ticket(customer, attachments=[IncomingFile("setup.exe", "", b"MZ")])

    assert new_ticket(customer).number == first.number + 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_creators_get_unique_numbers(customer):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers itself; row locks are only exercised on PostgreSQL")
    new_ticket(customer)  # the sequence row exists before the race starts
    created: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def create_some() -> None:
        try:
            start.wait()
            for _ in range(5):
                created.append(new_ticket(customer).number)
        except BaseException as error:  # reported to the test thread below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create_some) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(created) == list(range(2, 22))
    assert Ticket.objects.count() == 21


# --- creating ------------------------------------------------------------------------------------


def test_a_customer_ticket_starts_new_with_the_customers_message(customer, support_team):
    ticket = new_ticket(customer, team=support_team, body_html="<p>It was <b>due</b></p>")

    assert ticket.status == Status.NEW
    assert ticket.requester == customer
    # Kirsi's own language is Finnish, but she wrote in English: the ticket is in English.
    assert ticket.language == "en"
    assert ticket.last_customer_message_at == ticket.created_at
    assert ticket.first_response_at is None
    message = ticket.messages.get()
    assert message.kind == MessageKind.CUSTOMER
    assert message.author_customer == customer
    assert message.body_text == "It was due on Monday and has not arrived."
    assert message.body_html == "<p>It was <b>due</b></p>"
    [event] = events_of(ticket)
    assert event.kind == EventKind.CREATED
    assert event.actor is None
    assert event.actor_customer == customer
    assert event.message == message


def test_an_agent_opens_a_ticket_for_a_customer_with_a_public_reply(customer, agent):
    ticket = new_ticket(customer, actor=agent, channel=Channel.PHONE)

    assert ticket.status == Status.OPEN
    assert ticket.last_customer_message_at is None
    message = ticket.messages.get()
    assert message.kind == MessageKind.REPLY
    assert message.author_user == agent
    assert message.author_customer is None
    [event] = events_of(ticket)
    assert (event.kind, event.actor, event.actor_customer) == (EventKind.CREATED, agent, None)


def test_a_ticket_belongs_to_the_requesters_organization(customer):
    from concierge.people.models import Organization
    from concierge.people.services import organization_add_member

    acme = Organization.objects.create(name="Acme")
    organization_add_member(organization=acme, customer=customer)

    assert new_ticket(customer).organization == acme


def test_of_several_organizations_a_ticket_takes_the_oldest(customer):
    from concierge.people.models import Customer, Organization
    from concierge.people.services import organization_add_member

    first, second = (Organization.objects.create(name=name) for name in ("Acme", "Globex"))
    organization_add_member(organization=second, customer=customer)
    organization_add_member(organization=first, customer=customer)
    # Read with its organizations (as mail groups read their senders), it asks no more.
    read = Customer.objects.prefetch_related("organizations").get(pk=customer.pk)

    with CaptureQueriesContext(connection) as captured:
        ticket = new_ticket(read)

    assert ticket.organization == first
    assert not [q for q in captured.captured_queries if 'FROM "people_organization"' in q["sql"]]
    assert new_ticket(customer).organization == first


def test_the_new_ticket_carries_the_message_it_was_opened_with(customer):
    ticket = new_ticket(customer, body_text="The lamp arrived broken.")

    assert ticket.opening_message == ticket.messages.get()
    assert ticket.opening_message.body_text == "The lamp arrived broken."
    assert Ticket.objects.get(pk=ticket.pk).opening_message is None  # not a column


def test_a_blank_subject_gets_a_placeholder_and_a_long_one_is_cut(customer):
    assert new_ticket(customer, subject="   ").subject == "(no subject)"
    assert len(new_ticket(customer, subject="x" * 400).subject) == 300


def test_it_keeps_the_given_fields_of_a_new_ticket(customer, agent, support_team):
    ticket = new_ticket(
        customer,
        priority=Priority.URGENT,
        ticket_type=TicketType.INCIDENT,
        language="tr",
        assignee=agent,
        team=support_team,
        tags=["Outage", " outage ", "EU"],
    )
    ticket.refresh_from_db()

    assert ticket.priority == Priority.URGENT
    assert ticket.ticket_type == TicketType.INCIDENT
    assert ticket.language == "tr"
    assert ticket.assignee == agent
    assert ticket.team == support_team
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["eu", "outage"]


# --- customer messages ---------------------------------------------------------------------------


def test_a_customer_message_is_added_with_its_event(ticket, customer):
    before = Ticket.objects.get(pk=ticket.pk)

    message = message_receive(
        ticket=ticket, customer=customer, body_text="  Any news?  ", channel=Channel.EMAIL
    )

    after = Ticket.objects.get(pk=ticket.pk)
    assert message.kind == MessageKind.CUSTOMER
    assert message.body_text == "Any news?"
    assert after.version == before.version + 1
    assert after.last_customer_message_at > before.last_customer_message_at
    assert after.updated_at == after.last_customer_message_at
    assert after.status == Status.NEW  # a new ticket stays new until an agent answers
    [event] = events_of(ticket, EventKind.MESSAGE_ADDED)
    assert (event.actor, event.actor_customer, event.message) == (None, customer, message)


@pytest.mark.parametrize("waiting_status", [Status.PENDING, Status.SOLVED])
def test_a_customer_message_reopens_a_waiting_or_solved_ticket(
    ticket, customer, agent, waiting_status
):
    ticket_update(ticket=ticket, actor=agent, status=waiting_status)

    message_receive(ticket=ticket, customer=customer, body_text="Still broken", channel="email")

    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert ticket.solved_at is None
    reopened = events_of(ticket, EventKind.FIELD_CHANGED)[-1]
    assert (reopened.field, reopened.before, reopened.after) == ("status", waiting_status, "open")
    assert reopened.actor is None
    assert reopened.actor_customer == customer


@pytest.mark.parametrize("status", [Status.ON_HOLD, Status.CLOSED])
def test_a_customer_message_leaves_on_hold_and_closed_tickets_as_they_are(
    ticket, customer, agent, status
):
    ticket_update(ticket=ticket, actor=agent, status=status)
    changes = len(events_of(ticket, EventKind.FIELD_CHANGED))

    message_receive(ticket=ticket, customer=customer, body_text="Thanks", channel="email")

    ticket.refresh_from_db()
    assert ticket.status == status
    assert len(events_of(ticket, EventKind.FIELD_CHANGED)) == changes


# --- agent replies and notes ---------------------------------------------------------------------


def test_the_first_public_reply_opens_the_ticket_and_is_the_first_response(ticket, agent):
    message = ticket_reply(ticket=ticket, author=agent, body_text="We are on it.", internal=False)

    ticket.refresh_from_db()
    assert message.kind == MessageKind.REPLY
    assert message.author_user == agent
    assert message.channel == ticket.channel
    assert ticket.status == Status.OPEN
    assert ticket.first_response_at == ticket.last_agent_message_at == ticket.updated_at
    added, opened = events_of(ticket)[1:]
    assert (added.kind, added.actor, added.message) == (EventKind.MESSAGE_ADDED, agent, message)
    assert (opened.kind, opened.field, opened.before, opened.after, opened.actor) == (
        EventKind.FIELD_CHANGED,
        "status",
        "new",
        "open",
        agent,
    )


def test_only_the_first_public_reply_sets_the_first_response_time(ticket, agent, teammate):
    ticket_reply(ticket=ticket, author=agent, body_text="We are on it.", internal=False)
    ticket.refresh_from_db()
    first_response_at = ticket.first_response_at

    ticket_reply(ticket=ticket, author=teammate, body_text="Replacement sent.", internal=False)

    ticket.refresh_from_db()
    assert ticket.first_response_at == first_response_at
    assert ticket.last_agent_message_at > first_response_at


def test_an_internal_note_is_no_response_and_changes_no_status(ticket, agent):
    note = ticket_reply(ticket=ticket, author=agent, body_text="Check the warehouse", internal=True)

    ticket.refresh_from_db()
    assert note.kind == MessageKind.NOTE
    assert note.channel == Channel.WEB
    assert ticket.status == Status.NEW
    assert ticket.first_response_at is None
    assert ticket.last_agent_message_at is None
    assert [e.kind for e in events_of(ticket)] == [EventKind.CREATED, EventKind.MESSAGE_ADDED]


def test_reply_and_set_pending_in_one_step(ticket, agent):
    ticket_reply(
        ticket=ticket, author=agent, body_text="Send us a photo?", internal=False, status="pending"
    )

    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING
    [change] = events_of(ticket, EventKind.FIELD_CHANGED)
    assert (change.before, change.after) == ("new", "pending")


def test_reply_and_solve_stamps_the_solved_time(ticket, agent):
    ticket_reply(
        ticket=ticket, author=agent, body_text="Refunded.", internal=False, status="solved"
    )

    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED
    assert ticket.solved_at == ticket.updated_at


def test_a_reply_against_a_stale_version_writes_nothing(ticket, agent, teammate):
    seen_version = ticket.version
    ticket_reply(ticket=ticket, author=teammate, body_text="Already answered", internal=False)
    state = Ticket.objects.values().get(pk=ticket.pk)
    messages, events = Message.objects.count(), TicketEvent.objects.count()

    with pytest.raises(StaleTicketError) as raised:
        ticket_reply(
            ticket=ticket,
            author=agent,
            body_text="My answer",
            internal=False,
            expected_version=seen_version,
        )

    assert raised.value.ticket.version == seen_version + 1
    assert Ticket.objects.values().get(pk=ticket.pk) == state
    assert (Message.objects.count(), TicketEvent.objects.count()) == (messages, events)


def test_a_reply_against_the_current_version_goes_through(ticket, agent):
    ticket_reply(
        ticket=ticket,
        author=agent,
        body_text="Answer",
        internal=False,
        expected_version=ticket.version,
    )

    assert Ticket.objects.get(pk=ticket.pk).version == ticket.version + 1


# --- light agents --------------------------------------------------------------------------------


def test_a_light_agent_may_add_an_internal_note(ticket, light_agent):
    note = ticket_reply(ticket=ticket, author=light_agent, body_text="FYI", internal=True)

    assert note.kind == MessageKind.NOTE


def test_a_light_agent_may_not_reply_publicly(ticket, light_agent):
    with pytest.raises(NotAllowedError):
        ticket_reply(ticket=ticket, author=light_agent, body_text="Hi", internal=False)

    assert ticket.messages.count() == 1
    assert Ticket.objects.get(pk=ticket.pk).version == ticket.version


def test_a_light_agent_may_not_change_fields_tags_merge_or_split(ticket, light_agent, customer):
    other = new_ticket(customer)
    message_receive(ticket=ticket, customer=customer, body_text="Second", channel="email")
    second = ticket.messages.order_by("-id").first()
    events = TicketEvent.objects.count()

    with pytest.raises(NotAllowedError):
        ticket_update(ticket=ticket, actor=light_agent, status=Status.SOLVED)
    with pytest.raises(NotAllowedError):
        ticket_set_tags(ticket=ticket, actor=light_agent, add=["vip"])
    with pytest.raises(NotAllowedError):
        ticket_merge(source=other, target=ticket, actor=light_agent)
    with pytest.raises(NotAllowedError):
        message_split(message=second, actor=light_agent)

    assert TicketEvent.objects.count() == events
    assert Ticket.objects.get(pk=ticket.pk).status == Status.NEW
    assert Ticket.objects.count() == 2


# --- changing fields -----------------------------------------------------------------------------


def test_each_changed_field_gets_an_event_with_before_and_after(ticket, agent, support_team):
    billing = Team.objects.create(name="Billing desk")
    ticket_update(
        ticket=ticket,
        actor=agent,
        priority=Priority.HIGH,
        ticket_type=TicketType.COMPLAINT,
        assignee=agent,
        team=billing,
        subject="Lamp broken in transit",
    )

    changes = {e.field: e for e in events_of(ticket, EventKind.FIELD_CHANGED)}
    assert set(changes) == {"priority", "ticket_type", "assignee", "team", "subject"}
    assert (changes["priority"].before, changes["priority"].after) == (2, 3)
    assert (changes["ticket_type"].before, changes["ticket_type"].after) == (
        "question",
        "complaint",
    )
    assert changes["assignee"].before is None
    assert changes["assignee"].after == {"id": agent.pk, "label": "Aino Agent"}
    assert changes["team"].before == {"id": support_team.pk, "label": "Support"}
    assert changes["team"].after == {"id": billing.pk, "label": "Billing desk"}
    assert changes["subject"].after == "Lamp broken in transit"
    assert all(e.actor == agent for e in changes.values())


def test_an_update_saves_only_the_changed_fields_and_bumps_the_version_once(ticket, agent):
    with CaptureQueriesContext(connection) as queries:
        ticket_update(ticket=ticket, actor=agent, priority=Priority.LOW, assignee=agent)

    assert updated_columns(queries.captured_queries) == [
        {"priority", "assignee_id", "updated_at", "version"}
    ]
    assert Ticket.objects.get(pk=ticket.pk).version == ticket.version + 1


def test_an_update_keeps_a_change_someone_else_saved_meanwhile(ticket, agent):
    Ticket.objects.filter(pk=ticket.pk).update(subject="Renamed by a teammate")

    ticket_update(ticket=ticket, actor=agent, priority=Priority.HIGH)  # `ticket` is outdated

    ticket.refresh_from_db()
    assert (ticket.subject, ticket.priority) == ("Renamed by a teammate", Priority.HIGH)


def test_an_update_that_changes_nothing_writes_nothing(ticket, agent, support_team):
    ticket_update(ticket=ticket, actor=agent, priority=Priority.NORMAL, team=support_team)

    assert events_of(ticket, EventKind.FIELD_CHANGED) == []
    assert Ticket.objects.get(pk=ticket.pk).version == ticket.version


def test_an_update_against_a_stale_version_is_refused(ticket, agent):
    ticket_update(ticket=ticket, actor=agent, priority=Priority.HIGH)

    with pytest.raises(StaleTicketError):
        ticket_update(
            ticket=ticket, actor=agent, expected_version=ticket.version, priority=Priority.LOW
        )

    assert Ticket.objects.get(pk=ticket.pk).priority == Priority.HIGH


def test_solving_closing_and_reopening_keep_the_timestamps_true(ticket, agent):
    ticket_update(ticket=ticket, actor=agent, status=Status.SOLVED)
    ticket.refresh_from_db()
    assert ticket.solved_at is not None
    assert ticket.closed_at is None
    solved_at = ticket.solved_at

    ticket_update(ticket=ticket, actor=agent, status=Status.CLOSED)
    ticket.refresh_from_db()
    assert ticket.solved_at == solved_at
    assert ticket.closed_at is not None

    ticket_update(ticket=ticket, actor=agent, status=Status.OPEN)
    ticket.refresh_from_db()
    assert (ticket.solved_at, ticket.closed_at) == (None, None)


def test_a_closed_ticket_set_back_to_solved_is_no_longer_closed(ticket, agent):
    ticket_update(ticket=ticket, actor=agent, status=Status.CLOSED)

    ticket_update(ticket=ticket, actor=agent, status=Status.SOLVED)

    ticket.refresh_from_db()
    assert ticket.closed_at is None
    assert ticket.solved_at == ticket.updated_at


def test_closing_an_unsolved_ticket_counts_as_solving_it(ticket, agent):
    ticket_update(ticket=ticket, actor=agent, status=Status.CLOSED)

    ticket.refresh_from_db()
    assert ticket.solved_at == ticket.closed_at == ticket.updated_at
    [change] = events_of(ticket, EventKind.FIELD_CHANGED)
    assert (change.field, change.before, change.after) == ("status", "new", "closed")


def test_a_customer_may_solve_their_own_ticket_and_is_the_recorded_actor(ticket, customer):
    ticket_update(ticket=ticket, actor=None, actor_customer=customer, status=Status.SOLVED)

    [change] = events_of(ticket, EventKind.FIELD_CHANGED)
    assert (change.actor, change.actor_customer) == (None, customer)


# --- tags and followers --------------------------------------------------------------------------


def test_tags_are_lowercased_trimmed_and_deduplicated(ticket, agent):
    ticket_set_tags(
        ticket=ticket,
        actor=agent,
        names=[" Refund ", "refund", "REFUND", "", "  ", "Vip"],
        replace=True,
    )

    assert list(ticket.tags.order_by("name").values_list("name", flat=True)) == ["refund", "vip"]
    [event] = events_of(ticket, EventKind.TAGS_CHANGED)
    assert (event.field, event.before, event.after, event.actor) == (
        "tags",
        [],
        ["refund", "vip"],
        agent,
    )


def test_a_turkish_capital_dotted_i_tag_matches_its_lower_case_spelling(ticket, agent):
    ticket_set_tags(ticket=ticket, actor=agent, add=["İADE"])
    ticket_set_tags(ticket=ticket, actor=agent, add=["iade"])

    assert list(ticket.tags.values_list("name", flat=True)) == ["iade"]


def test_tags_can_be_added_and_removed(ticket, agent):
    ticket_set_tags(ticket=ticket, actor=agent, names=["refund", "vip"], replace=True)

    ticket_set_tags(ticket=ticket, actor=agent, add=["Damaged"], remove=[" VIP "])

    assert sorted(ticket.tags.values_list("name", flat=True)) == ["damaged", "refund"]
    last = events_of(ticket, EventKind.TAGS_CHANGED)[-1]
    assert (last.before, last.after) == (["refund", "vip"], ["damaged", "refund"])


def test_setting_the_same_tags_again_writes_nothing(ticket, agent):
    ticket_set_tags(ticket=ticket, actor=agent, names=["refund"], replace=True)
    version = Ticket.objects.get(pk=ticket.pk).version

    ticket_set_tags(ticket=ticket, actor=agent, add=["REFUND"])

    assert len(events_of(ticket, EventKind.TAGS_CHANGED)) == 1
    assert Ticket.objects.get(pk=ticket.pk).version == version


def test_followers_change_with_an_event(ticket, agent, other_customer):
    ticket_set_followers(ticket=ticket, actor=agent, followers=[other_customer])

    assert list(ticket.followers.all()) == [other_customer]
    [event] = events_of(ticket, EventKind.FOLLOWERS_CHANGED)
    assert (event.before, event.after, event.actor) == ([], ["Oleg Other"], agent)


# --- merge ---------------------------------------------------------------------------------------


@pytest.fixture
def duplicate(other_customer, agent):
    """A second ticket about the same problem, from another person, with a tag and follower."""
    duplicate = new_ticket(other_customer, subject="Broken lamp", body_text="Mine broke too")
    ticket_set_tags(ticket=duplicate, actor=agent, names=["damaged"], replace=True)
    follower = customer_find_or_create_by_email(email="colleague@example.com", full_name="Cole")
    ticket_set_followers(ticket=duplicate, actor=agent, followers=[follower])
    return duplicate


def test_merging_moves_the_conversation_and_closes_the_source(ticket, duplicate, agent):
    moved = list(duplicate.messages.values_list("pk", flat=True))

    target = ticket_merge(source=duplicate, target=ticket, actor=agent)

    duplicate.refresh_from_db()
    assert target == ticket
    assert set(moved) <= set(ticket.messages.values_list("pk", flat=True))
    assert duplicate.merged_into == ticket
    assert duplicate.status == Status.CLOSED
    assert duplicate.closed_at is not None
    [source_note] = duplicate.messages.all()
    assert source_note.kind == MessageKind.SYSTEM
    assert f"#{ticket.number}" in source_note.body_text
    target_note = ticket.messages.filter(kind=MessageKind.SYSTEM).get()
    assert f"#{duplicate.number}" in target_note.body_text


def test_merging_keeps_everyone_informed_and_keeps_the_tags(ticket, duplicate, agent):
    ticket_merge(source=duplicate, target=ticket, actor=agent)

    followers = {c.full_name for c in ticket.followers.all()}
    assert followers == {"Oleg Other", "Cole"}  # the source's requester and its followers
    assert list(ticket.tags.values_list("name", flat=True)) == ["damaged"]
    ticket.refresh_from_db()
    duplicate.refresh_from_db()
    assert ticket.last_customer_message_at == duplicate.last_customer_message_at


def test_merging_writes_events_on_both_tickets(ticket, duplicate, agent):
    ticket_merge(source=duplicate, target=ticket, actor=agent)

    merged_into = events_of(duplicate, EventKind.MERGED_INTO)[0]
    assert merged_into.after == {"id": ticket.pk, "label": str(ticket)}
    closed = events_of(duplicate, EventKind.FIELD_CHANGED)[-1]
    assert (closed.field, closed.before, closed.after) == ("status", "new", "closed")
    merged = events_of(ticket, EventKind.MERGED)[0]
    assert merged.after == {"id": duplicate.pk, "label": str(duplicate)}
    assert {merged_into.actor, closed.actor, merged.actor} == {agent}


def test_a_customer_writing_to_a_merged_ticket_lands_in_its_target(ticket, duplicate, agent):
    ticket_merge(source=duplicate, target=ticket, actor=agent)
    duplicate.refresh_from_db()

    message = message_receive(
        ticket=duplicate, customer=duplicate.requester, body_text="Any news?", channel=Channel.EMAIL
    )

    assert message.ticket_id == ticket.pk
    duplicate.refresh_from_db()
    assert duplicate.status == Status.CLOSED


def test_a_ticket_cannot_be_merged_into_itself(ticket, agent):
    with pytest.raises(ValueError, match="itself"):
        ticket_merge(source=ticket, target=ticket, actor=agent)

    assert Ticket.objects.get(pk=ticket.pk).merged_into is None


def test_a_merged_ticket_cannot_be_merged_again(ticket, duplicate, customer, agent):
    third = new_ticket(customer)
    ticket_merge(source=duplicate, target=ticket, actor=agent)
    messages = Message.objects.count()

    with pytest.raises(ValueError, match="merged"):
        ticket_merge(source=duplicate, target=third, actor=agent)  # stale object, fresh check
    with pytest.raises(ValueError, match="merged"):
        ticket_merge(source=third, target=duplicate, actor=agent)

    assert Message.objects.count() == messages
    assert Ticket.objects.get(pk=third.pk).merged_into is None


def test_bulk_merge_merges_every_other_ticket_into_the_target(ticket, duplicate, customer, agent):
    third = new_ticket(customer)

    ticket_bulk_merge(tickets=[ticket, duplicate, third], target=ticket, actor=agent)

    assert set(Ticket.objects.filter(merged_into=ticket)) == {duplicate, third}
    assert Ticket.objects.get(pk=ticket.pk).merged_into is None


# --- split ---------------------------------------------------------------------------------------


def test_a_customer_message_is_split_into_a_ticket_of_its_own(ticket, customer, agent):
    ticket_update(ticket=ticket, actor=agent, priority=Priority.HIGH)
    second = message_receive(
        ticket=ticket, customer=customer, body_text="Also, my invoice is wrong", channel="email"
    )

    split = message_split(message=second, actor=agent)

    assert split.number == ticket.number + 1
    assert (split.requester, split.team, split.priority) == (customer, ticket.team, Priority.HIGH)
    assert split.status == Status.OPEN
    assert list(split.messages.filter(kind=MessageKind.CUSTOMER)) == [second]
    assert f"#{ticket.number}" in split.messages.get(kind=MessageKind.SYSTEM).body_text
    assert second not in ticket.messages.all()
    assert f"#{split.number}" in ticket.messages.get(kind=MessageKind.SYSTEM).body_text
    [created] = events_of(split, EventKind.CREATED)
    assert (created.actor, created.message) == (agent, second)
    [split_event] = events_of(ticket, EventKind.SPLIT)
    assert split_event.after == {"id": split.pk, "label": str(split)}
    assert split_event.actor == agent


def test_the_only_message_of_a_ticket_cannot_be_split_out(ticket, agent):
    with pytest.raises(ValueError, match="only message"):
        message_split(message=ticket.messages.get(), actor=agent)

    assert Ticket.objects.count() == 1


def test_notes_do_not_count_as_the_conversation_left_behind_by_a_split(ticket, agent):
    ticket_reply(ticket=ticket, author=agent, body_text="Checking the warehouse", internal=True)

    with pytest.raises(ValueError, match="only message"):
        message_split(message=ticket.messages.get(kind=MessageKind.CUSTOMER), actor=agent)

    assert Ticket.objects.count() == 1


@pytest.mark.parametrize("internal", [True, False])
def test_only_customer_messages_can_be_split_out(ticket, agent, internal):
    answer = ticket_reply(ticket=ticket, author=agent, body_text="Answer", internal=internal)

    with pytest.raises(ValueError, match="customer"):
        message_split(message=answer, actor=agent)

    assert Ticket.objects.count() == 1


# --- bulk ----------------------------------------------------------------------------------------


def test_bulk_update_writes_events_for_every_ticket(customer, agent):
    tickets = [new_ticket(customer) for _ in range(3)]

    result = ticket_bulk_update(
        tickets=tickets, actor=agent, status=Status.PENDING, assignee=agent, add_tags=["Batch"]
    )

    assert (result.changed, result.blocked) == (3, [])
    for ticket in tickets:
        ticket.refresh_from_db()
        assert (ticket.status, ticket.assignee) == (Status.PENDING, agent)
        assert {e.field for e in events_of(ticket, EventKind.FIELD_CHANGED)} == {
            "status",
            "assignee",
        }
        [tags] = events_of(ticket, EventKind.TAGS_CHANGED)
        assert tags.after == ["batch"]


def test_bulk_update_by_a_light_agent_is_refused(customer, light_agent):
    tickets = [new_ticket(customer) for _ in range(2)]

    with pytest.raises(NotAllowedError):
        ticket_bulk_update(tickets=tickets, actor=light_agent, status=Status.SOLVED)

    assert not Ticket.objects.filter(status=Status.SOLVED).exists()


# --- events kept for a unit of work ------------------------------------------------------------


def test_events_written_while_kept_are_stored_by_the_caller(customer):
    from concierge.tickets.services import unit_of_work

    kept: list[TicketEvent] = []
    with unit_of_work(kept):
        ticket = new_ticket(customer)
        message_receive(ticket=ticket, customer=customer, body_text="Any news?", channel="web")

    assert [event.kind for event in kept] == [EventKind.CREATED, EventKind.MESSAGE_ADDED]
    assert kept[0].message == ticket.opening_message
    assert not TicketEvent.objects.filter(ticket=ticket).exists()  # the caller's to store
    TicketEvent.objects.bulk_create(kept)
    assert [e.kind for e in events_of(ticket)] == [EventKind.CREATED, EventKind.MESSAGE_ADDED]

    other = new_ticket(customer)  # outside the block: stored as written
    assert [e.kind for e in events_of(other)] == [EventKind.CREATED]


def _savepoints(queries) -> int:
    return sum(query["sql"].startswith("SAVEPOINT") for query in queries)


def test_in_a_unit_of_work_opening_a_ticket_makes_no_savepoint_of_its_own(customer):
    from django.db import transaction

    from concierge.tickets.services import unit_of_work

    new_ticket(customer)  # the desk's first ticket creates the number sequence
    with transaction.atomic(), CaptureQueriesContext(connection) as alone:
        new_ticket(customer)
    kept: list[TicketEvent] = []
    with transaction.atomic(), unit_of_work(kept):
        with CaptureQueriesContext(connection) as in_unit:
            new_ticket(customer)
        TicketEvent.objects.bulk_create(kept)

    # Search indexing keeps its own (a failure there never undoes the change).
    assert _savepoints(alone.captured_queries) == _savepoints(in_unit.captured_queries) + 1


def test_a_change_that_fails_in_a_unit_of_work_rolls_back_to_the_callers_savepoint(customer):
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from concierge.tickets.attachments import IncomingFile
    from concierge.tickets.services import unit_of_work

    kept: list[TicketEvent] = []
    with transaction.atomic(), unit_of_work(kept):
        with pytest.raises(ValidationError), transaction.atomic():  # the caller's savepoint
            new_ticket(
                customer,
                attachments=[IncomingFile("setup.exe", "application/octet-stream", b"MZ")],
            )
        del kept[:]  # the caller takes back the events of the change it rolled back
        survivor = new_ticket(customer, subject="Still works")
        TicketEvent.objects.bulk_create(kept)

    assert list(Ticket.objects.values_list("subject", flat=True)) == ["Still works"]
    assert [e.kind for e in events_of(survivor)] == [EventKind.CREATED]
