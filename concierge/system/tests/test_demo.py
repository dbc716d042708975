"""The demo desk: what `concierge demo` loads, that it loads once, and that it reads true."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from concierge.mail.models import OutboundEmail, OutboundStatus
from concierge.people.models import (
    Customer,
    Organization,
    Role,
    Team,
    TicketVisibility,
    User,
)
from concierge.sla.models import BusinessCalendar, SlaEscalationRule, SlaPolicy, SlaTimer
from concierge.system.demo import load_demo
from concierge.system.demo.people import PACKS
from concierge.system.demo.scenarios import SCENARIOS, Person, fill, mailbox_name
from concierge.tickets.models import (
    UNRESOLVED_STATUSES,
    Channel,
    EventKind,
    Message,
    MessageKind,
    Priority,
    Status,
    Ticket,
    TicketEvent,
    TicketType,
)
from concierge.tickets.queries import messages_visible_to, tickets_visible_to


@pytest.mark.django_db
def test_the_same_seed_writes_the_same_desk():
    load_demo()
    first = list(Ticket.objects.order_by("number").values_list("subject", "status", "priority"))
    Ticket.objects.all().delete()

    second_run = load_demo()

    assert second_run.loaded
    again = list(Ticket.objects.order_by("number").values_list("subject", "status", "priority"))
    assert again == first


def test_every_language_tells_every_scenario_in_parallel_variants():
    for pack in PACKS:
        assert set(pack.scenarios) == set(SCENARIOS), pack.code
        assert len(pack.customers) >= 9
        for key, texts in pack.scenarios.items():
            for variants in (texts.openings, texts.replies, texts.resolutions):
                assert len(variants) == 2, (pack.code, key)
            assert texts.subjects
            assert texts.follow_ups
            assert texts.notes


def test_gendered_words_agree_with_the_author():
    assert fill("Я [заказал|заказала] {order}", gender="f", order="CN-1") == "Я заказала CN-1"
    assert fill("Я [заказал|заказала]", gender="m") == "Я заказал"


def test_mailbox_names_are_ascii_for_every_script():
    assert mailbox_name(Person("İrem", "Öztürk", "f")) == "irem.ozturk"
    assert mailbox_name(Person("Büşra", "Kılıç", "f")) == "busra.kilic"
    assert mailbox_name(Person("Наталья", "Фёдорова", "f")) == "natalya.fedorova"
    assert mailbox_name(Person("Teemu", "Hämäläinen", "m")) == "teemu.hamalainen"


# The tests below only read, so they share one desk, loaded once in a transaction that
# is rolled back when the module is done. They come last: anything after the fixture's
# setup runs inside that transaction.


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock(), transaction.atomic():
        assert load_demo().loaded
        yield
        transaction.set_rollback(True)


@pytest.fixture
def desk(demo: None, db: None) -> None:
    """The shared demo desk, inside this test's own savepoint."""


def test_it_loads_a_desk_with_every_status_priority_type_and_channel(desk):
    tickets = Ticket.objects.all()

    assert tickets.count() == 200
    assert set(tickets.values_list("status", flat=True)) == set(Status.values)
    assert set(tickets.values_list("priority", flat=True)) == set(Priority.values)
    assert set(tickets.values_list("ticket_type", flat=True)) == set(TicketType.values)
    assert set(tickets.values_list("channel", flat=True)) == set(Channel.values)
    by_language = dict(tickets.values_list("language").annotate(n=Count("id")))
    assert by_language == {"en": 50, "ru": 50, "tr": 50, "fi": 50}
    assert tickets.filter(merged_into__isnull=False).count() == 4
    assert tickets.filter(tags__isnull=False).distinct().count() > 100
    assert set(Message.objects.values_list("kind", flat=True)) == set(MessageKind.values)
    # Threads are conversations, not single messages.
    threads = tickets.annotate(n=Count("messages")).filter(n__gte=4).count()
    assert threads > 50


def test_it_loads_staff_teams_organizations_and_forty_customers(desk):
    assert User.objects.get(email="admin@example.com").role == Role.ADMIN
    assert User.objects.get(email="agent@example.com").role == Role.AGENT
    assert User.objects.filter(role=Role.AGENT).count() == 6
    for email in ("admin@example.com", "agent@example.com", "customer@example.com"):
        assert authenticate(username=email, password="demo") is not None
    assert authenticate(username="agent@example.com", password="wrong") is None

    teams = {t.name: t for t in Team.objects.all()}
    assert set(teams) == {"Support", "Billing", "Technical"}
    assert teams["Technical"].ticket_visibility == TicketVisibility.TEAM
    agent = User.objects.get(email="agent@example.com")
    assert teams["Support"] in agent.teams.all()
    assert teams["Support"].ticket_visibility == TicketVisibility.ALL
    assert all(u.languages and u.skills for u in User.objects.filter(role=Role.AGENT))

    assert Organization.objects.count() == 5
    assert Organization.objects.filter(domains__isnull=True).count() == 0
    assert Customer.objects.count() == 40
    by_language = dict(Customer.objects.values_list("language").annotate(n=Count("id")))
    assert by_language == {"en": 10, "ru": 10, "tr": 10, "fi": 10}
    names = " ".join(Customer.objects.values_list("full_name", flat=True))
    for letter in ("İ", "ı", "ş", "ğ", "ç", "ö", "ü", "ä", "Ф"):
        assert letter in names


def test_the_demo_customer_manages_an_organization_and_has_a_full_history(desk):
    user = User.objects.get(email="customer@example.com")
    customer = user.customer
    own = Ticket.objects.filter(requester=customer)

    assert own.count() >= 4
    assert customer.organization_memberships.get().is_manager
    assert customer.organizations.get().managers_see_all_requests
    answered = own.filter(messages__kind=MessageKind.REPLY).filter(messages__kind=MessageKind.NOTE)
    assert answered.exists()
    ticket = answered.first()
    assert MessageKind.NOTE not in set(
        messages_visible_to(user, ticket).values_list("kind", flat=True)
    )
    # As the organization's manager she also sees her colleagues' requests.
    visible = tickets_visible_to(user)
    assert visible.exclude(requester=customer).exists()
    assert not visible.exclude(organization=customer.organizations.get()).exists()


def test_a_team_restricted_agent_sees_only_the_teams_tickets(desk):
    restricted = User.objects.get(email="dmitri.volkov@example.com")
    technical = Team.objects.get(name="Technical")

    visible = tickets_visible_to(restricted)

    assert 0 < visible.count() < Ticket.objects.count()
    assert not visible.exclude(team=technical).exclude(assignee=restricted).exists()


def test_history_spans_weeks_and_every_timestamp_agrees_with_its_thread(desk):
    now = timezone.now()
    tickets = Ticket.objects.all()

    oldest = tickets.order_by("created_at").first().created_at
    assert oldest < now - dt.timedelta(days=28)
    assert not Message.objects.filter(created_at__gt=now).exists()
    assert not TicketEvent.objects.filter(created_at__gt=now).exists()
    # Numbers were handed out in the order the tickets arrived.
    arrival = list(tickets.order_by("number").values_list("created_at", flat=True))
    assert arrival == sorted(arrival)
    for ticket in tickets.prefetch_related("messages"):
        times = [m.created_at for m in ticket.messages.all()]
        assert ticket.updated_at >= ticket.created_at
        if ticket.merged_into_id is None:
            assert min(times) == ticket.created_at
            assert max(times) <= ticket.updated_at
        if ticket.first_response_at:
            assert ticket.created_at <= ticket.first_response_at <= ticket.updated_at
        if ticket.status in (Status.SOLVED, Status.CLOSED):
            assert ticket.solved_at is not None
        if ticket.status == Status.CLOSED and ticket.merged_into_id is None:
            assert ticket.closed_at - ticket.solved_at >= dt.timedelta(days=4)


def test_the_audit_trail_is_the_one_the_services_write(desk):
    assert TicketEvent.objects.filter(kind=EventKind.CREATED).count() == 200
    assert TicketEvent.objects.filter(kind=EventKind.MERGED).count() == 4
    assert TicketEvent.objects.filter(kind=EventKind.TAGS_CHANGED).exists()
    status_changes = TicketEvent.objects.filter(kind=EventKind.FIELD_CHANGED, field="status")
    assert status_changes.filter(after=Status.SOLVED).exists()
    assert status_changes.filter(after=Status.CLOSED, actor__isnull=True).exists()
    # Every agent message is announced by an event carrying the same time.
    for event in TicketEvent.objects.filter(kind=EventKind.MESSAGE_ADDED).select_related("message"):
        assert event.created_at == event.message.created_at


def test_every_text_is_filled_in_and_in_the_customers_language(desk):
    leftovers = re.compile(r"\{\w+\}|\[[^\]|]+\|[^\]]+\]")
    for message in Message.objects.exclude(kind=MessageKind.SYSTEM).select_related("ticket"):
        assert not leftovers.search(message.body_text), message.body_text
    for subject in Ticket.objects.values_list("subject", flat=True):
        assert not leftovers.search(subject), subject
    russian = Message.objects.filter(ticket__language="ru", kind=MessageKind.CUSTOMER).first()
    assert re.search("[а-я]", russian.body_text)
    turkish = " ".join(
        Message.objects.filter(ticket__language="tr", kind=MessageKind.REPLY).values_list(
            "body_text", flat=True
        )
    )
    assert " Hanım," in turkish or " Bey," in turkish


def test_nothing_of_the_replayed_history_waits_in_the_outbox(desk):
    assert OutboundEmail.objects.exists()
    assert not OutboundEmail.objects.exclude(status=OutboundStatus.SENT).exists()
    for email in OutboundEmail.objects.select_related("ticket"):
        assert email.sent_at >= email.ticket.created_at


def test_open_tickets_have_due_times_from_office_calendars_and_policies(desk):
    calendars = set(BusinessCalendar.objects.values_list("name", flat=True))
    assert {"Helsinki office", "Istanbul office"} <= calendars
    policies = list(SlaPolicy.objects.order_by("position").values_list("name", flat=True))
    assert policies == [
        "Premium and enterprise plans",
        "Billing (Istanbul office hours)",
        "Standard (Helsinki office hours)",
    ]
    unresolved = Ticket.objects.filter(status__in=UNRESOLVED_STATUSES)
    running = unresolved.exclude(status__in=(Status.PENDING, Status.ON_HOLD))
    # Every clock that runs has a due time, so the inbox shows a badge on each.
    assert running.exists()
    assert not running.filter(sla_next_due_at__isnull=True).exists()
    assert running.filter(sla_next_due_at__lt=timezone.now()).exists()  # "breached ... ago"
    assert running.filter(sla_next_due_at__gt=timezone.now()).exists()  # "due in ..."
    # Waiting for the customer stops the clocks.
    assert not unresolved.filter(status=Status.PENDING, sla_paused_at__isnull=True).exists()
    assert SlaTimer.objects.filter(business_hours=True).exists()
    assert SlaEscalationRule.objects.filter(send_email=True).count() == 0  # nobody e-mailed


def test_loading_twice_changes_nothing(desk):
    counts = (Ticket.objects.count(), Message.objects.count(), User.objects.count())
    out = StringIO()

    call_command("demo", stdout=out)

    assert "already loaded" in out.getvalue()
    assert (Ticket.objects.count(), Message.objects.count(), User.objects.count()) == counts
