"""Agents' ticket search: number, subject, message text, customer; only what they may see."""

from __future__ import annotations

import pytest
from django.db import connection

from concierge.people.services import customer_find_or_create_by_email
from concierge.search.queries import search_tickets
from concierge.search.services import ticket_index, tickets_reindex
from concierge.tickets.models import Channel
from concierge.tickets.services import message_receive, ticket_create, ticket_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(support_team, billing_team, customer, django_capture_on_commit_callbacks):
    """Tickets created through the services, indexed the way the product indexes them."""
    boris = customer_find_or_create_by_email(
        email="boris@example.org", full_name="Борис Петров", language="ru"
    )
    with django_capture_on_commit_callbacks(execute=True):
        damaged = ticket_create(
            requester=customer,
            subject="Lamp arrived broken",
            channel=Channel.WEB,
            body_text="The box was crushed and the lamp inside is broken.",
            team=support_team,
        )
        refund = ticket_create(
            requester=boris,
            subject="Возврат денег",
            channel=Channel.EMAIL,
            body_text="Прошу вернуть деньги за заказы, которые не пришли.",
            team=billing_team,
        )
    return {"damaged": damaged, "refund": refund, "boris": boris}


def numbers(hits):
    return [hit.ticket.number for hit in hits]


def test_it_finds_tickets_by_subject_and_message_words(desk, admin):
    assert numbers(search_tickets(admin, "broken lamp")) == [desk["damaged"].number]
    assert numbers(search_tickets(admin, "crushed")) == [desk["damaged"].number]


def test_it_finds_russian_tickets_by_another_form_of_a_word(desk, admin):
    assert numbers(search_tickets(admin, "заказов")) == [desk["refund"].number]


def test_it_finds_tickets_by_the_customers_name_or_address(desk, admin):
    assert numbers(search_tickets(admin, "Борис")) == [desk["refund"].number]
    assert numbers(search_tickets(admin, "boris@example.org")) == [desk["refund"].number]


def test_a_number_finds_its_ticket_first(desk, admin):
    number = desk["refund"].number
    assert numbers(search_tickets(admin, f"#{number}"))[0] == number


def test_it_only_finds_tickets_the_agent_may_see(desk, agent, outsider):
    assert numbers(search_tickets(agent, "Возврат")) == []
    assert numbers(search_tickets(outsider, "Возврат")) == [desk["refund"].number]
    assert numbers(search_tickets(outsider, str(desk["damaged"].number))) == []


def test_customers_find_no_tickets_at_all(desk, customer):
    assert search_tickets(customer.user, "lamp") == []


def test_it_applies_the_inbox_filters(desk, admin):
    assert numbers(search_tickets(admin, "lamp", filters={"channel": ["email"]})) == []
    assert numbers(search_tickets(admin, "lamp", filters={"channel": ["web"]})) == [
        desk["damaged"].number
    ]


def test_new_messages_and_changed_subjects_are_indexed(
    desk, admin, django_capture_on_commit_callbacks
):
    ticket = desk["damaged"]
    with django_capture_on_commit_callbacks(execute=True):
        message_receive(
            ticket=ticket,
            customer=ticket.requester,
            body_text="Also the cable is frayed.",
            channel=Channel.WEB,
        )
        ticket_update(ticket=ticket, actor=admin, subject="Lamp and cable damaged")
    assert numbers(search_tickets(admin, "frayed cable")) == [ticket.number]
    assert numbers(search_tickets(admin, "arrived")) == []


def test_snippets_show_the_matching_message(desk, admin):
    (hit,) = search_tickets(admin, "crushed")
    assert "<mark>crushed</mark>" in hit.snippet_html


def test_reindexing_rebuilds_every_entry(desk, admin):
    from concierge.search.models import TicketEntry

    TicketEntry.objects.all().delete()
    assert search_tickets(admin, "lamp") == []
    assert tickets_reindex(batch_size=1) == 2
    assert numbers(search_tickets(admin, "lamp")) == [desk["damaged"].number]
    assert ticket_index(ticket_id=desk["damaged"].pk) is True
    assert numbers(search_tickets(admin, "lamp")) == [desk["damaged"].number]


on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="FTS5 only")


def _automerge() -> int:
    """The tickets' FTS5 index's merging setting (4, FTS5's default, when never set)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT v FROM search_ticket_fts_config WHERE k = 'automerge'")
        row = cursor.fetchone()
    return int(row[0]) if row else 4


def _fts_integrity_check() -> None:
    """FTS5 raises when its index disagrees with the entries."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO search_ticket_fts(search_ticket_fts, rank) VALUES ('integrity-check', 1)"
        )


@on_sqlite
def test_a_full_reindex_writes_without_merging_and_switches_merging_back_on(
    desk, admin, monkeypatch
):
    """FTS5's merging as it goes is switched off while every entry is written and on
    again after: the index agrees with the entries, searches find the same, and later
    writes merge as before."""
    from concierge.search.backends import sqlite as fts

    seen: list[str] = []
    real = fts._fts_bulk_load

    def watched(table):
        seen.append(table)
        return real(table)

    monkeypatch.setattr(fts, "_fts_bulk_load", watched)
    assert tickets_reindex(batch_size=1) == 2

    assert seen == ["search_ticket_fts"]
    assert _automerge() == fts.AUTOMERGE
    _fts_integrity_check()
    assert numbers(search_tickets(admin, "lamp")) == [desk["damaged"].number]


@on_sqlite
def test_merging_is_switched_back_on_when_a_reindex_fails(desk, monkeypatch):
    from concierge.search import services

    def broken(ticket_ids):
        assert _automerge() == 0  # off while the entries are written
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(services, "_ticket_entries", broken)
    with pytest.raises(RuntimeError):
        tickets_reindex()

    assert _automerge() == 4


# --- ordering: subject and customer ranked first, message-only matches newest first -------

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="only PostgreSQL walks the newest entries before it asks its index",
)


def _patch_backends(monkeypatch, name: str, value: int) -> None:
    """Set a tier's size in both backends (each imports it by name)."""
    from concierge.search.backends import postgresql, sqlite

    monkeypatch.setattr(postgresql, name, value)
    monkeypatch.setattr(sqlite, name, value)


@pytest.fixture
def lanterns(support_team, billing_team, customer, django_capture_on_commit_callbacks):
    """Tickets that hold "lantern" in different places, created oldest first: in the
    subject, in the customer's name, only in a message (three of the support team's, one
    of billing's), and one that does not hold it at all."""
    mira = customer_find_or_create_by_email(
        email="mira@example.org", full_name="Mira Lantern", language="en"
    )

    def create(subject, body, requester=customer, team=support_team):
        return ticket_create(
            requester=requester, subject=subject, channel=Channel.WEB, body_text=body, team=team
        )

    with django_capture_on_commit_callbacks(execute=True):
        made = {
            "subject": create("Lantern glass cracked", "It cracked in the post."),
            "message_old": create("Parcel question", "The lantern never came."),
            "customer": create("Invoice copy", "Please send the invoice again.", mira),
            "message_billing": create("Refund", "Refund the lantern, please.", team=billing_team),
            "message_mid": create("Delivery", "Where is my lantern?"),
            "unrelated": create("Password reset", "I cannot sign in."),
            "message_new": create("Colour", "Is the lantern sold in green?"),
        }
    return made


def test_subject_and_customer_matches_come_before_message_only_matches(lanterns, admin):
    found = numbers(search_tickets(admin, "lantern"))
    head = {lanterns["subject"].number, lanterns["customer"].number}
    assert set(found[:2]) == head
    assert set(found[2:]) == {
        lanterns[name].number
        for name in ("message_old", "message_billing", "message_mid", "message_new")
    }
    assert lanterns["unrelated"].number not in found


# What an admin finds for "lantern": subject, then customer (weights A and B), then the
# message-only matches newest first.
ADMIN_ORDER = (
    "subject",
    "customer",
    "message_new",
    "message_mid",
    "message_billing",
    "message_old",
)


def _admin_order(lanterns) -> list[int]:
    return [lanterns[name].number for name in ADMIN_ORDER]


def test_message_only_matches_come_newest_first(lanterns, admin):
    found = numbers(search_tickets(admin, "lantern"))
    # The subject weighs more than the customer's name (weights A and B).
    assert found == _admin_order(lanterns)


@on_postgresql
@pytest.mark.parametrize("window", [1, 2, 3, 5000])
def test_older_message_matches_follow_the_newest_without_repeats(
    lanterns, admin, monkeypatch, window
):
    """However many of the newest entries are walked one by one before the index is
    asked for the older ones, the page is the same: no ticket twice, none missing."""
    from concierge.search.backends import postgresql

    monkeypatch.setattr(postgresql, "RECENT_WINDOW", window)
    expected = _admin_order(lanterns)
    assert numbers(search_tickets(admin, "lantern")) == expected
    assert numbers(search_tickets(admin, "lantern", limit=3)) == expected[:3]
    # A number nobody wrote finds nothing, in any tier.
    assert numbers(search_tickets(admin, "lantern 987654321")) == []


@pytest.mark.parametrize(("window", "few_visible"), [(1, 0), (5000, 0), (5000, 3000)])
def test_an_agent_never_finds_another_teams_ticket_in_any_tier(
    lanterns, agent, outsider, monkeypatch, window, few_visible
):
    """Whichever way message-only matches are found (the visible tickets tested one by
    one, or the newest entries, then the index), visibility is part of each."""
    from concierge.search.backends import postgresql

    monkeypatch.setattr(postgresql, "RECENT_WINDOW", window)
    _patch_backends(monkeypatch, "FEW_VISIBLE", few_visible)
    seen_by_agent = set(numbers(search_tickets(agent, "lantern")))
    assert lanterns["message_billing"].number not in seen_by_agent
    assert seen_by_agent == {
        lanterns[name].number
        for name in ("subject", "customer", "message_old", "message_mid", "message_new")
    }
    assert numbers(search_tickets(outsider, "lantern")) == [lanterns["message_billing"].number]
    assert numbers(search_tickets(outsider, "cracked glass")) == []
    assert numbers(search_tickets(outsider, "green")) == []
    # The inbox's filters narrow every tier too.
    assert numbers(search_tickets(agent, "lantern", filters={"status": ["closed"]})) == []


def test_message_only_matches_cost_no_more_queries(lanterns, admin, django_assert_num_queries):
    """A search answered by subjects alone and one that reaches the messages' tiers take
    the same number of queries: the tiers are one statement."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as by_subject:
        assert numbers(search_tickets(admin, "cracked glass")) == [lanterns["subject"].number]
    with django_assert_num_queries(len(by_subject.captured_queries)):
        assert len(search_tickets(admin, "lantern")) == 6
    with django_assert_num_queries(len(by_subject.captured_queries)):
        assert numbers(search_tickets(admin, "green")) == [lanterns["message_new"].number]


def test_only_the_newest_subject_and_customer_matches_are_ranked(lanterns, admin, monkeypatch):
    """The subject outranks the customer's name, but only among the newest candidates:
    with room for one, the newer ticket (the customer's) is the one ranked and shown."""
    _patch_backends(monkeypatch, "HEAD_CANDIDATES", 1)
    assert numbers(search_tickets(admin, "lantern", limit=1)) == [lanterns["customer"].number]
    assert numbers(search_tickets(admin, "lantern", limit=2)) == [
        lanterns["subject"].number,
        lanterns["customer"].number,
    ]


def test_a_ticket_moved_between_teams_is_found_by_its_new_team_only(
    lanterns, agent, outsider, admin, django_capture_on_commit_callbacks
):
    """Moving a ticket or assigning it changes who finds it, in every tier, however the
    ticket was changed (on PostgreSQL the entry follows its ticket by trigger)."""
    from concierge.tickets.models import Ticket

    moved = lanterns["message_billing"]
    with django_capture_on_commit_callbacks(execute=True):
        ticket_update(ticket=moved, actor=admin, team=agent.teams.get())
    assert moved.number in numbers(search_tickets(agent, "lantern"))
    assert numbers(search_tickets(outsider, "lantern")) == []
    # A bulk update through the ORM, which no service sees.
    Ticket.objects.filter(pk=moved.pk).update(team=outsider.teams.get(), assignee=agent)
    assert moved.number in numbers(search_tickets(agent, "lantern"))
    assert numbers(search_tickets(outsider, "lantern")) == [moved.number]
    Ticket.objects.filter(pk=moved.pk).update(assignee=None)
    assert moved.number not in numbers(search_tickets(agent, "lantern"))


def _entry_owners() -> dict[int, tuple[int | None, int | None]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT ticket_id, team_id, assignee_id FROM search_ticketentry")
        return {row[0]: (row[1], row[2]) for row in cursor.fetchall()}


def _ticket_owners() -> dict[int, tuple[int | None, int | None]]:
    from concierge.tickets.models import Ticket

    return {
        pk: (team, assignee)
        for pk, team, assignee in Ticket.objects.values_list("pk", "team_id", "assignee_id")
    }


@on_postgresql
def test_postgresql_entries_carry_their_tickets_team_and_assignee(lanterns, agent, admin):
    from concierge.tickets.models import Ticket

    assert _entry_owners() == _ticket_owners()
    Ticket.objects.filter(pk=lanterns["subject"].pk).update(assignee=agent)
    ticket_update(ticket=lanterns["unrelated"], actor=admin, team=None)
    assert _entry_owners() == _ticket_owners()
    assert _entry_owners()[lanterns["subject"].pk][1] == agent.pk
    tickets_reindex()
    assert _entry_owners() == _ticket_owners()


@on_postgresql
def test_the_migration_fills_the_team_and_assignee_of_entries_indexed_before_it(lanterns):
    import importlib

    migration = importlib.import_module("concierge.search.migrations.0010_ticket_entry_owners")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE search_ticketentry SET team_id = NULL, assignee_id = NULL")
        cursor.execute(migration.FILL)
    assert _entry_owners() == _ticket_owners()
    assert any(team is not None for team, _ in _entry_owners().values())
