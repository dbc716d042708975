"""What both private backends offer the public face in `search.queries`.

A backend turns parsed clauses into its database's full-text query, finds the best
matches among the rows a caller may see (the visibility subquery is part of the SQL,
never a filter applied to results afterwards), and finds vocabulary words that look
like a misspelled one.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol

from django.db.models import QuerySet

from concierge.search.analysis import Analyzer
from concierge.search.parsing import Clause

LanguageQuery = tuple[str, list[Clause]]


@dataclass(frozen=True)
class Corpus:
    """One searchable kind of object: its FTS structures and its entry table."""

    fts_table: str
    entry_table: str
    key: str
    # SQLite bm25 column weights, in the FTS table's column order.
    weights: tuple[float, float, float]
    # The first column: the title (or subject), weight A on PostgreSQL.
    title_column: str
    # Whether an entry is only ever searched in its own language (articles are; tickets
    # are searched in every language of the site).
    by_language: bool
    # PostgreSQL: a tsvector of the title alone, with a GIN index of its own (titles
    # are searched first); without one, titles are found by weight A in `document`.
    title_document: str = ""
    # SQLite: an FTS5 table of the title alone (migration 0008), for the same reason;
    # without one, titles are found through the column filter of `fts_table`.
    title_fts_table: str = ""
    # PostgreSQL: a tsvector of the fields that are ranked (a ticket's subject and
    # customer), with a GIN index of its own. Entries that hold the words only in the rest
    # of `document` come after those, newest first, unranked: ranking them would read
    # every matching document whole.
    head_document: str = ""
    # SQLite: the FTS columns that make the head (ranked first, the same way), and their
    # weights (PostgreSQL's for A and B).
    head_columns: tuple[str, ...] = ()
    head_weights: tuple[float, ...] = ()
    # PostgreSQL: the entries carry their ticket's team and assignee (migration 0010), so
    # a `TeamScope` narrows the full-text matches before their rows are read.
    team_columns: bool = False
    # PostgreSQL: its ranking statements are prepared and run with a generic plan
    # (`pg_prepared`). Articles gain: planning was most of a statement's time. Tickets
    # do not: their tiers depend on each value for a good plan.
    generic_plans: bool = False


@dataclass(frozen=True)
class TeamScope:
    """An agent limited to some teams' tickets and the ones assigned to them. It is a
    hint that narrows the matches early; the visibility condition is still checked on
    every result, so a stale hint can hide a ticket but never show one."""

    team_ids: tuple[int, ...]
    assignee_id: int


# How many of the newest entries whose head matches are ranked (at least a page). Subjects
# repeat and tie: an everyday word is in the subject of thousands of tickets (30,000 hold
# "refund" at a million), all of the same rank, and ranking them all visited every one of
# their rows; the newest of a tie are what a page shows anyway. Measured at a million
# tickets on PostgreSQL, each hundred more candidates cost an agent of one team about 50 ms.
HEAD_CANDIDATES = 50

# Up to how many objects a person may see (an agent's open tickets, say) the search
# starts from those objects, testing each; beyond it, from the matches, newest first.
FEW_VISIBLE = 3000

# How many of the best matches are checked for visibility first; every match is checked
# only when too few of those may be seen. Checking is a look-up per row through the
# visibility subquery: for an everyday word's thousands of matches that was most of a
# search's time (20 ms of 33 for "возврат куртки" at 50,000 articles on PostgreSQL).
VISIBILITY_CANDIDATES = 200

ARTICLES = Corpus(
    "search_article_fts",
    "search_articleentry",
    "translation_id",
    (10.0, 1.0, 0.5),
    "title_terms",
    by_language=True,
    title_document="title_document",
    title_fts_table="search_article_title_fts",
    generic_plans=True,
)
TICKETS = Corpus(
    "search_ticket_fts",
    "search_ticketentry",
    "ticket_id",
    (8.0, 0.5, 2.0),
    "subject_terms",
    by_language=False,
    head_document="head_document",
    head_columns=("subject_terms", "customer_terms"),
    head_weights=(1.0, 0.4),
    team_columns=True,
)


class Backend(Protocol):
    def prepare(self, analyzer: Analyzer, words: list[str]) -> str:
        """Entry text for this backend from folded words."""
        ...

    def match(
        self,
        corpus: Corpus,
        queries: list[LanguageQuery],
        *,
        visible: QuerySet,
        require_all: bool,
        limit: int,
        exclude: tuple[int, ...] = (),
        title_only: bool = False,
        scope: TeamScope | None = None,
    ) -> list[tuple[int, float]]:
        """(id, text score) of the best matches among `visible`, best first; higher scores
        are better. The visibility queryset becomes part of the SQL; `scope`, when the
        corpus keeps teams, narrows the matches first."""
        ...

    def similar_words(
        self, *, language: str, word: str, audiences: list[int], limit: int
    ) -> list[tuple[str, int]]:
        """(word, document count) of vocabulary words that share trigrams with `word`."""
        ...

    def word_counts(
        self, *, language: str, words: list[str], audiences: list[int]
    ) -> dict[str, int]:
        """Document count of each of `words` the vocabulary holds (absent words are left
        out): one look-up of the unique index per word, however many words are asked."""
        ...

    def bulk_load(self, corpus: Corpus) -> AbstractContextManager[None]:
        """Around writing every entry of a corpus anew (a full reindex): what makes many
        writes cheap, and leaves the index as fast to search as before afterwards."""
        ...


def compiled(visible: QuerySet, name: str, build: Callable[[], QuerySet]) -> tuple[str, tuple]:
    """The SQL and parameters of a query derived from `visible`, compiled once per
    search: a search asks its backend several times (titles, every word, some words) with
    the same visibility, and compiling the ORM query is much of a short search's time."""
    cache = visible.__dict__.setdefault("_search_compiled", {})
    if name not in cache:
        sql, params = build().query.sql_with_params()
        cache[name] = (sql, tuple(params))
    return cache[name]


def is_unrestricted(visible: QuerySet) -> bool:
    """A queryset of every row (an admin's tickets): no visibility condition is needed."""
    return not visible.query.where
