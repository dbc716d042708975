"""Typo tolerance: a word the articles never use is also searched as the vocabulary
words that are one or two edits away from it.

The backend proposes look-alikes (pg_trgm on PostgreSQL, a trigram FTS5 table on SQLite);
the edit distance decided here in Python accepts or rejects them, so both databases
agree on the corrections.
"""

from __future__ import annotations

from django.db import connection

from concierge.search.analysis import analyzer_for
from concierge.search.backends import current_backend

MIN_LENGTH = 4
MAX_CORRECTIONS = 2
CANDIDATES = 40


def allowed_edits(word: str) -> int:
    if len(word) < MIN_LENGTH:
        return 0
    return 1 if len(word) < 8 else 2


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (a swap of neighbours is one edit); stops early
    and returns limit + 1 once the distance must exceed the limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous_previous: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            cost = 0 if char_a == char_b else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous_previous[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous_previous, previous = previous, current
    return previous[-1]


def known_words(language: str, words: set[str], audiences: list[int]) -> set[str]:
    """The words the articles use, in this form or another of the same stem: an
    inflected form (Turkish "siparişimi", Finnish "takin") is no misspelling, and the
    search finds it by its stem already. Asking the trigram index for its look-alikes
    cost up to 5 ms a word, for corrections that only added noise."""
    if not words or not audiences:
        return set()
    analyzer = analyzer_for(language)
    stem_of = {word: analyzer.stem(word) for word in words}
    stems = sorted(set(stem_of.values()))
    marks = ", ".join("%s" for _ in audiences)
    sql = (
        "SELECT DISTINCT stem FROM search_term "  # noqa: S608
        f"WHERE language = %s AND stem IN ({', '.join('%s' for _ in stems)}) "
        f"AND audience IN ({marks})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [language, *stems, *audiences])
        known = {row[0] for row in cursor.fetchall()}
    return {word for word, stem in stem_of.items() if stem in known}


# The letters of a language's folded words (see analysis.py: ё is folded to е, accents
# are dropped but for the language's own letters). For these languages a word one edit
# away is found by spelling out every such neighbour and asking for all of them at once
# through the vocabulary's unique index, on both databases alike: much cheaper than
# ranking every word that shares a trigram, and it also finds a four-letter word whose
# middle letter was mistyped, which shares no trigram with it.
ALPHABETS: dict[str, str] = {
    "en": "abcdefghijklmnopqrstuvwxyz",
    "ru": "абвгдежзийклмнопрстуфхцчшщъыьэюя",
    "tr": "abcçdefgğhıijklmnoöpqrsştuüvwxyz",
    "fi": "abcdefghijklmnopqrstuvwxyzåäö",
}


def _one_edit_away(word: str, alphabet: str) -> set[str]:
    """Every string one deletion, swap of neighbours, substitution or insertion away."""
    letters = set(alphabet) | set(word)
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    found = {head + tail[1:] for head, tail in splits if tail}
    found |= {head + tail[1] + tail[0] + tail[2:] for head, tail in splits if len(tail) > 1}
    found |= {head + letter + tail[1:] for head, tail in splits if tail for letter in letters}
    found |= {head + letter + tail for head, tail in splits for letter in letters}
    found.discard(word)
    return found


def corrections(language: str, words: set[str], audiences: list[int]) -> dict[str, list[str]]:
    """For each word the vocabulary lacks, the closest words it has (most used first)."""
    candidates = {word for word in words if allowed_edits(word) and not word.isdigit()}
    if not candidates:
        return {}
    backend = current_backend()
    unknown = sorted(candidates - known_words(language, candidates, audiences))
    # Every spelling one edit away from every short unknown word, looked up at once.
    spelled = {
        word: _one_edit_away(word, ALPHABETS[language])
        for word in unknown
        if allowed_edits(word) == 1 and language in ALPHABETS
    }
    counts = (
        backend.word_counts(
            language=language,
            words=[other for others in spelled.values() for other in others],
            audiences=audiences,
        )
        if spelled
        else {}
    )
    found: dict[str, list[str]] = {}
    for word in unknown:
        limit = allowed_edits(word)
        if word in spelled:
            similar = [(other, counts[other]) for other in spelled[word] if other in counts]
        else:
            similar = backend.similar_words(
                language=language, word=word, audiences=audiences, limit=CANDIDATES
            )
        scored = []
        for other, count in similar:
            distance = edit_distance(word, other, limit)
            if distance <= limit:
                scored.append((distance, -count, other))
        if scored:
            found[word] = [other for _, _, other in sorted(scored)[:MAX_CORRECTIONS]]
    return found


def completions(language: str, prefix: str, audiences: list[int], limit: int = 5) -> list[str]:
    """The most used vocabulary words that start with `prefix`."""
    if len(prefix) < 2 or not audiences:
        return []
    # Asked at every key stroke: as an ORM query, building the statement took longer
    # than the database's range scan of the unique index.
    marks = ", ".join("%s" for _ in audiences)
    sql = (
        "SELECT word FROM search_term "  # noqa: S608
        f"WHERE language = %s AND audience IN ({marks}) AND word > %s AND word < %s "
        "GROUP BY word ORDER BY SUM(document_count) DESC, word LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [language, *audiences, prefix, prefix + "\U0010ffff", limit])
        return [row[0] for row in cursor.fetchall()]
