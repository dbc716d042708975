"""PostgreSQL full text: entries hold folded words and PostgreSQL stems them with the
language's own text search configuration (`concierge_search_config`, migration 0002);
queries go through `to_tsquery` with the same configuration. Languages PostgreSQL has
no configuration for are stemmed in Python and indexed with `simple`, like on SQLite.
Typo tolerance asks pg_trgm for vocabulary words that look alike.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from contextlib import AbstractContextManager, nullcontext

from django.db import connection
from django.db.models import QuerySet

from concierge.search.analysis import Analyzer, analyzer_for
from concierge.search.backends import pg_prepared
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
from concierge.search.backends.pg_configs import CONFIG_FUNCTION, PG_CONFIGS
from concierge.search.parsing import Clause, typed_forms


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


def _clause_texts(
    analyzer: Analyzer, clause: Clause, config: str, weight: str = ""
) -> list[tuple[str, str]]:
    """The `to_tsquery` inputs of a clause, each with the configuration that folds it:
    its words, then each spelling alternative."""
    exact, start = typed_forms(analyzer, clause)
    if exact:
        # The word as a whole, stemmed; or the start of a longer stem, exactly as typed
        # (`simple` leaves it alone, where the language's own stemmer would cut it down).
        texts = [
            (config, _lexemes(analyzer, [clause.word], False, weight)),
            ("", f"'{start}':*{weight}"),
        ]
    else:
        texts = [(config, _lexemes(analyzer, list(clause.words), clause.prefix, weight))]
    texts.extend(
        (config, _lexemes(analyzer, [word], False, weight)) for word in clause.alternatives
    )
    return list(dict.fromkeys(texts))


# The `to_tsquery` output of each (configuration language, input) asked for lately. The
# same words come back in search after search, and a statement that called `to_tsquery`
# itself spent far longer being planned than run: 7 ms against 0.2 ms for a six-word
# question, and an article search runs up to four such statements. What a configuration
# makes of a word changes only when its dictionaries do (a server upgrade), which also
# restarts the processes that hold this.
FOLDED_CACHE_SIZE = 20_000
_folded_cache: OrderedDict[tuple[str, str], str] = OrderedDict()


def _fold(wanted: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """tsquery text of each (language, input): the language's own configuration, or
    `simple` for "" (words stemmed in Python); one round trip for what is not cached."""
    found = {}
    for item in wanted:
        if item in _folded_cache:
            _folded_cache.move_to_end(item)
            found[item] = _folded_cache[item]
    missing = [item for item in dict.fromkeys(wanted) if item not in found]
    if missing:
        # The function's name is a constant; the languages and texts are parameters.
        sql = (
            f"SELECT to_tsquery(CASE WHEN asked.language = '' THEN 'simple'::regconfig "  # noqa: S608
            f"ELSE {CONFIG_FUNCTION}(asked.language) END, asked.text)::text "
            "FROM unnest(%s::text[], %s::text[]) WITH ORDINALITY AS asked(language, text, n) "
            "ORDER BY asked.n"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [[item[0] for item in missing], [item[1] for item in missing]])
            for item, (text,) in zip(missing, cursor.fetchall(), strict=True):
                found[item] = _folded_cache[item] = text
        while len(_folded_cache) > FOLDED_CACHE_SIZE:
            _folded_cache.popitem(last=False)
    return found


def _joined(parts: list[str], operator: str) -> str:
    """tsquery text of `parts` joined like PostgreSQL's && and || operators join
    tsqueries: an empty part (only stop words) is left out."""
    kept = [part for part in parts if part]
    return kept[0] if len(kept) == 1 else f" {operator} ".join(f"({part})" for part in kept)


def query_expression(
    queries: list[LanguageQuery], *, require_all: bool, title_only: bool = False
) -> str:
    """The query as tsquery text, stemmed by each language's configuration ("" when
    every word is a stop word); `title_only` limits it to the lexemes of weight A."""
    weight = "A" if title_only else ""
    per_language: list[list[list[tuple[str, str]]]] = []
    for language, clauses in queries:
        analyzer = analyzer_for(language)
        config = analyzer.language if _has_config(analyzer) else ""
        per_language.append([_clause_texts(analyzer, clause, config, weight) for clause in clauses])
    folded = _fold([item for clauses in per_language for clause in clauses for item in clause])
    operator = "&" if require_all else "|"
    return _joined(
        [
            _joined(
                [_joined([folded[item] for item in clause], "|") for clause in clauses],
                operator,
            )
            for clauses in per_language
        ],
        "|",
    )


def _rank(document: str) -> str:
    # Normalization 32 scales the rank into [0, 1); weights D, C, B, A.
    return f"ts_rank('{{0.05, 0.2, 0.4, 1.0}}', {document}, matched.query, 32)"


# How many of the newest entries the second tier reads one by one (its document tested,
# nothing ranked) before it asks the index for the older matches. An everyday word fills
# a page from the first thousand entries; a rare word or a number (which may match
# nothing) costs at most this many tests, then a look-up of its few matches.
RECENT_WINDOW = 5000


def _estimated_rows(visible: tuple[str, tuple]) -> float:
    """How many rows the planner expects `visible` to return: enough to tell an agent's
    few open tickets from a team's many, at the cost of planning the query. (Counting
    them, even up to a limit, read 50,000 rows of the ticket table for an agent of one
    team: 15 ms.)"""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {visible[0]}", visible[1])
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):  # psycopg hands the JSON back decoded, other drivers not
        plan = json.loads(plan)
    return float(plan[0]["Plan"]["Plan Rows"])


def _head_then_newest(
    corpus: Corpus,
    query: str,
    conditions: list[str],
    values: list[object],
    limit: int,
    narrowing: tuple[str, list[object]] | None = None,
) -> tuple[str, list[object]]:
    """One statement in tiers: entries whose head (a ticket's subject and customer)
    matches, the newest `HEAD_CANDIDATES` of them ranked by the head alone (small, stored
    inline), equal ranks newest first; then entries that match only in the rest of the
    document, newest first and unranked (score 0): first among the `RECENT_WINDOW`
    newest entries, walked backwards by key, then from the GIN index for the older
    ones. (The planner cannot know that a number or a rare word matches nothing: it
    guesses half a percent of the entries, and would walk the key backwards through
    every document.)

    A later tier runs only when the earlier ones leave room on the page: Append reads its
    branches in order and LIMIT stops reading once the page is full (no branch can be a
    parallel plan: each ends in its own LIMIT).

    `narrowing` is a condition on the entry's own columns (and its values), which the
    GIN tier applies with the match itself, before any row is read."""
    head = f"entry.{corpus.head_document}"
    key = f"entry.{corpus.key}"
    table = corpus.entry_table
    matched = "(SELECT %s::tsquery AS query) AS matched"
    source = f"FROM {table} AS entry, {matched}"
    window = (
        f"(SELECT {corpus.key} AS pk FROM {table} "  # noqa: S608
        f"ORDER BY {corpus.key} DESC LIMIT {RECENT_WINDOW})"
    )
    window_start = f"(SELECT MIN(pk) FROM {window} AS newest)"  # noqa: S608
    older = " AND ".join([f"{key} < {window_start}", *conditions])
    outer_values = values
    narrowed, narrowing_values = narrowing or ("", [])
    if narrowed:
        conditions = [*conditions, narrowed]
        values = [*values, *narrowing_values]
    # Head matches are left to the planner: walking the newest entries first for them
    # was tried, and made an admin's p95 worse at a million tickets (92 -> 152 ms).
    in_head = f"{head} @@ matched.query"
    only_rest = f"entry.document @@ matched.query AND NOT {in_head}"
    candidates = (
        f"(SELECT {key}, {_rank(head)} AS score {source} "
        f"WHERE {' AND '.join([in_head, *conditions])} "
        f"ORDER BY {key} DESC LIMIT {max(HEAD_CANDIDATES, limit)})"
    )
    # The older matches come from the GIN index alone: the subquery is planned apart
    # (OFFSET 0 keeps it so).
    found_where = " AND ".join(filter(None, [only_rest, narrowed]))
    found = f"(SELECT {key} {source} WHERE {found_where} OFFSET 0)"
    recent = " AND ".join([only_rest, *conditions])
    # Table and column names are constants; every value is a parameter.
    sql = (
        f"(SELECT {key}, score FROM {candidates} AS entry "  # noqa: S608
        f"ORDER BY score DESC, {key} DESC LIMIT %s) "
        f"UNION ALL (SELECT {key}, 0.0 FROM {window} AS newest "
        f"JOIN {table} AS entry ON {key} = newest.pk, {matched} WHERE {recent} "
        f"ORDER BY {key} DESC LIMIT %s) "
        f"UNION ALL (SELECT {key}, 0.0 FROM {found} AS entry "
        f"WHERE {older} ORDER BY {key} DESC LIMIT %s) LIMIT %s"
    )
    return sql, [
        *[query, *values, limit],
        *[query, *values, limit],
        *[query, *narrowing_values, *outer_values, limit],
        limit,
    ]


def _few_visible_tiers(
    corpus: Corpus,
    query: str,
    visible: tuple[str, tuple],
    conditions: list[str],
    values: list[object],
    limit: int,
) -> tuple[str, list[object]]:
    """The same tiers for a person who may see `FEW_VISIBLE` objects or fewer (an
    agent's open tickets, say): the visible ids are read first and each is tested. Left
    to itself, the planner walks the whole key backwards looking for the newest visible
    matches, since it cannot know how rare they are (half a second at a million)."""
    head = f"entry.{corpus.head_document}"
    key = f"entry.{corpus.key}"
    source = (
        f"FROM visible JOIN {corpus.entry_table} AS entry ON {key} = visible.pk, "
        "(SELECT %s::tsquery AS query) AS matched"
    )
    ranked = " AND ".join([f"{head} @@ matched.query", *conditions])
    rest = " AND ".join(
        ["entry.document @@ matched.query", f"NOT {head} @@ matched.query", *conditions]
    )
    # Table and column names are constants; every value is a parameter.
    sql = (
        f"WITH visible(pk) AS MATERIALIZED ({visible[0]}) "  # noqa: S608
        f"(SELECT {key}, score FROM (SELECT {key}, {_rank(head)} AS score {source} "
        f"WHERE {ranked} ORDER BY {key} DESC LIMIT {max(HEAD_CANDIDATES, limit)}) AS entry "
        f"ORDER BY score DESC, {key} DESC LIMIT %s) "
        f"UNION ALL (SELECT {key}, 0.0 {source} WHERE {rest} ORDER BY {key} DESC LIMIT %s) "
        "LIMIT %s"
    )
    return sql, [*visible[1], query, *values, limit, query, *values, limit, limit]


def _ranked(corpus: Corpus, document: str, conditions: list[str]) -> str:
    """The matches of a tsquery in `document`, best first (parameters: the tsquery text,
    then the conditions' values, then a LIMIT's)."""
    where = " AND ".join([f"{document} @@ matched.query", *conditions])
    # Table and column names are constants; every value is a parameter.
    return (
        f"SELECT entry.{corpus.key}, {_rank(document)} AS score "  # noqa: S608
        f"FROM {corpus.entry_table} AS entry, (SELECT %s::tsquery AS query) AS matched "
        f"WHERE {where} ORDER BY score DESC, entry.{corpus.key}"
    )


def _fetch(sql: str, values: list[object]) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        return cursor.fetchall()


def _scored(rows: list[tuple]) -> list[tuple[int, float]]:
    return [(row[0], float(row[1])) for row in rows]


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
        scope: TeamScope | None = None,
    ) -> list[tuple[int, float]]:
        # A title of its own, when the corpus has one, is searched through its own index;
        # otherwise titles are the lexemes of weight A in the whole document.
        own_title = title_only and bool(corpus.title_document)
        query = query_expression(
            queries, require_all=require_all, title_only=title_only and not own_title
        )
        if not query:
            return []
        document = f"entry.{corpus.title_document}" if own_title else "entry.document"
        conditions: list[str] = []
        values: list[object] = []
        if corpus.by_language:
            # Only the rows of the languages searched have their tsvector read at all.
            conditions.append("entry.language = ANY(%s)")
            values.append([language for language, _ in queries])
        restricted = (
            None
            if is_unrestricted(visible)
            else compiled(visible, "postgresql", lambda: visible.values("pk"))
        )
        if exclude:
            conditions.append(f"entry.{corpus.key} <> ALL(%s)")
            values.append(list(exclude))
        narrowing: tuple[str, list[object]] | None = None
        if scope is not None and corpus.team_columns:
            # Answered by the entry itself (and by two small indexes, which PostgreSQL
            # intersects with the full-text index's matches before reading a row).
            narrowing = (
                "(entry.team_id = ANY(%s) OR entry.assignee_id = %s)",
                [list(scope.team_ids), scope.assignee_id],
            )
        if corpus.head_document and not title_only:
            if restricted is not None and _estimated_rows(restricted) <= FEW_VISIBLE:
                sql, values = _few_visible_tiers(
                    corpus, query, restricted, conditions, values, limit
                )
            else:
                if restricted is not None:
                    conditions.append(f"entry.{corpus.key} IN ({restricted[0]})")
                    values.extend(restricted[1])
                sql, values = _head_then_newest(corpus, query, conditions, values, limit, narrowing)
        else:
            ranked = _ranked(corpus, document, conditions)
            prepared = corpus.generic_plans and pg_prepared.enabled()
            fetch = pg_prepared.fetch if prepared else _fetch
            if restricted is None:
                return _scored(fetch(f"{ranked} LIMIT %s", [query, *values, limit]))
            # Visibility is checked on the best candidates first; only when too few of
            # them may be seen is every match checked.
            key = corpus.key
            # One row at least, which tells how many candidates there were. The
            # candidates are checked best first, and only until the page is full: the
            # subquery (kept apart by OFFSET 0) sorts them before the check, which
            # would otherwise look up every one of them and sort what passed.
            candidates = (
                f"WITH ranked AS MATERIALIZED ({ranked} LIMIT {VISIBILITY_CANDIDATES}) "  # noqa: S608
                f"SELECT shown.{key}, shown.score, total.considered "
                "FROM (SELECT COUNT(*) AS considered FROM ranked) AS total "
                f"LEFT JOIN LATERAL (SELECT {key}, score FROM (SELECT {key}, score "
                f"FROM ranked ORDER BY score DESC, {key} OFFSET 0) AS best "
                f"WHERE {key} IN ({restricted[0]}) ORDER BY score DESC, {key} LIMIT %s) "
                "AS shown ON TRUE"
            )
            rows = fetch(candidates, [query, *values, *restricted[1], limit])
            found = _scored([row for row in rows if row[0] is not None])
            if len(found) >= limit or rows[0][2] < VISIBILITY_CANDIDATES:
                return found
            everywhere = _ranked(
                corpus, document, [*conditions, f"entry.{key} IN ({restricted[0]})"]
            )
            return _scored(fetch(f"{everywhere} LIMIT %s", [query, *values, *restricted[1], limit]))
        return _scored(_fetch(sql, values))

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

    def word_counts(
        self, *, language: str, words: list[str], audiences: list[int]
    ) -> dict[str, int]:
        if not words:
            return {}
        # The words travel as one string (folded words hold no spaces: binding a list of
        # a thousand strings took longer than the look-ups), and each is looked up through
        # the unique index: OFFSET 0 keeps the lateral subquery a parameterized index
        # scan. As an IN list of the spellings one edit away, planning and binding took
        # 2 to 3 ms, and the planner hashed the language's whole vocabulary instead.
        sql = (
            "SELECT asked.word, SUM(term.document_count) "
            "FROM unnest(string_to_array(%s, ' ')) AS asked(word) CROSS JOIN LATERAL ("
            "SELECT document_count FROM search_term WHERE search_term.language = %s "
            "AND search_term.word = asked.word AND search_term.audience = ANY(%s) "
            "OFFSET 0) AS term GROUP BY asked.word"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [" ".join(sorted(set(words))), language, audiences])
            return {row[0]: int(row[1]) for row in cursor.fetchall()}
