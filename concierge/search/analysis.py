"""Language-aware text analysis: folding, tokenizing, stemming, compound tails.

The same analysis runs before indexing and before querying, so a word typed in any
inflected form meets the same term the text was indexed under:

- folding: Unicode NFKC; lower case by the language's rules (Turkish and Azerbaijani
  map I to ı and İ to i, which `str.lower` gets wrong); Russian, Belarusian and Ukrainian
  ё becomes е; and accents are dropped except on the letters a language treats as letters
  of their own (Finnish ä ö å, Turkish ç ğ ö ş ü, Russian й, ...), so "cafe" finds "café"
  but Finnish "tuli" never finds "tuuli" nor "tulli" through a fold;
- stemming: the Snowball stemmer of the language (every language Snowball covers);
- compound tails, for languages that glue nouns together (Finnish, German, Swedish,
  Dutch, Danish, Norwegian): a long word is also indexed under its endings of five letters
  or more, so "palvelu" finds "asiakaspalvelussa". It is a heuristic without a dictionary:
  tails that are no real word are harmless, since nobody searches for them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import Stemmer

# Language code -> Snowball algorithm name.
SNOWBALL_LANGUAGES: dict[str, str] = {
    "ar": "arabic",
    "hy": "armenian",
    "eu": "basque",
    "ca": "catalan",
    "cs": "czech",
    "da": "danish",
    "nl": "dutch",
    "en": "english",
    "eo": "esperanto",
    "et": "estonian",
    "fi": "finnish",
    "fr": "french",
    "de": "german",
    "el": "greek",
    "hi": "hindi",
    "hu": "hungarian",
    "id": "indonesian",
    "ga": "irish",
    "it": "italian",
    "lt": "lithuanian",
    "ne": "nepali",
    "no": "norwegian",
    "nb": "norwegian",
    "nn": "norwegian",
    "pl": "polish",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sr": "serbian",
    "es": "spanish",
    "sv": "swedish",
    "ta": "tamil",
    "tr": "turkish",
    "yi": "yiddish",
}

# Letters that are letters of their own in a language, not an accented variant: they
# keep their marks when everything else is folded to its base letter.
OWN_LETTERS: dict[str, str] = {
    "fi": "äöå",
    "sv": "äöå",
    "et": "äöüõšž",
    "de": "äöü",
    "da": "æøå",
    "no": "æøå",
    "nb": "æøå",
    "nn": "æøå",
    "tr": "çğöşü",
    "az": "çğöşüə",
    "hu": "áéíóöőúüű",
    "ru": "й",
    "uk": "йїє",
    "be": "йў",
    "pl": "ąćęłńóśźż",
    "cs": "áčďéěíňóřšťúůýž",
    "ro": "ăâîșț",
    "lt": "ąčęėįšųūž",
    "es": "ñ",
    "ca": "ç",
    "eu": "ñ",
}
# Languages whose compounds are written as one word.
COMPOUNDING = frozenset({"fi", "de", "sv", "nl", "da", "no", "nb", "nn", "et"})
COMPOUND_MIN_WORD = 9
COMPOUND_MIN_TAIL = 5
COMPOUND_MIN_HEAD = 3
COMPOUND_MAX_TAILS = 8

# Words: letters and digits, joined by an inner apostrophe or period in numbers.
_WORD = re.compile(r"\w+(?:['’]\w+)*", re.UNICODE)
_APOSTROPHE_LANGUAGES = frozenset({"tr", "az"})
MAX_WORD_LENGTH = 60
# A word still being typed is matched as the start of stems, but not when its stem is
# shorter than this: a stemmer cuts short words of its own language down to a letter or
# two (Turkish "numa" to "n", "iade" to "ia"), the start of thousands of words.
MIN_TYPED_STEM = 3


def base_language(language: str) -> str:
    return (language or "").lower().replace("_", "-").split("-", 1)[0]


@dataclass(frozen=True)
class Analyzer:
    language: str

    def fold(self, text: str) -> str:
        """Lower case and accent folding by this language's rules."""
        text = unicodedata.normalize("NFKC", text)
        if self.language in ("tr", "az"):
            text = text.replace("I", "ı").replace("İ", "i")
        text = text.lower()
        if text.isascii():
            return text
        return unicodedata.normalize("NFC", text).translate(_fold_table(self.language))

    def words(self, text: str) -> list[str]:
        """The folded words of a text, in order."""
        found = []
        for match in _WORD.finditer(self.fold(text)):
            word = match.group(0)
            if "'" in word or "’" in word:
                parts = re.split(r"['’]", word)
                # Turkish writes suffixes of names after an apostrophe: "Ankara'dan".
                found.extend(parts[:1] if self.language in _APOSTROPHE_LANGUAGES else parts)
            else:
                found.append(word)
        return [w[:MAX_WORD_LENGTH] for w in found if w and w != "_"]

    def stem(self, word: str) -> str:
        stemmer = _stemmer(self.language)
        return stemmer.stemWord(word) if stemmer else word

    def stems(self, words: list[str]) -> list[str]:
        stemmer = _stemmer(self.language)
        return stemmer.stemWords(words) if stemmer else list(words)

    def typed(self, word: str) -> tuple[str, str]:
        """How a word still being typed is matched: (a stem to match exactly, or "";
        the start of the stems to match). Usually the word's stem is that start; when
        the stem is cut too short (see MIN_TYPED_STEM), the word matches its stem
        exactly (it may be whole already) or starts a longer one as typed."""
        stem = self.stem(word)
        if len(stem) >= MIN_TYPED_STEM:
            return "", stem
        return stem, word

    def compound_tails(self, words: list[str]) -> list[str]:
        """The endings long compound words are also found under (see the module doc)."""
        if self.language not in COMPOUNDING:
            return []
        tails: list[str] = []
        for word in set(words):
            if len(word) < COMPOUND_MIN_WORD or not word.isalpha():
                continue
            last_start = len(word) - COMPOUND_MIN_TAIL
            starts = range(COMPOUND_MIN_HEAD, last_start + 1)
            tails.extend(word[start:] for start in list(starts)[:COMPOUND_MAX_TAILS])
        return sorted(tails)


class _FoldTable(dict[int, str]):
    """A str.translate table that works out each character's fold the first time it is
    seen: accents off, except on the language's own letters (ё is never one of those)."""

    def __init__(self, language: str) -> None:
        super().__init__()
        self.keep = OWN_LETTERS.get(language, "")

    def __missing__(self, codepoint: int) -> str:
        char = chr(codepoint)
        if char in self.keep:
            folded = char
        else:
            decomposed = unicodedata.normalize("NFD", char)
            folded = "".join(c for c in decomposed if not unicodedata.combining(c)) or char
        self[codepoint] = folded
        return folded


@cache
def _fold_table(language: str) -> _FoldTable:
    return _FoldTable(language)


@cache
def _stemmer(language: str) -> Stemmer.Stemmer | None:
    algorithm = SNOWBALL_LANGUAGES.get(language)
    return Stemmer.Stemmer(algorithm) if algorithm else None


@cache
def analyzer_for(language: str) -> Analyzer:
    return Analyzer(base_language(language))
