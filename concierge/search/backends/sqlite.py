"""SQLite FTS5: entries hold Snowball stems made in Python; queries are stemmed the same way.

The FTS5 tables use external content (the entry tables) and are kept in step by triggers
(migration 0002), so writing an entry through the ORM is all indexing takes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from concierge.search.analysis import Analyzer, analyzer_for
from concierge.search.backends.base import Corpus, LanguageQuery, compiled, is_unrestricted
from concierge.search.parsing import Clause

# How many of the best matches are checked for visibility first; all of them are checked
# only when too few of those may be seen (or there are that few).
CANDIDATES = 200


def _quoted(terms: list[str], prefix: bool) -> str:
    body = " ".join(term.replace('"', '""') for term in terms)
    return f'"{body}"' + ("*" if prefix else "")


def _clause_match(analyzer: Analyzer, clause: Clause) -> str:
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
def _fts_bulk_load(fts_table: str) -> Iterator[None]:
    """Write many entries with FTS5's incremental merging off, then switch it back on.

    Merging as it goes, FTS5 rewrites its large segments again and again: at 800,000
    tickets adding one took 12 ms, against 0.4 ms without. Meanwhile FTS5 still merges
    a level that reaches 16 segments ('crisismerge'), so searches stay quick; the later
    writes merge the rest bit by bit. (One 'optimize' at the end would leave a single
    segment, but took longer than the whole load at a million tickets.)
    """
    # The table name is a constant of a Corpus, never input.
    command = f"INSERT INTO {fts_table}({fts_table}, rank) VALUES (%s, %s)"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(command, ["automerge", 0])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(command, ["automerge", AUTOMERGE])


class SQLiteBackend:
    vendor = "sqlite"

    def bulk_load(self, corpus: Corpus) -> AbstractContextManager[None]:
        return _fts_bulk_load(corpus.fts_table)

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
    ) -> list[tuple[int, float]]:
        expression = match_expression(
            queries,
            require_all=require_all,
            title_column=corpus.title_column if title_only else "",
        )
        if not expression:
            return []
        weights = ", ".join(str(weight) for weight in corpus.weights)
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
        found, matched = self._run(corpus, weights, expression, where, params, limit, CANDIDATES)
        if len(found) < limit and matched >= CANDIDATES:
            found, _ = self._run(corpus, weights, expression, where, params, limit, None)
        return found

    def _run(
        self,
        corpus: Corpus,
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
            f"bm25({corpus.fts_table}, {weights}) AS score FROM {corpus.fts_table} "
            f"WHERE {corpus.fts_table} MATCH %s{top}), "
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
        # Table and column names are constants; every value is a parameter.
        sql = (
            "SELECT term.word, SUM(term.document_count) FROM search_term AS term "  # noqa: S608
            "WHERE term.id IN (SELECT rowid FROM search_term_trigrams "
            "WHERE search_term_trigrams MATCH %s ORDER BY rank LIMIT 400) "
            f"AND term.language = %s AND term.audience IN ({marks}) "
            "GROUP BY term.word LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [expression, language, *audiences, limit])
            return [(row[0], int(row[1])) for row in cursor.fetchall()]
