"""The trigger and automatic e-mail settings pages: admins only, checked rows, dry run."""

from __future__ import annotations

import pytest
from django.urls import reverse

from concierge.automation.models.triggers import EmailTemplate, Trigger
from concierge.automation.tests.triggers_helpers import cond, make_email_template, make_trigger
from concierge.tickets.models import Channel, Priority, Status
from concierge.tickets.services import message_receive, ticket_create


@pytest.fixture(autouse=True)
def _no_default_triggers(db):
    Trigger.objects.all().delete()


def rows(prefix: str, items: list[dict[str, str]], extra: int = 1) -> dict[str, str]:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(items) + extra),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, item in enumerate(items):
        for key, value in item.items():
            data[f"{prefix}-{index}-{key}"] = value
    return data


def trigger_post(
    *,
    name: str = "Tag refunds",
    events: tuple[str, ...] = ("created",),
    all_of: list[dict[str, str]] = (),
    any_of: list[dict[str, str]] = (),
    actions: list[dict[str, str]] = (),
    active: bool = True,
) -> dict[str, object]:
    data: dict[str, object] = {"name": name, "events": list(events)}
    if active:
        data["is_active"] = "on"
    data.update(rows("all", list(all_of)))
    data.update(rows("any", list(any_of)))
    data.update(rows("actions", list(actions)))
    return data


URLS = [
    ("automation:trigger_list", False),
    ("automation:trigger_new", False),
    ("automation:trigger_edit", True),
    ("automation:trigger_dry_run", True),
    ("automation:email_template_list", False),
    ("automation:email_template_new", False),
]


@pytest.mark.parametrize(("name", "with_pk"), URLS)
def test_only_admins_see_the_pages(client, login, admin, agent, customer, name, with_pk):
    trigger = make_trigger(events=["created"], actions=[{"type": "add_tags", "value": "x"}])
    url = reverse(name, args=[trigger.pk] if with_pk else [])

    assert client.get(url).status_code == 302  # anonymous: to the sign-in page
    for user in (agent, customer.user):
        assert login(user).get(url).status_code == 404
    assert login(admin).get(url).status_code == 200


@pytest.mark.parametrize(
    "name", ["trigger_move", "trigger_active", "trigger_delete", "email_template_delete"]
)
def test_agents_cannot_change_anything(login, agent, name):
    trigger = make_trigger(events=["created"], actions=[{"type": "add_tags", "value": "x"}])
    template = make_email_template()
    pk = template.pk if name.startswith("email") else trigger.pk

    assert login(agent).post(reverse(f"automation:{name}", args=[pk])).status_code == 404
    assert Trigger.objects.get().is_active
    assert EmailTemplate.objects.filter(pk=template.pk).exists()


def test_a_missing_trigger_is_404(login, admin):
    assert login(admin).get(reverse("automation:trigger_edit", args=[999])).status_code == 404


def test_the_list_shows_rules_in_words_with_a_fixed_number_of_queries(
    login, admin, support_team, django_assert_max_num_queries
):
    template = make_email_template("Hello mail")
    make_trigger(
        "Urgent for Support",
        events=["created"],
        all_of=[cond("team", "is", support_team.pk), cond("priority", "is", Priority.URGENT)],
        actions=[{"type": "email_requester", "template": template.pk}],
    )
    client = login(admin)
    url = reverse("automation:trigger_list")
    client.get(url)
    with django_assert_max_num_queries(12) as few:
        response = client.get(url)
    for number in range(20):
        make_trigger(
            f"Rule {number}",
            events=["created"],
            all_of=[cond("team", "is", support_team.pk)],
            actions=[{"type": "add_tags", "value": "x"}],
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)

    text = response.content.decode()
    assert "Urgent for Support" in text
    assert "Team is Support" in text
    assert "Priority is Urgent" in text
    assert "E-mail the customer: Hello mail" in text


def test_an_admin_creates_a_trigger_that_then_runs(login, admin, customer, support_team):
    response = login(admin).post(
        reverse("automation:trigger_new"),
        trigger_post(
            all_of=[
                {
                    "field": "subject",
                    "operator": "contains_any",
                    "text": "refund, hyvitys",
                }
            ],
            any_of=[{"field": "channel", "operator": "is", "choice": "channel:web"}],
            actions=[
                {"type": "add_tags", "text": "refund"},
                {"type": "assign_team", "choice": f"team:{support_team.pk}"},
            ],
        ),
    )

    assert response.status_code == 302
    trigger = Trigger.objects.get()
    assert trigger.name == "Tag refunds"
    assert trigger.created_by == admin
    assert trigger.conditions_all == [
        {"field": "subject", "operator": "contains_any", "value": "refund, hyvitys"}
    ]
    assert trigger.conditions_any == [{"field": "channel", "operator": "is", "value": "web"}]
    ticket = ticket_create(
        requester=customer, subject="Hyvitys", body_text="Haluan rahat.", channel=Channel.WEB
    )
    ticket.refresh_from_db()
    assert list(ticket.tags.values_list("name", flat=True)) == ["refund"]
    assert ticket.team == support_team


def test_bad_rows_are_shown_with_their_errors_and_nothing_is_saved(login, admin):
    response = login(admin).post(
        reverse("automation:trigger_new"),
        trigger_post(
            events=(),
            all_of=[{"field": "status", "operator": "is", "choice": "channel:web"}],
            actions=[{"type": "email_address", "text": "nobody", "template": ""}],
        ),
    )

    assert response.status_code == 422
    text = response.content.decode()
    assert "Choose at least one event." in text
    assert "Choose a value from the list." in text
    assert "Enter a valid e-mail address." in text
    assert not Trigger.objects.exists()


def test_a_trigger_needs_an_action(login, admin):
    response = login(admin).post(reverse("automation:trigger_new"), trigger_post(actions=[]))

    assert response.status_code == 422
    assert "Add at least one action." in response.content.decode()


def test_an_admin_edits_a_trigger_and_removes_a_row(login, admin):
    trigger = make_trigger(
        events=["created"],
        all_of=[cond("status", "is", Status.NEW), cond("subject", "contains", "x")],
        actions=[{"type": "add_tags", "value": "old"}],
    )
    client = login(admin)
    page = client.get(reverse("automation:trigger_edit", args=[trigger.pk])).content.decode()
    assert 'value="status:new" selected' in page

    data = trigger_post(
        name="Renamed",
        events=("created", "customer_message"),
        all_of=[
            {"field": "status", "operator": "is", "choice": "status:new"},
            {"field": "subject", "operator": "contains", "text": "x", "DELETE": "on"},
        ],
        actions=[{"type": "set_status", "choice": "status:pending"}],
        active=False,
    )
    response = client.post(reverse("automation:trigger_edit", args=[trigger.pk]), data)

    assert response.status_code == 302
    trigger.refresh_from_db()
    assert trigger.name == "Renamed"
    assert trigger.events == ["created", "customer_message"]
    assert trigger.conditions_all == [{"field": "status", "operator": "is", "value": "new"}]
    assert trigger.actions == [{"type": "set_status", "value": "pending"}]
    assert not trigger.is_active


def test_triggers_are_moved_switched_and_deleted(login, admin):
    first = make_trigger("first", events=["created"], actions=[{"type": "add_tags", "value": "a"}])
    second = make_trigger(
        "second", events=["created"], actions=[{"type": "add_tags", "value": "b"}]
    )
    client = login(admin)

    client.post(reverse("automation:trigger_move", args=[second.pk]), {"direction": "up"})
    assert list(Trigger.objects.values_list("name", flat=True)) == ["second", "first"]

    client.post(reverse("automation:trigger_active", args=[first.pk]), {"active": "0"})
    first.refresh_from_db()
    assert not first.is_active

    client.post(reverse("automation:trigger_delete", args=[first.pk]))
    assert list(Trigger.objects.values_list("name", flat=True)) == ["second"]


def test_the_dry_run_lists_the_recent_changes_it_would_have_fired_on(login, admin, customer, agent):
    matching = ticket_create(
        requester=customer, subject="Refund", body_text="Money back", channel=Channel.WEB
    )
    other = ticket_create(requester=customer, subject="Hello", body_text="Hi", channel=Channel.WEB)
    message_receive(ticket=other, customer=customer, body_text="refund please", channel="web")
    trigger = make_trigger(
        "Refunds",
        events=["created"],
        all_of=[cond("subject_or_message", "contains", "refund")],
        actions=[{"type": "add_tags", "value": "refund"}],
        is_active=False,
    )

    response = login(admin).get(reverse("automation:trigger_dry_run", args=[trigger.pk]))

    text = response.content.decode()
    assert f"#{matching.number}" in text
    assert f"#{other.number}" not in text  # its refund came with a later message, not at creation
    assert "It would have fired once." in text
    assert not matching.tags.exists()  # a dry run changes nothing


def test_email_templates_are_created_checked_and_protected_while_used(login, admin):
    client = login(admin)
    bad = client.post(
        reverse("automation:email_template_new"),
        {"name": "Hi", "en_subject": "Hi {{ ticket.secret }}", "en_body": ""},
    )
    assert bad.status_code == 422
    assert "Unknown placeholder" in bad.content.decode()
    assert "Write the text of the e-mail" in bad.content.decode()

    good = client.post(
        reverse("automation:email_template_new"),
        {"name": "Hi", "en_subject": "Hi", "en_body": "Hello", "fi_subject": "", "fi_body": "Hei"},
    )
    assert good.status_code == 302
    template = EmailTemplate.objects.get(name="Hi")
    assert template.variants == {
        "en": {"subject": "Hi", "body": "Hello"},
        "fi": {"subject": "", "body": "Hei"},
    }
    make_trigger(
        "Greeter",
        events=["created"],
        actions=[{"type": "email_requester", "template": template.pk}],
    )

    response = client.post(
        reverse("automation:email_template_delete", args=[template.pk]), follow=True
    )
    assert "These rules send this e-mail: Greeter" in response.content.decode()
    assert EmailTemplate.objects.filter(pk=template.pk).exists()


def test_the_dry_run_reads_a_fixed_number_of_queries(
    login, admin, customer, django_assert_max_num_queries
):
    trigger = make_trigger(
        events=["created", "customer_message"],
        all_of=[cond("requester_email", "contains", "example.com")],
        actions=[{"type": "add_tags", "value": "x"}],
        is_active=False,
    )
    url = reverse("automation:trigger_dry_run", args=[trigger.pk])
    client = login(admin)

    def open_tickets(count: int) -> None:
        for number in range(count):
            ticket = ticket_create(
                requester=customer, subject=f"T{number}", body_text="Hi", channel=Channel.WEB
            )
            message_receive(ticket=ticket, customer=customer, body_text="More", channel="web")

    open_tickets(2)
    with django_assert_max_num_queries(30) as few:
        assert client.get(url).content.decode().count("/tickets/") >= 4
    open_tickets(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).content.decode().count("/tickets/") >= 24
