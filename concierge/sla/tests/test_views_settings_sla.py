"""The SLA settings pages: business-hours calendars, policies and the preview. Admins only."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from concierge.people.models import Organization, SupportPlan
from concierge.sla.calendar import Calendar, HolidayRule
from concierge.sla.models import BusinessCalendar, Holiday, SlaPolicy
from concierge.sla.services import calendar_add_holidays, calendar_save
from concierge.sla.tests.conftest import make_policy, targets
from concierge.tickets.models import Priority, Tag

pytestmark = pytest.mark.django_db

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


def office(name: str = "Helsinki office") -> BusinessCalendar:
    stored, _ = calendar_save(
        calendar=Calendar.build(
            name=name,
            time_zone="Europe/Helsinki",
            week={day: [("09:00", "17:00")] for day in WEEKDAYS},
        )
    )
    return stored


def calendar_post(**overrides) -> dict[str, str]:
    data = {"name": "Oslo", "time_zone": "Europe/Oslo", **{day: "08:00-16:00" for day in WEEKDAYS}}
    data.update({"sat": "", "sun": ""})
    data.update(overrides)
    return data


def policy_post(**overrides) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Premium",
        "is_active": "on",
        "pause_when_pending": "on",
        f"target_{Priority.URGENT}_first_response": "30m",
        f"target_{Priority.URGENT}_resolution": "4h",
        f"target_{Priority.NORMAL}_first_response": "2h",
        f"target_{Priority.NORMAL}_next_response": "1:30",
        f"target_{Priority.NORMAL}_resolution": "1d 4h",
    }
    data.update(overrides)
    return data


def page_urls() -> list[tuple[str, str]]:
    return [
        ("GET", reverse("sla:policy_list")),
        ("GET", reverse("sla:policy_new")),
        ("GET", reverse("sla:calendar_list")),
        ("GET", reverse("sla:calendar_new")),
        ("GET", reverse("sla:preview")),
    ]


# --- who may open them ---------------------------------------------------------------------------


@pytest.mark.parametrize("user_name", ["agent", "outsider", "light_agent"])
def test_agents_do_not_find_the_sla_settings(request, login, user_name):
    client = login(request.getfixturevalue(user_name))
    stored = office()
    policy = make_policy()

    for _method, url in page_urls():
        assert client.get(url).status_code == 404, url
    assert client.get(reverse("sla:calendar_edit", args=[stored.pk])).status_code == 404
    assert client.get(reverse("sla:policy_edit", args=[policy.pk])).status_code == 404
    assert client.post(reverse("sla:policy_delete", args=[policy.pk])).status_code == 404
    assert client.post(reverse("sla:calendar_delete", args=[stored.pk])).status_code == 404
    assert SlaPolicy.objects.count() == BusinessCalendar.objects.count() == 1


def test_customers_do_not_find_them_and_visitors_are_asked_to_sign_in(client, login, customer):
    for _method, url in page_urls():
        assert client.get(url).status_code == 302
    customer_client = login(customer.user)
    for _method, url in page_urls():
        assert customer_client.get(url).status_code == 404


def test_the_settings_link_to_service_levels(login, admin):
    html = login(admin).get(reverse("people:settings")).content.decode()

    assert html.count(f'href="{reverse("sla:policy_list")}"') == 2  # the nav and the card


def test_unknown_objects_are_not_found(login, admin):
    client = login(admin)

    assert client.get(reverse("sla:calendar_edit", args=[999])).status_code == 404
    assert client.get(reverse("sla:policy_edit", args=[999])).status_code == 404


# --- calendars -----------------------------------------------------------------------------------


def test_an_admin_creates_a_calendar_with_split_shifts(login, admin):
    response = login(admin).post(
        reverse("sla:calendar_new"), calendar_post(mon="09:00-12:00, 13:00-17:00")
    )

    stored = BusinessCalendar.objects.get(name="Oslo")
    assert response.status_code == 302
    assert response["Location"] == reverse("sla:calendar_edit", args=[stored.pk])
    monday = stored.intervals.filter(weekday=0).order_by("start_minute")
    assert [(i.start_text, i.end_text) for i in monday] == [("09:00", "12:00"), ("13:00", "17:00")]
    assert stored.intervals.count() == 6


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"mon": "09:00-12:00, 11:00-17:00"}, "09:00-12:00 and 11:00-17:00 overlap."),
        ({"tue": "9 to 5"}, "Write hours like 09:00-17:00"),
        ({"wed": "17:00-09:00"}, "is not a time range from 00:00 to 24:00."),
        ({"time_zone": "Europe/Helsingfors"}, "Select a valid choice."),
        ({"name": ""}, "This field is required."),
        ({**{day: "" for day in WEEKDAYS}}, "Give the opening hours of at least one day"),
        ({"is_24_7": "on"}, "A 24/7 calendar has no opening hours"),
    ],
)
def test_a_bad_calendar_gets_a_clear_error_and_nothing_is_saved(login, admin, overrides, message):
    response = login(admin).post(reverse("sla:calendar_new"), calendar_post(**overrides))

    assert response.status_code == 422
    assert message in response.content.decode()
    assert not BusinessCalendar.objects.exists()


def test_a_calendar_name_is_unique(login, admin):
    office("Oslo")

    response = login(admin).post(reverse("sla:calendar_new"), calendar_post())

    assert response.status_code == 422
    assert "A calendar with this name already exists." in response.content.decode()


def test_editing_a_calendar_keeps_its_holidays(login, admin):
    stored = office()
    calendar_add_holidays(
        calendar=stored, holidays=[HolidayRule(date(2025, 12, 6), "Itsenäisyyspäivä", True)]
    )
    client = login(admin)
    assert (
        "09:00-17:00" in client.get(reverse("sla:calendar_edit", args=[stored.pk])).content.decode()
    )

    response = client.post(
        reverse("sla:calendar_edit", args=[stored.pk]),
        calendar_post(name="Helsinki HQ", time_zone="Europe/Helsinki", sat="10:00-14:00"),
    )

    assert response.status_code == 302
    stored.refresh_from_db()
    assert stored.name == "Helsinki HQ"
    assert stored.intervals.filter(weekday=5).count() == 1
    assert list(stored.holidays.values_list("name", flat=True)) == ["Itsenäisyyspäivä"]


def test_holidays_are_added_and_removed(login, admin):
    stored = office()
    client = login(admin)

    response = client.post(
        reverse("sla:calendar_holiday_add", args=[stored.pk]),
        {"date": "2025-12-24", "name": "Jouluaatto", "yearly": "on"},
    )
    assert response.status_code == 302
    holiday = Holiday.objects.get(calendar=stored)
    assert (holiday.date, holiday.name, holiday.yearly) == (date(2025, 12, 24), "Jouluaatto", True)
    assert (
        "Jouluaatto" in client.get(reverse("sla:calendar_edit", args=[stored.pk])).content.decode()
    )

    bad = client.post(reverse("sla:calendar_holiday_add", args=[stored.pk]), {"date": "24.12."})
    assert bad.status_code == 422
    assert "Enter a valid date." in bad.content.decode()

    client.post(reverse("sla:calendar_holiday_remove", args=[stored.pk, holiday.pk]))
    assert not Holiday.objects.exists()


ICS = """BEGIN:VCALENDAR
VERSION:2.0
BEGIN:VEVENT
DTSTART;VALUE=DATE:20251206
SUMMARY:Itsenäisyyspäivä
RRULE:FREQ=YEARLY
END:VEVENT
BEGIN:VEVENT
DTSTART;VALUE=DATE:20251224
DTEND;VALUE=DATE:20251227
SUMMARY:Joulu
END:VEVENT
END:VCALENDAR
"""


def test_holidays_are_imported_from_an_ics_file(login, admin):
    stored = office()

    response = login(admin).post(
        reverse("sla:calendar_import_ics", args=[stored.pk]),
        {"file": SimpleUploadedFile("fi.ics", ICS.encode(), content_type="text/calendar")},
        follow=True,
    )

    assert "4 holidays added, 0 renamed, 0 already there." in response.content.decode()
    dates = list(stored.holidays.order_by("date").values_list("date", "yearly"))
    assert dates[0] == (date(2025, 12, 6), True)
    assert len(dates) == 4


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe not text", "The file is not UTF-8 text."),
        (
            b"BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20251127\n"
            b"RRULE:FREQ=YEARLY;BYDAY=4TH\nEND:VEVENT\nEND:VCALENDAR\n",
            "line 4",
        ),
    ],
)
def test_a_bad_ics_file_is_refused_with_the_reason(login, admin, content, message):
    stored = office()

    response = login(admin).post(
        reverse("sla:calendar_import_ics", args=[stored.pk]),
        {"file": SimpleUploadedFile("bad.ics", content)},
    )

    assert response.status_code == 422
    assert message in response.content.decode()
    assert not stored.holidays.exists()


def test_a_calendar_a_policy_uses_is_not_deleted(login, admin):
    stored = office()
    make_policy(calendar=stored)
    unused = office("Unused")
    client = login(admin)

    response = client.post(reverse("sla:calendar_delete", args=[stored.pk]), follow=True)
    assert "is used by a policy" in response.content.decode()
    assert BusinessCalendar.objects.filter(pk=stored.pk).exists()

    client.post(reverse("sla:calendar_delete", args=[unused.pk]))
    assert not BusinessCalendar.objects.filter(pk=unused.pk).exists()


def test_the_calendar_list_shows_counts_in_a_fixed_number_of_queries(login, admin):
    client = login(admin)
    office("A")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("sla:calendar_list")).status_code == 200
        return len(queries)

    few = count()
    for name in "BCDEFG":
        office(name)
    assert count() == few


# --- policies ------------------------------------------------------------------------------------


def test_an_admin_creates_a_policy_with_conditions_and_targets(login, admin, support_team):
    stored = office()
    acme = Organization.objects.create(name="Acme")
    Tag.objects.create(name="vip")

    response = login(admin).post(
        reverse("sla:policy_new"),
        policy_post(
            calendar=str(stored.pk),
            priorities=[str(Priority.URGENT), str(Priority.HIGH)],
            channels=["email"],
            support_plans=[SupportPlan.PREMIUM],
            organizations=[str(acme.pk)],
            teams=[str(support_team.pk)],
            tags="VIP",
        ),
    )

    assert response.status_code == 302
    policy = SlaPolicy.objects.get()
    assert policy.calendar == stored
    assert policy.priorities == [Priority.HIGH, Priority.URGENT]
    assert policy.channels == ["email"]
    assert policy.support_plans == ["premium"]
    assert list(policy.organizations.all()) == [acme]
    assert list(policy.teams.all()) == [support_team]
    assert list(policy.tags.values_list("name", flat=True)) == ["vip"]
    assert (policy.pause_when_pending, policy.pause_when_on_hold) == (True, False)
    rows = policy.targets.order_by("-priority").values_list(
        "priority", "first_response_minutes", "next_response_minutes", "resolution_minutes"
    )
    assert list(rows) == [(Priority.URGENT, 30, None, 240), (Priority.NORMAL, 120, 90, 1680)]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({f"target_{Priority.NORMAL}_resolution": "4 hours"}, "Write a length such as 45m"),
        ({f"target_{Priority.NORMAL}_resolution": "0m"}, "between 1 minute and 366 days"),
        ({"tags": "no-such-tag"}, "No tag is called “no-such-tag”."),
        ({"channels": ["fax"]}, "Select a valid choice. fax is not one of the available choices."),
        ({"name": "  "}, "This field is required."),
    ],
)
def test_a_bad_policy_gets_a_field_error(login, admin, overrides, message):
    response = login(admin).post(reverse("sla:policy_new"), policy_post(**overrides))

    assert response.status_code == 422
    assert message in response.content.decode()
    assert not SlaPolicy.objects.exists()


def test_a_policy_needs_a_target(login, admin):
    data = {key: value for key, value in policy_post().items() if not key.startswith("target_")}

    response = login(admin).post(reverse("sla:policy_new"), data)

    assert response.status_code == 422
    assert "Set at least one target" in response.content.decode()


def test_policy_names_are_unique(login, admin):
    make_policy("Premium")

    response = login(admin).post(reverse("sla:policy_new"), policy_post())

    assert response.status_code == 422
    assert "A policy with this name already exists." in response.content.decode()


def test_editing_shows_the_policy_and_saves_changes(login, admin):
    policy = make_policy("Standard", table={Priority.NORMAL: targets(first=90)})
    client = login(admin)

    html = client.get(reverse("sla:policy_edit", args=[policy.pk])).content.decode()
    assert 'value="1h 30m"' in html
    assert 'value="Standard"' in html

    response = client.post(
        reverse("sla:policy_edit", args=[policy.pk]), policy_post(name="Standard")
    )
    assert response.status_code == 302
    assert policy.targets.get(priority=Priority.NORMAL).first_response_minutes == 120


def test_policies_are_listed_in_order_and_moved(login, admin):
    first, second = make_policy("First"), make_policy("Second")
    client = login(admin)

    client.post(reverse("sla:policy_move", args=[second.pk]), {"direction": "up"})

    html = client.get(reverse("sla:policy_list")).content.decode()
    assert html.index(">Second</a>") < html.index(">First</a>")
    assert "Every ticket" in html
    client.post(reverse("sla:policy_move", args=[first.pk]), {"direction": "sideways"})
    assert list(SlaPolicy.objects.values_list("name", flat=True)) == ["Second", "First"]


def test_a_policy_is_deleted(login, admin):
    policy = make_policy()

    login(admin).post(reverse("sla:policy_delete", args=[policy.pk]))

    assert not SlaPolicy.objects.exists()


def test_the_policy_list_costs_the_same_queries_for_many_policies(login, admin, support_team):
    client = login(admin)
    Tag.objects.create(name="vip")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("sla:policy_list")).status_code == 200
        return len(queries)

    make_policy("P0", teams=[support_team], tags=list(Tag.objects.all()))
    few = count()
    for i in range(1, 8):
        make_policy(f"P{i}", teams=[support_team], tags=list(Tag.objects.all()))
    assert count() == few


# --- preview --------------------------------------------------------------------------------------


def test_the_preview_shows_due_times_across_the_weekend(login, admin, settings):
    settings.TIME_ZONE = "UTC"
    stored = office()
    policy = make_policy(
        "Business",
        calendar=stored,
        table={Priority.NORMAL: targets(first=120, next_=None, resolution=None)},
    )

    response = login(admin).get(
        reverse("sla:preview"),
        {"policy": policy.pk, "priority": Priority.NORMAL, "at": "2025-03-28T14:00"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    # Friday 14:00 UTC is 16:00 in Helsinki: one hour on Friday, one on Monday, after the
    # clocks went forward on Sunday (10:00 Helsinki summer time is 07:00 UTC).
    assert 'datetime="2025-03-31T07:00:00+00:00"' in html
    assert "Mon March 31, 2025, 10 a.m." in html
    assert "First response" in html
    assert "Resolution" not in html.split("preview-result-title", 1)[1]


def test_the_preview_says_when_the_clock_starts_for_a_ticket_arriving_at_night(
    login, admin, settings
):
    settings.TIME_ZONE = "UTC"
    policy = make_policy("Business", calendar=office())

    html = (
        login(admin)
        .get(
            reverse("sla:preview"),
            {"policy": policy.pk, "priority": Priority.NORMAL, "at": "2025-03-29T10:00"},
        )
        .content.decode()
    )

    assert "The clock starts" in html
    assert 'datetime="2025-03-31T06:00:00+00:00"' in html


@pytest.mark.parametrize(
    "params",
    [
        {"policy": "999", "priority": "2", "at": "2025-03-28T14:00"},
        {"policy": "", "priority": "2", "at": "2025-03-28T14:00"},
        {"priority": "9", "at": "yesterday", "policy": ""},
    ],
)
def test_a_bad_preview_request_gets_field_errors(login, admin, params):
    make_policy()

    response = login(admin).get(reverse("sla:preview"), params)

    assert response.status_code == 422
    assert "errorlist" in response.content.decode()


def test_the_preview_form_starts_empty(login, admin):
    make_policy("Standard")

    response = login(admin).get(reverse("sla:preview"))

    assert response.status_code == 200
    assert ">Standard</option>" in response.content.decode()
    assert "preview-result-title" not in response.content.decode()
