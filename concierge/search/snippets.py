"""Highlighted snippets: the passage of a text where the query's words meet most densely.

Text is escaped first and only then wrapped in <mark>, so nothing a text contains can
become markup. Matching goes through the same analysis as the search, so "orders"
highlights where "order" was searched, on both databases alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from concierge.search.analysis import Analyzer, analyzer_for
from concierge.search.parsing import Clause

_TOKEN = re.compile(r"\w+", re.UNICODE)


@lru_cache(maxsize=100_000)
def _token_forms(language: str, token: str) -> tuple[frozenset[str], tuple[str, ...]]:
    """What a token of a text can match, worked out once per language and token (the same
    words come back in every search): the stems of its words and of their compound tails,
    and the folded words and stems a typed prefix may begin."""
    analyzer = analyzer_for(language)
    words = analyzer.words(token)
    stems = analyzer.stems(words)
    tails = analyzer.stems(analyzer.compound_tails(words))
    return frozenset(stems) | frozenset(tails), tuple(words) + tuple(stems)


SNIPPET_WORDS = 32


@dataclass(frozen=True)
class Highlighter:
    analyzer: Analyzer
    stems: frozenset[str]
    prefixes: tuple[str, ...]
    # Texts repeat their words: each distinct token is analyzed once per highlighter.
    seen: dict[str, bool] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def for_clauses(cls, analyzer: Analyzer, clauses: list[Clause]) -> Highlighter:
        stems: set[str] = set()
        prefixes: list[str] = []
        for clause in clauses:
            words = list(clause.words)
            if clause.prefix:
                *whole, last = words
                stems.update(analyzer.stems(whole))
                prefixes.append(analyzer.stem(last))
            else:
                stems.update(analyzer.stems(words))
            stems.update(analyzer.stems(list(clause.alternatives)))
        return cls(analyzer, frozenset(stems), tuple(prefixes))

    def _matches(self, token: str) -> bool:
        known = self.seen.get(token)
        if known is None:
            known = self.seen[token] = self._analyze(token)
        return known

    def _analyze(self, token: str) -> bool:
        # A compound found through one of its tails' stems is highlighted whole.
        stems, starts = _token_forms(self.analyzer.language, token)
        if not self.stems.isdisjoint(stems):
            return True
        return any(start.startswith(self.prefixes) for start in starts) if self.prefixes else False

    def count(self, text: str) -> int:
        """How many of a text's words match: to pick the passage worth quoting."""
        return sum(self._matches(token) for token in _TOKEN.findall(text))

    def whole(self, text: str) -> SafeString:
        """All of a short text (a title) with its matches marked."""
        return self._render(text, list(_TOKEN.finditer(text)), 0, None)

    def snippet(self, text: str, words: int = SNIPPET_WORDS) -> SafeString:
        """The best passage of about `words` words, with its matches marked."""
        tokens = list(_TOKEN.finditer(text))
        if not tokens:
            return mark_safe("")
        strings = [token.group(0) for token in tokens]
        matching = {string for string in set(strings) if self._matches(string)}
        hits = [string in matching for string in strings]
        # The window of `words` tokens holding the most matches (the first such window).
        best_start, best_score = 0, -1
        window = 0
        for index, hit in enumerate(hits):
            window += hit
            if index >= words:
                window -= hits[index - words]
            if window > best_score:
                best_start, best_score = max(0, index - words + 1), window
        # Start a little before the first match so it does not open the passage cold.
        first_hit = next((i for i in range(best_start, len(tokens)) if hits[i]), best_start)
        best_start = max(0, min(best_start, first_hit - 4))
        end = min(len(tokens), best_start + words)
        return self._render(text, tokens, best_start, end, hits=hits)

    def _render(
        self,
        text: str,
        tokens: list[re.Match[str]],
        start: int,
        end: int | None,
        hits: list[bool] | None = None,
    ) -> SafeString:
        if not tokens:
            return mark_safe(escape(text))
        end = len(tokens) if end is None else end
        begin_at = tokens[start].start() if start > 0 else 0
        finish_at = tokens[end - 1].end() if end < len(tokens) else len(text)
        parts = ["… " if start > 0 else ""]
        position = begin_at
        for index in range(start, end):
            token = tokens[index]
            matched = hits[index] if hits is not None else self._matches(token.group(0))
            if not matched:
                continue
            parts.append(escape(text[position : token.start()]))
            parts.append(f"<mark>{escape(token.group(0))}</mark>")
            position = token.end()
        parts.append(escape(text[position:finish_at]))
        if end < len(tokens):
            parts.append(" …")
        return mark_safe(" ".join(("".join(parts)).split()))
