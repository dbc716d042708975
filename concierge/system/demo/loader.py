"""Load the demo desk: weeks of real-looking work, replayed through the real services.

Every ticket is planned first as a thread of steps (the customer writes, an agent triages,
answers, notes, solves...). All steps of all tickets then run in chronological order through
`tickets.services`, so numbers, messages and the audit trail are exactly what the product
writes. After each step, the rows it just wrote get the step's simulated time, which turns a
few seconds of loading into weeks of history.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from concierge.mail.models import OutboundEmail, OutboundStatus
from concierge.people.models import Customer, User
from concierge.system.demo.people import DemoCustomer, DemoPeople, StaffMember, load_people
from concierge.system.demo.plan import TicketPlan, plan_tickets
from concierge.system.demo.scenarios import fill
from concierge.system.demo.service_levels import load_service_levels
from concierge.tickets.models import (
    Channel,
    Message,
    Priority,
    Status,
    Ticket,
    TicketEvent,
    TicketType,
)
from concierge.tickets.services import (
    UNSET,
    message_receive,
    ticket_create,
    ticket_merge,
    ticket_reply,
    ticket_set_followers,
    ticket_set_tags,
    ticket_update,
)

SEED = 20240917
TICKET_TIMESTAMPS = (
    "created_at",
    "updated_at",
    "first_response_at",
    "last_customer_message_at",
    "last_agent_message_at",
    "solved_at",
    "closed_at",
)
# Demo customers are fictional: the replies in their history were "sent" weeks ago, so
# loading must not queue today's e-mail notifications for them.
NO_TASKS = {
    "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}
}


@dataclass
class DemoSummary:
    loaded: bool
    tickets: int = 0
    messages: int = 0
    customers: int = 0
    agents: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass(order=True)
class Step:
    at: dt.datetime
    sequence: int
    run: Callable[[], list[int]] = field(compare=False)


def _customer_text(plan: TicketPlan, template: str, rng: random.Random) -> str:
    person, pack = plan.requester.person, plan.requester.pack
    body = fill(template, gender=person.gender, **plan.values)
    if plan.channel in (Channel.CHAT, Channel.MESSAGING, Channel.PHONE):
        return body  # chat lines and call notes carry no greeting or signature
    parts = [body]
    if plan.channel != Channel.WEB and rng.random() < 0.8:
        parts.insert(0, rng.choice(pack.customer_greetings))
    if rng.random() < 0.85:
        sign_off = rng.choice(pack.customer_sign_offs)
        parts.append(sign_off.format(first=person.first_name, full=person.full_name))
    return "\n\n".join(parts)


def _agent_text(plan: TicketPlan, author: StaffMember, template: str, rng: random.Random) -> str:
    pack = plan.requester.pack
    body = fill(template, gender=author.spec.gender, **plan.values)
    if plan.channel in (Channel.CHAT, Channel.MESSAGING):
        return body
    greeting = rng.choice(pack.agent_greetings).format(name=pack.address(plan.requester.person))
    signature = "\n".join(
        (
            rng.choice(pack.agent_sign_offs),
            author.spec.signature_name(pack.code),
            pack.team_labels[plan.meta.team],
        )
    )
    return f"{greeting}\n\n{body}\n\n{signature}"


def _note_text(plan: TicketPlan, author: StaffMember, template: str) -> str:
    return fill(template, gender=author.spec.gender, **plan.values)


class Replay:
    """Turns ticket plans into steps and runs them, oldest first."""

    def __init__(self, people: DemoPeople, rng: random.Random, started: dt.datetime) -> None:
        self.people = people
        self.rng = rng
        self.started = started
        self.steps: list[Step] = []

    def add(self, at: dt.datetime, run: Callable[[], list[int]]) -> None:
        self.steps.append(Step(at, len(self.steps), run))

    def run(self) -> None:
        for step in sorted(self.steps):
            touched = step.run()
            self._backdate(step.at, touched)

    def _backdate(self, at: dt.datetime, ticket_ids: list[int]) -> None:
        """Give the rows the last step wrote (stamped with the real clock) the step's time."""
        fresh = {"ticket_id__in": ticket_ids, "created_at__gte": self.started}
        Message.objects.filter(**fresh).update(created_at=at)
        TicketEvent.objects.filter(**fresh).update(created_at=at)
        # Replies and acknowledgements of the replayed history went out back then: the
        # outbox must not send them now to the (fictional) customers.
        OutboundEmail.objects.filter(**fresh).update(
            created_at=at, next_attempt_at=at, sent_at=at, status=OutboundStatus.SENT
        )
        for row in Ticket.objects.filter(pk__in=ticket_ids).values("pk", *TICKET_TIMESTAMPS):
            stamped = {
                name: at for name in TICKET_TIMESTAMPS if row[name] and row[name] >= self.started
            }
            if stamped:
                Ticket.objects.filter(pk=row["pk"]).update(**stamped)

    # --- the steps a plan is made of -------------------------------------------------------

    def create(self, plan: TicketPlan, at: dt.datetime) -> None:
        def run() -> list[int]:
            by_agent = plan.channel == Channel.AGENT
            meta, texts = plan.meta, plan.texts
            if by_agent:
                body = _agent_text(plan, plan.assignee, plan.pick(texts.replies), self.rng)
            else:
                body = _customer_text(plan, plan.pick(texts.openings), self.rng)
            # A web form asks for the topic, so those arrive with a team and a type already.
            from_form = plan.channel in (Channel.WEB, Channel.API)
            plan.ticket = ticket_create(
                requester=plan.requester.customer,
                subject=fill(
                    self.rng.choice(texts.subjects),
                    gender=plan.requester.person.gender,
                    **plan.values,
                ),
                body_text=body,
                channel=plan.channel,
                actor=plan.assignee.user if by_agent else None,
                priority=plan.priority if from_form or by_agent else Priority.NORMAL,
                ticket_type=meta.ticket_type if from_form or by_agent else TicketType.QUESTION,
                assignee=plan.assignee.user if by_agent else None,
                team=self.people.teams[meta.team] if from_form or by_agent else None,
            )
            return [plan.ticket.pk]

        self.add(at, run)

    def triage(self, plan: TicketPlan, at: dt.datetime, triager: StaffMember) -> None:
        def run() -> list[int]:
            # Whoever takes a ticket opens it; one only routed to a team stays new.
            ticket = ticket_update(
                ticket=plan.ticket,
                actor=triager.user,
                status=Status.OPEN if plan.assignee else UNSET,
                team=self.people.teams[plan.meta.team],
                assignee=plan.assignee.user if plan.assignee else None,
                priority=plan.priority,
                ticket_type=plan.meta.ticket_type,
            )
            ticket_set_tags(ticket=ticket, actor=triager.user, add=plan.tags)
            return [ticket.pk]

        self.add(at, run)

    def reply(self, plan: TicketPlan, at: dt.datetime, template: str, status: str | None) -> None:
        def run() -> list[int]:
            ticket_reply(
                ticket=plan.ticket,
                author=plan.assignee.user,
                body_text=_agent_text(plan, plan.assignee, template, self.rng),
                internal=False,
                status=status,
            )
            return [plan.ticket.pk]

        self.add(at, run)

    def note(self, plan: TicketPlan, at: dt.datetime, author: StaffMember, template: str) -> None:
        def run() -> list[int]:
            ticket_reply(
                ticket=plan.ticket,
                author=author.user,
                body_text=_note_text(plan, author, template),
                internal=True,
            )
            return [plan.ticket.pk]

        self.add(at, run)

    def customer_writes(self, plan: TicketPlan, at: dt.datetime, template: str) -> None:
        def run() -> list[int]:
            message_receive(
                ticket=plan.ticket,
                customer=plan.requester.customer,
                body_text=_customer_text(plan, template, self.rng),
                channel=plan.channel,
            )
            return [plan.ticket.pk]

        self.add(at, run)

    def set_status(
        self, plan: TicketPlan, at: dt.datetime, status: str, actor: User | None
    ) -> None:
        def run() -> list[int]:
            ticket_update(ticket=plan.ticket, actor=actor, status=status)
            return [plan.ticket.pk]

        self.add(at, run)

    def merge(self, source: TicketPlan, target: TicketPlan, at: dt.datetime) -> None:
        def run() -> list[int]:
            ticket_merge(source=source.ticket, target=target.ticket, actor=target.assignee.user)
            return [source.ticket.pk, target.ticket.pk]

        self.add(at, run)

    def follow(self, plan: TicketPlan, at: dt.datetime, followers: list[DemoCustomer]) -> None:
        def run() -> list[int]:
            ticket_set_followers(
                ticket=plan.ticket,
                actor=plan.assignee.user,
                followers=[f.customer for f in followers],
            )
            return [plan.ticket.pk]

        self.add(at, run)


def _backdate_people(people: DemoPeople, now: dt.datetime, rng: random.Random) -> None:
    """Customers and staff existed before their first ticket; give them believable pasts."""
    for customer in [*people.all_customers, people.demo_customer.customer]:
        first = customer.tickets.order_by("created_at").values_list("created_at", flat=True)
        since = (first.first() or now) - dt.timedelta(days=rng.randint(20, 700))
        Customer.objects.filter(pk=customer.pk).update(created_at=since)
    for member in people.staff.values():
        joined = now - dt.timedelta(days=rng.randint(200, 900))
        User.objects.filter(pk=member.user.pk).update(date_joined=joined)


def demo_loaded() -> bool:
    """The demo's tickets exist: its customer@example.com has requests."""
    return Ticket.objects.filter(
        requester__identities__value="customer@example.com", requester__identities__kind="email"
    ).exists()


def load_demo(*, seed: int = SEED) -> DemoSummary:
    """Create the demo desk once; a second call finds it loaded and changes nothing."""
    if demo_loaded():
        return DemoSummary(loaded=False)
    # Two streams, so that the tickets come out the same whether or not the people existed.
    people_rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
    rng = random.Random(seed + 1)  # noqa: S311
    started = timezone.now()
    with override_settings(TASKS=NO_TASKS), transaction.atomic():
        people = load_people(people_rng)
        replay = Replay(people, rng, started)
        plans = plan_tickets(people, replay, rng, now=started - dt.timedelta(minutes=5))
        replay.run()
        load_service_levels(teams=people.teams, now=started)
        _backdate_people(people, started, people_rng)
    tickets = [p.ticket for p in plans if p.ticket is not None]
    return DemoSummary(
        loaded=True,
        tickets=len(tickets),
        messages=Message.objects.filter(ticket__in=tickets).count(),
        customers=len(people.all_customers) + 1,
        agents=len(people.staff),
    )
