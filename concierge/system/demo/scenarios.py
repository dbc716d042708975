"""The shape of the demo conversations: what each kind of request is, and how text is filled in.

A scenario (a damaged delivery, a double charge, a lost phone with two-factor codes...)
has the same meaning in every language: its type, team, priority and tags live here once.
Each language module supplies the words: subjects, the customer's opening message, the
agent's first answer, the customer's follow-up, the resolution and internal notes, with
several variants of each so that two tickets about the same thing do not read alike.

Texts may hold placeholders ({order}, {invoice}, {amount}, {agent}) and, for Russian,
gendered word pairs written `[заказал|заказала]`, resolved by the author's gender.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from concierge.tickets.models import Priority, TicketType

SUPPORT = "Support"
BILLING = "Billing"
TECHNICAL = "Technical"


@dataclass(frozen=True)
class ScenarioMeta:
    """What a kind of request is, whatever the language it is written in."""

    key: str
    ticket_type: str
    team: str
    priority: int
    tags: tuple[str, ...]


SCENARIOS: dict[str, ScenarioMeta] = {
    meta.key: meta
    for meta in (
        ScenarioMeta(
            "order_status", TicketType.QUESTION, SUPPORT, Priority.NORMAL, ("order", "shipping")
        ),
        ScenarioMeta(
            "damaged_delivery", TicketType.INCIDENT, SUPPORT, Priority.HIGH, ("shipping", "damaged")
        ),
        ScenarioMeta(
            "wrong_item", TicketType.INCIDENT, SUPPORT, Priority.NORMAL, ("return", "exchange")
        ),
        ScenarioMeta(
            "change_address", TicketType.TASK, SUPPORT, Priority.NORMAL, ("order", "address-change")
        ),
        ScenarioMeta(
            "warranty_repair", TicketType.QUESTION, SUPPORT, Priority.NORMAL, ("warranty",)
        ),
        ScenarioMeta(
            "complaint_service", TicketType.COMPLAINT, SUPPORT, Priority.HIGH, ("complaint",)
        ),
        ScenarioMeta("refund_missing", TicketType.PROBLEM, BILLING, Priority.HIGH, ("refund",)),
        ScenarioMeta(
            "double_charge",
            TicketType.INCIDENT,
            BILLING,
            Priority.URGENT,
            ("payment", "double-charge"),
        ),
        ScenarioMeta("invoice_request", TicketType.TASK, BILLING, Priority.LOW, ("invoice",)),
        ScenarioMeta(
            "cancel_subscription",
            TicketType.QUESTION,
            BILLING,
            Priority.NORMAL,
            ("subscription", "cancellation"),
        ),
        ScenarioMeta(
            "login_problem", TicketType.INCIDENT, TECHNICAL, Priority.HIGH, ("login", "account")
        ),
        ScenarioMeta(
            "two_factor_lost", TicketType.PROBLEM, TECHNICAL, Priority.HIGH, ("login", "2fa")
        ),
        ScenarioMeta(
            "app_crash", TicketType.PROBLEM, TECHNICAL, Priority.NORMAL, ("bug", "mobile-app")
        ),
        ScenarioMeta(
            "feature_suggestion",
            TicketType.SUGGESTION,
            TECHNICAL,
            Priority.LOW,
            ("feature-request",),
        ),
    )
}


@dataclass(frozen=True)
class ScenarioTexts:
    """The words of one scenario in one language; every field holds variants to pick from."""

    subjects: tuple[str, ...]
    openings: tuple[str, ...]
    replies: tuple[str, ...]
    follow_ups: tuple[str, ...]
    resolutions: tuple[str, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class Person:
    first_name: str
    last_name: str
    gender: str  # "f" or "m": Russian verbs and Turkish forms of address depend on it

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class LanguagePack:
    """Everything the demo writes in one language."""

    code: str
    time_zones: tuple[str, ...]
    customers: tuple[Person, ...]
    scenarios: dict[str, ScenarioTexts]
    # How an agent greets the customer; {name} is the form of address (see `address`).
    agent_greetings: tuple[str, ...]
    agent_sign_offs: tuple[str, ...]
    team_labels: dict[str, str]
    customer_greetings: tuple[str, ...]
    # {first} and {full} are the customer's names.
    customer_sign_offs: tuple[str, ...]
    # A customer asking again before anyone answered.
    chasers: tuple[str, ...]
    # A customer thanking the team after the resolution, and the agent's short answer.
    thanks: tuple[str, ...]
    welcome_replies: tuple[str, ...]
    address_forms: dict[str, str] = field(default_factory=lambda: {"f": "{first}", "m": "{first}"})
    currency_format: str = "${amount}"
    # Prices in this currency are this many times the demo's base price.
    price_scale: int = 1

    def address(self, person: Person) -> str:
        return self.address_forms[person.gender].format(first=person.first_name)

    def money(self, cents: int) -> str:
        whole, fraction = divmod(cents, 100)
        if self.currency_format.startswith("$"):
            amount = f"{whole:,}.{fraction:02d}"
        else:
            # Finnish, Russian and Turkish write a decimal comma and group thousands apart.
            grouping = "." if self.code == "tr" else "\u00a0"
            amount = f"{whole:,}".replace(",", grouping) + f",{fraction:02d}"
        return self.currency_format.format(amount=amount)


GENDERED = re.compile(r"\[([^|\]]+)\|([^\]]+)\]")


def fill(template: str, *, gender: str, **values: str) -> str:
    """Resolve `[masculine|feminine]` pairs for the author, then the named placeholders."""
    text = GENDERED.sub(lambda m: m.group(1) if gender == "m" else m.group(2), template)
    return text.format(**values) if values else text


TRANSLITERATION = str.maketrans(
    {
        **dict(zip("абвгдезийклмнопрстуфцы", "abvgdeziyklmnoprstufcy", strict=True)),
        "ё": "e", "ж": "zh", "х": "kh", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "",
        "ь": "", "э": "e", "ю": "yu", "я": "ya",
        "ç": "c", "ğ": "g", "ı": "i", "ö": "o", "ş": "s", "ü": "u", "ä": "a", "å": "a",
    }
)  # fmt: skip


def mailbox_name(person: Person) -> str:
    """An ASCII e-mail local part for a name in any of the demo's scripts."""
    name = f"{person.first_name}.{person.last_name}".replace("İ", "i").lower()
    return name.translate(TRANSLITERATION).replace(" ", "")
