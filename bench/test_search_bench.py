"""The search benchmarks on a small scale: quality stays where it was measured, and the
speed benchmark's generator and cases run (timings are not asserted here)."""

from __future__ import annotations

import pytest

from bench import search_quality, search_speed
from bench.search_corpus import ARTICLES, QUESTIONS

pytestmark = pytest.mark.django_db


def test_every_question_points_at_an_article_of_its_language():
    for language, questions in QUESTIONS.items():
        keys = {key for key, _, _ in ARTICLES[language]}
        assert {key for _, key in questions} <= keys


def test_search_quality_holds_in_every_language():
    search_quality.load_articles()
    report = {row.language: row for row in search_quality.evaluate()}
    assert set(report) == {"en", "ru", "tr", "fi"}
    for row in report.values():
        assert row.recall_at_5 >= 0.9, (row.language, row.misses)
        assert row.mrr >= 0.8, (row.language, row.misses)


def test_the_speed_benchmark_generates_articles_and_measures_every_case():
    search_speed.generate_articles(40, report=lambda line: None)
    rows = search_speed.measure(repeat=1)
    assert [row["case"] for row in rows][:2] == ["article search", "suggestions while typing"]
    # Without tickets the generator brings organizations of its own, so a member is measured.
    assert ("article search", "organization member") in [(row["case"], row["user"]) for row in rows]
    assert all(row["samples"] > 0 and row["p95_ms"] >= row["p50_ms"] for row in rows)


def test_the_ticket_index_is_built_by_the_products_indexing(ticket):
    from concierge.search.models import TicketEntry

    lines: list[str] = []
    search_speed.index_tickets(1, lines.append)
    assert TicketEntry.objects.filter(ticket=ticket).exists()
    assert len(lines) == 1
    assert lines[0].strip().startswith("1 tickets indexed")


def test_typed_prefixes_grow_word_by_word():
    assert search_speed.typed_prefixes("where is") == ["wh", "where", "where is"]
