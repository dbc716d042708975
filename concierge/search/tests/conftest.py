"""Fixtures for the search engine's tests, and the real multilingual texts they read.

The seed documents (../shared/seeds/ beside the repository) are read at test time and
never copied; tests that need them are skipped, saying why, where they are absent.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from concierge.search.analysis import analyzer_for

SEEDS = Path(settings.BASE_DIR).parent / "shared" / "seeds"
SEED_FILES = {
    "tr": ["000_fd1326e5104a9966.txt", "001_68df8fbd6dae655b.txt"],
    "fi": ["002_416bcaca97f626dc.txt"],
    "ru": ["003_45beb310769c1d9b.txt", "004_6550c406895fa8c8.txt"],
}


def seed_text(language: str) -> str:
    paths = [SEEDS / name for name in SEED_FILES[language]]
    present = [path for path in paths if path.exists()]
    if not present:
        pytest.skip(f"the seed documents are not in {SEEDS}")
    return "\n".join(path.read_text(encoding="utf-8") for path in present)


def seed_paragraphs(language: str) -> list[str]:
    return [p.strip() for p in seed_text(language).split("\n") if len(p.split()) >= 12]


def inflection_groups(language: str, minimum_length: int = 6) -> list[list[str]]:
    """Groups of different surface forms of one word found in the seed texts, most used
    first: the forms a stemmer must bring together."""
    analyzer = analyzer_for(language)
    counts = Counter(analyzer.words(seed_text(language)))
    groups: dict[str, set[str]] = defaultdict(set)
    for word in counts:
        if len(word) >= minimum_length and word.isalpha():
            groups[analyzer.stem(word)].add(word)
    ranked = sorted(
        (group for group in groups.values() if len(group) >= 2),
        key=lambda group: (-sum(counts[w] for w in group), sorted(group)),
    )
    return [sorted(group) for group in ranked]


@pytest.fixture
def acme(db: None) -> Any:
    from concierge.people.models import Organization

    return Organization.objects.create(name="Acme")


@pytest.fixture
def globex(db: None) -> Any:
    from concierge.people.models import Organization

    return Organization.objects.create(name="Globex")
