"""`concierge search` from the command line."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from concierge.helpcenter.testing import publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles(admin):
    publish(admin, "Reset your password", "Choose a new password on the sign-in page.")
    publish(
        admin, "Internal escalation", "Escalate password resets to security.", visibility="internal"
    )
    publish(admin, "Пароль", "Как сменить пароль.", language="ru")


def test_it_prints_ranked_results_as_json(articles, capsys):
    call_command("search", "password", "--lang", "en", "--json")
    answer = json.loads(capsys.readouterr().out)
    assert answer["query"] == "password"
    assert [(r["title"], r["language"]) for r in answer["results"]] == [
        ("Reset your password", "en")
    ]
    assert set(answer["results"][0]) >= {"id", "title", "language", "score", "snippet"}
    assert "password" in answer["results"][0]["snippet"]


def test_it_searches_as_a_named_person(articles, agent, capsys):
    call_command("search", "escalate", "--json", "--as", agent.email)
    assert [r["title"] for r in json.loads(capsys.readouterr().out)["results"]] == [
        "Internal escalation"
    ]
    call_command("search", "escalate", "--json")
    assert json.loads(capsys.readouterr().out)["results"] == []


def test_it_runs_one_query_per_line_and_prints_one_json_line_each(articles, tmp_path, capsys):
    queries = tmp_path / "queries.txt"
    queries.write_text("password\n\nпароля\nnothing-like-this\n", encoding="utf-8")
    call_command("search", "--queries", str(queries), "--limit", "3")
    lines = capsys.readouterr().out.strip().splitlines()
    answers = [json.loads(line) for line in lines]
    assert [a["query"] for a in answers] == ["password", "пароля", "nothing-like-this"]
    assert [len(a["results"]) for a in answers] == [1, 1, 0]


def test_it_searches_tickets(ticket, capsys):
    from concierge.search.services import ticket_index

    ticket_index(ticket_id=ticket.pk)
    call_command("search", "crushed", "--scope", "tickets", "--json")
    answer = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in answer["results"]] == [ticket.number]


def test_it_says_what_is_wrong(articles, tmp_path):
    with pytest.raises(CommandError, match="give a query"):
        call_command("search")
    with pytest.raises(CommandError, match="--limit"):
        call_command("search", "x", "--limit", "0")
    with pytest.raises(CommandError, match="cannot read"):
        call_command("search", "--queries", str(tmp_path / "missing.txt"))
    with pytest.raises(CommandError, match="no active user"):
        call_command("search", "x", "--as", "nobody@example.com")


def test_reindex_rebuilds_the_article_index(articles, capsys):
    from concierge.search.models import ArticleEntry, Term

    ArticleEntry.objects.all().delete()
    Term.objects.all().delete()
    call_command("search", "reindex", "--scope", "articles")
    assert "3 article translations indexed" in capsys.readouterr().out
    call_command("search", "password", "--lang", "en", "--json")
    assert len(json.loads(capsys.readouterr().out)["results"]) == 1
