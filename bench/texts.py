"""Message and subject texts for generated tickets, drawn from the demo's four languages.

Pre-rendered pools keep generation fast (ten million messages pick from lists) while the
bodies have the lengths, scripts and shapes of real support mail: greetings, a few
sentences, a signature.
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass

from concierge.system.demo.people import PACKS
from concierge.system.demo.scenarios import LanguagePack, fill

RENDERINGS_PER_TEXT = 4


@dataclass(frozen=True)
class TextPool:
    subjects: tuple[str, ...]
    customer: tuple[str, ...]
    agent: tuple[str, ...]
    notes: tuple[str, ...]
    customer_html: tuple[str, ...]


def _values(pack: LanguagePack, rng: random.Random) -> dict[str, str]:
    return {
        "order": f"CN-{rng.randint(200000, 899999)}",
        "invoice": f"INV-2025-{rng.randint(1000, 9999)}",
        "amount": pack.money((rng.randrange(19, 250) * 100 - 10) * pack.price_scale),
    }


def _as_html(text: str) -> str:
    paragraphs = (html.escape(p).replace("\n", "<br>") for p in text.split("\n\n"))
    return "".join(f"<p>{p}</p>" for p in paragraphs)


def _pool(pack: LanguagePack, rng: random.Random) -> TextPool:
    subjects, customer, agent, notes = [], [], [], []
    agent_names = ("Alex Morgan", "Sam Lee", "Robin Park")
    for _ in range(RENDERINGS_PER_TEXT):
        for texts in pack.scenarios.values():
            gender = rng.choice("fm")
            values = _values(pack, rng)
            subjects += [fill(s, gender=gender, **values) for s in texts.subjects]
            for body in (*texts.openings, *texts.follow_ups):
                greeting = rng.choice(pack.customer_greetings)
                customer.append(f"{greeting}\n\n{fill(body, gender=gender, **values)}")
            for body in (*texts.replies, *texts.resolutions):
                addressee = pack.address(rng.choice(pack.customers))
                greeting = rng.choice(pack.agent_greetings).format(name=addressee)
                sign_off = f"{rng.choice(pack.agent_sign_offs)}\n{rng.choice(agent_names)}"
                agent.append(f"{greeting}\n\n{fill(body, gender=gender, **values)}\n\n{sign_off}")
            notes += [fill(n, gender=gender, **values) for n in texts.notes]
        customer += list(pack.chasers) + list(pack.thanks)
    return TextPool(
        subjects=tuple(subjects),
        customer=tuple(customer),
        agent=tuple(agent),
        notes=tuple(notes),
        customer_html=tuple(_as_html(t) for t in customer),
    )


def text_pools(seed: int) -> dict[str, TextPool]:
    rng = random.Random(seed)
    return {pack.code: _pool(pack, rng) for pack in PACKS}


def person_names() -> dict[str, list[tuple[str, str]]]:
    """First and last names per language, paired within a gender (Russian surnames agree)."""
    names: dict[str, list[tuple[str, str]]] = {}
    for pack in PACKS:
        pairs = []
        for gender in "fm":
            people = [p for p in pack.customers if p.gender == gender]
            pairs += [(a.first_name, b.last_name) for a in people for b in people]
        names[pack.code] = pairs
    return names
