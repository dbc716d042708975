"""`concierge search ...`: the search engine from the command line.

- `search QUERY [--lang xx] [--scope articles|tickets] [--limit N] [--json] [--as EMAIL]`
  prints the ranked results (id, title, language, score, snippet);
- `search --queries FILE ...` runs one query per line of FILE ('-' is standard input) and
  prints one JSON line per query, so scripts and quality measurements need one process;
- `search reindex [--scope articles|tickets|all]` rebuilds the index from the database;
- `search prune [--days N]` deletes logged searches older than the retention period.

Articles are searched as an anonymous reader unless `--as` names a person; tickets as
that agent, or with no restriction (an operator's view) when no one is named. A query that
is literally "prune" or "reindex" can be given with `--query`.
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.management.base import BaseCommand, CommandError, CommandParser

from concierge.people.models import Role, User
from concierge.search.queries import search_articles, search_tickets
from concierge.search.services import articles_reindex, search_log_prune, tickets_reindex

ACTIONS = ("prune", "reindex")
_TAGS = re.compile(r"</?mark>")


def _plain(html: str) -> str:
    from html import unescape

    return unescape(_TAGS.sub("", str(html)))


class Command(BaseCommand):
    help = "Search articles or tickets, rebuild the search index, prune the search log."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("words", nargs="*", help="the query, or the action prune / reindex")
        parser.add_argument("--query", help="the query (when it is literally prune or reindex)")
        parser.add_argument("--queries", metavar="FILE", help="one query per line; - is stdin")
        parser.add_argument("--lang", help="search one language (default: every language)")
        parser.add_argument("--scope", choices=["articles", "tickets", "all"], default="articles")
        parser.add_argument("--limit", type=int, default=10)
        parser.add_argument("--json", action="store_true", dest="as_json")
        parser.add_argument("--as", dest="as_email", metavar="EMAIL", help="search as this person")
        parser.add_argument("--days", type=int, help="prune: keep this many days")

    def handle(self, *args: Any, **options: Any) -> None:
        words: list[str] = options["words"]
        if words and words[0] in ACTIONS and options["query"] is None:
            if words[0] == "prune":
                deleted = search_log_prune(days=options["days"])
                self.stdout.write(f"{deleted} logged searches deleted")
            else:
                self.reindex(options["scope"])
            return
        if options["limit"] < 1 or options["limit"] > 1000:
            raise CommandError("--limit must be between 1 and 1000")
        if options["scope"] == "all":
            raise CommandError("--scope all is for reindex; search articles or tickets")
        user = self.searcher(options["as_email"], options["scope"])
        if options["queries"]:
            for query in self.read_queries(options["queries"]):
                self.stdout.write(json.dumps(self.run(query, user, options), ensure_ascii=False))
            return
        query = options["query"] if options["query"] is not None else " ".join(words)
        if not query.strip():
            raise CommandError("give a query, --query TEXT or --queries FILE")
        answer = self.run(query, user, options)
        if options["as_json"]:
            self.stdout.write(json.dumps(answer, ensure_ascii=False, indent=2))
            return
        if not answer["results"]:
            self.stdout.write("no results")
        for rank, result in enumerate(answer["results"], 1):
            self.stdout.write(
                f"{rank:>3}. [{result['id']}] {result['title']} "
                f"({result['language']}, {result['score']:.4f})"
            )
            if result["snippet"]:
                self.stdout.write(f"     {result['snippet']}")

    def reindex(self, scope: str) -> None:
        if scope in ("articles", "all"):
            self.stdout.write(f"{articles_reindex()} article translations indexed")
        if scope in ("tickets", "all"):
            self.stdout.write(f"{tickets_reindex()} tickets indexed")

    def searcher(self, email: str | None, scope: str) -> Any:
        if email:
            user = User.objects.filter(email=email.lower(), is_active=True).first()
            if user is None:
                raise CommandError(f"no active user with the address {email}")
            return user
        if scope == "tickets":
            # An operator at the console sees every ticket; this user is never saved.
            return User(email="console@localhost", role=Role.ADMIN, is_active=True)
        return AnonymousUser()

    def read_queries(self, path: str) -> list[str]:
        try:
            text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror or error}") from None
        except UnicodeDecodeError:
            raise CommandError(f"{path} is not UTF-8 text") from None
        return [line.strip() for line in text.splitlines() if line.strip()]

    def run(self, query: str, user: Any, options: dict[str, Any]) -> dict[str, Any]:
        started = time.perf_counter()
        if options["scope"] == "tickets":
            hits = search_tickets(user, query, limit=options["limit"])
            results = [
                {
                    "id": hit.ticket.number,
                    "title": hit.ticket.subject,
                    "language": hit.ticket.language,
                    "score": round(hit.score, 6) if hit.score != float("inf") else None,
                    "snippet": _plain(hit.snippet_html),
                }
                for hit in hits
            ]
        else:
            found = search_articles(user, query, language=options["lang"], limit=options["limit"])
            results = [
                {
                    "id": hit.translation.pk,
                    "article": hit.translation.article_id,
                    "key": hit.translation.article.translation_key,
                    "title": hit.translation.title,
                    "language": hit.translation.language,
                    "score": round(hit.score, 6),
                    "snippet": _plain(hit.snippet_html),
                }
                for hit in found.hits
            ]
        return {
            "query": query,
            "scope": options["scope"],
            "language": options["lang"],
            "took_ms": round((time.perf_counter() - started) * 1000, 2),
            "results": results,
        }
