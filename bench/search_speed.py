"""How fast search answers: article search and suggestions over 50,000 articles in four
languages, and ticket search over the generated desk, on this database.

    python -m bench.search_speed [--articles 50000] [--tickets 100000]
                                 [--messages-per-ticket 4] [--new-articles]
                                 [--index-tickets] [--index-workers 2] [--no-measure]
                                 [--only articles|tickets] [--json FILE]

Works in the search benchmarks' own database (`var/bench_search.sqlite3`, or
DATABASE_URL). The first run generates the articles (from `bench/search_corpus.py`'s
sentences and words, with a realistic mix of visibility) and, through `bench.load`, the
desk of tickets, then builds the search index with the product's own indexing
(`tickets_reindex`, its id range split between `--index-workers` processes on
PostgreSQL); later runs reuse them (`--regenerate` starts over, `--index-tickets` only
rebuilds the ticket index). Each case runs every query of its list after a warm-up and
reports p50, p95 and the slowest call in wall time and in this process's CPU time,
server-side (the query functions themselves, no HTTP). `--only` measures the article
cases (article search, suggestions) or the ticket cases alone.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.search_corpus import ARTICLES, FILLER, QUESTIONS

ARTICLE_BUDGET_MS = 20.0
TICKET_BUDGET_MS = 150.0
LANGUAGES = ("en", "ru", "tr", "fi")
VISIBILITY = (("public", 0.8), ("signed_in", 0.1), ("organizations", 0.05), ("internal", 0.05))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


# Syllables that make each language's long tail of words (product names, features, the
# many terms a real help center uses once or twice): pseudo-words in the shape of the
# language, so the index holds a realistic number of rare terms.
SYLLABLES = {
    "en": "ka lo mi ter son ra vel dor pin tas ben cor fal gan hol jet lin mar nox pell",
    "ru": "ка ло ми тер сон ра вел дор пин тас бен кор фал ган хол жет лин мар нокс пель",
    "tr": "ka lo mı ter sön ra vel dür pin taş ben kör fal gan hol cet lin mar nok pel",
    "fi": "ka lo mi ter sö ra vel dö pin tää ben kor fal gan hol jet lin mar nok pel",
}
TOPIC_SHARE = 0.1
PSEUDO_WORDS = 6000


def _pseudo_words(language: str, rng: random.Random) -> list[str]:
    syllables = SYLLABLES[language].split()
    words: set[str] = set()
    while len(words) < PSEUDO_WORDS:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def _sentences(language: str) -> list[str]:
    found = []
    for _, _, body in ARTICLES[language]:
        found += [s.strip() + "." for s in body.replace(";", ".").split(".") if s.strip()]
    return found


def _organizations_with_members(count: int) -> list[int]:
    """`count` organizations with one customer each, for a database without tickets: the
    articles kept for chosen organizations need them, and the "organization member" case
    measures a customer who may read some of those articles."""
    from concierge.people.models import (
        Customer,
        CustomerIdentity,
        IdentityKind,
        Organization,
        OrganizationMembership,
    )

    organizations = Organization.objects.bulk_create(
        Organization(name=f"Bench organization {n}") for n in range(count)
    )
    customers = Customer.objects.bulk_create(
        Customer(full_name=f"Bench member {n}") for n in range(count)
    )
    CustomerIdentity.objects.bulk_create(
        CustomerIdentity(
            customer=customer,
            kind=IdentityKind.EMAIL,
            value=f"member{n}@organization{n}.example",
            is_primary=True,
        )
        for n, customer in enumerate(customers)
    )
    OrganizationMembership.objects.bulk_create(
        OrganizationMembership(customer=customer, organization=organization)
        for customer, organization in zip(customers, organizations, strict=True)
    )
    return [organization.pk for organization in organizations]


def generate_articles(count: int, *, seed: int = 7, report: Callable[[str], None] = print) -> None:
    """Bulk-write `count` articles, a quarter in each language, and index them with the
    same analysis the services use.

    A tenth are help topics (sentences of the benchmark corpus with everyday words), the
    rest are product articles whose words come from a long tail of the language's
    pseudo-words (drawn by a Zipf-like law) mixed with everyday words: so a customer's
    question meets a few hundred articles per language, not every one."""
    from django.db import transaction

    from concierge.helpcenter.markdown import render_markdown
    from concierge.helpcenter.models import (
        Article,
        ArticleTranslation,
        Category,
        Section,
        Status,
    )
    from concierge.people.models import Organization
    from concierge.search.services import articles_reindex

    rng = random.Random(seed)
    started = time.monotonic()
    Article.objects.all().delete()
    Section.objects.all().delete()
    Category.objects.all().delete()
    categories = Category.objects.bulk_create(
        Category(titles={"en": f"Topic {n}"}, slug=f"topic-{n}", position=n) for n in range(10)
    )
    sections = Section.objects.bulk_create(
        Section(category=categories[n % 10], titles={"en": f"Section {n}"}, slug=f"s-{n}")
        for n in range(60)
    )
    organization_ids = list(Organization.objects.values_list("pk", flat=True)[:50])
    if not organization_ids:
        organization_ids = _organizations_with_members(50)
    visibilities = [v for v, _ in VISIBILITY]
    weights = [w for _, w in VISIBILITY]
    per_language = count // len(LANGUAGES)
    sentences = {language: _sentences(language) for language in LANGUAGES}
    fillers = {language: FILLER[language].split() for language in LANGUAGES}
    tails = {language: _pseudo_words(language, rng) for language in LANGUAGES}
    zipf = [1 / (rank + 1) for rank in range(PSEUDO_WORDS)]

    def product_words(language: str, count: int) -> str:
        drawn = rng.choices(tails[language], zipf, k=count)
        return " ".join(
            word if rng.random() > 0.25 else rng.choice(fillers[language]) for word in drawn
        )

    batch = 2000
    for language in LANGUAGES:
        for offset in range(0, per_language, batch):
            size = min(batch, per_language - offset)
            articles = []
            for _ in range(size):
                visibility = rng.choices(visibilities, weights)[0]
                if visibility == "organizations" and not organization_ids:
                    visibility = "signed_in"
                articles.append(
                    Article(
                        section=rng.choice(sections),
                        translation_key=f"{language}-{offset + len(articles)}",
                        visibility=visibility,
                    )
                )
            with transaction.atomic():
                articles = Article.objects.bulk_create(articles)
                chosen = []
                for article in articles:
                    if article.visibility == "organizations":
                        chosen.append(
                            Article.organizations.through(
                                article_id=article.pk,
                                organization_id=rng.choice(organization_ids),
                            )
                        )
                Article.organizations.through.objects.bulk_create(chosen)
                translations = []
                for article in articles:
                    words = fillers[language]
                    if rng.random() < TOPIC_SHARE:
                        _, base_title, _ = rng.choice(ARTICLES[language])
                        title = f"{base_title}: {rng.choice(words)} {rng.choice(words)}"
                        paragraphs = [
                            " ".join(rng.sample(sentences[language], 3))
                            + " "
                            + product_words(language, rng.randint(8, 30))
                            + "."
                            for _ in range(rng.randint(2, 5))
                        ]
                    else:
                        name = rng.choice(tails[language]).capitalize()
                        title = f"{name} {rng.randint(2, 99)}: {product_words(language, 3)}"
                        paragraphs = [
                            f"{name} " + product_words(language, rng.randint(20, 60)) + "."
                            for _ in range(rng.randint(2, 5))
                        ]
                    body = "\n\n".join(paragraphs)
                    translations.append(
                        ArticleTranslation(
                            article=article,
                            language=language,
                            title=title,
                            slug=article.translation_key,
                            body_markdown=body,
                            body_html=render_markdown(body),
                            status=Status.PUBLISHED,
                            view_count=rng.randint(0, 5000),
                            helpful_count=rng.randint(0, 40),
                            not_helpful_count=rng.randint(0, 20),
                        )
                    )
                ArticleTranslation.objects.bulk_create(translations)
        report(f"  {language}: {per_language} articles written")
    indexed = articles_reindex(batch_size=1000)
    report(f"  {indexed} translations indexed in {time.monotonic() - started:.0f}s")


def _index_range(bounds: tuple[int, int]) -> tuple[int, float, float]:
    """One worker's share of the ticket index: (tickets, wall seconds, CPU seconds)."""
    from concierge.search.services import tickets_reindex

    started, cpu = time.monotonic(), time.process_time()
    indexed = tickets_reindex(batch_size=2000, start_after=bounds[0], up_to=bounds[1])
    return indexed, time.monotonic() - started, time.process_time() - cpu


def index_tickets(workers: int, report: Callable[[str], None]) -> None:
    """Build the ticket index with the product's own indexing (`tickets_reindex`), the
    id range split between `workers` processes (one on SQLite, whose writers queue)."""
    import multiprocessing

    from django.db import connection

    from concierge.search.models import TicketEntry
    from concierge.tickets.models import Ticket

    if connection.vendor != "postgresql":
        workers = 1
    started = time.monotonic()
    TicketEntry.objects.all().delete()
    ids = Ticket.objects.order_by("pk").values_list("pk", flat=True)
    first, last = ids.first(), ids.last()
    if first is None or last is None:
        return
    step = (last - first) // workers + 1
    ranges = [(first - 1 + n * step, min(last, first - 1 + (n + 1) * step)) for n in range(workers)]
    if workers == 1:
        done = [_index_range(ranges[0])]
    else:
        # Each process opens its own connection; none may inherit this one.
        connection.close()
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            done = pool.map(_index_range, ranges)
    indexed = sum(count for count, _, _ in done)
    cpu = sum(seconds for _, _, seconds in done)
    report(
        f"  {indexed} tickets indexed in {time.monotonic() - started:.0f}s by {workers} "
        f"process(es), {cpu:.0f}s of Python CPU time"
    )


def generate_tickets(tickets: int, messages: float, report: Callable[[str], None]) -> None:
    from bench.dataset import Scale
    from bench.load import generate

    generate(Scale(tickets=tickets, messages_per_ticket=messages), report=report)


def typed_prefixes(question: str) -> list[str]:
    """What a person has typed on the way to a question: each word, half-typed and whole."""
    words = question.split()
    typed = []
    for index, word in enumerate(words):
        head = " ".join(words[:index])
        for cut in sorted({max(2, len(word) // 2), len(word)}):
            typed.append(f"{head} {word[:cut]}".strip())
    return typed


def time_calls(
    call: Callable[[Any], Any], inputs: list[Any], repeat: int
) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds of each call. The CPU time is this process's: Django's
    work, and on SQLite the database's as well (it runs in process), but not
    PostgreSQL's; unlike wall time it does not grow when other work shares the machine."""
    for value in inputs[: min(len(inputs), 20)]:
        call(value)
    timings, cpu = [], []
    for _ in range(repeat):
        for value in inputs:
            started, started_cpu = time.perf_counter(), time.process_time()
            call(value)
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
    return timings, cpu


def measure(repeat: int, only: str | None = None) -> list[dict[str, Any]]:
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection

    from bench.dataset import BENCH_ADMIN, BENCH_AGENT
    from concierge.people.models import OrganizationMembership, User
    from concierge.search.queries import search_articles, search_tickets, suggest
    from concierge.system.runtime import settle_heap
    from concierge.tickets.models import Ticket

    # What a web process does once loaded (concierge/asgi.py), before it answers
    # anything: so that the collector's full passes cost here what they cost there.
    settle_heap()
    anonymous = AnonymousUser()
    member = OrganizationMembership.objects.select_related("customer__user").first()
    customer_user = None
    if member is not None:
        customer = member.customer
        if customer.user is None:
            from concierge.people.services import customer_portal_user

            customer_user = customer_portal_user(customer=customer)
        else:
            customer_user = customer.user
    questions = [(language, q) for language, items in QUESTIONS.items() for q, _ in items]
    typing = [(language, p) for language, q in questions for p in typed_prefixes(q)]
    cases: list[tuple[str, str, Callable[[Any], Any], list[Any], float]] = [
        (
            "article search",
            "anonymous",
            lambda item: search_articles(anonymous, item[1], language=item[0]),
            questions,
            ARTICLE_BUDGET_MS,
        ),
        (
            "suggestions while typing",
            "anonymous",
            lambda item: suggest(anonymous, item[1], language=item[0]),
            typing,
            ARTICLE_BUDGET_MS,
        ),
    ]
    if customer_user is not None:
        cases.append(
            (
                "article search",
                "organization member",
                lambda item: search_articles(customer_user, item[1], language=item[0]),
                questions,
                ARTICLE_BUDGET_MS,
            )
        )
    admin = User.objects.filter(email=BENCH_ADMIN).first()
    agent = User.objects.filter(email=BENCH_AGENT).first()
    if admin is not None and Ticket.objects.exists():
        rng = random.Random(3)
        sample = list(
            Ticket.objects.order_by("?" if connection.vendor == "postgresql" else "id")
            .select_related("requester")
            .values_list("number", "subject", "requester__full_name")[:2000]
        )
        rng.shuffle(sample)
        ticket_queries = []
        for number, subject, name in sample[:60]:
            words = subject.split()
            ticket_queries.append(" ".join(words[: max(1, len(words) // 2)]))
            ticket_queries.append(name or subject)
            ticket_queries.append(str(number))
        ticket_queries += [q for _, q in questions[::4]]
        for label, user in (("admin (all tickets)", admin), ("agent (one team)", agent)):
            if user is None:
                continue
            cases.append(
                (
                    "ticket search",
                    label,
                    lambda query, user=user: search_tickets(user, query, limit=50),
                    ticket_queries,
                    TICKET_BUDGET_MS,
                )
            )
            cases.append(
                (
                    "ticket search, open only",
                    label,
                    lambda query, user=user: search_tickets(
                        user, query, filters={"status": ["new", "open"]}, limit=50
                    ),
                    ticket_queries,
                    TICKET_BUDGET_MS,
                )
            )
    if only is not None:
        cases = [case for case in cases if case[0].startswith("ticket") == (only == "tickets")]
    rows = []
    for name, who, call, inputs, budget in cases:
        timings, cpu = time_calls(call, inputs, repeat)
        p95 = percentile(timings, 0.95)
        rows.append(
            {
                "case": name,
                "user": who,
                "samples": len(timings),
                "p50_ms": round(statistics.median(timings), 2),
                "p95_ms": round(p95, 2),
                "max_ms": round(max(timings), 2),
                "cpu_p50_ms": round(statistics.median(cpu), 2),
                "cpu_p95_ms": round(percentile(cpu, 0.95), 2),
                "budget_ms": budget,
                "within_budget": p95 <= budget,
            }
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Time article search, suggestions and ticket search."
    )
    parser.add_argument("--articles", type=int, default=50_000)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--messages-per-ticket", type=float, default=4.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument(
        "--new-articles", action="store_true", help="generate the articles again, keep the desk"
    )
    parser.add_argument("--index-tickets", action="store_true", help="build the ticket index again")
    parser.add_argument(
        "--index-workers", type=int, default=2, help="processes indexing tickets (PostgreSQL)"
    )
    parser.add_argument("--no-measure", action="store_true", help="only generate and index")
    parser.add_argument("--only", choices=("articles", "tickets"), help="measure only these cases")
    parser.add_argument("--json", type=Path)
    options = parser.parse_args(argv)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.search_settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.environment import describe_database
    from concierge.helpcenter.models import ArticleTranslation
    from concierge.tickets.models import Ticket

    call_command("migrate", verbosity=0)
    print(f"search speed on {describe_database()}; load average {os.getloadavg()[0]:.1f}")
    if options.regenerate or not Ticket.objects.exists():
        if Ticket.objects.exists():
            raise SystemExit("--regenerate needs an empty database: remove it first")
        if options.tickets:
            print(f"generating {options.tickets} tickets")
            generate_tickets(options.tickets, options.messages_per_ticket, print)
            options.index_tickets = True
    if options.index_tickets:
        print("indexing the tickets")
        index_tickets(options.index_workers, print)
    stale = ArticleTranslation.objects.count() != options.articles
    if options.regenerate or options.new_articles or stale:
        print(f"generating {options.articles} articles")
        generate_articles(options.articles)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    if options.no_measure:
        return 0
    load_before = os.getloadavg()[0]
    rows = measure(options.repeat, options.only)
    load_after = os.getloadavg()[0]
    print(
        f"load average before and after measuring: {load_before:.1f}, {load_after:.1f} "
        f"on {os.cpu_count()} cores"
    )
    print(
        f"{'case':<28}{'user':<22}{'n':>6}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}"
        f"{'cpu p50':>9}{'cpu p95':>9}{'budget':>8}"
    )
    for row in rows:
        print(
            f"{row['case']:<28}{row['user']:<22}{row['samples']:>6}{row['p50_ms']:>9.1f}"
            f"{row['p95_ms']:>9.1f}{row['max_ms']:>9.1f}{row['cpu_p50_ms']:>9.1f}"
            f"{row['cpu_p95_ms']:>9.1f}{row['budget_ms']:>8.0f}"
            f"  {'yes' if row['within_budget'] else 'NO'}"
        )
    if options.json:
        options.json.parent.mkdir(parents=True, exist_ok=True)
        document = {
            "database": describe_database(),
            "articles": ArticleTranslation.objects.count(),
            "tickets": Ticket.objects.count(),
            "load_average": [load_before, load_after],
            "cores": os.cpu_count(),
            "results": rows,
        }
        options.json.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        print(f"wrote {options.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
