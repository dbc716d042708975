"""Attachment downloads: only for people who may read the message, always as a download."""

from __future__ import annotations

import pytest
from django.urls import reverse

from concierge.tickets.attachments import IncomingFile
from concierge.tickets.models import Attachment, Channel
from concierge.tickets.services import message_receive, ticket_create, ticket_reply

PHOTO = b"\xff\xd8\xff\xe0 a broken lamp"


@pytest.fixture
def customer_file(ticket, customer) -> Attachment:
    message = message_receive(
        ticket=ticket,
        customer=customer,
        body_text="Photo attached",
        channel=Channel.WEB,
        attachments=[IncomingFile("lamp photo.jpg", "image/jpeg", PHOTO)],
    )
    return message.attachments.get()


@pytest.fixture
def note_file(ticket, agent) -> Attachment:
    message = ticket_reply(
        ticket=ticket,
        author=agent,
        body_text="Courier's damage report",
        internal=True,
        attachments=[IncomingFile("report.pdf", "application/pdf", b"%PDF-1.4 internal")],
    )
    return message.attachments.get()


def download(client, attachment):
    return client.get(reverse("tickets:attachment", args=[attachment.pk]))


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_an_agent_downloads_an_attachment_as_a_file(login, agent, customer_file):
    response = download(login(agent), customer_file)

    assert response.status_code == 200
    assert body(response) == PHOTO
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "lamp_photo.jpg" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"]


def test_an_agent_downloads_a_notes_attachment(login, teammate, note_file):
    response = download(login(teammate), note_file)

    assert response.status_code == 200
    assert body(response) == b"%PDF-1.4 internal"


def test_the_requester_downloads_attachments_of_public_messages(login, customer, customer_file):
    response = download(login(customer.user), customer_file)

    assert response.status_code == 200
    assert body(response) == PHOTO


def test_a_customer_never_gets_an_internal_notes_attachment(login, customer, note_file):
    assert download(login(customer.user), note_file).status_code == 404


def test_a_public_reply_attachment_is_visible_to_the_requester(login, agent, customer, ticket):
    message = ticket_reply(
        ticket=ticket,
        author=agent,
        body_text="Return label",
        internal=False,
        attachments=[IncomingFile("label.pdf", "application/pdf", b"%PDF label")],
    )

    response = download(login(customer.user), message.attachments.get())

    assert response.status_code == 200


@pytest.mark.parametrize("who", ["other_customer", "outsider"])
def test_people_who_cannot_see_the_ticket_get_404(request, login, customer_file, who):
    person = request.getfixturevalue(who)

    assert download(login(getattr(person, "user", person)), customer_file).status_code == 404


def test_an_attachment_of_another_customers_ticket_is_404(login, customer, other_customer):
    theirs = ticket_create(
        requester=other_customer,
        subject="Private",
        body_text="Mine",
        channel="web",
        attachments=[IncomingFile("passport.png", "image/png", b"\x89PNG")],
    )
    attachment = Attachment.objects.get(message__ticket=theirs)

    assert download(login(customer.user), attachment).status_code == 404


def test_anonymous_people_are_sent_to_sign_in_without_the_file(client, customer_file):
    response = download(client, customer_file)

    assert response.status_code == 302
    assert PHOTO not in response.content


def test_an_unknown_attachment_is_404(login, agent, customer_file):
    response = login(agent).get(reverse("tickets:attachment", args=[customer_file.pk + 1000]))

    assert response.status_code == 404


def test_a_file_missing_from_storage_is_404_not_an_error(login, agent, customer_file):
    customer_file.file.delete(save=False)

    assert download(login(agent), customer_file).status_code == 404
