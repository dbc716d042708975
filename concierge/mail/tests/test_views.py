"""Specification of the mail pages: settings for admins, originals for agents."""

from __future__ import annotations

import pytest
from django.urls import reverse

from concierge.mail.models import (
    ImapSecurity,
    Mailbox,
    OutboundEmail,
    OutboundStatus,
    RawMessage,
    RawSource,
    RawStatus,
)
from concierge.mail.services.ingest import raw_message_process, raw_message_store
from concierge.mail.tests.messages import SUPPORT, build
from concierge.tickets.models import Ticket
from concierge.tickets.services import ticket_reply

VALID = {
    "address": "Help@Desk.example",
    "display_name": "Help desk",
    "is_active": "on",
    "auto_acknowledge": "on",
    "imap_port": "993",
    "imap_security": ImapSecurity.TLS,
    "imap_auth": "password",
    "imap_folders": "INBOX, Support",
    "after_processing": "seen",
}


def failed_message(mailbox):
    raw = raw_message_store(
        raw=b"Subject: nobody\r\n\r\nwho sent this?\r\n", source=RawSource.SMTP, mailbox=mailbox
    )
    raw_message_process(raw.pk)
    return raw


# --- who may see what --------------------------------------------------------------------------

ADMIN_PAGES = [
    ("mail:mailboxes", False),
    ("mail:mailbox_new", False),
    ("mail:mailbox_edit", True),
    ("mail:failed", False),
]


@pytest.mark.parametrize(("name", "needs_pk"), ADMIN_PAGES)
@pytest.mark.parametrize("who", ["agent", "outsider", "light_agent", "customer"])
def test_mail_settings_do_not_exist_for_anyone_but_admins(
    request, client, mailbox, name, needs_pk, who
):
    person = request.getfixturevalue(who)
    client.force_login(person if who != "customer" else person.user)
    url = reverse(name, args=[mailbox.pk] if needs_pk else [])

    assert client.get(url).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, mailbox):
    response = client.get(reverse("mail:mailboxes"))

    assert response.status_code == 302
    assert reverse("people:login") in response["Location"]


def test_raw_messages_and_reprocessing_are_for_admins_only(login, agent, mailbox):
    raw = failed_message(mailbox)
    client = login(agent)

    assert client.get(reverse("mail:raw", args=[raw.pk])).status_code == 404
    assert client.post(reverse("mail:reprocess", args=[raw.pk])).status_code == 404
    raw.refresh_from_db()
    assert raw.status == RawStatus.FAILED


# --- mailboxes ---------------------------------------------------------------------------------


def test_the_mailbox_list_shows_counts_per_mailbox(login, admin, mailbox, ingest, agent):
    ingest(build())
    failed_message(mailbox)
    ticket_reply(ticket=Ticket.objects.get(), author=agent, body_text="Hi", internal=False)
    OutboundEmail.objects.update(status=OutboundStatus.SENT)

    response = login(admin).get(reverse("mail:mailboxes"))

    assert response.status_code == 200
    row = response.context["mailboxes"][0]
    assert (row.received_count, row.failed_count, row.sent_count) == (2, 1, 2)
    assert SUPPORT in response.content.decode()


def test_the_mailbox_list_costs_the_same_queries_for_5_or_50_mailboxes(
    login, admin, django_assert_max_num_queries
):
    client = login(admin)
    for n in range(5):
        Mailbox.objects.create(address=f"box{n}@desk.example")
    with django_assert_max_num_queries(100) as few:
        client.get(reverse("mail:mailboxes"))
    for n in range(5, 50):
        Mailbox.objects.create(address=f"box{n}@desk.example")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("mail:mailboxes"))
    assert len(response.context["mailboxes"]) == 50


def test_an_admin_creates_a_mailbox(login, admin, support_team):
    response = login(admin).post(reverse("mail:mailbox_new"), {**VALID, "team": support_team.pk})

    mailbox = Mailbox.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("mail:mailbox_edit", args=[mailbox.pk])
    assert mailbox.address == "help@desk.example"
    assert mailbox.team == support_team
    assert mailbox.imap_folders == ["INBOX", "Support"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"address": "not an address"}, "address"),
        ({"address": SUPPORT}, "address"),
        ({"address": "support+x@desk.example"}, "address"),
        ({"imap_port": "70000"}, "imap_port"),
        ({"imap_port": "many"}, "imap_port"),
        ({"imap_enabled": "on"}, "imap_host"),
        ({"imap_enabled": "on", "imap_host": "imap.x", "imap_username": "u"}, "imap_password"),
        (
            {"imap_enabled": "on", "imap_host": "x", "imap_username": "u", "imap_auth": "xoauth2"},
            "oauth2_access_token",
        ),
        ({"after_processing": "move"}, "move_to_folder"),
        ({"imap_security": "carrier-pigeon"}, "imap_security"),
    ],
)
def test_bad_mailbox_settings_get_field_errors(login, admin, mailbox, change, field):
    response = login(admin).post(reverse("mail:mailbox_new"), {**VALID, **change})

    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert Mailbox.objects.count() == 1


def test_saving_without_a_password_keeps_the_stored_one(login, admin, imap_mailbox):
    data = {
        **VALID,
        "address": SUPPORT,
        "imap_enabled": "on",
        "imap_host": "127.0.0.1",
        "imap_port": str(imap_mailbox.imap_port),
        "imap_security": ImapSecurity.NONE,
        "imap_username": imap_mailbox.imap_username,
        "imap_password": "",
    }

    response = login(admin).post(reverse("mail:mailbox_edit", args=[imap_mailbox.pk]), data)

    assert response.status_code == 302
    imap_mailbox.refresh_from_db()
    assert imap_mailbox.imap_password == "imap-secret"
    assert imap_mailbox.imap_folders == ["INBOX", "Support"]
    assert b"imap-secret" not in login(admin).get(response["Location"]).content


def test_test_connection_signs_in_to_the_real_server(login, admin, imap_mailbox):
    response = login(admin).post(
        reverse("mail:mailbox_test", args=[imap_mailbox.pk]), HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert "The connection works" in response.content.decode()


def test_test_connection_reports_a_wrong_password(login, admin, imap_mailbox):
    imap_mailbox.imap_password = "wrong"
    imap_mailbox.save()

    response = login(admin).post(
        reverse("mail:mailbox_test", args=[imap_mailbox.pk]), HTTP_HX_REQUEST="true"
    )

    assert "The connection failed" in response.content.decode()
    assert "sign-in failed" in response.content.decode()


def test_test_connection_without_htmx_redirects_with_the_result(login, admin, mailbox):
    client = login(admin)
    response = client.post(reverse("mail:mailbox_test", args=[mailbox.pk]), follow=True)

    assert "No IMAP server is set" in response.content.decode()


def test_an_unknown_mailbox_is_404(login, admin):
    assert login(admin).get(reverse("mail:mailbox_edit", args=[999])).status_code == 404


# --- failed messages ---------------------------------------------------------------------------


def test_failed_messages_are_listed_and_can_be_viewed_raw(login, admin, mailbox):
    raw = failed_message(mailbox)
    client = login(admin)

    listing = client.get(reverse("mail:failed"))
    page = client.get(reverse("mail:raw", args=[raw.pk]))
    download = client.get(reverse("mail:raw", args=[raw.pk]), {"download": "1"})

    assert "no sender address" in listing.content.decode()
    assert "who sent this?" in page.content.decode()
    assert download.content == b"Subject: nobody\r\n\r\nwho sent this?\r\n"
    assert download["Content-Type"] == "message/rfc822"


def test_the_failed_list_costs_the_same_queries_for_5_or_50_messages(
    login, admin, mailbox, django_assert_max_num_queries
):
    client = login(admin)
    for _ in range(5):
        failed_message(mailbox)
    with django_assert_max_num_queries(100) as few:
        client.get(reverse("mail:failed"))
    for _ in range(45):
        failed_message(mailbox)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("mail:failed"))
    assert len(response.context["page"].object_list) == 50


def test_a_failed_message_is_reprocessed_after_the_cause_is_fixed(login, admin, mailbox):
    raw = failed_message(mailbox)
    client = login(admin)

    again = client.post(reverse("mail:reprocess", args=[raw.pk]), follow=True)
    assert "failed again" in again.content.decode()

    RawMessage.objects.filter(pk=raw.pk).update(envelope_from="found@example.com")
    done = client.post(reverse("mail:reprocess", args=[raw.pk]), follow=True)

    raw.refresh_from_db()
    assert raw.status == RawStatus.PROCESSED
    assert f"#{raw.ticket.number}" in done.content.decode()


def test_reprocess_only_answers_posts(login, admin, mailbox):
    raw = failed_message(mailbox)

    assert login(admin).get(reverse("mail:reprocess", args=[raw.pk])).status_code == 405


# --- the ticket page ---------------------------------------------------------------------------


QUOTED = (
    "Thanks!\n\nOn Mon, 15 Dec 2025 at 14:30, Support <support@desk.example> wrote:\n> Old text"
)


@pytest.fixture
def email_ticket(ingest, mailbox):
    mailbox.auto_acknowledge = False
    mailbox.save()
    ingest(build(body=QUOTED, html="<p>Thanks!</p><img src='https://track.example/p.gif'>"))
    return Ticket.objects.get()


def test_the_ticket_page_links_each_email_to_its_original(login, agent, email_ticket):
    message = email_ticket.messages.get()

    response = login(agent).get(reverse("tickets:detail", args=[email_ticket.number]))

    url = reverse("mail:message_original", args=[email_ticket.number, message.pk])
    assert url in response.content.decode()


def test_the_ticket_page_shows_whether_a_reply_was_emailed(login, agent, email_ticket):
    ticket_reply(ticket=email_ticket, author=agent, body_text="On it", internal=False)
    OutboundEmail.objects.update(status=OutboundStatus.FAILED, last_error="550 no such user")

    response = login(agent).get(reverse("tickets:detail", args=[email_ticket.number]))

    assert "E-mail not delivered: 550 no such user" in response.content.decode()


def test_the_ticket_page_costs_no_query_per_email_message(
    login, agent, email_ticket, ingest, django_assert_max_num_queries
):
    client = login(agent)
    # The whole thread and history, as the page shows them when asked: a longer thread
    # otherwise opens on a window, which would hide any growth.
    url = reverse("tickets:detail", args=[email_ticket.number]) + "?thread=all&history=all"
    with django_assert_max_num_queries(200) as few:
        client.get(url)
    for n in range(10):
        ingest(build(in_reply_to=RawMessage.objects.first().message_id, body=f"More {n}"))
        ticket_reply(ticket=email_ticket, author=agent, body_text=f"Answer {n}", internal=False)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("Show quoted text") == 11


def test_the_original_shows_the_quoted_text_with_remote_images_blocked(login, agent, email_ticket):
    message = email_ticket.messages.get()
    client = login(agent)

    page = client.get(reverse("mail:message_original", args=[email_ticket.number, message.pk]))
    source = client.get(reverse("mail:message_source", args=[email_ticket.number, message.pk]))

    text = page.content.decode()
    assert "&gt; Old text" in text
    assert message.body_text == "Thanks!"
    assert "https://track.example/p.gif" not in text.split("mail-html", 1)[1].split("</div>")[0]
    assert "remote image is blocked" in text
    with RawMessage.objects.get().file.open("rb") as handle:
        assert source.content == handle.read()


@pytest.mark.parametrize("who", ["outsider", "customer", "other_customer"])
def test_originals_are_404_to_people_who_may_not_see_the_ticket(request, client, email_ticket, who):
    person = request.getfixturevalue(who)
    client.force_login(getattr(person, "user", None) or person)
    message = email_ticket.messages.get()

    for name in ("mail:message_original", "mail:message_source"):
        assert client.get(reverse(name, args=[email_ticket.number, message.pk])).status_code == 404


def test_a_message_that_did_not_come_by_email_has_no_original(login, agent, ticket):
    message = ticket.messages.get()

    url = reverse("mail:message_original", args=[ticket.number, message.pk])
    assert login(agent).get(url).status_code == 404
