"""Agents opening a ticket for a customer: the phone call, the walk-in, the forwarded e-mail."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from concierge.people.models import Customer, Organization, OrganizationDomain
from concierge.people.services import customer_identity_add
from concierge.tickets.models import (
    Channel,
    EventKind,
    MessageKind,
    Priority,
    Status,
    Ticket,
    TicketType,
)

NEW_URL = reverse("tickets:new")


def form_data(**overrides):
    data = {
        "email": "caller@example.com",
        "name": "Cem Caller",
        "language": "",
        "subject": "Cannot log in to the shop",
        "written_by": "customer",
        "body": "Called at 10:05: the password reset e-mail never arrives.",
        "channel": "phone",
        "priority": "2",
        "ticket_type": "question",
        "team": "",
        "assignee": "",
        "tags": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def flash(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- the page ------------------------------------------------------------------------------


def test_the_inbox_has_a_new_ticket_button(login, agent):
    html = login(agent).get(reverse("tickets:inbox")).content.decode()

    assert f'<a class="button primary" href="{NEW_URL}">New ticket</a>' in html


def test_light_agents_see_no_new_ticket_button(login, light_agent):
    html = login(light_agent).get(reverse("tickets:inbox")).content.decode()

    assert NEW_URL not in html


def test_the_form_starts_with_a_phone_call_for_the_agents_own_team(login, agent, support_team):
    response = login(agent).get(NEW_URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<option value="{support_team.pk}" selected>Support</option>' in html
    assert '<option value="phone" selected>Phone</option>' in html
    assert 'name="written_by" value="customer" id="new_written_by_0" required checked' in html
    assert '<label for="new_email">Requester&#x27;s e-mail address</label>' in html
    assert 'enctype="multipart/form-data"' in html
    # Channels that open their own tickets are not offered.
    assert '<option value="api"' not in html
    assert '<option value="web"' not in html


def test_the_customer_page_links_to_a_prefilled_form(login, agent, customer):
    client = login(agent)
    customer_page = client.get(reverse("people:customer_detail", args=[customer.pk]))
    link = f"{NEW_URL}?customer={customer.pk}"
    assert f'href="{link}"' in customer_page.content.decode()

    response = client.get(link)

    assert response.status_code == 200
    assert 'value="customer@example.com"' in response.content.decode()
    assert 'value="Kirsi Customer"' in response.content.decode()


def test_a_customer_without_an_address_is_named_with_a_warning(login, agent):
    caller = Customer.objects.create(full_name="Pekka Phone")
    customer_identity_add(customer=caller, kind="phone", value="+358 40 123 4567")

    html = login(agent).get(f"{NEW_URL}?customer={caller.pk}").content.decode()

    assert "Pekka Phone has no e-mail address yet." in html
    assert 'value="Pekka Phone"' in html


@pytest.mark.parametrize("value", ["abc", "0", "-1", "²", "999999", str(2**64)])
def test_an_unknown_customer_to_prefill_is_not_found(login, agent, customer, value):
    assert login(agent).get(f"{NEW_URL}?customer={value}").status_code == 404


# --- who may open tickets --------------------------------------------------------------------


def test_anonymous_people_are_sent_to_sign_in(db, client):
    for response in (client.get(NEW_URL), client.post(NEW_URL, form_data())):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("people:login"))
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("who", ["customer", "other_customer"])
def test_customers_do_not_find_the_page(login, who, request):
    client = login(request.getfixturevalue(who).user)

    assert client.get(NEW_URL).status_code == 404
    assert client.post(NEW_URL, form_data()).status_code == 404
    assert not Ticket.objects.exists()


def test_light_agents_may_not_open_tickets(login, light_agent):
    client = login(light_agent)

    page = client.get(NEW_URL)
    post = client.post(NEW_URL, form_data(written_by="reply"))

    assert page.status_code == 403
    assert post.status_code == 403
    assert "only add internal notes" in post.content.decode()
    assert not Ticket.objects.exists()
    assert not Customer.objects.filter(identities__value="caller@example.com").exists()


def test_only_get_and_post(login, agent):
    assert login(agent).put(NEW_URL).status_code == 405


# --- opening tickets -----------------------------------------------------------------------


def test_a_phone_callers_words_open_a_new_ticket_for_the_existing_customer(
    login, agent, customer, ticket, support_team, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(agent).post(
            NEW_URL,
            # The address as the caller spelled it out: found whatever its case.
            form_data(email="Customer@Example.COM", name="Someone Else", team=support_team.pk),
        )

    new_ticket = Ticket.objects.get(subject="Cannot log in to the shop")
    assert response.status_code == 302
    assert response["Location"] == reverse("tickets:detail", args=[new_ticket.number])
    assert flash(response) == [f"Ticket #{new_ticket.number} was opened for Kirsi Customer."]
    assert new_ticket.number == ticket.number + 1
    assert new_ticket.requester == customer
    assert customer.full_name == "Kirsi Customer"  # an existing customer keeps their name
    assert (new_ticket.channel, new_ticket.status) == (Channel.PHONE, Status.NEW)
    assert new_ticket.language == "fi"  # the customer's own
    message = new_ticket.messages.get()
    assert (message.kind, message.author_customer, message.author_user) == (
        MessageKind.CUSTOMER,
        customer,
        None,
    )
    assert message.channel == Channel.PHONE
    assert message.body_text == "Called at 10:05: the password reset e-mail never arrives."
    created = new_ticket.events.get()
    assert created.kind == EventKind.CREATED
    # The customer said it; the audit trail names the agent who wrote it down.
    assert (created.actor, created.actor_customer, created.message) == (agent, customer, message)
    # The customer's own words are not e-mailed back to them.
    assert mailoutbox == []


def test_the_new_ticket_page_shows_what_was_opened(login, agent, customer, support_team):
    client = login(agent)
    response = client.post(
        NEW_URL, form_data(email="customer@example.com", team=support_team.pk), follow=True
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Cannot log in to the shop</h1>" in html
    assert "From Kirsi Customer via Phone" in html
    assert "the password reset e-mail never arrives" in html
    assert "<strong>Aino Agent</strong> created the ticket" in html
    assert "was opened for Kirsi Customer." in html


def test_a_public_reply_opens_the_ticket_and_is_emailed_to_a_new_customer(
    login, agent, support_team, mailoutbox, django_capture_on_commit_callbacks
):
    acme = Organization.objects.create(name="Acme")
    OrganizationDomain.objects.create(organization=acme, domain="acme.example")

    with django_capture_on_commit_callbacks(execute=True):
        response = login(agent).post(
            NEW_URL,
            form_data(
                email="Walk.In@acme.example",
                name="Wanda Walk-in",
                language="tr",
                written_by="reply",
                channel="agent",
                team=support_team.pk,
                subject="Your replacement order",
                body="As agreed at the desk, a replacement ships tomorrow.",
            ),
        )

    new_ticket = Ticket.objects.get()
    requester = new_ticket.requester
    assert requester.full_name == "Wanda Walk-in"
    assert requester.primary_email == "walk.in@acme.example"
    assert requester.language == "tr"
    assert list(requester.organizations.all()) == [acme]  # joined by the mail domain
    assert new_ticket.organization == acme
    assert (new_ticket.status, new_ticket.channel, new_ticket.language) == (
        Status.OPEN,
        Channel.AGENT,
        "tr",
    )
    message = new_ticket.messages.get()
    assert (message.kind, message.author_user, message.author_customer) == (
        MessageKind.REPLY,
        agent,
        None,
    )
    created = new_ticket.events.get()
    assert (created.kind, created.actor, created.actor_customer) == (
        EventKind.CREATED,
        agent,
        None,
    )
    assert flash(response) == [
        f"Ticket #{new_ticket.number} was opened and your reply was sent to Wanda Walk-in."
    ]
    assert [m.to for m in mailoutbox] == [["walk.in@acme.example"]]
    assert "a replacement ships tomorrow" in mailoutbox[0].body


def test_properties_tags_and_attachments_are_saved(login, agent, teammate, support_team):
    screenshot = SimpleUploadedFile("error.png", b"\x89PNG fake", content_type="image/png")

    login(agent).post(
        NEW_URL,
        form_data(
            channel="email",
            priority=str(Priority.URGENT),
            ticket_type=TicketType.INCIDENT,
            team=str(support_team.pk),
            assignee=str(teammate.pk),
            tags="Login, VIP,, login",
            attachments=screenshot,
        ),
    )

    new_ticket = Ticket.objects.get()
    assert new_ticket.channel == Channel.EMAIL
    assert new_ticket.priority == Priority.URGENT
    assert new_ticket.ticket_type == TicketType.INCIDENT
    assert (new_ticket.team, new_ticket.assignee) == (support_team, teammate)
    assert sorted(new_ticket.tags.values_list("name", flat=True)) == ["login", "vip"]
    attachment = new_ticket.messages.get().attachments.get()
    assert (attachment.filename, attachment.content_type) == ("error.png", "image/png")


def test_each_new_ticket_takes_the_next_number(login, agent, ticket):
    client = login(agent)

    client.post(NEW_URL, form_data(subject="First call"))
    client.post(NEW_URL, form_data(subject="Second call", email="second@example.com"))

    numbers = list(
        Ticket.objects.filter(subject__in=["First call", "Second call"])
        .order_by("number")
        .values_list("subject", "number")
    )
    assert numbers == [("First call", ticket.number + 1), ("Second call", ticket.number + 2)]


def test_a_ticket_handed_to_a_team_the_agent_does_not_see_leads_back_to_the_inbox(
    login, outsider, support_team
):
    response = login(outsider).post(NEW_URL, form_data(team=str(support_team.pk)))

    new_ticket = Ticket.objects.get()
    assert new_ticket.team == support_team
    assert response.status_code == 302
    assert response["Location"] == reverse("tickets:inbox")
    assert flash(response) == [
        f"Ticket #{new_ticket.number} was opened for Cem Caller and handed to a team "
        "whose tickets you do not see."
    ]


# --- bad input -----------------------------------------------------------------------------


def assert_nothing_opened() -> None:
    assert not Ticket.objects.exists()
    assert not Customer.objects.filter(identities__value="caller@example.com").exists()


def test_a_missing_address_is_a_field_error_and_keeps_what_was_typed(login, agent):
    response = login(agent).post(NEW_URL, form_data(email=""))

    assert response.status_code == 422
    assert response.context["form"].errors["email"] == ["Enter the requester's e-mail address."]
    html = response.content.decode()
    assert "The ticket was not opened: correct the fields marked below." in html
    assert 'value="Cannot log in to the shop"' in html
    assert "Called at 10:05: the password reset e-mail never arrives.</textarea>" in html
    assert 'value="Cem Caller"' in html
    assert_nothing_opened()


def test_an_invalid_address_is_a_field_error(login, agent):
    response = login(agent).post(NEW_URL, form_data(email="caller at example"))

    assert response.status_code == 422
    assert response.context["form"].errors["email"] == ["Enter a valid email address."]
    assert 'value="caller at example"' in response.content.decode()
    assert not Ticket.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("subject", ""),
        ("body", "   "),
        ("channel", "api"),
        ("priority", "9"),
        ("ticket_type", "gossip"),
        ("team", "999999"),
        ("assignee", "abc"),
        ("written_by", "ghost"),
        ("language", "xx"),
    ],
)
def test_other_bad_values_are_field_errors(login, agent, field, value):
    response = login(agent).post(NEW_URL, form_data(**{field: value}))

    assert response.status_code == 422
    assert list(response.context["form"].errors) == [field]
    assert_nothing_opened()


def test_an_oversize_attachment_is_refused_and_nothing_is_created(login, agent, settings):
    settings.ATTACHMENT_MAX_BYTES = 10
    upload = SimpleUploadedFile("photo.jpg", b"x" * 11, content_type="image/jpeg")

    response = login(agent).post(NEW_URL, form_data(attachments=upload))

    assert response.status_code == 422
    errors = response.context["form"].errors["attachments"]
    assert errors == ["photo.jpg is too large (11\xa0bytes); the limit is 10\xa0bytes."]
    html = response.content.decode()
    assert "Files are not kept when a ticket is not opened: attach them again." in html
    assert 'value="Cannot log in to the shop"' in html
    assert_nothing_opened()


def test_a_blocked_file_type_is_refused(login, agent):
    upload = SimpleUploadedFile("setup.exe", b"MZ", content_type="application/octet-stream")

    response = login(agent).post(NEW_URL, form_data(attachments=upload))

    assert response.status_code == 422
    assert "setup.exe cannot be attached" in response.context["form"].errors["attachments"][0]
    assert_nothing_opened()
