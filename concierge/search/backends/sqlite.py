"""SQLite FTS5: entries hold Snowball stems made in Python; queries are stemmed the same way.

The FTS5 tables use external content (the entry tables) and are kept in step by triggers
(migration 0002), so writing an entry through the ORM is all indexing takes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from concierge.search.analysis import Analyzer, analyzer_for
from concierge.search.backends.base import (
    FEW_VISIBLE,
    HEAD_CANDIDATES,
    VISIBILITY_CANDIDATES,
    Corpus,
    LanguageQuery,
    TeamScope,
    compiled,
    is_unrestricted,
)
from concierge.search.parsing import Clause, sought_stems, typed_forms


def _quoted(terms: list[str], prefix: bool) -> str:
    body = " ".join(term.replace('"', '""') for term in terms)
    return f'"{body}"' + ("*" if prefix else "")


def _clause_match(analyzer: Analyzer, clause: Clause) -> str:
    exact, start = typed_forms(analyzer, clause)
    if exact:
        options = [_quoted([exact], False), _quoted([start], True)]
    else:
        options = [_quoted(analyzer.stems(list(clause.words)), clause.prefix)]
    options.extend(_quoted([analyzer.stem(word)], False) for word in clause.alternatives)
    unique = list(dict.fromkeys(options))
    return unique[0] if len(unique) == 1 else "(" + " OR ".join(unique) + ")"


def match_expression(
    queries: list[LanguageQuery], *, require_all: bool, title_column: str = ""
) -> str:
    joiner = " AND " if require_all else " OR "
    per_language = []
    for language, clauses in queries:
        if not clauses:
            continue
        analyzer = analyzer_for(language)
        parts = [_clause_match(analyzer, clause) for clause in clauses]
        per_language.append("(" + joiner.join(parts) + ")")
    expression = " OR ".join(dict.fromkeys(per_language))
    if title_column and expression:
        # FTS5's column filter: the match must be found in that column.
        return f"{title_column} : ({expression})"
    return expression


# FTS5's own default: merge four segments of a level into one as they come.
AUTOMERGE = 4


@contextmanager
def _fts_bulk_load(*fts_tables: str) -> Iterator[None]:
    """Write many entries with FTS5's incremental merging off, then switch it back on.

    Merging as it goes, FTS5 rewrites its large segments again and again: at 800,000
    tickets adding one took 12 ms, against 0.4 ms without. Meanwhile FTS5 still merges
    a level that reaches 16 segments ('crisismerge'), so searches stay quick; the later
    writes merge the rest bit by bit. (One 'optimize' at the end would leave a single
    segment, but took longer than the whole load at a million tickets.)
    """
    # The table names are constants of a Corpus, never input.
    commands = [
        f"INSERT INTO {table}({table}, rank) VALUES (%s, %s)"  # noqa: S608
        for table in fts_tables
    ]
    with connection.cursor() as cursor:
        for command in commands:
            cursor.execute(command, ["automerge", 0])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for command in commands:
                cursor.execute(command, ["automerge", AUTOMERGE])


@dataclass(frozen=True)
class _QueryTerms:
    """The stems a query looks for, in every language it was folded in."""

    stems: frozenset[str]
    prefixes: tuple[str, ...]

    @classmethod
    def of(cls, queries: list[LanguageQuery]) -> _QueryTerms:
        stems: set[str] = set()
        prefixes: list[str] = []
        for language, clauses in queries:
            found, starts = sought_stems(analyzer_for(language), clauses)
            stems.update(found)
            prefixes.extend(starts)
        return cls(frozenset(stems), tuple(prefixes))


def head_rank(terms: _QueryTerms, texts: tuple[str, ...], weights: tuple[float, ...]) -> float:
    """How well a few short fields match, like PostgreSQL's `ts_rank` with weights and
    normalization 32: each matching word counts its field's weight, and the sum is
    scaled into [0, 1). It needs nothing but the fields themselves."""
    rank = 0.0
    for text, weight in zip(texts, weights, strict=True):
        for token in (text or "").split():
            if token in terms.stems or (terms.prefixes and token.startswith(terms.prefixes)):
                rank += weight
    return rank / (rank + 1)


class SQLiteBackend:
    vendor = "sqlite"

    def bulk_load(self, corpus: Corpus) -> AbstractContextManager[None]:
        return _fts_bulk_load(*filter(None, (corpus.fts_table, corpus.title_fts_table)))

    def prepare(self, analyzer: Analyzer, words: list[str]) -> str:
        return " ".join(analyzer.stems(words))

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
        # The entries keep no team here (`scope` is a hint for PostgreSQL): FTS5 walks
        # the matches newest first and stops at the page.
        # A title of its own, when the corpus has one, is searched in its own table (and
        # ranked by the title alone, as on PostgreSQL); otherwise titles are found by the
        # column filter, which still reads every entry's postings of each word.
        own_title = title_only and bool(corpus.title_fts_table)
        expression = match_expression(
            queries,
            require_all=require_all,
            title_column=corpus.title_column if title_only and not own_title else "",
        )
        if not expression:
            return []
        if corpus.head_columns and not title_only:
            return self._head_then_newest(corpus, queries, expression, visible, limit, exclude)

        table = corpus.title_fts_table if own_title else corpus.fts_table
        weights = ", ".join(str(weight) for weight in corpus.weights[: 1 if own_title else None])
        conditions, params = [], []
        if not is_unrestricted(visible):
            # Checked row by row through the primary key: with a plain `rowid IN (...)`
            # SQLite hands each visible id to FTS5 and runs the MATCH once per id.
            own_sql, own_params = compiled(
                visible, "sqlite", lambda: visible.filter(pk=RawSQL("matched.id", ())).values("pk")
            )
            conditions.append(f"EXISTS ({own_sql})")
            params.extend(own_params)
        if exclude:
            conditions.append(f"matched.id NOT IN ({', '.join('%s' for _ in exclude)})")
            params.extend(exclude)
        where = f"WHERE {' AND '.join(conditions)} " if conditions else ""
        # Visibility is checked on the best candidates first; only when too few of them
        # may be seen is every match checked.
        found, matched = self._run(
            table, weights, expression, where, params, limit, VISIBILITY_CANDIDATES
        )
        if len(found) < limit and matched >= VISIBILITY_CANDIDATES:
            found, _ = self._run(table, weights, expression, where, params, limit, None)
        return found

    def _head_then_newest(
        self,
        corpus: Corpus,
        queries: list[LanguageQuery],
        expression: str,
        visible: QuerySet,
        limit: int,
        exclude: tuple[int, ...],
    ) -> list[tuple[int, float]]:
        """The PostgreSQL backend's tiers, the FTS5 way: the newest `HEAD_CANDIDATES`
        entries whose head (a ticket's subject and customer) matches, ranked by the head
        alone (`head_rank`); then entries that match only in the rest, newest first,
        unranked (score 0).

        FTS5 walks a match newest first by itself and stops at the LIMIT, so neither tier
        looks at every match: ranking them all (an everyday word is in 100,000 tickets at
        a million) is what made a search slow. bm25 is not used for the same reason: it
        counts every entry that holds each word of the query before it scores one (120 ms
        for "CN-821224 siparişinin", against 3.5 ms to find the candidates). A person who
        may see `FEW_VISIBLE` objects or fewer has the matches checked against those ids."""
        fts = corpus.fts_table
        head = f"{{{' '.join(corpus.head_columns)}}} : ({expression})"
        conditions: list[str] = []
        params: list[object] = []
        if not is_unrestricted(visible):
            few_sql, few_params = compiled(visible, "sqlite_pk", lambda: visible.values("pk"))
            if self._count_up_to(few_sql, few_params, FEW_VISIBLE + 1) <= FEW_VISIBLE:
                # Read once into a temporary index that each match is looked up in. (The
                # unary + keeps the list from FTS5: given the ids, it would run the whole
                # MATCH again for each one, seconds for an agent's open tickets.)
                conditions.append(f"+{fts}.rowid IN ({few_sql})")
                params.extend(few_params)
            else:
                own_sql, own_params = compiled(
                    visible,
                    "sqlite_exists",
                    # The table name is a constant of a Corpus, never input.
                    lambda: visible.filter(pk=RawSQL(f"{fts}.rowid", ())).values("pk"),  # noqa: S611
                )
                conditions.append(f"EXISTS ({own_sql})")
                params.extend(own_params)
        if exclude:
            conditions.append(f"{fts}.rowid NOT IN ({', '.join('%s' for _ in exclude)})")
            params.extend(exclude)
        where = "".join(f" AND {condition}" for condition in conditions)
        columns = ", ".join(f"{fts}.{column}" for column in corpus.head_columns)
        # Table and column names are constants; every value is a parameter.
        candidates = (
            f"SELECT {fts}.rowid, {columns} FROM {fts} WHERE {fts} MATCH %s{where} "  # noqa: S608
            f"ORDER BY {fts}.rowid DESC LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(candidates, [head, *params, max(HEAD_CANDIDATES, limit)])
            terms = _QueryTerms.of(queries)
            scored = [
                (row[0], head_rank(terms, row[1:], corpus.head_weights))
                for row in cursor.fetchall()
            ]
            found = sorted(scored, key=lambda pair: (-pair[1], -pair[0]))[:limit]
            if len(found) >= limit:
                return found
            rest = (
                f"SELECT {fts}.rowid FROM {fts} WHERE {fts} MATCH %s{where} "  # noqa: S608
                f"ORDER BY {fts}.rowid DESC LIMIT %s"
            )
            cursor.execute(rest, [f"({expression}) NOT ({head})", *params, limit - len(found)])
            found.extend((row[0], 0.0) for row in cursor.fetchall())
        return found

    @staticmethod
    def _count_up_to(sql: str, params: tuple, most: int) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({sql} LIMIT {int(most)})", params)  # noqa: S608
            return cursor.fetchone()[0]

    def _run(
        self,
        table: str,
        weights: str,
        expression: str,
        where: str,
        params: list[object],
        limit: int,
        candidates: int | None,
    ) -> tuple[list[tuple[int, float]], int]:
        """The visible best matches, and how many matches were looked at."""
        top = f" ORDER BY score LIMIT {int(candidates)}" if candidates else ""
        # Table and column names are constants; every value is a parameter. The CTE is
        # materialized so that the MATCH runs once.
        sql = (
            "WITH matched AS MATERIALIZED (SELECT rowid AS id, "  # noqa: S608
            f"bm25({table}, {weights}) AS score FROM {table} "
            f"WHERE {table} MATCH %s{top}), "
            f"shown AS (SELECT matched.id, matched.score FROM matched {where}"
            "ORDER BY matched.score, matched.id LIMIT %s) "
            # One row at least, so the count comes back even when nothing may be seen.
            "SELECT total.n, shown.id, -shown.score FROM (SELECT count(*) AS n FROM matched) "
            "AS total LEFT JOIN shown ON 1 ORDER BY shown.score, shown.id"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [expression, *params, limit])
            rows = cursor.fetchall()
        found = [(row[1], float(row[2])) for row in rows if row[1] is not None]
        return found, rows[0][0] if rows else 0

    def similar_words(
        self, *, language: str, word: str, audiences: list[int], limit: int
    ) -> list[tuple[str, int]]:
        # FTS5's trigram tokenizer matches substrings of three characters or more.
        grams = {word[i : i + 3] for i in range(len(word) - 2)}
        if not grams:
            return []
        expression = " OR ".join(f'"{gram}"' for gram in sorted(grams) if '"' not in gram)
        marks = ", ".join("%s" for _ in audiences)
        # The look-alikes are read first and each is fetched by its key; the unary +
        # keeps SQLite from walking the language's whole vocabulary through the unique
        # index instead, testing every word against the list (5 to 7 ms a word, against
        # 0.5 to 2).
        sql = (
            "SELECT term.word, SUM(term.document_count) FROM (SELECT rowid AS id "  # noqa: S608
            "FROM search_term_trigrams WHERE search_term_trigrams MATCH %s "
            "ORDER BY rank LIMIT 400) AS alike JOIN search_term AS term ON term.id = alike.id "
            f"WHERE +term.language = %s AND term.audience IN ({marks}) "
            "GROUP BY term.word LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [expression, language, *audiences, limit])
            return [(row[0], int(row[1])) for row in cursor.fetchall()]

    def word_counts(
        self, *, language: str, words: list[str], audiences: list[int]
    ) -> dict[str, int]:
        if not words:
            return {}
        # The words travel as one JSON array, and SQLite looks each up through the
        # unique index: as an ORM IN list, preparing the several hundred spellings one
        # edit away from a word took three times as long as the look-ups.
        marks = ", ".join("%s" for _ in audiences)
        sql = (
            "SELECT word, SUM(document_count) FROM search_term "  # noqa: S608
            f"WHERE language = %s AND audience IN ({marks}) "
            "AND word IN (SELECT value FROM json_each(%s)) GROUP BY word"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [language, *audiences, json.dumps(sorted(set(words)))])
            return {word: int(total) for word, total in cursor.fetchall()}
