"""Agents' ticket search: number, subject, message text, customer; only what they may see."""

from __future__ import annotations

import pytest

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
