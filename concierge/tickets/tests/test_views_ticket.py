"""The ticket page and its composer: the thread, replies, notes, and the stale warning."""

from __future__ import annotations

import re
from html import unescape as html_unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from concierge.people.models import Organization, OrganizationMembership
from concierge.tickets.attachments import IncomingFile
from concierge.tickets.models import Channel, Message, MessageKind, Priority, Status
from concierge.tickets.services import (
    message_receive,
    ticket_create,
    ticket_merge,
    ticket_reply,
    ticket_set_followers,
    ticket_update,
)


def detail_url(ticket) -> str:
    return reverse("tickets:detail", args=[ticket.number])


def reply_url(ticket) -> str:
    return reverse("tickets:reply", args=[ticket.number])


def post_reply(client, ticket, body, *, mode="reply", version=None, htmx=True, **extra):
    data = {"body": body, "mode": mode, "version": version or ticket.version, **extra}
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(reply_url(ticket), data, **headers)


def section(html: str, element_id: str) -> str:
    match = re.search(rf'<(\w+) id="{element_id}"(.*?)</\1>\s*$', html, re.S | re.M)
    assert match, f"no #{element_id} in the page"
    return match.group(0)


# --- the page ----------------------------------------------------------------------------


def test_the_page_shows_each_kind_of_message_differently(login, agent, teammate, ticket, customer):
    ticket_reply(ticket=ticket, author=agent, body_text="We are sorry!", internal=False)
    ticket_reply(ticket=ticket, author=teammate, body_text="Check the courier.", internal=True)
    other = ticket_create(
        requester=customer, subject="Same lamp", body_text="Dup", channel=Channel.EMAIL
    )
    ticket_merge(source=other, target=ticket, actor=agent)

    html = login(agent).get(detail_url(ticket)).content.decode()

    assert f'<h1><span class="muted">#{ticket.number}</span> Order arrived damaged</h1>' in html
    assert re.search(r'class="message message-customer".*?The box was crushed', html, re.S)
    assert re.search(r'class="message message-reply".*?Aino Agent.*?We are sorry!', html, re.S)
    assert re.search(
        r'class="message message-note".*?Internal note.*?Check the courier\.', html, re.S
    )
    assert re.search(
        rf'class="message message-system".*?Ticket #{other.number} was merged into this ticket',
        html,
        re.S,
    )


def test_html_bodies_are_shown_as_stored_and_text_is_escaped(login, agent, ticket, customer):
    message_receive(
        ticket=ticket,
        customer=customer,
        body_text="fallback",
        body_html="<p>Photo <strong>attached</strong><script>alert(1)</script></p>",
        channel=Channel.EMAIL,
    )
    message_receive(
        ticket=ticket, customer=customer, body_text="<b>not bold</b>", channel=Channel.WEB
    )

    html = login(agent).get(detail_url(ticket)).content.decode()

    assert '<div class="body html"><p>Photo <strong>attached</strong></p></div>' in html
    assert "<script>alert(1)" not in html
    assert "&lt;b&gt;not bold&lt;/b&gt;" in html


def test_attachments_link_to_the_download_view(login, agent, ticket, customer):
    message = message_receive(
        ticket=ticket,
        customer=customer,
        body_text="Here is the photo",
        channel=Channel.WEB,
        attachments=[IncomingFile("lamp.jpg", "image/jpeg", b"\xff\xd8jpeg")],
    )
    attachment = message.attachments.get()

    html = login(agent).get(detail_url(ticket)).content.decode()

    assert f'href="{reverse("tickets:attachment", args=[attachment.pk])}" download>lamp.jpg' in html


def test_the_customer_sidebar_shows_profile_organizations_and_other_tickets(
    login, agent, ticket, customer, other_customer, support_team
):
    customer.time_zone = "Europe/Helsinki"
    customer.notes = "Prefers phone calls."
    customer.save(update_fields=["time_zone", "notes"])
    organization = Organization.objects.create(name="Valaisin Oy")
    OrganizationMembership.objects.create(customer=customer, organization=organization)
    older = ticket_create(
        requester=customer,
        subject="Chat about delivery",
        body_text="Hi",
        channel=Channel.CHAT,
        team=support_team,
    )
    ticket_create(requester=other_customer, subject="Not hers", body_text="x", channel="web")
    ticket_set_followers(ticket=ticket, actor=agent, followers=[other_customer])

    html = login(agent).get(detail_url(ticket)).content.decode()
    panel = section(html, "customer")

    assert f'href="{reverse("people:customer_detail", args=[customer.pk])}">Kirsi Customer' in panel
    assert "customer@example.com" in panel
    assert "Europe/Helsinki" in panel
    assert "Prefers phone calls." in panel
    assert "Valaisin Oy" in panel
    assert f"#{older.number} Chat about delivery" in panel
    assert "Live chat" in panel
    assert "Not hers" not in panel
    assert f"#{ticket.number} Order arrived damaged" not in panel
    assert "Oleg Other" in panel  # a follower


def test_the_timeline_reads_as_who_changed_what(login, agent, ticket):
    ticket_update(ticket=ticket, actor=agent, priority=Priority.URGENT, assignee=agent)

    html = login(agent).get(detail_url(ticket)).content.decode()
    timeline = section(html, "timeline")

    assert "Kirsi Customer</strong> created the ticket" in timeline
    assert (
        '<strong>Aino Agent</strong> · <span class="field-name">Priority</span>: '
        '<span class="before">Normal</span> → <span class="after">Urgent</span>'
    ) in timeline
    assert '<span class="before">nobody</span> → <span class="after">Aino Agent</span>' in timeline


def test_a_merged_ticket_points_to_where_it_went(login, agent, ticket, customer, support_team):
    target = ticket_create(
        requester=customer, subject="Main one", body_text="x", channel="web", team=support_team
    )
    ticket_merge(source=ticket, target=target, actor=agent)

    html = login(agent).get(detail_url(ticket)).content.decode()

    assert f"This ticket was merged into #{target.number}." in html
    assert 'id="merge"' not in html


def test_light_agents_get_only_the_note_option_and_no_edit_controls(login, light_agent, ticket):
    html = login(light_agent).get(detail_url(ticket)).content.decode()

    assert '<input type="hidden" name="mode" value="note">' in html
    assert 'value="reply"' not in html
    assert 'name="status"' not in html
    assert "data-inline-edit" not in html
    assert 'id="merge"' not in html
    assert "Split into new ticket" not in html


@pytest.mark.parametrize("who", ["outsider", "customer", "other_customer"])
def test_people_outside_the_tickets_scope_get_404(request, login, ticket, who):
    person = request.getfixturevalue(who)
    user = getattr(person, "user", person)
    client = login(user)

    assert client.get(detail_url(ticket)).status_code == 404
    assert post_reply(client, ticket, "Sneaky").status_code == 404
    assert not Message.objects.filter(body_text="Sneaky").exists()


def test_anonymous_people_are_sent_to_sign_in_without_data(client, ticket):
    response = client.get(detail_url(ticket))

    assert response.status_code == 302
    assert "Order arrived damaged" not in response.content.decode()
    assert client.post(reply_url(ticket), {"body": "x"}).status_code == 302
    assert not Message.objects.filter(body_text="x").exists()


def test_an_expired_session_sends_the_whole_window_to_sign_in(client, ticket):
    response = client.post(
        reply_url(ticket),
        {"body": "x", "mode": "reply", "version": ticket.version},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL=f"http://testserver{detail_url(ticket)}",
    )

    assert response.status_code == 200
    assert response["HX-Redirect"] == (f"{reverse('people:login')}?next=/tickets/{ticket.number}/")
    assert response.content == b""
    assert ticket.messages.count() == 1


def test_an_admin_sees_every_ticket(login, admin, ticket):
    assert login(admin).get(detail_url(ticket)).status_code == 200


def test_an_unknown_ticket_number_is_404(login, agent, ticket):
    assert (
        login(agent).get(reverse("tickets:detail", args=[ticket.number + 100])).status_code == 404
    )


# --- replying -----------------------------------------------------------------------------


def test_a_public_reply_is_sent_and_shown_in_the_thread(login, agent, ticket):
    response = post_reply(login(agent), ticket, "A new lamp is on its way.")

    assert response.status_code == 200
    message = ticket.messages.get(kind=MessageKind.REPLY)
    assert message.body_text == "A new lamp is on its way."
    assert message.author_user == agent
    html = response.content.decode()
    thread = section(html, "thread")
    assert 'hx-swap-oob="true"' in thread
    assert "A new lamp is on its way." in thread
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    # The fresh composer carries the new version, so the next reply is not refused.
    assert f'name="version" value="{ticket.version}"' in section(html, "composer")
    assert "Your reply was sent." in html


def test_a_reply_without_htmx_redirects_back_to_the_message(login, agent, ticket):
    response = post_reply(login(agent), ticket, "Plain form", htmx=False)

    message = ticket.messages.get(kind=MessageKind.REPLY)
    assert response.status_code == 302
    assert response["Location"] == f"{detail_url(ticket)}#message-{message.pk}"


def test_an_internal_note_is_marked_as_internal(login, agent, ticket):
    response = post_reply(login(agent), ticket, "Customer is a VIP", mode="note")

    assert response.status_code == 200
    assert ticket.messages.get(body_text="Customer is a VIP").kind == MessageKind.NOTE
    assert re.search(
        r'class="message message-note".*?Internal note.*?Customer is a VIP',
        response.content.decode(),
        re.S,
    )


def test_a_reply_can_set_the_status_at_once(login, agent, ticket):
    post_reply(login(agent), ticket, "Waiting for your photo", status="pending")

    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING


def test_a_light_agent_may_add_a_note(login, light_agent, ticket):
    response = post_reply(login(light_agent), ticket, "Seen this before", mode="note")

    assert response.status_code == 200
    assert ticket.messages.get(body_text="Seen this before").kind == MessageKind.NOTE


def test_a_light_agent_cannot_reply_publicly_or_change_the_status(login, light_agent, ticket):
    client = login(light_agent)

    refused = post_reply(client, ticket, "Dear customer", mode="reply")
    assert refused.status_code == 422
    assert "Select a valid choice" in refused.content.decode()
    assert not ticket.messages.filter(body_text="Dear customer").exists()

    post_reply(client, ticket, "Note only", mode="note", status="solved")
    ticket.refresh_from_db()
    assert ticket.messages.filter(body_text="Note only", kind=MessageKind.NOTE).exists()
    assert ticket.status == Status.NEW


def test_an_empty_reply_is_refused_with_a_field_error(login, agent, ticket):
    response = post_reply(login(agent), ticket, "   ")

    assert response.status_code == 422
    assert "Write something before sending." in response.content.decode()
    assert ticket.messages.count() == 1


def test_an_unknown_status_on_a_reply_is_a_field_error(login, agent, ticket):
    response = post_reply(login(agent), ticket, "Keep this draft", status="exploded")

    html = response.content.decode()
    assert response.status_code == 422
    assert "exploded is not one of the available choices" in html
    assert "Keep this draft</textarea>" in html
    assert ticket.messages.count() == 1


def test_a_reply_with_a_missing_version_is_refused(login, agent, ticket):
    response = login(agent).post(
        reply_url(ticket), {"body": "x", "mode": "reply"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 422
    assert ticket.messages.count() == 1


def test_attachments_are_uploaded_with_the_reply(login, agent, ticket):
    files = [
        SimpleUploadedFile("label.pdf", b"%PDF-1.4 label", content_type="application/pdf"),
        SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain"),
    ]

    response = post_reply(login(agent), ticket, "Return label attached", attachments=files)

    assert response.status_code == 200
    message = ticket.messages.get(body_text="Return label attached")
    assert sorted(a.filename for a in message.attachments.all()) == ["label.pdf", "notes.txt"]


def test_a_file_over_the_size_limit_is_refused(login, agent, ticket, settings):
    settings.ATTACHMENT_MAX_BYTES = 10
    big = SimpleUploadedFile("photo.jpg", b"x" * 11, content_type="image/jpeg")

    response = post_reply(login(agent), ticket, "Too big", attachments=[big])

    assert response.status_code == 422
    assert "photo.jpg is too large" in response.content.decode()
    assert not ticket.messages.filter(body_text="Too big").exists()


def test_a_blocked_file_type_is_refused(login, agent, ticket):
    bad = SimpleUploadedFile("setup.exe", b"MZ", content_type="application/octet-stream")

    response = post_reply(login(agent), ticket, "Run this", attachments=[bad])

    assert response.status_code == 422
    assert "setup.exe cannot be attached" in response.content.decode()
    assert not ticket.messages.filter(body_text="Run this").exists()


def test_too_many_files_are_refused(login, agent, ticket, settings):
    settings.ATTACHMENT_MAX_FILES = 1
    files = [SimpleUploadedFile(f"{i}.txt", b"x", content_type="text/plain") for i in range(2)]

    response = post_reply(login(agent), ticket, "Two files", attachments=files)

    assert response.status_code == 422
    assert "Attach at most 1 file." in response.content.decode()


# --- the stale warning -------------------------------------------------------------------


def test_a_reply_to_a_ticket_that_changed_is_held_back_with_the_news(
    login, agent, teammate, ticket, customer
):
    client = login(agent)
    page = client.get(detail_url(ticket)).content.decode()
    seen = dict(re.findall(r'name="(version|seen_message|seen_event)" value="(\d+)"', page))
    message_receive(
        ticket=ticket, customer=customer, body_text="Never mind, found it!", channel="web"
    )
    ticket_update(ticket=ticket, actor=teammate, priority=Priority.HIGH)

    response = post_reply(
        client,
        ticket,
        "Here is a new lamp",
        version=seen["version"],
        seen_message=seen["seen_message"],
        seen_event=seen["seen_event"],
    )

    assert response.status_code == 409
    assert not ticket.messages.filter(body_text="Here is a new lamp").exists()
    html = response.content.decode()
    composer = section(html, "composer")
    assert "Someone else replied or changed this ticket since you opened it." in composer
    notice = composer.split("<form", 1)[0]
    assert "Never mind, found it!" in notice
    assert "The box was crushed" not in notice  # only what is new
    assert '<span class="before">Normal</span> → <span class="after">High</span>' in notice
    assert "Here is a new lamp</textarea>" in composer
    assert "Send anyway" in composer
    ticket.refresh_from_db()
    assert f'name="version" value="{ticket.version}"' in composer

    # Sending anyway re-posts with the version the warning showed.
    again = post_reply(client, ticket, "Here is a new lamp", version=ticket.version)
    assert again.status_code == 200
    assert ticket.messages.filter(body_text="Here is a new lamp").exists()


def test_the_stale_warning_also_works_without_htmx(login, agent, ticket, customer):
    version = ticket.version
    message_receive(ticket=ticket, customer=customer, body_text="Update!", channel="web")

    response = post_reply(login(agent), ticket, "Old news", version=version, htmx=False)

    assert response.status_code == 409
    html = response.content.decode()
    assert "<html" in html
    assert "Someone else replied or changed this ticket" in html
    assert "Old news</textarea>" in html


def test_an_invalid_post_keeps_the_version_it_was_written_against(login, agent, ticket, customer):
    version = ticket.version
    message_receive(ticket=ticket, customer=customer, body_text="Meanwhile", channel="web")

    response = post_reply(login(agent), ticket, "", version=version)

    # Fixing the empty body must still run into the warning: the news was not shown yet.
    assert response.status_code == 422
    assert f'name="version" value="{version}"' in response.content.decode()


# --- query counts ------------------------------------------------------------------------


def _page_queries(client, ticket) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(detail_url(ticket))
    assert response.status_code == 200
    return len(queries)


def _add_messages(ticket, customer, agent, count: int) -> None:
    for i in range(count):
        message_receive(
            ticket=ticket,
            customer=customer,
            body_text=f"Customer message {i}",
            channel=Channel.EMAIL,
            attachments=[IncomingFile(f"photo{i}.jpg", "image/jpeg", b"\xff\xd8")],
        )
        ticket_reply(ticket=ticket, author=agent, body_text=f"Reply {i}", internal=i % 2 == 0)


def test_the_ticket_page_query_count_does_not_grow_with_the_thread(
    login, agent, ticket, customer, other_customer
):
    # A requester known only by e-mail address is shown by it, read from identities.
    customer.full_name = ""
    customer.save(update_fields=["full_name"])
    ticket_set_followers(ticket=ticket, actor=agent, followers=[other_customer])
    client = login(agent)
    _add_messages(ticket, customer, agent, 1)
    few = _page_queries(client, ticket)
    _add_messages(ticket, customer, agent, 2)
    more = _page_queries(client, ticket)
    # Past the windows a long thread is read as its head, its tail and a count, and a
    # long history as its latest changes and the newest id.
    _add_messages(ticket, customer, agent, 20)
    long = _page_queries(client, ticket)
    _add_messages(ticket, customer, agent, 20)
    ticket_update(ticket=ticket, actor=agent, status=Status.PENDING)
    longer = _page_queries(client, ticket)

    assert ticket.messages.count() == 87
    assert more == few
    assert longer == long


# --- long threads and histories ----------------------------------------------------------


def _long_thread(ticket, customer, agent, pairs: int) -> None:
    for i in range(pairs):
        message_receive(
            ticket=ticket, customer=customer, body_text=f"Question {i}", channel=Channel.EMAIL
        )
        ticket_reply(ticket=ticket, author=agent, body_text=f"Answer {i}", internal=False)


def test_a_long_thread_opens_on_its_first_and_latest_messages(login, agent, ticket, customer):
    _long_thread(ticket, customer, agent, 30)  # 61 messages with the ticket's first

    html = login(agent).get(detail_url(ticket)).content.decode()

    first = ticket.messages.order_by("created_at", "id").first()
    assert f'id="message-{first.pk}"' in html
    assert "Answer 29" in html
    assert "Question 25" in html
    assert "Question 24<" not in html
    assert "Answer 10<" not in html
    assert "Show 50 earlier messages" in html


def test_the_earlier_messages_load_in_place_of_the_button(login, agent, ticket, customer):
    _long_thread(ticket, customer, agent, 30)
    client = login(agent)
    html = client.get(detail_url(ticket)).content.decode()
    url = html_unescape(re.search(r'hx-get="([^"]+/messages/\?[^"]+)"', html).group(1))

    earlier = client.get(url).content.decode()

    assert earlier.count('<article id="message-') == 50
    assert "Question 0" in earlier
    assert "Question 24" in earlier
    assert "Question 25" not in earlier


def test_the_whole_thread_and_history_are_a_plain_link_away(login, agent, ticket, customer):
    _long_thread(ticket, customer, agent, 30)

    html = (
        login(agent).get(detail_url(ticket), {"thread": "all", "history": "all"}).content.decode()
    )

    assert html.count('<article id="message-') == 61
    assert "earlier messages" not in html
    assert "Show the whole history" not in html


def test_the_history_shows_the_latest_changes_and_loads_the_rest(login, agent, ticket, customer):
    _long_thread(ticket, customer, agent, 30)
    client = login(agent)

    html = client.get(detail_url(ticket)).content.decode()
    timeline = re.search(r'<ol class="timeline".*?</ol>', html, re.S).group(0)
    whole = client.get(reverse("tickets:history", args=[ticket.number])).content.decode()

    assert timeline.count("<li") == 15
    assert "Show the whole history" in html
    assert whole.count("<li") == ticket.events.count()


def test_earlier_messages_answer_404_to_those_who_may_not_see_them(
    login, agent, outsider, ticket, customer, other_customer
):
    _long_thread(ticket, customer, agent, 30)
    ids = list(ticket.messages.order_by("created_at", "id").values_list("pk", flat=True))
    url = reverse("tickets:earlier_messages", args=[ticket.number])
    params = {"after": ids[0], "before": ids[-1]}
    other = ticket_create(
        requester=other_customer, subject="Another", body_text="x", channel=Channel.EMAIL
    )
    foreign = other.messages.first().pk

    assert login(outsider).get(url, params).status_code == 404
    assert login(customer.user).get(url, params).status_code == 404
    assert login(agent).get(url, {"after": foreign, "before": ids[-1]}).status_code == 404
    assert login(agent).get(url, {"after": "x", "before": ""}).status_code == 404
    assert login(agent).get(url, {"after": "9" * 30, "before": ids[-1]}).status_code == 404
    assert login(outsider).get(reverse("tickets:history", args=[ticket.number])).status_code == 404


def test_the_page_has_seen_the_newest_message_even_outside_the_window(
    login, agent, teammate, ticket, customer
):
    _long_thread(ticket, customer, agent, 30)
    client = login(agent)
    html = client.get(detail_url(ticket)).content.decode()
    seen = int(re.search(r'name="seen_message" value="(\d+)"', html).group(1))

    assert seen == ticket.messages.order_by("-pk").first().pk


def test_a_system_message_is_shown_in_each_readers_language(login, agent, teammate, ticket):
    """Merged by a Russian-speaking agent, read by a Turkish-speaking one: each reads the
    desk's line in their own language; the stored text is in the desk's language."""
    from django.utils import translation
    from django.utils.translation import gettext

    from concierge.tickets.services import ticket_create, ticket_merge

    other = ticket_create(
        requester=ticket.requester, subject="Same lamp", body_text="Dup", channel=Channel.EMAIL
    )
    with translation.override("ru"):
        ticket_merge(source=other, target=ticket, actor=agent)

    line = "Ticket #%(number)s was merged into this ticket."
    expected = {}
    for language in ("en", "ru", "tr"):
        with translation.override(language):
            expected[language] = gettext(line) % {"number": other.number}
    assert len(set(expected.values())) == 3  # translated in both languages
    note = Message.objects.get(ticket=ticket, kind=MessageKind.SYSTEM)
    assert note.body_text == expected["en"]
    for reader, language in ((teammate, "tr"), (agent, "ru")):
        page = login(reader).get(detail_url(ticket), HTTP_ACCEPT_LANGUAGE=language)
        html = html_unescape(page.content.decode())
        assert expected[language] in html
        assert expected["en"] not in html
