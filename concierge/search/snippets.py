"""Highlighted snippets: the passage of a text where the query's words meet most densely.

Text is escaped first and only then wrapped in <mark>, so nothing a text contains can
become markup. Matching goes through the same analysis as the search, so "orders"
highlights where "order" was searched, on both databases alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from concierge.search.analysis import Analyzer, analyzer_for
from concierge.search.parsing import Clause, sought_stems

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
    checked: set[str] = field(default_factory=set, compare=False, repr=False)
    matched: set[str] = field(default_factory=set, compare=False, repr=False)

    @classmethod
    def for_clauses(cls, analyzer: Analyzer, clauses: list[Clause]) -> Highlighter:
        stems, prefixes = sought_stems(analyzer, clauses)
        return cls(analyzer, frozenset(stems), tuple(prefixes))

    def _matching(self, tokens: list[str]) -> set[str]:
        """The matching tokens among these and those seen before. Only tokens new to
        this highlighter are analyzed, in one pass: a page of hits has a thousand
        distinct tokens, and a call per token was a fifth of a search's time."""
        fresh = set(tokens).difference(self.checked)
        if fresh:
            self.checked.update(fresh)
            language, wanted, prefixes = self.analyzer.language, self.stems, self.prefixes
            for token in fresh:
                # A compound found through one of its tails' stems is highlighted whole.
                stems, starts = _token_forms(language, token)
                if not wanted.isdisjoint(stems) or (
                    prefixes and any(start.startswith(prefixes) for start in starts)
                ):
                    self.matched.add(token)
        return self.matched

    def count(self, text: str) -> int:
        """How many of a text's words match: to pick the passage worth quoting."""
        tokens = _TOKEN.findall(text)
        matched = self._matching(tokens)
        return sum(token in matched for token in tokens)

    def whole(self, text: str) -> SafeString:
        """All of a short text (a title) with its matches marked."""
        tokens = list(_TOKEN.finditer(text))
        if not tokens:
            return mark_safe(escape(text))
        matched = self._matching([token.group(0) for token in tokens])
        hits = [token.group(0) in matched for token in tokens]
        return self._render(text, tokens, hits, cut_before=False, cut_after=False)

    def snippet(self, text: str, words: int = SNIPPET_WORDS) -> SafeString:
        """The best passage of about `words` words, with its matches marked."""
        strings = _TOKEN.findall(text)
        if not strings:
            return mark_safe("")
        matching = self._matching(strings)
        hit_at = [index for index, string in enumerate(strings) if string in matching]
        # The window of `words` tokens holding the most matches, the first such window:
        # its count only grows where a window ends on a match, so only those are tried.
        best_start, best_score, first = 0, 0, 0
        for last, end_index in enumerate(hit_at):
            while hit_at[first] <= end_index - words:
                first += 1
            if last - first + 1 > best_score:
                best_start, best_score = max(0, end_index - words + 1), last - first + 1
        # Start a little before the first match so it does not open the passage cold.
        first_hit = next((index for index in hit_at if index >= best_start), best_start)
        best_start = max(0, min(best_start, first_hit - 4))
        end = min(len(strings), best_start + words)
        # Positions are needed only for the passage shown.
        tokens = list(islice(_TOKEN.finditer(text), best_start, end))
        hits = [strings[index] in matching for index in range(best_start, end)]
        return self._render(
            text, tokens, hits, cut_before=best_start > 0, cut_after=end < len(strings)
        )

    def _render(
        self,
        text: str,
        tokens: list[re.Match[str]],
        hits: list[bool],
        *,
        cut_before: bool,
        cut_after: bool,
    ) -> SafeString:
        """`tokens` (with whether each matches) marked, from the first to the last when
        the text is cut there, else from the text's start or to its end."""
        begin_at = tokens[0].start() if cut_before else 0
        finish_at = tokens[-1].end() if cut_after else len(text)
        parts = ["… " if cut_before else ""]
        position = begin_at
        for token, matched in zip(tokens, hits, strict=True):
            if not matched:
                continue
            parts.append(escape(text[position : token.start()]))
            parts.append(f"<mark>{escape(token.group(0))}</mark>")
            position = token.end()
        parts.append(escape(text[position:finish_at]))
        if cut_after:
            parts.append(" …")
        return mark_safe(" ".join(("".join(parts)).split()))
