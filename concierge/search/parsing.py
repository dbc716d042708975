"""What a person typed, as clauses the backends turn into their own query language.

Bare words are clauses of one word; text in double quotes is a phrase. While someone is
still typing, the last bare word is matched as a prefix. Each clause may carry spelling
alternatives found in the vocabulary (see `spelling.py`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from concierge.search.analysis import Analyzer

MAX_QUERY_LENGTH = 200
MAX_CLAUSES = 12
MIN_PREFIX = 3
_PHRASE = re.compile(r'"([^"]*)"?')


@dataclass(frozen=True)
class Clause:
    words: tuple[str, ...]
    prefix: bool = False
    phrase: bool = False
    alternatives: tuple[str, ...] = field(default=())

    @property
    def word(self) -> str:
        return self.words[0]


def parse_query(text: str, analyzer: Analyzer, *, prefix_last: bool = False) -> list[Clause]:
    """The clauses of a query, folded by the analyzer's language."""
    text = text[:MAX_QUERY_LENGTH]
    clauses: list[Clause] = []
    position = 0
    for match in _PHRASE.finditer(text):
        clauses.extend(Clause((word,)) for word in analyzer.words(text[position : match.start()]))
        words = tuple(analyzer.words(match.group(1)))
        if len(words) > 1:
            clauses.append(Clause(words, phrase=True))
        elif words:
            clauses.append(Clause(words))
        position = match.end()
    tail = text[position:]
    clauses.extend(Clause((word,)) for word in analyzer.words(tail))
    unique: list[Clause] = []
    for clause in clauses:
        if clause not in unique:
            unique.append(clause)
    unique = unique[:MAX_CLAUSES]
    typing_a_word = bool(tail) and not tail[-1].isspace() and bool(analyzer.words(tail))
    if prefix_last and unique and typing_a_word and not unique[-1].phrase:
        if len(unique[-1].word) >= MIN_PREFIX:
            unique[-1] = replace(unique[-1], prefix=True)
        elif len(unique) > 1:
            # One or two letters say little and would match half the articles: the
            # words before them carry the search until the word takes shape.
            unique.pop()
    return unique


def query_words(clauses: list[Clause]) -> set[str]:
    """Every folded word a snippet should highlight, spelling alternatives included."""
    words: set[str] = set()
    for clause in clauses:
        words.update(clause.words)
        words.update(clause.alternatives)
    return words


def typed_forms(analyzer: Analyzer, clause: Clause) -> tuple[str, str]:
    """`Analyzer.typed` of a one-word clause still being typed: ("", "") for any other
    clause, and ("", its stem) for one whose stem is long enough to be a prefix."""
    if not clause.prefix or len(clause.words) != 1:
        return "", ""
    return analyzer.typed(clause.word)


def sought_stems(analyzer: Analyzer, clauses: list[Clause]) -> tuple[set[str], list[str]]:
    """The stems the clauses look for (spelling alternatives included) and the starts of
    stems a word still being typed may match: what highlighting and SQLite's ranking of
    short fields test a text's tokens against, so that both agree with the search."""
    stems: set[str] = set()
    prefixes: list[str] = []
    for clause in clauses:
        words = analyzer.stems(list(clause.words))
        if clause.prefix:
            words.pop()
            exact, start = analyzer.typed(clause.words[-1])
            prefixes.append(start)
            stems.update(filter(None, [exact]))
        stems.update(words)
        stems.update(analyzer.stems(list(clause.alternatives)))
    return stems, prefixes
