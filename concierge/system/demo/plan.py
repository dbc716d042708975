"""What happens on each demo ticket, and when.

Each language gets the same mix of statuses and channels, shuffled by a fixed seed; each
ticket gets a scenario, a requester, an agent who speaks the language, and a thread whose
length follows its status: a new ticket has only the customer's message, a solved one has
the question, the follow-up and the answer, a closed one was solved days ago.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from concierge.people.models import SupportPlan
from concierge.system.demo.people import DemoCustomer, DemoPeople, StaffMember
from concierge.system.demo.scenarios import (
    SCENARIOS,
    LanguagePack,
    ScenarioMeta,
    ScenarioTexts,
)
from concierge.tickets.models import Channel, Priority, Status, Ticket

if TYPE_CHECKING:
    from concierge.system.demo.loader import Replay

S = Status
STATUS_DECK = (
    [S.NEW] * 5
    + [S.OPEN] * 10
    + [S.PENDING] * 8
    + [S.ON_HOLD] * 3
    + [S.SOLVED] * 14
    + [S.CLOSED] * 9
)
C = Channel
CHANNEL_DECK = (
    [C.EMAIL] * 20
    + [C.WEB] * 13
    + [C.CHAT] * 6
    + [C.PHONE] * 4
    + [C.MESSAGING] * 3
    + [C.API] * 2
    + [C.AGENT]
)
# How long ago tickets in each status were opened, in hours.
AGE_HOURS = {
    S.NEW: (0.5, 40),
    S.OPEN: (6, 240),
    S.PENDING: (24, 290),
    S.ON_HOLD: (72, 480),
    S.SOLVED: (24, 720),
    S.CLOSED: (200, 1340),
}
NOTE_CHANCE = {S.OPEN: 0.5, S.PENDING: 0.3, S.SOLVED: 0.35, S.CLOSED: 0.35}
# What customer@example.com has asked: one of each kind of state a portal user meets.
DEMO_CUSTOMER_TICKETS = (
    ("damaged_delivery", S.OPEN, C.EMAIL),
    ("invoice_request", S.SOLVED, C.WEB),
    ("login_problem", S.PENDING, C.EMAIL),
    ("order_status", S.CLOSED, C.EMAIL),
    ("feature_suggestion", S.NEW, C.WEB),
)
CUSTOMER_WEIGHTS = (5, 4, 3, 3, 2, 2, 2, 1, 1, 1)


@dataclass
class TicketPlan:
    requester: DemoCustomer
    meta: ScenarioMeta
    texts: ScenarioTexts
    variant: int
    status: str
    channel: str
    priority: int
    assignee: StaffMember | None
    tags: list[str]
    values: dict[str, str]
    with_note: bool = False
    followers: list[DemoCustomer] = field(default_factory=list)
    opened: dt.datetime | None = None
    ticket: Ticket | None = None

    def pick(self, variants: tuple[str, ...]) -> str:
        """Variants are written in parallel: reply 1 answers opening 1, and so on."""
        return variants[self.variant % len(variants)]


Offsets = list[tuple[float, Callable[[dt.datetime], None]]]


def _speakers(people: DemoPeople, team: str, language: str) -> list[StaffMember]:
    members = [m for m in people.team_members(team) if language in m.spec.languages]
    if members:
        return members
    return [m for m in people.staff.values() if m.spec.teams and language in m.spec.languages]


def _lead(people: DemoPeople, team: str) -> StaffMember:
    return next(m for m in people.team_members(team) if team in m.spec.leads)


def _values(pack: LanguagePack, rng: random.Random, year: int) -> dict[str, str]:
    cents = (rng.randrange(19, 250) * 100 - 10) * pack.price_scale
    return {
        "order": f"CN-{rng.randint(200000, 899999)}",
        "invoice": f"INV-{year}-{rng.randint(1000, 9999)}",
        "amount": pack.money(cents),
    }


def _plan_one(
    people: DemoPeople,
    requester: DemoCustomer,
    key: str,
    status: str,
    channel: str,
    rng: random.Random,
    year: int,
) -> TicketPlan:
    pack, meta = requester.pack, SCENARIOS[key]
    if status == S.NEW and channel == C.AGENT:
        channel = C.EMAIL  # an agent who opens a ticket is already working on it
    unassigned = status == S.NEW or (status == S.OPEN and channel != C.AGENT and rng.random() < 0.2)
    priority = meta.priority
    if rng.random() < 0.25:
        priority = min(Priority.URGENT, max(Priority.LOW, priority + rng.choice((-1, 1))))
    tags = list(meta.tags)
    organization = requester.customer.organizations.first()
    if organization and organization.support_plan in (SupportPlan.PREMIUM, SupportPlan.ENTERPRISE):
        tags.append("vip")
    return TicketPlan(
        requester=requester,
        meta=meta,
        texts=pack.scenarios[key],
        variant=rng.randrange(2),
        status=status,
        channel=channel,
        priority=priority,
        assignee=None if unassigned else rng.choice(_speakers(people, meta.team, pack.code)),
        tags=tags,
        values=_values(pack, rng, year),
        with_note=rng.random() < NOTE_CHANCE.get(status, 0),
    )


def _note_author(plan: TicketPlan, people: DemoPeople, rng: random.Random) -> StaffMember:
    colleagues = _speakers(people, plan.meta.team, plan.requester.pack.code)
    if plan.meta.key == "complaint_service" and plan.requester.pack.code in ("en", "fi"):
        return people.staff["admin@example.com"]  # escalations go to the admin
    return plan.assignee if rng.random() < 0.7 else rng.choice(colleagues)


def _thread(plan: TicketPlan, replay: Replay, people: DemoPeople, rng: random.Random) -> Offsets:
    """The steps of one ticket, as minutes after it was opened."""
    pack, texts, status = plan.requester.pack, plan.texts, plan.status
    steps: Offsets = [(0, lambda at: replay.create(plan, at))]
    minutes = 0.0

    def then(low: float, high: float, action: Callable[[dt.datetime], None]) -> None:
        nonlocal minutes
        minutes += rng.uniform(low, high)
        steps.append((minutes, action))

    def chaser(at: dt.datetime) -> None:
        replay.customer_writes(plan, at, rng.choice(pack.chasers))

    def note(at: dt.datetime) -> None:
        replay.note(plan, at, _note_author(plan, people, rng), plan.pick(texts.notes))

    if status == S.NEW:
        if rng.random() < 0.3:
            then(240, 1200, chaser)
        return steps
    triager = (
        plan.assignee if plan.assignee and rng.random() < 0.6 else _lead(people, plan.meta.team)
    )
    then(5, 180, lambda at: replay.triage(plan, at, triager))
    if plan.followers:
        then(2, 30, lambda at: replay.follow(plan, at, plan.followers))
    if plan.assignee is None:
        if rng.random() < 0.5:
            then(600, 1800, chaser)
        return steps
    if status == S.OPEN and not plan.with_note and rng.random() < 0.3:
        then(10, 240, note)  # still investigating: nothing said to the customer yet
        return steps

    by_agent = plan.channel == C.AGENT
    first_status = S.PENDING if status in (S.PENDING, S.SOLVED, S.CLOSED) else None
    if not by_agent:
        then(10, 480, lambda at: replay.reply(plan, at, plan.pick(texts.replies), first_status))
    elif first_status:
        then(1, 5, lambda at: replay.set_status(plan, at, first_status, plan.assignee.user))
    if status == S.PENDING:
        if plan.with_note:
            then(5, 120, note)
        return steps
    if plan.with_note and status == S.OPEN:
        then(5, 120, note)
    then(60, 1800, lambda at: replay.customer_writes(plan, at, plan.pick(texts.follow_ups)))
    if status == S.OPEN:
        return steps
    if status == S.ON_HOLD:
        then(20, 300, note)
        then(1, 10, lambda at: replay.set_status(plan, at, S.ON_HOLD, plan.assignee.user))
        return steps
    if plan.with_note:
        then(10, 240, note)
    then(20, 600, lambda at: replay.reply(plan, at, plan.pick(texts.resolutions), S.SOLVED))
    if status == S.CLOSED:
        if rng.random() < 0.4:
            then(60, 1200, lambda at: replay.customer_writes(plan, at, rng.choice(pack.thanks)))
            welcome = rng.choice(pack.welcome_replies)
            then(10, 180, lambda at: replay.reply(plan, at, welcome, S.SOLVED))
        # Solved tickets close by themselves after four quiet days.
        then(96 * 60, 96 * 60, lambda at: replay.set_status(plan, at, S.CLOSED, None))
    return steps


def _schedule(steps: Offsets, status: str, now: dt.datetime, rng: random.Random) -> dt.datetime:
    """Pick when the ticket was opened, late enough that its whole thread is in the past."""
    duration = dt.timedelta(minutes=steps[-1][0])
    opened = now - dt.timedelta(hours=rng.uniform(*AGE_HOURS[status]))
    if opened + duration > now:
        opened = now - duration - dt.timedelta(minutes=rng.uniform(10, 120))
    for offset, action in steps:
        action(opened + dt.timedelta(minutes=offset))
    return opened


def _duplicate(
    target: TicketPlan, replay: Replay, opened: dt.datetime, rng: random.Random
) -> TicketPlan:
    """The same customer asks again through another channel; the agent merges it in."""
    pack = target.requester.pack
    source = TicketPlan(
        requester=target.requester,
        meta=target.meta,
        texts=target.texts,
        variant=target.variant,
        status=S.CLOSED,
        channel=C.CHAT if target.channel != C.CHAT else C.EMAIL,
        priority=target.priority,
        assignee=target.assignee,
        tags=[],
        values=target.values,
    )
    chaser = rng.choice(pack.chasers) + "\n\n" + target.pick(target.texts.openings)
    source.texts = ScenarioTexts(
        subjects=target.texts.subjects,
        openings=(chaser,),
        replies=target.texts.replies,
        follow_ups=(),
        resolutions=(),
        notes=(),
    )
    source.variant = 0
    arrives = opened + dt.timedelta(minutes=rng.uniform(200, 400))
    replay.create(source, arrives)
    replay.merge(source, target, arrives + dt.timedelta(minutes=rng.uniform(10, 60)))
    return source


def plan_tickets(
    people: DemoPeople, replay: Replay, rng: random.Random, *, now: dt.datetime
) -> list[TicketPlan]:
    """Plan about two hundred tickets and hand their steps to `replay`."""
    plans: list[TicketPlan] = []
    for language, group in people.customers.items():
        statuses, channels = list(STATUS_DECK), list(CHANNEL_DECK)
        rng.shuffle(statuses)
        rng.shuffle(channels)
        keys = list(SCENARIOS)
        rng.shuffle(keys)
        language_plans = []
        if language == "en":
            for key, status, channel in DEMO_CUSTOMER_TICKETS:
                statuses.remove(status)
                channels.remove(channel)
                plan = _plan_one(people, people.demo_customer, key, status, channel, rng, now.year)
                language_plans.append(plan)
            language_plans[0].with_note = True
            language_plans[0].followers = [group[0]]
            if language_plans[0].assignee is None:
                language_plans[0].assignee = _speakers(people, language_plans[0].meta.team, "en")[0]
        weights = CUSTOMER_WEIGHTS[: len(group)]
        for index, (status, channel) in enumerate(zip(statuses, channels, strict=True)):
            requester = rng.choices(group, weights=weights)[0]
            key = keys[index % len(keys)]
            language_plans.append(_plan_one(people, requester, key, status, channel, rng, now.year))
        for plan in language_plans:
            plan.opened = _schedule(_thread(plan, replay, people, rng), plan.status, now, rng)
        # The duplicate arrives hours after the original, so the original must be older.
        target = next(
            p
            for p in language_plans
            if p.status in (S.OPEN, S.PENDING, S.SOLVED)
            and p.assignee is not None
            and p.channel != C.AGENT
            and p.requester is not people.demo_customer
            and p.opened < now - dt.timedelta(hours=12)
        )
        language_plans.append(_duplicate(target, replay, target.opened, rng))
        plans += language_plans
    return plans
