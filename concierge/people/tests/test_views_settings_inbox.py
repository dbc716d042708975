"""Settings: the tags page and the shared inbox views."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from concierge.tickets.models import SavedView, Tag, TicketEvent
from concierge.tickets.queries import inbox_page
from concierge.tickets.saved_views import saved_view_create
from concierge.tickets.services import ticket_set_tags

pytestmark = pytest.mark.django_db


@pytest.fixture
def tagged(ticket, agent):
    return ticket_set_tags(ticket=ticket, actor=agent, add=["refund", "damaged"])


def view_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Urgent returns",
        "sort": "-priority",
        "status": ["new", "open"],
        "priority": ["4"],
        "assignee": ["none", "me"],
        "tag": "",
    }
    data.update(overrides)
    return data


# --- tags ------------------------------------------------------------------------------------


def test_tags_are_listed_with_how_many_tickets_carry_them(login, admin, tagged):
    Tag.objects.create(name="unused")
    response = login(admin).get(reverse("people:settings_tags"))
    usage = {tag.name: tag.usage for tag in response.context["tags"]}
    assert usage == {"damaged": 1, "refund": 1, "unused": 0}
    assert "refund" in response.content.decode()


def test_the_tags_list_query_count_does_not_grow_with_rows(login, admin):
    client = login(admin)
    Tag.objects.bulk_create(Tag(name=f"few-{i}") for i in range(5))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("people:settings_tags"))
    Tag.objects.bulk_create(Tag(name=f"many-{i}") for i in range(25))
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("people:settings_tags"))
    assert len(response.context["tags"].object_list) == 30
    assert len(many.captured_queries) == len(few.captured_queries)


def test_an_admin_renames_a_tag_on_every_ticket(login, admin, tagged):
    refund = Tag.objects.get(name="refund")
    events = TicketEvent.objects.count()
    response = login(admin).post(
        reverse("people:settings_tag_rename", args=[refund.pk]), {"name": " Money-Back "}
    )
    assert response.status_code == 302
    assert sorted(tagged.tags.values_list("name", flat=True)) == ["damaged", "money-back"]
    assert TicketEvent.objects.count() == events


def test_renaming_to_an_existing_tag_suggests_merging(login, admin, tagged):
    refund = Tag.objects.get(name="refund")
    response = login(admin).post(
        reverse("people:settings_tag_rename", args=[refund.pk]), {"name": "DAMAGED"}
    )
    assert response.status_code == 422
    assert "already exists; merge into it instead" in response.content.decode()
    refund.refresh_from_db()
    assert refund.name == "refund"


def test_an_admin_merges_a_tag_into_another(login, admin, tagged, customer, agent):
    Tag.objects.create(name="refunds")
    refund = Tag.objects.get(name="refund")
    response = login(admin).post(
        reverse("people:settings_tag_merge", args=[refund.pk]), {"target": "refunds"}
    )
    assert response.status_code == 302
    assert not Tag.objects.filter(name="refund").exists()
    assert sorted(tagged.tags.values_list("name", flat=True)) == ["damaged", "refunds"]


@pytest.mark.parametrize("target", ["no-such-tag", "refund", ""])
def test_merging_into_a_missing_or_the_same_tag_is_a_field_error(login, admin, tagged, target):
    refund = Tag.objects.get(name="refund")
    response = login(admin).post(
        reverse("people:settings_tag_merge", args=[refund.pk]), {"target": target}
    )
    assert response.status_code == 422
    assert response.context["merge_form"].errors["target"]
    assert Tag.objects.filter(pk=refund.pk).exists()


def test_an_admin_deletes_a_tag_from_every_ticket(login, admin, tagged):
    refund = Tag.objects.get(name="refund")
    login(admin).post(reverse("people:settings_tag_delete", args=[refund.pk]))
    assert not Tag.objects.filter(pk=refund.pk).exists()
    assert list(tagged.tags.values_list("name", flat=True)) == ["damaged"]


def test_agents_cannot_touch_tags(login, agent, tagged):
    refund = Tag.objects.get(name="refund")
    client = login(agent)
    responses = [
        client.post(reverse("people:settings_tag_rename", args=[refund.pk]), {"name": "x"}),
        client.post(reverse("people:settings_tag_merge", args=[refund.pk]), {"target": "damaged"}),
        client.post(reverse("people:settings_tag_delete", args=[refund.pk])),
    ]
    assert [r.status_code for r in responses] == [404, 404, 404]
    refund.refresh_from_db()
    assert refund.name == "refund"


# --- shared views ----------------------------------------------------------------------------


def test_an_admin_creates_a_shared_view_the_inbox_can_apply(login, admin, agent, ticket):
    response = login(admin).post(
        reverse("people:settings_view_new"), view_data(priority=[], status=["new"])
    )
    assert response.status_code == 302
    view = SavedView.objects.get()
    assert view.name == "Urgent returns"
    assert view.filters == {"status": ["new"], "assignee": ["none", "me"]}
    assert view.sort == "-priority"
    assert view.created_by == admin
    assert inbox_page(agent, filters=view.filters, sort=view.sort).tickets == [ticket]


def test_shared_views_are_listed_in_order_with_their_filters_in_words(login, admin, support_team):
    saved_view_create(
        name="First", filters={"team": [str(support_team.pk)]}, sort="number", actor=admin
    )
    saved_view_create(name="Second", filters={}, sort="-created_at", actor=admin)
    response = login(admin).get(reverse("people:settings_views"))
    assert [view.name for view, _filters, _sort in response.context["views"]] == ["First", "Second"]
    body = response.content.decode()
    assert "Team:</span> Support" in body
    assert "Number, ascending" in body


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"status": ["bogus"]}, "status"),
        ({"priority": ["9"]}, "priority"),
        ({"assignee": ["someone"]}, "assignee"),
        ({"team": ["424242"]}, "team"),
        ({"channel": ["pigeon"]}, "channel"),
        ({"type": ["rant"]}, "type"),
        ({"language": ["xx"]}, "language"),
        ({"tag": "never-used-tag"}, "tag"),
        ({"sort": "random"}, "sort"),
        ({"name": "  "}, "name"),
    ],
)
def test_invalid_filter_values_are_field_errors(login, admin, overrides, field):
    response = login(admin).post(reverse("people:settings_view_new"), view_data(**overrides))
    assert response.status_code == 422
    assert response.context["form"].errors[field]
    assert not SavedView.objects.exists()


def test_an_existing_tag_is_a_valid_filter(login, admin, tagged):
    login(admin).post(reverse("people:settings_view_new"), view_data(tag="Refund, damaged"))
    assert SavedView.objects.get().filters["tag"] == ["refund", "damaged"]


def test_an_admin_edits_a_shared_view(login, admin):
    view = saved_view_create(name="Old", filters={"status": ["new"]}, sort="number", actor=admin)
    client = login(admin)
    page = client.get(reverse("people:settings_view_edit", args=[view.pk]))
    assert page.context["form"]["status"].value() == ["new"]
    response = client.post(
        reverse("people:settings_view_edit", args=[view.pk]),
        view_data(name="New", status=["pending"], assignee=[], priority=[], channel=["email"]),
    )
    assert response.status_code == 302
    view.refresh_from_db()
    assert (view.name, view.sort) == ("New", "-priority")
    assert view.filters == {"status": ["pending"], "channel": ["email"]}


def test_an_invalid_edit_changes_nothing(login, admin):
    view = saved_view_create(name="Keep", filters={"status": ["new"]}, sort="number", actor=admin)
    response = login(admin).post(
        reverse("people:settings_view_edit", args=[view.pk]), view_data(status=["bogus"])
    )
    assert response.status_code == 422
    view.refresh_from_db()
    assert (view.name, view.filters) == ("Keep", {"status": ["new"]})


def test_an_admin_reorders_and_deletes_shared_views(login, admin):
    first = saved_view_create(name="First", filters={}, sort="number", actor=admin)
    second = saved_view_create(name="Second", filters={}, sort="number", actor=admin)
    client = login(admin)
    client.post(reverse("people:settings_view_move", args=[second.pk]), {"direction": "up"})
    assert list(SavedView.objects.values_list("name", flat=True)) == ["Second", "First"]
    client.post(reverse("people:settings_view_move", args=[second.pk]), {"direction": "down"})
    assert list(SavedView.objects.values_list("name", flat=True)) == ["First", "Second"]
    client.post(reverse("people:settings_view_delete", args=[first.pk]))
    assert list(SavedView.objects.values_list("name", flat=True)) == ["Second"]


def test_agents_cannot_change_shared_views(login, agent, admin):
    view = saved_view_create(name="Mine", filters={}, sort="number", actor=admin)
    client = login(agent)
    responses = [
        client.get(reverse("people:settings_view_edit", args=[view.pk])),
        client.post(reverse("people:settings_view_edit", args=[view.pk]), view_data()),
        client.post(reverse("people:settings_view_move", args=[view.pk]), {"direction": "up"}),
        client.post(reverse("people:settings_view_delete", args=[view.pk])),
        client.post(reverse("people:settings_view_new"), view_data()),
    ]
    assert {r.status_code for r in responses} == {404}
    assert list(SavedView.objects.values_list("name", flat=True)) == ["Mine"]
