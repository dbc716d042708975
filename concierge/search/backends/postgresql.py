"""PostgreSQL full text: entries hold folded words and PostgreSQL stems them with the
language's own text search configuration (`concierge_search_config`, migration 0002);
queries go through `to_tsquery` with the same configuration. Languages PostgreSQL has
no configuration for are stemmed in Python and indexed with `simple`, like on SQLite.
Typo tolerance asks pg_trgm for vocabulary words that look alike.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext

from django.db import connection
from django.db.models import QuerySet

from concierge.search.analysis import Analyzer, analyzer_for
from concierge.search.backends.base import Corpus, LanguageQuery, compiled, is_unrestricted
from concierge.search.backends.pg_configs import CONFIG_FUNCTION, PG_CONFIGS
from concierge.search.parsing import Clause


def _has_config(analyzer: Analyzer) -> bool:
    return analyzer.language in PG_CONFIGS


def _lexemes(analyzer: Analyzer, words: list[str], prefix: bool, weight: str = "") -> str:
    """A tsquery phrase of quoted words (tokens are letters and digits only), limited to
    the lexemes of one weight (A: titles) when `weight` is given."""
    terms = words if _has_config(analyzer) else analyzer.stems(words)
    quoted = [f"'{term}'" + (f":{weight}" if weight else "") for term in terms]
    if prefix:
        quoted[-1] = f"'{terms[-1]}':*{weight}"
    return " <-> ".join(quoted)


def _clause_sql(analyzer: Analyzer, clause: Clause, weight: str = "") -> tuple[str, list[object]]:
    config = f"{CONFIG_FUNCTION}(%s)" if _has_config(analyzer) else "'simple'::regconfig"
    config_params: list[object] = [analyzer.language] if _has_config(analyzer) else []
    texts = [_lexemes(analyzer, list(clause.words), clause.prefix, weight)]
    texts.extend(_lexemes(analyzer, [word], False, weight) for word in clause.alternatives)
    texts = list(dict.fromkeys(texts))
    sql = " || ".join(f"to_tsquery({config}, %s)" for _ in texts)
    params: list[object] = []
    for text in texts:
        params.extend([*config_params, text])
    return f"({sql})", params


def query_expression(
    queries: list[LanguageQuery], *, require_all: bool, title_only: bool = False
) -> tuple[str, list[object]]:
    joiner = " && " if require_all else " || "
    parts: list[str] = []
    params: list[object] = []
    for language, clauses in queries:
        if not clauses:
            continue
        analyzer = analyzer_for(language)
        clause_sql = [
            _clause_sql(analyzer, clause, "A" if title_only else "") for clause in clauses
        ]
        parts.append("(" + joiner.join(sql for sql, _ in clause_sql) + ")")
        for _, clause_params in clause_sql:
            params.extend(clause_params)
    return " || ".join(parts), params


def _rank(document: str) -> str:
    # Normalization 32 scales the rank into [0, 1); weights D, C, B, A.
    return f"ts_rank('{{0.05, 0.2, 0.4, 1.0}}', {document}, matched.query, 32)"


# How many of the newest entries whose head matches are ranked (at least a page). Subjects
# repeat and tie: an everyday word is in the subject of thousands of tickets (30,000 hold
# "refund" at a million), all of the same rank, and ranking them all visited every one of
# their rows; the newest of a tie are what a page shows anyway. Measured at a million
# tickets, each hundred more candidates cost an agent of one team about 50 ms.
HEAD_CANDIDATES = 50

# How many of the newest entries the second tier reads one by one (its document tested,
# nothing ranked) before it asks the index for the older matches. An everyday word fills
# a page from the first thousand entries; a rare word or a number (which may match
# nothing) costs at most this many tests, then a look-up of its few matches.
RECENT_WINDOW = 5000

# Up to how many tickets a person may see (an agent's open tickets, say) are simply all
# tested, newest first, for words found only in messages.
FEW_VISIBLE = 3000


def _head_then_newest(
    corpus: Corpus,
    expression: str,
    params: list[object],
    conditions: list[str],
    values: list[object],
    visible: tuple[str, tuple] | None,
    limit: int,
) -> tuple[str, list[object]]:
    """One statement in tiers: entries whose head (a ticket's subject and customer)
    matches, the newest `HEAD_CANDIDATES` of them ranked by the head alone (small, stored
    inline), equal ranks newest first; then entries that match only in the rest of the
    document, newest first and unranked (score 0).

    Message-only matches come, when the person may see `FEW_VISIBLE` tickets or fewer,
    from testing those; otherwise from the `RECENT_WINDOW` newest entries, walked
    backwards by key, then from the GIN index for the older ones. (The planner cannot
    know that a number or a rare word matches nothing: it guesses half a percent of the
    entries, and would walk the key backwards or start from the visible tickets, testing
    every document.) Which of the two runs is decided once, inside the statement.

    A later tier runs only when the earlier ones leave room on the page: Append reads its
    branches in order and LIMIT stops reading once the page is full (no branch can be a
    parallel plan: each ends in its own LIMIT)."""
    head = f"entry.{corpus.head_document}"
    key = f"entry.{corpus.key}"
    table = corpus.entry_table
    matched = f"(SELECT {expression} AS query) AS matched"
    source = f"FROM {table} AS entry, {matched}"
    ranked = " AND ".join([f"{head} @@ matched.query", *conditions])
    # Each copy of the query is planned (and its four languages folded) apart: the
    # rank is computed where the match is, and the older matches' filters sit with them.
    candidates = (
        f"(SELECT {key}, {_rank(head)} AS score {source} WHERE {ranked} "
        f"ORDER BY {key} DESC LIMIT {max(HEAD_CANDIDATES, limit)})"
    )
    only_rest = ["entry.document @@ matched.query", f"NOT {head} @@ matched.query"]
    newest = f"(SELECT * FROM {table} ORDER BY {corpus.key} DESC LIMIT {RECENT_WINDOW})"  # noqa: S608
    window_start = (
        f"(SELECT MIN({corpus.key}) FROM (SELECT {corpus.key} FROM {table} "  # noqa: S608
        f"ORDER BY {corpus.key} DESC LIMIT {RECENT_WINDOW}) AS newest)"
    )
    # The older matches come from the GIN index alone: the subquery is planned apart
    # (OFFSET 0 keeps it so).
    found = (
        f"(SELECT {key} {source} WHERE entry.document @@ matched.query "
        f"AND NOT {head} @@ matched.query OFFSET 0)"
    )
    older = [f"{key} < {window_start}"]
    guard, guard_params = "", []
    if visible is not None:
        # Evaluated once (an InitPlan): a one-time filter switches the branches.
        counted = (
            f"(SELECT COUNT(*) FROM (SELECT 1 FROM ({visible[0]}) AS visible "  # noqa: S608
            f"LIMIT {FEW_VISIBLE + 1}) AS counted)"
        )
        guard, guard_params = f"{counted} <= {FEW_VISIBLE}", list(visible[1])
    many = f"NOT {guard}" if guard else ""
    few_tier = ""
    few_params: list[object] = []
    if guard:
        few_tier = (
            f"(SELECT {key}, 0.0 {source} WHERE {' AND '.join([*only_rest, *conditions, guard])} "
            f"ORDER BY {key} DESC LIMIT %s) UNION ALL "
        )
        few_params = [*params, *values, *guard_params, limit]
    recent = " AND ".join([*only_rest, *conditions, *([many] if many else [])])
    older_where = " AND ".join([*older, *conditions, *([many] if many else [])])
    many_params = guard_params if many else []
    # Table and column names are constants; every value is a parameter.
    sql = (
        f"(SELECT {key}, score FROM {candidates} AS entry "  # noqa: S608
        f"ORDER BY score DESC, {key} DESC LIMIT %s) UNION ALL {few_tier}"
        f"(SELECT {key}, 0.0 FROM {newest} AS entry, {matched} WHERE {recent} "
        f"ORDER BY {key} DESC LIMIT %s) "
        f"UNION ALL (SELECT {key}, 0.0 FROM {found} AS entry "
        f"WHERE {older_where} ORDER BY {key} DESC LIMIT %s) LIMIT %s"
    )
    return sql, [
        *params,
        *values,
        limit,
        *few_params,
        *params,
        *values,
        *many_params,
        limit,
        *params,
        *values,
        *many_params,
        limit,
        limit,
    ]


class PostgreSQLBackend:
    vendor = "postgresql"

    def bulk_load(self, corpus: Corpus) -> AbstractContextManager[None]:
        return nullcontext()  # GIN indexes take many rows as they take one

    def prepare(self, analyzer: Analyzer, words: list[str]) -> str:
        return " ".join(words if _has_config(analyzer) else analyzer.stems(words))

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
        # A title of its own, when the corpus has one, is searched through its own index;
        # otherwise titles are the lexemes of weight A in the whole document.
        own_title = title_only and bool(corpus.title_document)
        expression, params = query_expression(
            queries, require_all=require_all, title_only=title_only and not own_title
        )
        if not expression:
            return []
        document = f"entry.{corpus.title_document}" if own_title else "entry.document"
        conditions: list[str] = []
        values: list[object] = []
        if corpus.by_language:
            # Only the rows of the languages searched have their tsvector read at all.
            conditions.append("entry.language = ANY(%s)")
            values.append([language for language, _ in queries])
        if not is_unrestricted(visible):
            visible_sql, visible_params = compiled(
                visible, "postgresql", lambda: visible.values("pk")
            )
            conditions.append(f"entry.{corpus.key} IN ({visible_sql})")
            values.extend(visible_params)
        if exclude:
            conditions.append(f"entry.{corpus.key} <> ALL(%s)")
            values.append(list(exclude))
        if corpus.head_document and not title_only:
            restricted = (
                None
                if is_unrestricted(visible)
                else compiled(visible, "postgresql", lambda: visible.values("pk"))
            )
            sql, values = _head_then_newest(
                corpus, expression, params, conditions, values, restricted, limit
            )
        else:
            where = " AND ".join([f"{document} @@ matched.query", *conditions])
            # Table and column names are constants; every value is a parameter.
            sql = (
                f"SELECT entry.{corpus.key}, {_rank(document)} AS score "  # noqa: S608
                f"FROM {corpus.entry_table} AS entry, (SELECT {expression} AS query) AS matched "
                f"WHERE {where} ORDER BY score DESC, entry.{corpus.key} LIMIT %s"
            )
            values = [*params, *values, limit]
        with connection.cursor() as cursor:
            cursor.execute(sql, values)
            return [(row[0], float(row[1])) for row in cursor.fetchall()]

    def similar_words(
        self, *, language: str, word: str, audiences: list[int], limit: int
    ) -> list[tuple[str, int]]:
        sql = (
            "SELECT word, SUM(document_count) FROM search_term "
            "WHERE language = %s AND audience = ANY(%s) AND word %% %s "
            "GROUP BY word ORDER BY MAX(similarity(word, %s)) DESC LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [language, audiences, word, word, limit])
            return [(row[0], int(row[1])) for row in cursor.fetchall()]
