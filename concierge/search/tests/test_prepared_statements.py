"""PostgreSQL runs the article ranking statements prepared, with a generic plan: the
same answers as unprepared, nothing else of the session changed, and a session that
lost its statements (a pooler's reset, a new connection) goes on searching."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from concierge.helpcenter.testing import publish
from concierge.search.backends import pg_prepared
from concierge.search.queries import search_articles

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)
ANONYMOUS = AnonymousUser()


def _found(query: str) -> list[tuple[str, float]]:
    hits = search_articles(ANONYMOUS, query, language="en").hits
    return [(hit.translation.title, round(hit.score, 9)) for hit in hits]


def _prepared_here() -> list[tuple[str, int]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement, generic_plans FROM pg_prepared_statements "
            "WHERE name LIKE 'concierge_search_%%'"
        )
        return cursor.fetchall()


def _publish_three(admin) -> None:
    publish(admin, "Returns of parcels", "Send the parcel back within thirty days.")
    publish(admin, "Parcel tracking", "Every parcel has a tracking code.")
    publish(admin, "Gift cards", "A gift card is valid for a year.")


def test_article_ranking_runs_prepared_with_a_generic_plan(admin):
    _publish_three(admin)
    assert [title for title, _ in _found("parcel")] == ["Parcel tracking", "Returns of parcels"]
    prepared = _prepared_here()
    assert prepared
    assert all("ts_rank" in statement for statement, _ in prepared)
    assert all(generic_plans >= 1 for _, generic_plans in prepared)
    # The generic plan is asked for around EXECUTE only.
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone()[0] == "auto"


def test_prepared_and_unprepared_give_the_same_answers(admin, settings):
    _publish_three(admin)
    questions = ["parcel", "parcel back", "gift card year", "tracking codes", "nothing here"]
    prepared = [_found(question) for question in questions]
    settings.SEARCH_PREPARED_STATEMENTS = False
    assert [_found(question) for question in questions] == prepared
    assert any(prepared)


def test_turned_off_it_prepares_nothing(admin, settings):
    settings.SEARCH_PREPARED_STATEMENTS = False
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    pg_prepared._prepared.clear()
    _publish_three(admin)
    assert _found("gift")
    assert _prepared_here() == []


def test_a_connection_holds_only_so_many_statements(admin, monkeypatch):
    monkeypatch.setattr(pg_prepared, "MOST_PREPARED", 1)
    _publish_three(admin)
    # Titles first, then whole articles: two statements, one at a time.
    assert _found("parcel")
    assert len(_prepared_here()) == 1
    assert _found("gift")
    assert len(_prepared_here()) == 1


@pytest.mark.django_db(transaction=True)
def test_a_session_that_lost_its_statements_prepares_them_again(admin):
    _publish_three(admin)
    expected = _found("parcel")
    # What a pooler's reset (or DISCARD ALL) does to the session behind our back.
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    assert _found("parcel") == expected
    assert _prepared_here()


@pytest.mark.django_db(transaction=True)
def test_a_new_connection_starts_without_statements(admin):
    _publish_three(admin)
    expected = _found("parcel")
    connection.close()
    assert _found("parcel") == expected
    assert _prepared_here()
