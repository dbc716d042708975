"""How well search finds the answer: recall@5 and MRR per language, on this database.

    python -m bench.search_quality [--json bench/results/search_quality_sqlite.json]

Loads the articles of `bench/search_corpus.py` through the help center's services into
a database of its own (`var/bench_search_quality.sqlite3`, or DATABASE_URL), asks every
question as an anonymous customer in its language, and reports per language the share
of questions whose article is among the first five results (recall@5) and the mean
reciprocal rank of that article among the first ten (MRR). Run it once on SQLite and once
with DATABASE_URL on PostgreSQL to compare the backends.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.search_corpus import ARTICLES, QUESTIONS

RANKED = 10
RECALL_AT = 5


@dataclass
class LanguageQuality:
    language: str
    questions: int
    recall_at_5: float
    mrr: float
    misses: list[dict[str, Any]] = field(default_factory=list)


def load_articles() -> None:
    """Replace the help center's content with the benchmark articles."""
    from concierge.helpcenter.models import Article, Category, Section
    from concierge.helpcenter.services import category_save, section_save
    from concierge.helpcenter.testing import publish
    from concierge.people.models import Role, User

    Article.objects.all().delete()
    Section.objects.all().delete()
    Category.objects.all().delete()
    admin, _ = User.objects.get_or_create(
        email="search-bench@example.com",
        defaults={"full_name": "Search Bench", "role": Role.ADMIN},
    )
    category = category_save(actor=admin, titles={"en": "Shop"}, slug="shop")
    section = section_save(actor=admin, category=category, titles={"en": "Help"}, slug="help")
    first_of_key: dict[str, Any] = {}
    for language, articles in ARTICLES.items():
        for key, title, body in articles:
            translation = publish(
                admin,
                title,
                body,
                language=language,
                section=section,
                key=key,
                article=first_of_key.get(key),
            )
            first_of_key.setdefault(key, translation.article)


def evaluate() -> list[LanguageQuality]:
    from django.contrib.auth.models import AnonymousUser

    from concierge.search.queries import search_articles

    reader = AnonymousUser()
    report = []
    for language, questions in QUESTIONS.items():
        found_in_top, reciprocal_sum = 0, 0.0
        misses = []
        for question, key in questions:
            results = search_articles(reader, question, language=language, limit=RANKED)
            keys = [hit.translation.article.translation_key for hit in results.hits]
            rank = keys.index(key) + 1 if key in keys else None
            if rank is not None and rank <= RECALL_AT:
                found_in_top += 1
            else:
                misses.append({"question": question, "expected": key, "got": keys[:3]})
            reciprocal_sum += 1 / rank if rank else 0.0
        report.append(
            LanguageQuality(
                language=language,
                questions=len(questions),
                recall_at_5=found_in_top / len(questions),
                mrr=reciprocal_sum / len(questions),
                misses=misses,
            )
        )
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Measure search quality per language.")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--misses", action="store_true", help="list the questions missed")
    options = parser.parse_args(argv)
    # A database of its own, so the speed benchmark's 50,000 articles are left alone.
    quality_db = Path(__file__).resolve().parent.parent / "var" / "bench_search_quality.sqlite3"
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{quality_db}")
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.search_settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.environment import describe_database

    call_command("migrate", verbosity=0)
    load_articles()
    report = evaluate()
    print(f"search quality on {describe_database()} ({connection.vendor})")
    print(f"{'language':<9}{'questions':>10}{'recall@5':>10}{'MRR':>8}")
    for row in report:
        print(f"{row.language:<9}{row.questions:>10}{row.recall_at_5:>10.3f}{row.mrr:>8.3f}")
        if options.misses:
            for miss in row.misses:
                print(f"    missed: {miss['question']!r} -> {miss['expected']} (got {miss['got']})")
    if options.json:
        options.json.parent.mkdir(parents=True, exist_ok=True)
        document = {"backend": connection.vendor, "languages": [asdict(r) for r in report]}
        options.json.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        print(f"wrote {options.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
