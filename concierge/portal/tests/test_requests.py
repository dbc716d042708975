"""My requests and the request page: customers see their conversation, never the notes."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from concierge.people.services import customer_find_or_create_by_email, organization_add_member
from concierge.tickets.models import Channel, EventKind, Message, MessageKind, Status, Ticket
from concierge.tickets.services import (
    ticket_create,
    ticket_merge,
    ticket_reply,
    ticket_set_followers,
    ticket_update,
)

pytestmark = pytest.mark.django_db


def list_url(**params: str) -> str:
    url = reverse("portal:request_list")
    if params:
        url += "?" + "&".join(f"{key}={value}" for key, value in params.items())
    return url


def detail_url(ticket: Ticket) -> str:
    return reverse("portal:request_detail", args=[ticket.number])


def solve_url(ticket: Ticket) -> str:
    return reverse("portal:request_solve", args=[ticket.number])


def open_ticket(requester, subject: str = "Another question", **fields) -> Ticket:
    return ticket_create(
        requester=requester, subject=subject, body_text="Details.", channel=Channel.WEB, **fields
    )


# --- who may look ------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_portal_sign_in(client, ticket):
    for url in (list_url(), detail_url(ticket)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("portal:login") + "?next=")


def test_anonymous_visitors_cannot_mark_solved(client, ticket):
    response = client.post(solve_url(ticket))

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW


def test_agents_are_sent_to_the_agent_workspace(login, agent, ticket):
    client = login(agent)

    detail = client.get(detail_url(ticket))
    assert detail.status_code == 302
    assert detail["Location"] == reverse("tickets:detail", args=[ticket.number])
    listing = client.get(list_url())
    assert listing.status_code == 302
    assert listing["Location"] == reverse("tickets:inbox")
    # Acting as a customer is not something an agent can do here.
    assert client.post(solve_url(ticket)).status_code == 404


def test_another_customer_gets_404(login, other_customer, ticket):
    client = login(other_customer.user)

    assert client.get(detail_url(ticket)).status_code == 404
    assert client.post(detail_url(ticket), {"message": "Hijack"}).status_code == 404
    assert client.post(solve_url(ticket)).status_code == 404
    assert not Message.objects.filter(body_text="Hijack").exists()
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW


def test_an_unknown_number_is_404(login, customer):
    assert (
        login(customer.user).get(reverse("portal:request_detail", args=[9999])).status_code == 404
    )


# --- my requests -------------------------------------------------------------------------------


def test_my_requests_lists_my_tickets_and_not_others(login, customer, other_customer, ticket):
    theirs = open_ticket(other_customer, subject="Oleg's private matter")

    response = login(customer.user).get(list_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "Order arrived damaged" in html
    assert f"#{ticket.number}" in html
    assert "New" in html
    assert theirs.subject not in html


def test_followed_requests_show_who_asked(login, customer, other_customer, agent):
    theirs = open_ticket(other_customer, subject="Shared delivery")
    ticket_set_followers(ticket=theirs, actor=agent, followers=[customer])

    html = login(customer.user).get(list_url()).content.decode()

    assert "Shared delivery" in html
    assert "Requested by Oleg Other" in html


def test_the_state_filter(login, customer, ticket, agent):
    done = open_ticket(customer, subject="Already sorted")
    ticket_update(ticket=done, actor=agent, status=Status.SOLVED)
    client = login(customer.user)

    open_html = client.get(list_url(state="open")).content.decode()
    solved_html = client.get(list_url(state="solved")).content.decode()

    assert "Order arrived damaged" in open_html
    assert "Already sorted" not in open_html
    assert "Already sorted" in solved_html
    assert "Order arrived damaged" not in solved_html


def test_the_list_is_paginated_and_pages_load_alone_for_htmx(login, customer):
    for index in range(30):
        open_ticket(customer, subject=f"Question {index:02d}")
    client = login(customer.user)

    first = client.get(list_url())
    second = client.get(list_url(page="2"), HTTP_HX_REQUEST="true")

    assert len(first.context["page"].object_list) == 25
    assert "Question 29" in first.content.decode()
    html = second.content.decode()
    assert "<html" not in html
    assert 'id="requests"' in html
    assert "Question 00" in html
    assert "Question 29" not in html


def test_the_list_query_count_does_not_grow_with_the_page(login, customer, agent):
    # Followed requests name their requester; a nameless one is shown by address.
    nameless = customer_find_or_create_by_email(email="nameless@example.net")
    client = login(customer.user)

    def add_requests(count: int) -> None:
        for index in range(count):
            open_ticket(customer, subject=f"Mine {index}")
            followed = open_ticket(nameless, subject=f"Followed {index}")
            ticket_set_followers(ticket=followed, actor=agent, followers=[customer])

    def queries_for_list() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(list_url())
        assert response.status_code == 200
        assert "Requested by nameless@example.net" in response.content.decode()
        return len(captured)

    add_requests(1)
    few = queries_for_list()
    add_requests(12)
    many = queries_for_list()

    assert few == many


# --- organizations -----------------------------------------------------------------------------


@pytest.fixture
def colleagues(acme, customer, other_customer):
    """customer manages Acme, other_customer is a plain member with a ticket of Acme's."""
    organization_add_member(organization=acme, customer=customer, is_manager=True)
    organization_add_member(organization=acme, customer=other_customer)
    return open_ticket(other_customer, subject="Acme invoice question")


def test_a_manager_sees_the_organizations_requests_when_allowed(login, acme, customer, colleagues):
    acme.managers_see_all_requests = True
    acme.save(update_fields=["managers_see_all_requests"])
    client = login(customer.user)

    mine = client.get(list_url()).content.decode()
    organization = client.get(list_url(scope="organization")).content.decode()

    assert "All of Acme" in mine
    assert "Acme invoice question" not in mine
    assert "Acme invoice question" in organization
    assert "Requested by Oleg Other" in organization
    detail = client.get(detail_url(colleagues))
    assert detail.status_code == 200
    assert "Oleg Other" in detail.content.decode()


def test_a_manager_sees_nothing_of_others_when_not_allowed(login, customer, colleagues):
    client = login(customer.user)

    html = client.get(list_url(scope="organization")).content.decode()

    assert "All of Acme" not in html
    assert "Acme invoice question" not in html
    assert client.get(detail_url(colleagues)).status_code == 404


def test_a_plain_member_never_sees_colleagues_requests(login, acme, customer, other_customer):
    acme.managers_see_all_requests = True
    acme.save(update_fields=["managers_see_all_requests"])
    organization_add_member(organization=acme, customer=customer, is_manager=True)
    organization_add_member(organization=acme, customer=other_customer)
    managers_ticket = open_ticket(customer, subject="Manager's own")
    client = login(other_customer.user)

    html = client.get(list_url(scope="organization")).content.decode()

    assert "Manager's own" not in html
    assert client.get(detail_url(managers_ticket)).status_code == 404


# --- the request page --------------------------------------------------------------------------


def test_the_page_shows_the_public_conversation_with_the_agents_name(
    login, customer, agent, ticket
):
    ticket_reply(
        ticket=ticket, author=agent, body_text="We are sending a new lamp.", internal=False
    )

    response = login(customer.user).get(detail_url(ticket))

    html = response.content.decode()
    assert response.status_code == 200
    assert "The box was crushed" in html
    assert "We are sending a new lamp." in html
    assert "Aino Agent" in html


def test_internal_notes_and_system_messages_never_reach_the_customer(
    login, customer, agent, ticket
):
    ticket_reply(
        ticket=ticket, author=agent, body_text="Courier blames the warehouse.", internal=True
    )
    other = open_ticket(customer, subject="Duplicate")
    ticket_merge(source=other, target=ticket, actor=agent)
    client = login(customer.user)

    for url in (detail_url(ticket), detail_url(other), list_url(), reverse("portal:home")):
        html = client.get(url).content.decode()
        assert "Courier blames the warehouse." not in html
        assert "was merged into this ticket" not in html


def test_a_merged_request_points_to_where_it_continues(login, customer, agent, ticket):
    other = open_ticket(customer, subject="Duplicate")
    ticket_merge(source=other, target=ticket, actor=agent)

    html = login(customer.user).get(detail_url(other)).content.decode()

    assert f'href="{detail_url(ticket)}"' in html
    assert "merged into" in html


def test_a_notes_attachment_cannot_be_downloaded_by_the_customer(login, customer, agent, ticket):
    note = ticket_reply(
        ticket=ticket,
        author=agent,
        body_text="Warehouse photo, team only.",
        internal=True,
        attachments=[SimpleUploadedFile("warehouse.jpg", b"jpeg", content_type="image/jpeg")],
    )
    reply = ticket_reply(
        ticket=ticket,
        author=agent,
        body_text="Here is the return label.",
        internal=False,
        attachments=[SimpleUploadedFile("label.pdf", b"%PDF", content_type="application/pdf")],
    )
    client = login(customer.user)

    page = client.get(detail_url(ticket)).content.decode()
    note_file = note.attachments.get()
    reply_file = reply.attachments.get()

    assert "warehouse.jpg" not in page
    assert reverse("tickets:attachment", args=[reply_file.pk]) in page
    assert client.get(reverse("tickets:attachment", args=[note_file.pk])).status_code == 404
    assert client.get(reverse("tickets:attachment", args=[reply_file.pk])).status_code == 200


def test_the_customer_replies_with_attachments(login, customer, ticket):
    client = login(customer.user)

    response = client.post(
        detail_url(ticket),
        {
            "message": "Here is a photo of the box.",
            "attachments": [SimpleUploadedFile("box.jpg", b"jpeg", content_type="image/jpeg")],
        },
    )

    assert response.status_code == 302
    message = ticket.messages.order_by("-pk").first()
    assert message.kind == MessageKind.CUSTOMER
    assert message.channel == Channel.WEB
    assert message.author_customer == customer
    assert message.body_text == "Here is a photo of the box."
    assert [a.filename for a in message.attachments.all()] == ["box.jpg"]
    assert "Here is a photo of the box." in client.get(detail_url(ticket)).content.decode()


def test_a_reply_reopens_a_solved_request(login, customer, agent, ticket):
    ticket_update(ticket=ticket, actor=agent, status=Status.SOLVED)
    client = login(customer.user)

    page = client.get(detail_url(ticket)).content.decode()
    assert "opens it again" in page
    client.post(detail_url(ticket), {"message": "Actually the lamp is still broken."})

    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert ticket.solved_at is None


def test_a_bad_reply_keeps_the_text_and_says_why(login, customer, ticket, settings):
    settings.ATTACHMENT_MAX_BYTES = 3
    client = login(customer.user)

    response = client.post(
        detail_url(ticket),
        {
            "message": "My long explanation.",
            "attachments": [
                SimpleUploadedFile("big.pdf", b"%PDF-1.4", content_type="application/pdf")
            ],
        },
    )

    assert response.status_code == 200
    assert "too large" in str(response.context["form"].errors["attachments"])
    assert "My long explanation." in response.content.decode()
    assert ticket.messages.count() == 1
    blank = client.post(detail_url(ticket), {"message": "  "})
    assert "message" in blank.context["form"].errors


def test_a_closed_request_cannot_be_replied_to(login, customer, agent, ticket):
    ticket_update(ticket=ticket, actor=agent, status=Status.CLOSED)
    client = login(customer.user)

    page = client.get(detail_url(ticket)).content.decode()
    assert "This request is closed" in page
    assert 'name="message"' not in page
    assert f"{reverse('portal:contact')}?follow_up={ticket.number}" in page
    assert "Mark as solved" not in page

    response = client.post(detail_url(ticket), {"message": "One more thing"}, follow=True)
    assert "takes no more replies" in response.content.decode()
    assert not ticket.messages.filter(body_text="One more thing").exists()
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED


def test_the_customer_marks_the_request_solved(login, customer, ticket):
    client = login(customer.user)

    assert "Mark as solved" in client.get(detail_url(ticket)).content.decode()
    response = client.post(solve_url(ticket), follow=True)

    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED
    assert ticket.solved_at is not None
    event = ticket.events.get(kind=EventKind.FIELD_CHANGED, field="status")
    assert event.actor is None
    assert event.actor_customer == customer
    html = response.content.decode()
    assert "marked as solved" in html
    assert "Mark as solved" not in html


def test_marking_solved_twice_changes_nothing(login, customer, ticket):
    client = login(customer.user)
    client.post(solve_url(ticket))

    response = client.post(solve_url(ticket), follow=True)

    assert "already solved" in response.content.decode()
    assert ticket.events.filter(field="status").count() == 1


def test_marking_solved_needs_a_post(login, customer, ticket):
    assert login(customer.user).get(solve_url(ticket)).status_code == 405


def test_the_request_page_query_count_does_not_grow_with_the_thread(login, customer, agent, ticket):
    client = login(customer.user)

    def queries_for_page() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(detail_url(ticket)).status_code == 200
        return len(captured)

    def add_exchange() -> None:
        ticket_reply(
            ticket=ticket,
            author=agent,
            body_text="Answer",
            internal=False,
            attachments=[SimpleUploadedFile("a.pdf", b"%PDF", content_type="application/pdf")],
        )
        client.post(detail_url(ticket), {"message": "Thanks"})

    add_exchange()
    few = queries_for_page()
    for _ in range(8):
        add_exchange()
    many = queries_for_page()

    assert few == many
