"""The contact form: it opens tickets for people, drops bots, and never loses what was typed."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from concierge.people.models import Customer, CustomerIdentity
from concierge.tickets.models import Attachment, Channel, MessageKind, Status, Ticket

pytestmark = pytest.mark.django_db


def contact_url() -> str:
    return reverse("portal:contact")


def form_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Zeynep Yılmaz",
        "email": "zeynep@acme.example",
        "subject": "Sipariş gecikti",
        "message": "Siparişim iki haftadır gelmedi. Kargo numarası: TR-4411.",
        "homepage": "",
    }
    data.update(overrides)
    return data


def test_it_shows_the_form_with_a_hidden_honeypot(client):
    response = client.get(contact_url())

    assert response.status_code == 200
    html = response.content.decode()
    for field in ("name", "email", "subject", "message", "attachments"):
        assert f'name="{field}"' in html
    assert 'enctype="multipart/form-data"' in html
    assert 'class="honeypot" aria-hidden="true"' in html
    assert 'name="homepage"' in html
    assert 'tabindex="-1"' in html


def test_it_creates_a_customer_and_a_web_ticket(client):
    response = client.post(contact_url(), form_data(), HTTP_ACCEPT_LANGUAGE="tr")

    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:contact_done", args=[ticket.number])
    assert ticket.channel == Channel.WEB
    assert ticket.subject == "Sipariş gecikti"
    assert ticket.status == Status.NEW
    assert ticket.language == "tr"
    customer = ticket.requester
    assert customer.full_name == "Zeynep Yılmaz"
    assert customer.language == "tr"
    assert customer.identities.get().value == "zeynep@acme.example"
    message = ticket.messages.get()
    assert message.kind == MessageKind.CUSTOMER
    assert message.author_customer == customer
    assert "TR-4411" in message.body_text


def test_the_confirmation_shows_the_ticket_number_to_the_sender_only(client, django_user_model):
    client.post(contact_url(), form_data())
    number = Ticket.objects.get().number
    done_url = reverse("portal:contact_done", args=[number])

    response = client.get(done_url)
    assert response.status_code == 200
    assert f"#{number}" in response.content.decode()

    from django.test import Client

    assert Client().get(done_url).status_code == 404


def test_the_confirmation_of_an_unknown_number_is_404(client):
    assert client.get(reverse("portal:contact_done", args=[999])).status_code == 404


def test_it_reuses_the_customer_who_owns_the_address(client, customer):
    client.post(contact_url(), form_data(email="Customer@Example.com", name="Someone Else"))

    ticket = Ticket.objects.get()
    assert ticket.requester == customer
    assert Customer.objects.count() == 1
    customer.refresh_from_db()
    assert customer.full_name == "Kirsi Customer"


def test_it_fills_in_the_name_of_a_customer_known_only_by_address(client):
    from concierge.people.services import customer_find_or_create_by_email

    known = customer_find_or_create_by_email(email="anon@example.net")
    client.post(contact_url(), form_data(email="anon@example.net", name="Anna Nimi"))

    known.refresh_from_db()
    assert known.full_name == "Anna Nimi"


def test_a_new_customer_joins_the_organization_of_their_domain(client, acme):
    client.post(contact_url(), form_data(email="zeynep@acme.example"))

    ticket = Ticket.objects.get()
    assert ticket.organization == acme
    assert list(ticket.requester.organizations.all()) == [acme]


def test_an_address_outside_any_domain_joins_no_organization(client, acme):
    client.post(contact_url(), form_data(email="zeynep@elsewhere.example"))

    ticket = Ticket.objects.get()
    assert ticket.organization is None


def test_it_stores_several_attachments(client):
    files = [
        SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff fake jpeg", content_type="image/jpeg"),
        SimpleUploadedFile("invoice.pdf", b"%PDF-1.4 fake", content_type="application/pdf"),
    ]
    response = client.post(contact_url(), form_data(attachments=files))

    assert response.status_code == 302
    names = sorted(Attachment.objects.values_list("filename", flat=True))
    assert names == ["invoice.pdf", "photo.jpg"]
    assert {a.message.ticket_id for a in Attachment.objects.select_related("message")} == {
        Ticket.objects.get().pk
    }


def test_a_filled_honeypot_pretends_success_and_creates_nothing(client):
    response = client.post(contact_url(), form_data(homepage="http://spam.example"))

    assert response.status_code == 200
    assert "Thank you" in response.content.decode()
    assert Ticket.objects.count() == 0
    assert Customer.objects.count() == 0


def test_it_answers_429_past_the_rate_limit(client, rate_limits):
    rate_limits.CONTACT_FORM_RATE = "2/h"

    assert client.post(contact_url(), form_data(subject="One")).status_code == 302
    assert client.post(contact_url(), form_data(subject="Two")).status_code == 302
    response = client.post(contact_url(), form_data(subject="Three"))

    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()
    assert Ticket.objects.count() == 2
    # Reading the form is not limited, only sending it.
    assert client.get(contact_url()).status_code == 200


def test_the_rate_limit_counts_per_address(client, rate_limits):
    rate_limits.CONTACT_FORM_RATE = "1/h"

    assert client.post(contact_url(), form_data(), REMOTE_ADDR="203.0.113.1").status_code == 302
    assert client.post(contact_url(), form_data(), REMOTE_ADDR="203.0.113.1").status_code == 429
    assert client.post(contact_url(), form_data(), REMOTE_ADDR="203.0.113.2").status_code == 302


def test_missing_fields_get_field_errors(client):
    response = client.post(contact_url(), {"homepage": ""})

    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"name", "email", "subject", "message"}
    assert 'aria-invalid="true"' in response.content.decode()
    assert Ticket.objects.count() == 0


def test_a_bad_address_keeps_everything_typed(client):
    response = client.post(contact_url(), form_data(email="not-an-address"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert "Zeynep Yılmaz" in html
    assert "Sipariş gecikti" in html
    assert "Kargo numarası: TR-4411." in html
    assert "not-an-address" in html
    assert Ticket.objects.count() == 0


def test_a_blank_message_is_refused(client):
    response = client.post(contact_url(), form_data(message="   \n  "))

    assert "message" in response.context["form"].errors
    assert Ticket.objects.count() == 0


def test_an_oversize_attachment_is_refused_and_the_text_kept(client, settings):
    settings.ATTACHMENT_MAX_BYTES = 10
    big = SimpleUploadedFile("scan.pdf", b"x" * 11, content_type="application/pdf")

    response = client.post(contact_url(), form_data(attachments=[big]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "too large" in str(response.context["form"].errors["attachments"])
    assert "Kargo numarası: TR-4411." in html
    assert "choose them again" in html
    assert Ticket.objects.count() == 0
    assert Customer.objects.count() == 0


def test_a_blocked_attachment_type_is_refused(client):
    program = SimpleUploadedFile("invoice.exe", b"MZ", content_type="application/octet-stream")

    response = client.post(contact_url(), form_data(attachments=[program]))

    assert "not accepted" in str(response.context["form"].errors["attachments"])
    assert "Sipariş gecikti" in response.content.decode()
    assert Ticket.objects.count() == 0


def test_too_many_attachments_are_refused(client, settings):
    settings.ATTACHMENT_MAX_FILES = 1
    files = [
        SimpleUploadedFile("a.txt", b"a", content_type="text/plain"),
        SimpleUploadedFile("b.txt", b"b", content_type="text/plain"),
    ]

    response = client.post(contact_url(), form_data(attachments=files))

    assert "at most 1" in str(response.context["form"].errors["attachments"])
    assert Ticket.objects.count() == 0


def test_a_signed_in_customer_gets_name_and_address_filled_in(login, customer):
    client = login(customer.user)

    response = client.get(contact_url())

    form = response.context["form"]
    assert form["name"].value() == "Kirsi Customer"
    assert form["email"].value() == "customer@example.com"
    assert form.fields["email"].disabled


def test_a_signed_in_customer_always_writes_as_themselves(login, customer):
    client = login(customer.user)

    response = client.post(contact_url(), form_data(email="someone@else.example"))

    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.requester == customer
    assert not CustomerIdentity.objects.filter(value="someone@else.example").exists()
    # The confirmation offers the request itself, since the customer is signed in.
    done = client.get(response["Location"])
    assert reverse("portal:request_detail", args=[ticket.number]) in done.content.decode()


def test_a_follow_up_starts_with_the_closed_requests_subject(login, customer, ticket):
    client = login(customer.user)

    response = client.get(contact_url(), {"follow_up": ticket.number})

    assert f"#{ticket.number}" in response.context["form"]["subject"].value()
    assert "Order arrived damaged" in response.context["form"]["subject"].value()


def test_a_follow_up_never_reveals_someone_elses_subject(login, other_customer, ticket):
    client = login(other_customer.user)

    response = client.get(contact_url(), {"follow_up": ticket.number})

    assert not response.context["form"]["subject"].value()
    assert "Order arrived damaged" not in response.content.decode()
