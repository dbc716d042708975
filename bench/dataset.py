"""The shape of the generated desk: who works there, who writes in, and what they write.

Everything is drawn from one seeded random stream in a fixed order, so the same scale and
seed give the same rows (only the absolute dates follow the day of generation). The
distributions are those of a busy desk that has run for two years: volume grows over
time, old tickets are closed, recent ones are spread over every status, a few customers
write a lot, and teams, assignees, tags and channels have realistic shares.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password

from bench.bulk import Table, Writer, next_id
from bench.texts import person_names
from concierge.people.models import (
    Customer,
    CustomerIdentity,
    Organization,
    OrganizationDomain,
    OrganizationMembership,
    Role,
    SupportPlan,
    Team,
    TeamMembership,
    TicketVisibility,
    User,
)
from concierge.tickets.models import Tag

DAY = 86_400
HOUR = 3_600
BENCH_ADMIN = "bench-admin@bench.example"
BENCH_AGENT = "bench-agent@bench.example"  # in a team that sees only its own tickets
LONG_THREAD_TAG = "bench-long-thread"

# name, share of tickets, what members see
TEAMS = (
    ("Support", 0.34, TicketVisibility.ALL),
    ("Billing", 0.16, TicketVisibility.ALL),
    ("Technical", 0.14, TicketVisibility.ALL),
    ("Returns", 0.10, TicketVisibility.ALL),
    ("Shipping", 0.10, TicketVisibility.ALL),
    ("Accounts", 0.05, TicketVisibility.ALL),
    ("Partners", 0.06, TicketVisibility.TEAM),
    ("Security", 0.05, TicketVisibility.TEAM),
)
RESTRICTED_TEAM = "Partners"
LANGUAGES = (("en", 0.4), ("ru", 0.2), ("tr", 0.2), ("fi", 0.2))
TIME_ZONES = {
    "en": "Europe/London",
    "ru": "Europe/Moscow",
    "tr": "Europe/Istanbul",
    "fi": "Europe/Helsinki",
}
PRIORITIES = ((1, 0.15), (2, 0.55), (3, 0.22), (4, 0.08))
TYPES = (
    ("question", 0.45),
    ("incident", 0.20),
    ("problem", 0.12),
    ("task", 0.10),
    ("complaint", 0.08),
    ("suggestion", 0.05),
)
CHANNELS = (
    ("email", 0.50),
    ("web", 0.20),
    ("chat", 0.12),
    ("messaging", 0.07),
    ("phone", 0.06),
    ("api", 0.04),
    ("agent", 0.01),
)
# Status by the ticket's age: recent work is spread out, old work is closed.
STATUS_BY_AGE = (
    (3 * DAY, (("new", 25), ("open", 35), ("pending", 20), ("on_hold", 5), ("solved", 15))),
    (
        30 * DAY,
        (("new", 2), ("open", 10), ("pending", 8), ("on_hold", 3), ("solved", 40), ("closed", 37)),
    ),
    (
        math.inf,
        (("open", 5), ("pending", 5), ("on_hold", 3), ("solved", 10), ("closed", 977)),
    ),
)
TAG_NAMES = (
    "order", "shipping", "damaged", "return", "exchange", "refund", "payment", "invoice",
    "subscription", "cancellation", "login", "account", "2fa", "bug", "mobile-app",
    "feature-request", "complaint", "warranty", "vip", "address-change",
)  # fmt: skip


class Weighted:
    """Draw from fixed weights with one random number and a bisect (fast in a hot loop)."""

    def __init__(self, pairs: tuple[tuple[Any, float], ...]) -> None:
        self.values = [value for value, _ in pairs]
        self.cumulative = list(itertools.accumulate(weight for _, weight in pairs))
        self.total = self.cumulative[-1]

    def draw(self, rng: random.Random) -> Any:
        return self.values[bisect.bisect_right(self.cumulative, rng.random() * self.total)]


@dataclass(frozen=True)
class Scale:
    tickets: int
    messages_per_ticket: float = 10.0
    customers: int = 0
    seed: int = 1
    long_thread_messages: int = 200
    years: float = 2.0

    @property
    def customer_count(self) -> int:
        return self.customers or max(20, self.tickets // 10)

    @property
    def organization_count(self) -> int:
        return max(2, self.customer_count // 20)

    @property
    def agent_count(self) -> int:
        return min(80, max(len(TEAMS) * 2, self.tickets // 12_500))


@dataclass
class Staff:
    admin: User
    restricted_agent: User
    teams: list[tuple[Team, float]]
    members: dict[int, list[int]]  # team id -> agent ids
    tag_ids: list[int]
    long_thread_tag_id: int


@dataclass
class Customers:
    first_id: int
    languages: list[str]
    organization_ids: list[int | None]


def create_staff(scale: Scale, rng: random.Random) -> Staff:
    """Agents, teams and tags through the ORM: a few hundred rows at most."""
    unusable = make_password(None)
    admin = User.objects.create(
        email=BENCH_ADMIN, full_name="Bench Admin", role=Role.ADMIN, password=unusable
    )
    teams = [
        (Team.objects.create(name=name, ticket_visibility=visibility), share)
        for name, share, visibility in TEAMS
    ]
    names = [n for pairs in person_names().values() for n in pairs]
    agents = []
    for index in range(scale.agent_count):
        first, last = names[index % len(names)]
        email = BENCH_AGENT if index == 0 else f"agent{index}@bench.example"
        agents.append(
            User(
                email=email,
                full_name=f"{first} {last}",
                role=Role.AGENT,
                password=unusable,
                languages=[rng.choice(LANGUAGES)[0], "en"],
            )
        )
    agents = User.objects.bulk_create(agents)
    # The restricted agent works in the restricted team; the rest spread by the teams' shares.
    restricted = next(team for team, _ in teams if team.name == RESTRICTED_TEAM)
    members: dict[int, list[int]] = {team.pk: [] for team, _ in teams}
    members[restricted.pk].append(agents[0].pk)
    chooser = Weighted(tuple((team.pk, share) for team, share in teams))
    for team, _ in teams:
        if team.pk != restricted.pk:
            members[team.pk].append(agents.pop().pk)
    for agent in agents[1:]:
        members[chooser.draw(rng)].append(agent.pk)
    # The admin also takes tickets (so "My tickets" means something for them too).
    members[teams[0][0].pk].append(admin.pk)
    TeamMembership.objects.bulk_create(
        TeamMembership(team_id=team_id, user_id=user_id, is_lead=position == 0)
        for team_id, user_ids in members.items()
        for position, user_id in enumerate(user_ids)
    )
    extra = [f"topic-{n}" for n in range(180)]
    tags = Tag.objects.bulk_create(Tag(name=name) for name in (*TAG_NAMES, *extra))
    long_thread_tag = Tag.objects.create(name=LONG_THREAD_TAG)
    return Staff(
        admin=admin,
        restricted_agent=User.objects.get(email=BENCH_AGENT),
        teams=teams,
        members=members,
        tag_ids=[t.pk for t in tags],
        long_thread_tag_id=long_thread_tag.pk,
    )


def write_customers(scale: Scale, rng: random.Random, writer: Writer, since: int) -> Customers:
    """Organizations with a domain each, customers with an e-mail identity, memberships."""
    organization_table = Table(
        Organization,
        ["id", "name", "notes", "support_plan", "managers_see_all_requests", "created_at"],
    )
    domain_table = Table(OrganizationDomain, ["id", "organization", "domain"])
    customer_table = Table(
        Customer, ["id", "full_name", "language", "time_zone", "notes", "user", "created_at"]
    )
    identity_table = Table(CustomerIdentity, ["id", "customer", "kind", "value", "is_primary"])
    membership_table = Table(
        OrganizationMembership, ["id", "customer", "organization", "is_manager"]
    )

    first_organization, first_domain = next_id(Organization), next_id(OrganizationDomain)
    plans = (SupportPlan.NONE, SupportPlan.STANDARD, SupportPlan.PREMIUM, SupportPlan.ENTERPRISE)
    organizations, domains = [], []
    for n in range(scale.organization_count):
        created = writer.timestamp(since - rng.randrange(0, 400) * DAY)
        organizations.append(
            (
                first_organization + n,
                f"Organization {n:05d}",
                "",
                plans[n % 4],
                n % 10 == 0,
                created,
            )
        )
        domains.append((first_domain + n, first_organization + n, f"org{n:05d}.bench.example"))
    writer.write(organization_table, organizations)
    writer.write(domain_table, domains)

    names = person_names()
    language_chooser = Weighted(LANGUAGES)
    first_customer = next_id(Customer)
    first_identity, first_membership = next_id(CustomerIdentity), next_id(OrganizationMembership)
    languages: list[str] = []
    organization_ids: list[int | None] = []
    customers, identities, memberships = [], [], []
    for n in range(scale.customer_count):
        language = language_chooser.draw(rng)
        first, last = rng.choice(names[language])
        organization = n // 4 % scale.organization_count if n % 4 == 0 else None
        domain = (
            f"org{organization:05d}.bench.example" if organization is not None else "mail.example"
        )
        customer_id = first_customer + n
        created = writer.timestamp(since - rng.randrange(0, 700) * DAY)
        customers.append(
            (customer_id, f"{first} {last}", language, TIME_ZONES[language], "", None, created)
        )
        identities.append((first_identity + n, customer_id, "email", f"customer{n}@{domain}", True))
        languages.append(language)
        if organization is None:
            organization_ids.append(None)
        else:
            organization_ids.append(first_organization + organization)
            memberships.append(
                (
                    first_membership + len(memberships),
                    customer_id,
                    first_organization + organization,
                    False,
                )
            )
    writer.write(customer_table, customers)
    writer.write(identity_table, identities)
    writer.write(membership_table, memberships)
    return Customers(first_customer, languages, organization_ids)
