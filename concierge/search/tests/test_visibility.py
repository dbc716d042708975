"""Visibility is part of the search query: nobody finds what they may not read."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from concierge.helpcenter.services import article_update_settings
from concierge.helpcenter.testing import publish
from concierge.people.models import OrganizationMembership
from concierge.search.queries import search_articles, suggest

pytestmark = pytest.mark.django_db


def found(user, query):
    return [hit.translation.title for hit in search_articles(user, query, language="en").hits]


@pytest.fixture
def shelves(admin, acme, globex):
    publish(admin, "Public warranty", "Warranty for everyone.")
    publish(admin, "Customer warranty", "Warranty for customers.", visibility="signed_in")
    publish(admin, "Internal warranty", "Warranty procedure.", visibility="internal")
    publish(
        admin,
        "Acme warranty",
        "Warranty for Acme.",
        visibility="organizations",
        organizations=[acme],
    )
    publish(
        admin,
        "Globex warranty",
        "Warranty for Globex.",
        visibility="organizations",
        organizations=[globex],
    )


def test_an_anonymous_reader_finds_only_public_articles(shelves):
    assert found(AnonymousUser(), "warranty") == ["Public warranty"]


def test_an_internal_article_never_reaches_a_customer(shelves, customer, acme):
    OrganizationMembership.objects.create(customer=customer, organization=acme)
    titles = found(customer.user, "warranty procedure")
    assert "Internal warranty" not in titles
    assert sorted(found(customer.user, "warranty")) == [
        "Acme warranty",
        "Customer warranty",
        "Public warranty",
    ]


def test_an_organizations_article_never_reaches_another_organization(
    shelves, customer, other_customer, acme, globex
):
    OrganizationMembership.objects.create(customer=customer, organization=acme)
    OrganizationMembership.objects.create(customer=other_customer, organization=globex)
    assert "Globex warranty" not in found(customer.user, "globex")
    assert "Acme warranty" not in found(other_customer.user, "acme")
    assert found(other_customer.user, "globex") == ["Globex warranty"]


def test_agents_find_internal_articles(shelves, agent):
    assert "Internal warranty" in found(agent, "procedure")


def test_completions_never_offer_words_of_articles_one_may_not_read(shelves, customer):
    assert "procedure" not in suggest(customer.user, "proc", language="en").completions
    assert "procedure" not in suggest(AnonymousUser(), "proc", language="en").completions
    assert suggest(AnonymousUser(), "warr", language="en").completions == ["warranty"]


def test_a_spelling_fix_never_comes_from_words_one_may_not_read(shelves):
    results = search_articles(AnonymousUser(), "procedur", language="en")
    assert results.corrections == {}
    assert results.hits == []


def test_making_an_article_internal_takes_it_out_of_customers_results(admin, customer):
    translation = publish(admin, "Price list", "Our prices.")
    assert found(customer.user, "prices") == ["Price list"]
    article = translation.article
    article_update_settings(
        actor=admin,
        article=article,
        section=article.section,
        visibility="internal",
        organizations=[],
        owner=article.owner,
        related=[],
    )
    assert found(customer.user, "prices") == []
    assert suggest(customer.user, "pric", language="en").completions == []


@pytest.mark.parametrize("candidates", [1, 2, 200])
def test_hidden_articles_ranked_best_never_crowd_out_the_visible_ones(
    admin, monkeypatch, candidates
):
    """Visibility is checked on the best few matches first: when every one of those is
    hidden, every match is checked, and the reader still gets all they may read."""
    from concierge.search.backends import postgresql, sqlite

    monkeypatch.setattr(postgresql, "VISIBILITY_CANDIDATES", candidates)
    monkeypatch.setattr(sqlite, "VISIBILITY_CANDIDATES", candidates)
    # Hidden ones hold the word in their titles, so they rank above the public ones.
    for number in range(3):
        publish(admin, f"Voucher rules {number}", "Vouchers.", visibility="internal")
    publish(admin, "Gift cards", "A voucher can be spent online.")
    publish(admin, "Shop credit", "Credit works like a voucher in our shops.")
    assert sorted(found(AnonymousUser(), "voucher")) == ["Gift cards", "Shop credit"]
    assert len(found(admin, "voucher")) == 5


def test_spelling_help_asks_the_vocabulary_twice_however_many_words_are_mistyped(
    admin, django_assert_max_num_queries
):
    """Whether the words are known, then every spelling one edit away from the unknown
    ones at once: not a look-up per mistyped word."""
    from concierge.search.models import Audience
    from concierge.search.spelling import corrections

    publish(admin, "Parcel tracking", "Track the parcel, then call the courier.")
    with django_assert_max_num_queries(2):
        fixes = corrections("en", {"parcle", "trakc", "courer"}, [Audience.EVERYONE])
    assert fixes == {"courer": ["courier"], "parcle": ["parcel"], "trakc": ["track"]}


def test_the_best_visible_matches_come_back_in_order_when_hidden_ones_rank_between(admin):
    """Candidates are checked for visibility best first, and only until the page is full:
    what comes back must still be the best of what the reader may see, in order."""
    from concierge.helpcenter.queries import translations_visible_to
    from concierge.search.analysis import analyzer_for
    from concierge.search.backends import ARTICLES, current_backend
    from concierge.search.parsing import parse_query

    for times in range(6, 0, -1):
        filler = " ".join(["Paper."] * (6 - times))
        publish(
            admin,
            f"Article {times}",
            " ".join(["Voucher."] * times) + " " + filler,
            visibility="internal" if times % 2 == 0 else "public",
        )
    queries = [("en", parse_query("voucher", analyzer_for("en")))]
    backend = current_backend()
    every = backend.match(
        ARTICLES, queries, visible=translations_visible_to(admin), require_all=True, limit=10
    )
    readable = set(translations_visible_to(AnonymousUser()).values_list("pk", flat=True))
    assert len(every) == 6
    best_readable = [pk for pk, _ in every if pk in readable]
    assert len(best_readable) == 3
    for limit in (1, 2, 3):
        shown = backend.match(
            ARTICLES,
            queries,
            visible=translations_visible_to(AnonymousUser()).filter(language__in=["en"]),
            require_all=True,
            limit=limit,
        )
        assert [pk for pk, _ in shown] == best_readable[:limit]
