"""Detecting the language of a ticket from its text, on the real seed articles."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from concierge.automation.language import detect_language
from concierge.automation.models.triggers import Trigger
from concierge.tickets.models import Channel, Ticket
from concierge.tickets.services import message_receive, ticket_create

SEEDS = Path(settings.BASE_DIR).parent / "shared" / "seeds"
# What the seeds' README says each article is written in.
SEED_LANGUAGES = {
    "000_fd1326e5104a9966.txt": "tr",
    "001_68df8fbd6dae655b.txt": "tr",
    "002_416bcaca97f626dc.txt": "fi",
    "003_45beb310769c1d9b.txt": "ru",
    "004_6550c406895fa8c8.txt": "ru",
}


def seed_paragraphs(name: str) -> list[str]:
    path = SEEDS / name
    if not path.exists():
        pytest.skip(f"the seed articles are not beside the repository ({SEEDS})")
    text = path.read_text(encoding="utf-8")
    return [p.strip() for p in text.split("\n\n") if len(p.strip()) >= 80]


@pytest.mark.parametrize(("name", "language"), sorted(SEED_LANGUAGES.items()))
def test_each_seed_article_is_recognised(name, language):
    paragraphs = seed_paragraphs(name)

    assert detect_language("\n\n".join(paragraphs)) == language


@pytest.mark.parametrize(("name", "language"), sorted(SEED_LANGUAGES.items()))
def test_the_paragraphs_of_the_seed_articles_are_recognised_one_by_one(name, language):
    paragraphs = seed_paragraphs(name)[:15]

    detected = [detect_language(p) for p in paragraphs]

    # A paragraph that is mostly a brand name or a quote may leave it unsure, never wrong.
    assert set(detected) <= {language, ""}
    assert detected.count(language) >= len(detected) * 0.9


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Hei, missä laskuni on?", "fi"),
        ("Где мой счёт?", "ru"),
        ("Merhaba, faturam nerede?", "tr"),
        ("The box was crushed and the lamp inside is broken.", "en"),
        ("ok thanks", ""),
        ("Hi", ""),
        ("12345 !!!", ""),
        ("", ""),
    ],
)
def test_short_texts_are_detected_or_left_undecided(text, language):
    assert detect_language(text) == language


@pytest.fixture
def _no_triggers(db):
    Trigger.objects.all().delete()


@pytest.mark.usefixtures("_no_triggers")
def test_a_new_ticket_stores_the_language_of_its_text(customer):
    # Kirsi prefers Finnish, but this request is in Russian.
    ticket = ticket_create(
        requester=customer,
        subject="Заказ пришёл повреждённым",
        body_text="Коробка была смята, и лампа внутри разбита.",
        channel=Channel.WEB,
    )

    assert Ticket.objects.get(pk=ticket.pk).language == "ru"


@pytest.mark.usefixtures("_no_triggers")
def test_an_unsure_text_keeps_the_customers_language(customer):
    ticket = ticket_create(requester=customer, subject="ok", body_text="ok", channel=Channel.WEB)

    assert Ticket.objects.get(pk=ticket.pk).language == "fi"


@pytest.mark.usefixtures("_no_triggers")
def test_a_ticket_without_a_language_gets_one_when_the_customer_writes(customer):
    customer.language = ""
    customer.save(update_fields=["language"])
    ticket = ticket_create(requester=customer, subject="?", body_text="?", channel=Channel.WEB)
    assert Ticket.objects.get(pk=ticket.pk).language == ""

    message_receive(
        ticket=ticket, customer=customer, body_text="Lamppu on yhä rikki.", channel="web"
    )

    assert Ticket.objects.get(pk=ticket.pk).language == "fi"


RUSSIAN_REQUEST = {
    "subject": "Заказ пришёл повреждённым",
    "body_text": "Коробка была смята, и лампа внутри разбита.",
}


@pytest.mark.usefixtures("_no_triggers")
def test_a_new_ticket_is_stored_with_its_language_at_once(customer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        ticket = ticket_create(requester=customer, channel=Channel.WEB, **RUSSIAN_REQUEST)

    assert ticket.language == "ru"
    updates = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("UPDATE")]
    assert not [sql for sql in updates if '"tickets_ticket"' in sql and "language" in sql]


@pytest.mark.usefixtures("_no_triggers")
def test_a_language_chosen_for_the_ticket_is_kept(customer):
    ticket = ticket_create(
        requester=customer, channel=Channel.WEB, language="en", **RUSSIAN_REQUEST
    )

    assert Ticket.objects.get(pk=ticket.pk).language == "en"


@pytest.mark.usefixtures("_no_triggers")
def test_the_language_of_a_ticket_an_agent_opens_or_writes_down_is_not_guessed(customer, agent):
    opened = ticket_create(requester=customer, channel=Channel.WEB, actor=agent, **RUSSIAN_REQUEST)
    noted = ticket_create(
        requester=customer, channel=Channel.PHONE, recorded_by=agent, **RUSSIAN_REQUEST
    )

    assert Ticket.objects.get(pk=opened.pk).language == "fi"  # Kirsi's own
    assert Ticket.objects.get(pk=noted.pk).language == "fi"
