"""`concierge sla preview --policy`, and policies in `sla export` and `sla import`."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from concierge.people.models import Organization, Team
from concierge.sla.calendars_json import calendar_from_json
from concierge.sla.models import SlaPolicy
from concierge.sla.services import calendars_import
from concierge.sla.tests.conftest import make_policy, targets
from concierge.sla.tests.test_calendars_json import HELSINKI_OFFICE
from concierge.tickets.models import Channel, Priority, Tag

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("sla", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def helsinki():
    return calendars_import(calendars=[calendar_from_json(HELSINKI_OFFICE)])[0][0]


@pytest.fixture
def premium(helsinki, support_team):
    acme = Organization.objects.create(name="Acme")
    return make_policy(
        "Premium",
        table={
            Priority.URGENT: targets(first=30, next_=60, resolution=240),
            Priority.NORMAL: targets(first=240, next_=None, resolution=None),
        },
        calendar=helsinki,
        priorities=[Priority.URGENT, Priority.NORMAL],
        channels=[Channel.EMAIL],
        organizations=[acme],
        support_plans=["premium"],
        teams=[support_team],
        tags=[Tag.objects.create(name="vip")],
        pause_when_on_hold=False,
    )


# --- preview -----------------------------------------------------------------------------------


def test_it_previews_a_policys_due_times_as_json(premium):
    # Friday 28 March 2025, 16:00 in Helsinki: one business hour left that day, and the
    # clocks go forward before Monday.
    answer = json.loads(
        run(
            "preview",
            "--policy",
            "Premium",
            "--at",
            "2025-03-28T16:00:00+02:00",
            "--priority",
            "urgent",
            "--json",
        )
    )

    assert answer == {
        "policy": "Premium",
        "priority": "urgent",
        "business_hours": True,
        "calendar": "Helsinki office",
        "time_zone": "Europe/Helsinki",
        "at": "2025-03-28T14:00:00Z",
        "clock_starts_at": "2025-03-28T14:00:00Z",
        "due_at": "2025-03-28T14:30:00Z",
        "targets": [
            {
                "target": "first_response",
                "minutes": 30,
                "due_at": "2025-03-28T14:30:00Z",
                "due_at_local": "2025-03-28T16:30:00+02:00",
            },
            {
                "target": "next_response",
                "minutes": 60,
                "due_at": "2025-03-28T15:00:00Z",
                "due_at_local": "2025-03-28T17:00:00+02:00",
            },
            {
                "target": "resolution",
                "minutes": 240,
                "due_at": "2025-03-31T09:00:00Z",
                "due_at_local": "2025-03-31T12:00:00+03:00",
            },
        ],
    }


def test_the_priority_defaults_to_normal_and_an_instant_without_offset_is_local(premium):
    answer = json.loads(run("preview", "--policy", "Premium", "--at", "2025-03-29T10:00", "--json"))

    assert answer["priority"] == "normal"
    assert answer["at"] == "2025-03-29T08:00:00Z"  # Saturday, closed
    assert answer["clock_starts_at"] == "2025-03-31T06:00:00Z"
    assert [t["target"] for t in answer["targets"]] == ["first_response"]
    assert answer["due_at"] == "2025-03-31T11:00:00Z"  # 09:00-12:00, 13:00-14:00 EEST


def test_a_policy_in_calendar_hours_counts_every_hour(db):
    make_policy("Around the clock", table={Priority.HIGH: targets(first=90)})

    answer = json.loads(
        run(
            "preview",
            "--policy",
            "Around the clock",
            "--at",
            "2025-03-29T23:00:00Z",
            "--priority",
            "3",
            "--json",
        )
    )

    assert answer["business_hours"] is False
    assert answer["calendar"] is None
    assert answer["targets"][0]["due_at"] == "2025-03-30T00:30:00Z"


def test_it_previews_in_words(premium):
    text = run("preview", "--policy", "Premium", "--at", "2025-03-29T10:00", "--priority", "urgent")

    assert "Policy:   Premium (urgent priority)" in text
    assert "Closed then; the clock starts at Mon 2025-03-31 09:00:00 EEST" in text
    assert "First response:      30 min  due Mon 2025-03-31 09:30:00 EEST" in text


def test_a_priority_without_targets_says_so(premium):
    assert "No target for this priority." in run(
        "preview", "--policy", "Premium", "--at", "2025-03-28T10:00", "--priority", "low"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--policy", "Nope", "--at", "2025-03-28T10:00"],
            'no policy named "Nope" \\(there are: "Premium"\\)',
        ),
        (["--policy", "Premium", "--priority", "highest"], "is not a priority"),
        (["--policy", "Premium", "--minutes", "30"], "--minutes goes with --calendar"),
        (["--policy", "Premium", "--at", "soon"], "is not an ISO-8601 date"),
    ],
)
def test_bad_policy_previews_are_refused_clearly(premium, args, message):
    with pytest.raises(CommandError, match=message):
        run("preview", *args)


def test_calendar_and_policy_do_not_go_together(premium, tmp_path):
    with pytest.raises(CommandError, match="not allowed with argument"):
        run(
            "preview",
            "--policy",
            "Premium",
            "--calendar",
            str(tmp_path / "x.json"),
            "--minutes",
            "5",
        )


# --- export and import ----------------------------------------------------------------------------


def test_policies_travel_to_another_installation(premium, tmp_path, support_team):
    make_policy("Standard", table={Priority.LOW: targets(first=None, next_=None, resolution=2880)})
    exported = tmp_path / "sla.json"
    run("export", "--output", str(exported))
    document = json.loads(exported.read_text(encoding="utf-8"))
    assert [p["name"] for p in document["policies"]] == ["Premium", "Standard"]
    assert document["policies"][0] == {
        "name": "Premium",
        "description": "",
        "active": True,
        "calendar": "Helsinki office",
        "pause_when_pending": True,
        "pause_when_on_hold": False,
        "conditions": {
            "priorities": ["urgent", "normal"],
            "types": [],
            "channels": ["email"],
            "organizations": ["Acme"],
            "support_plans": ["premium"],
            "teams": ["Support"],
            "tags": ["vip"],
        },
        "targets": {
            "urgent": {"first_response": 30, "next_response": 60, "resolution": 240},
            "normal": {"first_response": 240},
        },
    }

    SlaPolicy.objects.all().delete()
    Tag.objects.all().delete()
    from concierge.sla.models import BusinessCalendar

    BusinessCalendar.objects.all().delete()
    output = run("import", str(exported))

    assert output.splitlines() == [
        'Created calendar "Helsinki office"',
        'Created policy "Premium"',
        'Created policy "Standard"',
    ]
    run("export", "--output", str(tmp_path / "again.json"))
    assert json.loads((tmp_path / "again.json").read_text(encoding="utf-8")) == document


def test_exporting_one_policy_takes_its_calendar_along(premium):
    make_policy("Standard")

    document = json.loads(run("export", "--policy", "Premium"))

    assert [p["name"] for p in document["policies"]] == ["Premium"]
    assert [c["name"] for c in document["calendars"]] == ["Helsinki office"]
    with pytest.raises(CommandError, match='no policy named "Gold"'):
        run("export", "--policy", "Gold")


def write(tmp_path: Path, document: object) -> str:
    path = tmp_path / "sla.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


def test_an_existing_policy_is_replaced_only_when_asked(premium, tmp_path):
    document = json.loads(run("export", "--policy", "Premium"))
    document["policies"][0]["targets"] = {"urgent": {"first_response": 15}}
    path = write(tmp_path, {"policies": document["policies"]})

    with pytest.raises(CommandError, match='a policy named "Premium" exists already'):
        run("import", path)
    assert premium.targets.count() == 2

    assert run("import", path, "--replace") == 'Replaced policy "Premium"\n'
    assert list(premium.targets.values_list("priority", "first_response_minutes")) == [
        (Priority.URGENT, 15)
    ]


@pytest.mark.parametrize(
    ("policy", "message"),
    [
        (
            {"name": "X", "calendar": "Oslo"},
            r'policies\[0\] \(policy "X"\): calendar: no calendar named "Oslo"',
        ),
        (
            {"name": "X", "conditions": {"teams": ["Sales"]}},
            r'conditions.teams\[0\]: no team named "Sales"',
        ),
        (
            {"name": "X", "conditions": {"organizations": ["Nobody"]}},
            r'no organization named "Nobody"',
        ),
        (
            {"name": "X", "conditions": {"channels": ["fax"]}},
            r"conditions.channels\[0\]: 'fax' is not one of",
        ),
        ({"name": "X", "conditions": {"priorities": ["asap"]}}, r"'asap' is not a priority"),
        (
            {"name": "X", "targets": {"urgent": {"first_response": 0}}},
            r"targets.urgent.first_response: whole minutes",
        ),
        ({"name": "X", "targets": {"urgent": {"reply": 10}}}, r"targets.urgent.reply: not one of"),
        ({"name": "X", "active": "yes"}, r"active: true or false"),
        ({"name": ""}, r"policies\[0\].name: a name of 1 to 100"),
    ],
)
def test_a_bad_policy_imports_nothing(db, tmp_path, policy, message):
    path = write(tmp_path, {"calendars": [HELSINKI_OFFICE], "policies": [policy]})

    with pytest.raises(CommandError, match=message):
        run("import", path)
    assert not SlaPolicy.objects.exists()
    from concierge.sla.models import BusinessCalendar

    assert not BusinessCalendar.objects.exists()


def test_new_tags_are_created_on_import(db, tmp_path):
    Team.objects.create(name="Support")
    path = write(
        tmp_path,
        {
            "policies": [
                {
                    "name": "VIP",
                    "conditions": {"tags": ["VIP", "Press"]},
                    "targets": {"high": {"first_response": 10}},
                }
            ]
        },
    )

    run("import", path)

    assert sorted(SlaPolicy.objects.get().tags.values_list("name", flat=True)) == ["press", "vip"]


def test_the_calendar_preview_reads_a_whole_export(premium, tmp_path):
    path = tmp_path / "sla.json"
    run("export", "--output", str(path))

    answer = json.loads(
        run(
            "preview",
            "--calendar",
            str(path),
            "--at",
            "2025-03-28T16:00:00+02:00",
            "--minutes",
            "240",
            "--json",
        )
    )

    assert answer["due_at"] == "2025-03-31T09:00:00Z"


# --- recompute ---------------------------------------------------------------------------------


def test_recompute_applies_a_new_policy_to_unresolved_tickets(clock, customer, agent):
    from concierge.sla.tests.conftest import MONDAY_9
    from concierge.tickets.models import Status, Ticket
    from concierge.tickets.services import ticket_create, ticket_update

    def create() -> Ticket:
        return ticket_create(
            requester=customer, subject="Broken", body_text="Help", channel=Channel.WEB
        )

    waiting, solved = create(), create()
    ticket_update(ticket=solved, actor=agent, status=Status.SOLVED)
    make_policy(table={Priority.NORMAL: targets(first=60, next_=None, resolution=None)})
    assert Ticket.objects.get(pk=waiting.pk).first_response_due_at is None

    assert run("recompute") == "Recomputed the due times of 1 unresolved ticket(s)\n"

    from datetime import timedelta

    assert Ticket.objects.get(pk=waiting.pk).first_response_due_at == MONDAY_9 + timedelta(hours=1)
    assert Ticket.objects.get(pk=solved.pk).sla_next_due_at is None
