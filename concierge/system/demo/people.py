"""The demo desk's people: staff and teams, customer organizations, and forty customers.

Everything is created through `people.services` and looked up by its natural key first,
so loading the demo twice finds what the first run made instead of duplicating it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password

from concierge.people.models import (
    Customer,
    IdentityKind,
    Organization,
    Role,
    SupportPlan,
    Team,
    TicketVisibility,
    User,
)
from concierge.people.services import (
    agent_create,
    customer_find_or_create_by_email,
    customer_identity_add,
    customer_portal_user,
    customer_update,
    organization_add_member,
    organization_set_domains,
    team_set_members,
)
from concierge.system.demo import content_en, content_fi, content_ru, content_tr
from concierge.system.demo.scenarios import (
    BILLING,
    SUPPORT,
    TECHNICAL,
    LanguagePack,
    Person,
    mailbox_name,
)

DEMO_PASSWORD = "demo"  # noqa: S105 - the published password of the demo accounts
DEMO_CUSTOMER_EMAIL = "customer@example.com"
PACKS: tuple[LanguagePack, ...] = (
    content_en.PACK,
    content_ru.PACK,
    content_tr.PACK,
    content_fi.PACK,
)


@dataclass(frozen=True)
class StaffSpec:
    email: str
    full_name: str
    role: str
    gender: str
    language: str
    time_zone: str
    languages: tuple[str, ...]
    skills: tuple[str, ...]
    teams: tuple[str, ...] = ()
    leads: tuple[str, ...] = ()
    # How the person signs a reply in a script other than their account name's.
    signed_as: dict[str, str] = field(default_factory=dict)

    def signature_name(self, language: str) -> str:
        return self.signed_as.get(language, self.full_name)


STAFF: tuple[StaffSpec, ...] = (
    StaffSpec(
        "admin@example.com", "Laura Bennett", Role.ADMIN, "f", "", "Europe/Helsinki",
        ("en", "fi"), ("escalations", "refunds"),
    ),
    StaffSpec(
        "agent@example.com", "Elena Sokolova", Role.AGENT, "f", "", "Europe/Helsinki",
        ("ru", "en"), ("orders", "returns", "complaints"), (SUPPORT,), (SUPPORT,),
        {"ru": "Елена Соколова"},
    ),
    StaffSpec(
        "mikko.jarvinen@example.com", "Mikko Järvinen", Role.AGENT, "m", "fi", "Europe/Helsinki",
        ("fi", "en", "sv"), ("orders", "shipping", "warranty"), (SUPPORT,),
    ),
    StaffSpec(
        "zeynep.arslan@example.com", "Zeynep Arslan", Role.AGENT, "f", "tr", "Europe/Istanbul",
        ("tr", "en", "de"), ("returns", "complaints", "refunds"), (SUPPORT, BILLING),
    ),
    StaffSpec(
        "emre.yildiz@example.com", "Emre Yıldız", Role.AGENT, "m", "tr", "Europe/Istanbul",
        ("tr", "en"), ("payments", "invoices", "mobile-app"), (BILLING, TECHNICAL), (BILLING,),
    ),
    StaffSpec(
        "hanna.korhonen@example.com", "Hanna Korhonen", Role.AGENT, "f", "fi", "Europe/Helsinki",
        ("fi", "en", "ru"), ("refunds", "invoices", "subscriptions"), (BILLING,),
        {"ru": "Ханна Корхонен"},
    ),
    StaffSpec(
        "dmitri.volkov@example.com", "Dmitri Volkov", Role.AGENT, "m", "ru", "Europe/Helsinki",
        ("ru", "en", "fi"), ("login", "api", "mobile-app"), (TECHNICAL,), (TECHNICAL,),
        {"ru": "Дмитрий Волков"},
    ),
)  # fmt: skip

TEAMS = (
    (SUPPORT, "Orders, deliveries, returns, warranty and everything else.", TicketVisibility.ALL),
    (BILLING, "Payments, refunds, invoices and subscriptions.", TicketVisibility.ALL),
    # Technical works only its own queue, so its members see only its tickets.
    (TECHNICAL, "Sign-in, the mobile app and integrations.", TicketVisibility.TEAM),
)


@dataclass(frozen=True)
class OrganizationSpec:
    name: str
    domain: str
    language: str
    support_plan: str
    notes: str
    members: int  # how many of the language's customers write from the organization's domain
    managers_see_all_requests: bool = False


ORGANIZATIONS = (
    OrganizationSpec(
        "Brightpath Studio", "brightpath.example", "en", SupportPlan.PREMIUM,
        "Design studio ordering office kitchen supplies; Emily Carter approves their orders.",
        2, managers_see_all_requests=True,
    ),
    OrganizationSpec(
        "Northwind Interiors", "northwind-interiors.example", "en", SupportPlan.STANDARD,
        "Interior decorators buying for client projects, often in bulk.", 2,
    ),
    OrganizationSpec(
        "ООО «Волга Логистик»", "volga-logistik.example", "ru", SupportPlan.ENTERPRISE,
        "Logistics company with a corporate coffee subscription for three offices.", 3,
    ),
    OrganizationSpec(
        "Anadolu Tekstil A.Ş.", "anadolutekstil.example", "tr", SupportPlan.PREMIUM,
        "Textile manufacturer; invoices must carry their tax office and number.", 3,
    ),
    OrganizationSpec(
        "Aurora Kahvila Oy", "aurorakahvila.example", "fi", SupportPlan.STANDARD,
        "Café chain in Tampere; orders grinders and spare parts.", 3,
    ),
)  # fmt: skip

PERSONAL_DOMAINS = {
    "en": "inbox.example",
    "ru": "pochta.example",
    "tr": "posta.example",
    "fi": "sahkoposti.example",
}
CUSTOMER_NOTES = (
    "Prefers e-mail; please do not call during working hours.",
    "Long-time coffee subscriber. Likes to hear about new single-origin beans.",
    "Orders for the whole office; check the organization's other requests before answering.",
    "Had two damaged deliveries last year, handle with extra care.",
)
DEMO_CUSTOMER = Person("Emily", "Carter", "f")


@dataclass
class StaffMember:
    spec: StaffSpec
    user: User


@dataclass
class DemoCustomer:
    person: Person
    pack: LanguagePack
    customer: Customer


@dataclass
class DemoPeople:
    staff: dict[str, StaffMember]
    teams: dict[str, Team]
    customers: dict[str, list[DemoCustomer]]  # by language
    demo_customer: DemoCustomer

    def team_members(self, team: str) -> list[StaffMember]:
        return [m for m in self.staff.values() if team in m.spec.teams]

    @property
    def all_customers(self) -> list[Customer]:
        return [c.customer for group in self.customers.values() for c in group]


def _staff(password_hash: str) -> dict[str, StaffMember]:
    members = {}
    for spec in STAFF:
        user = User.objects.filter(email=spec.email).first()
        if user is None:
            user = agent_create(
                email=spec.email,
                full_name=spec.full_name,
                role=spec.role,
                language=spec.language,
                languages=list(spec.languages),
                skills=list(spec.skills),
            )
            user.time_zone = spec.time_zone
            user.password = password_hash
            user.save(update_fields=["time_zone", "password"])
        members[spec.email] = StaffMember(spec, user)
    return members


def _teams(staff: dict[str, StaffMember]) -> dict[str, Team]:
    teams = {}
    for name, description, visibility in TEAMS:
        team, created = Team.objects.get_or_create(
            name=name,
            defaults={
                "description": description,
                "ticket_visibility": visibility,
                "languages": ["en", "ru", "tr", "fi"],
            },
        )
        if created:
            members = [m for m in staff.values() if name in m.spec.teams]
            team_set_members(
                team=team,
                members=[m.user for m in members],
                leads=[m.user for m in members if name in m.spec.leads],
            )
        teams[name] = team
    return teams


def _organizations() -> dict[str, Organization]:
    organizations = {}
    for spec in ORGANIZATIONS:
        organization, created = Organization.objects.get_or_create(
            name=spec.name,
            defaults={
                "notes": spec.notes,
                "support_plan": spec.support_plan,
                "managers_see_all_requests": spec.managers_see_all_requests,
            },
        )
        if created:
            organization_set_domains(organization=organization, domains=[spec.domain])
        organizations[spec.language + spec.domain] = organization
    return organizations


def _customer(person: Person, pack: LanguagePack, email: str, rng: random.Random) -> Customer:
    customer = customer_find_or_create_by_email(
        email=email, full_name=person.full_name, language=pack.code
    )
    if not customer.time_zone:
        note = rng.choice(CUSTOMER_NOTES) if rng.random() < 0.2 else customer.notes
        customer_update(
            customer=customer,
            full_name=customer.full_name,
            language=customer.language,
            time_zone=rng.choice(pack.time_zones),
            notes=note,
        )
    return customer


def _add_phone(customer: Customer, pack: LanguagePack, index: int) -> None:
    """Some customers also call or message us; their numbers are from fictional ranges."""
    prefixes = {"en": "+44 7700 900", "ru": "+7 900 555", "tr": "+90 555 010", "fi": "+358 50 555"}
    number = f"{prefixes[pack.code]}{index:03d}"
    if not customer.identities.filter(kind=IdentityKind.PHONE).exists():
        customer_identity_add(customer=customer, kind=IdentityKind.PHONE, value=number)


def _customers(rng: random.Random) -> dict[str, list[DemoCustomer]]:
    by_language: dict[str, list[DemoCustomer]] = {}
    for pack in PACKS:
        domains = [
            o.domain for o in ORGANIZATIONS if o.language == pack.code for _ in range(o.members)
        ]
        group = []
        for index, person in enumerate(pack.customers):
            domain = domains[index] if index < len(domains) else PERSONAL_DOMAINS[pack.code]
            customer = _customer(person, pack, f"{mailbox_name(person)}@{domain}", rng)
            if index % 3 == 1:
                _add_phone(customer, pack, 100 + index)
            group.append(DemoCustomer(person, pack, customer))
        by_language[pack.code] = group
    return by_language


def _demo_customer(
    organizations: dict[str, Organization], rng: random.Random, password_hash: str
) -> DemoCustomer:
    """customer@example.com: signs in to the portal and manages Brightpath Studio's requests."""
    customer = _customer(DEMO_CUSTOMER, content_en.PACK, DEMO_CUSTOMER_EMAIL, rng)
    brightpath = organizations["enbrightpath.example"]
    organization_add_member(organization=brightpath, customer=customer, is_manager=True)
    if customer.user_id is None:
        user = customer_portal_user(customer=customer)
        user.password = password_hash
        user.save(update_fields=["password"])
        customer.refresh_from_db()
    return DemoCustomer(DEMO_CUSTOMER, content_en.PACK, customer)


def load_people(rng: random.Random) -> DemoPeople:
    # Every demo account has the same published password, so one (deliberately slow)
    # hash serves them all.
    password_hash = make_password(DEMO_PASSWORD)
    staff = _staff(password_hash)
    teams = _teams(staff)
    organizations = _organizations()
    customers = _customers(rng)
    demo_customer = _demo_customer(organizations, rng, password_hash)
    return DemoPeople(staff, teams, customers, demo_customer)
