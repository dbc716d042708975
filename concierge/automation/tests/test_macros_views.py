"""Macros in the composer, and the pages where agents and admins keep them."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from concierge.automation.macros_services import VariantInput, macro_create
from concierge.automation.models.macros import AssigneeAction, Macro
from concierge.tickets.models import EventKind, MessageKind, Priority, Status, TicketEvent

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def ticket(ticket):
    """Kirsi's ticket, in Finnish: macros answer in the ticket's language."""
    ticket.language = "fi"
    ticket.save(update_fields=["language"])
    return ticket


def texts(*pairs):
    return [VariantInput(language, tone, body) for language, tone, body in pairs]


@pytest.fixture
def shared_macro(admin):
    return macro_create(
        owner=None,
        actor=admin,
        title="Ask for a photo",
        variants=texts(
            ("en", "", "Hello {{ customer.first_name }}, could you send a photo?"),
            ("fi", "formal", "Hei {{ customer.first_name }}, voisitteko lähettää kuvan?"),
            ("fi", "informal", "Moi {{ customer.first_name }}, voisitko lähettää kuvan?"),
        ),
        set_status=Status.PENDING,
        set_priority=Priority.HIGH,
        add_tags=["photo-asked"],
    )


@pytest.fixture
def teammates_macro(teammate):
    return macro_create(
        owner=teammate,
        actor=teammate,
        title="Timur's secret answer",
        variants=texts(("en", "", "Only Timur uses this.")),
    )


def apply_url(ticket):
    return reverse("automation:macro_apply", args=[ticket.number])


def apply(client, ticket, macro_choice="", *, body="", macro="", mode="reply", **extra):
    data = {
        "body": body,
        "mode": mode,
        "version": ticket.version,
        "macro_choice": macro_choice,
        "macro": macro,
        **extra,
    }
    return client.post(apply_url(ticket), data, **HX)


def textarea(html):
    match = re.search(
        r'<textarea name="body"[^>]*id="reply_body"[^>]*>(.*?)</textarea>', html, re.S
    )
    assert match, "no composer text box"
    return match.group(1).strip()


# --- applying in the composer --------------------------------------------------------------


def test_the_composer_lists_shared_and_own_macros_but_not_others(
    login, agent, ticket, shared_macro, teammates_macro
):
    mine = macro_create(
        owner=agent, actor=agent, title="My thanks", variants=texts(("en", "", "Thanks"))
    )
    html = login(agent).get(reverse("tickets:detail", args=[ticket.number])).content.decode()

    picker = html[
        html.index('id="macro-picker"') : html.index("</select>", html.index('id="macro-picker"'))
    ]
    assert f'<option value="{mine.pk}">My thanks</option>' in picker
    assert f'<option value="{shared_macro.pk}">Ask for a photo</option>' in picker
    assert "secret answer" not in html


def test_choosing_a_macro_fills_the_text_in_the_customers_language_and_register(
    login, agent, ticket, shared_macro, settings
):
    settings.BRAND_TONE = "formal,fi:informal"
    response = apply(login(agent), ticket, shared_macro.pk)

    assert response.status_code == 200
    html = response.content.decode()
    assert textarea(html) == "Moi Kirsi, voisitko lähettää kuvan?"
    assert f'<input type="hidden" name="macro" value="{shared_macro.pk}">' in html
    assert re.search(r'<option value="pending" selected>', html)
    assert "When you send, it also sets:" in html
    assert "Priority: High · Add tags: photo-asked" in html
    # Nothing changed yet.
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW
    assert not TicketEvent.objects.filter(kind=EventKind.MACRO_APPLIED).exists()


def test_the_text_is_added_below_the_draft(login, agent, ticket, shared_macro):
    html = apply(
        login(agent), ticket, shared_macro.pk, body="Sorry about the lamp."
    ).content.decode()
    assert textarea(html) == "Sorry about the lamp.\n\nHei Kirsi, voisitteko lähettää kuvan?"


def test_another_macro_replaces_the_text_of_the_first(login, agent, ticket, shared_macro):
    other = macro_create(
        owner=agent, actor=agent, title="Thanks", variants=texts(("fi", "", "Kiitos!"))
    )
    client = login(agent)
    first = textarea(apply(client, ticket, shared_macro.pk, body="Alku.").content.decode())

    html = apply(client, ticket, other.pk, body=first, macro=shared_macro.pk).content.decode()

    assert textarea(html) == "Alku.\n\nKiitos!"
    assert f'name="macro" value="{other.pk}"' in html


def test_removing_the_macro_takes_its_text_and_changes_back(login, agent, ticket, shared_macro):
    client = login(agent)
    filled = textarea(apply(client, ticket, shared_macro.pk, body="Alku.").content.decode())

    html = apply(
        client, ticket, body=filled, macro=shared_macro.pk, macro_clear="1"
    ).content.decode()

    assert textarea(html) == "Alku."
    assert 'name="macro"' not in html


def test_a_hostile_customer_name_reaches_the_composer_escaped(login, agent, ticket, admin):
    requester = ticket.requester
    requester.full_name = "<script>alert(1)</script> Smith & Sons"
    requester.save(update_fields=["full_name"])
    macro = macro_create(
        owner=None,
        actor=admin,
        title="Greet",
        variants=texts(("fi", "", "Dear {{ customer.name }}")),
    )
    html = apply(login(agent), ticket, macro.pk).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "Dear &lt;script&gt;alert(1)&lt;/script&gt; Smith &amp; Sons" in html


def test_another_agents_personal_macro_cannot_be_applied(login, agent, ticket, teammates_macro):
    assert apply(login(agent), ticket, teammates_macro.pk).status_code == 404


@pytest.mark.parametrize("choice", ["abc", "0", "-1", str(2**64)])
def test_a_nonsense_macro_id_is_not_found(login, agent, ticket, choice):
    assert apply(login(agent), ticket, choice).status_code == 404


def test_people_who_cannot_see_the_ticket_cannot_apply_macros(
    login, client, outsider, customer, ticket, shared_macro
):
    assert apply(login(outsider), ticket, shared_macro.pk).status_code == 404
    assert apply(login(customer.user), ticket, shared_macro.pk).status_code == 404
    client.logout()
    assert client.post(apply_url(ticket), {"macro_choice": shared_macro.pk}).status_code == 302


def test_without_scripts_applying_renders_the_whole_page(login, agent, ticket, shared_macro):
    response = login(agent).post(
        apply_url(ticket), {"macro_choice": shared_macro.pk, "version": ticket.version}
    )
    assert response.status_code == 200
    assert "<html" in response.content.decode()
    assert "voisitteko" in textarea(response.content.decode())


def test_a_light_agent_is_told_the_macro_only_gives_a_note(
    login, light_agent, ticket, shared_macro
):
    html = apply(login(light_agent), ticket, shared_macro.pk, mode="note").content.decode()
    assert "Your role adds internal notes only" in html
    assert "When you send" not in html


# --- sending --------------------------------------------------------------------------------


def send(client, ticket, body, *, macro="", mode="reply", status="", version=None):
    data = {"body": body, "mode": mode, "version": version or ticket.version, "macro": macro}
    if status:
        data["status"] = status
    return client.post(reverse("tickets:reply", args=[ticket.number]), data, **HX)


def test_sending_applies_the_macro(login, agent, ticket, shared_macro):
    response = send(login(agent), ticket, "Hei Kirsi!", macro=shared_macro.pk, status="pending")

    assert response.status_code == 200
    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING
    assert ticket.priority == Priority.HIGH
    assert list(ticket.tags.values_list("name", flat=True)) == ["photo-asked"]
    assert ticket.messages.filter(kind=MessageKind.REPLY, body_text="Hei Kirsi!").exists()
    shared_macro.refresh_from_db()
    assert shared_macro.usage_count == 1
    html = response.content.decode()
    assert "applied the macro “Ask for a photo”" in html  # the history, refreshed
    assert 'name="macro"' not in html  # a fresh composer


def test_a_macro_switched_off_after_it_was_applied_is_still_sent(
    login, agent, ticket, shared_macro
):
    client = login(agent)
    apply(client, ticket, shared_macro.pk)
    shared_macro.is_active = False
    shared_macro.save(update_fields=["is_active"])

    response = send(client, ticket, "Hei!", macro=shared_macro.pk, status="pending")

    assert response.status_code == 200
    ticket.refresh_from_db()
    assert ticket.priority == Priority.HIGH
    assert "Ask for a photo</option>" not in response.content.decode()  # no longer offered


def test_a_macro_can_switch_the_composer_to_a_note(login, agent, ticket, admin):
    macro = macro_create(
        owner=None,
        actor=admin,
        title="Hand over",
        send_as="note",
        variants=texts(("fi", "", "Ota tämä")),
    )
    html = apply(login(agent), ticket, macro.pk, mode="reply").content.decode()
    assert re.search(r'<input type="radio" name="mode" value="note"[^>]*checked', html)
    assert re.search(r'<section id="composer" class="card composer note"', html)


def test_sending_with_someone_elses_macro_sends_nothing(login, agent, ticket, teammates_macro):
    response = send(login(agent), ticket, "Hi", macro=teammates_macro.pk)
    assert response.status_code == 404
    assert ticket.messages.count() == 1
    teammates_macro.refresh_from_db()
    assert teammates_macro.usage_count == 0


def test_a_stale_send_keeps_the_macro_on_the_draft(login, agent, teammate, ticket, shared_macro):
    from concierge.tickets.services import ticket_reply

    seen = ticket.version
    ticket_reply(ticket=ticket, author=teammate, body_text="I got this", internal=False)

    response = send(login(agent), ticket, "Hei!", macro=shared_macro.pk, version=seen)

    assert response.status_code == 409
    assert f'name="macro" value="{shared_macro.pk}"' in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.priority == Priority.NORMAL


def test_a_light_agent_sends_a_note_with_a_macro(login, light_agent, ticket, shared_macro):
    response = send(login(light_agent), ticket, "For the team", macro=shared_macro.pk, mode="note")
    assert response.status_code == 200
    ticket.refresh_from_db()
    assert ticket.priority == Priority.NORMAL
    assert ticket.messages.filter(kind=MessageKind.NOTE).count() == 1


def test_a_light_agent_cannot_reply_publicly_with_a_macro(login, light_agent, ticket, shared_macro):
    response = send(login(light_agent), ticket, "Hi", macro=shared_macro.pk, mode="reply")
    assert response.status_code == 422  # the form offers notes only
    assert ticket.messages.count() == 1


# --- personal macro pages -------------------------------------------------------------------


def macro_post(**overrides):
    data = {
        "title": "Shipping times",
        "description": "When someone asks where the parcel is",
        "is_active": "on",
        "send_as": "",
        "set_status": "",
        "set_priority": "",
        "set_ticket_type": "",
        "set_team": "",
        "assignee_action": "",
        "set_assignee": "",
        "add_tags": "Shipping, VIP",
        "remove_tags": "",
        "variant-TOTAL_FORMS": "2",
        "variant-INITIAL_FORMS": "0",
        "variant-MIN_NUM_FORMS": "0",
        "variant-MAX_NUM_FORMS": "40",
        "variant-0-language": "en",
        "variant-0-tone": "",
        "variant-0-body": "Parcels take 2 days, {{ customer.first_name }}.",
        "variant-1-language": "en",
        "variant-1-tone": "",
        "variant-1-body": "",
    }
    data.update(overrides)
    return data


def test_an_agent_creates_a_personal_macro(login, agent):
    response = login(agent).post(reverse("automation:macro_new"), macro_post())
    assert response.status_code == 302
    macro = Macro.objects.get()
    assert macro.owner == agent
    assert macro.add_tags == ["shipping", "vip"]
    assert list(macro.variants.values_list("language", "body")) == [
        ("en", "Parcels take 2 days, {{ customer.first_name }}.")
    ]


def test_a_hostile_text_is_refused_with_a_field_error(login, agent):
    response = login(agent).post(
        reverse("automation:macro_new"),
        macro_post(**{"variant-0-body": "{{ ticket.requester.user.password }}"}),
    )
    assert response.status_code == 422
    assert "{{ ticket.requester.user.password }} is not a placeholder" in response.content.decode()
    assert not Macro.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "Give the macro a title"),
        ({"variant-0-body": ""}, "Write the macro&#x27;s text in at least one language."),
        (
            {"variant-1-body": "Again", "variant-1-language": "en"},
            "Each language and register has one text",
        ),
        ({"assignee_action": AssigneeAction.AGENT}, "Choose the agent to assign."),
        ({"remove_tags": "vip"}, "A tag cannot be both added and removed: vip."),
        ({"variant-0-language": "xx"}, "Select a valid choice"),
        ({"set_priority": "9"}, "Select a valid choice"),
        ({"variant-0-body": "{% include 'x.html' %}"}, "Macros offer only"),
    ],
)
def test_bad_input_gets_field_errors(login, agent, overrides, message):
    response = login(agent).post(reverse("automation:macro_new"), macro_post(**overrides))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Macro.objects.exists()


def test_an_agent_edits_and_deletes_their_macro(login, agent):
    macro = macro_create(owner=agent, actor=agent, title="Old", variants=texts(("en", "", "x")))
    client = login(agent)
    page = client.get(reverse("automation:macro_edit", args=[macro.pk]))
    assert page.status_code == 200
    assert 'value="Old"' in page.content.decode()

    response = client.post(
        reverse("automation:macro_edit", args=[macro.pk]),
        macro_post(
            title="New",
            **{
                "variant-INITIAL_FORMS": "1",
                "variant-0-body": "Uusi",
                "variant-0-language": "fi",
            },
        ),
    )
    assert response.status_code == 302
    macro.refresh_from_db()
    assert macro.title == "New"
    assert list(macro.variants.values_list("language", "body")) == [("fi", "Uusi")]

    assert client.post(reverse("automation:macro_delete", args=[macro.pk])).status_code == 302
    assert not Macro.objects.exists()


def test_a_text_is_removed_with_its_delete_box(login, agent):
    macro = macro_create(
        owner=agent, actor=agent, title="Two", variants=texts(("en", "", "Hi"), ("fi", "", "Moi"))
    )
    response = login(agent).post(
        reverse("automation:macro_edit", args=[macro.pk]),
        macro_post(
            title="Two",
            **{
                "variant-TOTAL_FORMS": "3",
                "variant-INITIAL_FORMS": "2",
                "variant-0-language": "en",
                "variant-0-body": "Hi",
                "variant-1-language": "fi",
                "variant-1-body": "Moi",
                "variant-1-DELETE": "on",
                "variant-2-language": "en",
                "variant-2-body": "",
            },
        ),
    )
    assert response.status_code == 302
    assert list(macro.variants.values_list("language", flat=True)) == ["en"]


def test_the_lists_show_how_often_a_macro_was_used(login, agent, ticket, shared_macro):
    client = login(agent)
    send(client, ticket, "Hei!", macro=shared_macro.pk)
    html = client.get(reverse("automation:macro_list")).content.decode()
    assert re.search(r"Ask for a photo.*?<td>1</td>", html, re.S)


def test_personal_macros_are_private(login, agent, admin, teammates_macro):
    for person in (agent, admin):
        client = login(person)
        assert "secret answer" not in client.get(reverse("automation:macro_list")).content.decode()
        edit = reverse("automation:macro_edit", args=[teammates_macro.pk])
        assert client.get(edit).status_code == 404
        assert client.post(edit, macro_post()).status_code == 404
        delete = reverse("automation:macro_delete", args=[teammates_macro.pk])
        assert client.post(delete).status_code == 404
    assert Macro.objects.get().title == "Timur's secret answer"


def test_agents_cannot_edit_shared_macros_from_their_page(login, agent, shared_macro):
    client = login(agent)
    assert client.get(reverse("automation:macro_edit", args=[shared_macro.pk])).status_code == 404
    html = client.get(reverse("automation:macro_list")).content.decode()
    assert "Ask for a photo" in html  # listed, read only
    assert reverse("automation:settings_macro_edit", args=[shared_macro.pk]) not in html


def test_customers_and_anonymous_people_do_not_get_macro_pages(client, login, customer):
    url = reverse("automation:macro_list")
    assert login(customer.user).get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_the_macro_list_reads_in_constant_queries(login, agent, admin):
    client = login(agent)

    def count(n):
        for i in range(n):
            macro_create(owner=agent, actor=agent, title=f"m{i}", variants=texts(("en", "", "x")))
            macro_create(owner=None, actor=admin, title=f"s{i}", variants=texts(("fi", "", "x")))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("automation:macro_list")).status_code == 200
        Macro.objects.all().delete()
        return len(queries)

    assert count(5) == count(50)


def test_the_ticket_page_reads_the_picker_in_constant_queries(login, agent, admin, ticket):
    client = login(agent)
    url = reverse("tickets:detail", args=[ticket.number])

    def count(n):
        Macro.objects.all().delete()
        for i in range(n):
            macro_create(owner=None, actor=admin, title=f"s{i}", variants=texts(("fi", "", "x")))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    assert count(5) == count(50)


# --- shared macro pages (admins) ------------------------------------------------------------


def test_an_admin_keeps_the_shared_macros(login, admin, agent):
    client = login(admin)
    response = client.post(reverse("automation:settings_macro_new"), macro_post(title="Shared"))
    assert response.status_code == 302
    macro = Macro.objects.get()
    assert macro.owner is None
    assert "Shared" in client.get(reverse("automation:settings_macros")).content.decode()

    edit = reverse("automation:settings_macro_edit", args=[macro.pk])
    assert client.post(edit, macro_post(title="Renamed")).status_code == 302
    macro.refresh_from_db()
    assert macro.title == "Renamed"
    assert (
        client.post(reverse("automation:settings_macro_delete", args=[macro.pk])).status_code == 302
    )
    assert not Macro.objects.exists()


def test_the_shared_macro_settings_are_for_admins_only(
    login, agent, light_agent, customer, shared_macro
):
    urls = [
        reverse("automation:settings_macros"),
        reverse("automation:settings_macro_new"),
        reverse("automation:settings_macro_edit", args=[shared_macro.pk]),
    ]
    for person in (agent, light_agent, customer.user):
        client = login(person)
        for url in urls:
            assert client.get(url).status_code == 404
        assert client.post(urls[1], macro_post()).status_code == 404
        delete = reverse("automation:settings_macro_delete", args=[shared_macro.pk])
        assert client.post(delete).status_code == 404
    assert Macro.objects.count() == 1


def test_admins_do_not_see_personal_macros_in_the_settings(login, admin, teammates_macro):
    client = login(admin)
    assert "secret answer" not in client.get(reverse("automation:settings_macros")).content.decode()
    edit = reverse("automation:settings_macro_edit", args=[teammates_macro.pk])
    assert client.get(edit).status_code == 404


def test_the_shared_macro_list_reads_in_constant_queries(login, admin):
    client = login(admin)

    def count(n):
        Macro.objects.all().delete()
        for i in range(n):
            macro_create(owner=None, actor=admin, title=f"s{i}", variants=texts(("fi", "", "x")))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("automation:settings_macros")).status_code == 200
        return len(queries)

    assert count(5) == count(50)
