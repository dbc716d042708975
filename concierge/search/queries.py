"""The search engine's public face: `search_articles`, `suggest` and `search_tickets`.

A query first asks for entries that hold every clause; when that finds too few, the
entries that hold any clause fill the list below them. Text relevance (with the title
weighing most) orders each tier; helpfulness votes and freshness then adjust the order.
Visibility is part of the SQL of every query (see the backends).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from functools import partial

from django.conf import settings
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString

from concierge.search.analysis import analyzer_for, base_language
from concierge.search.backends import ARTICLES, TICKETS, current_backend
from concierge.search.backends.base import Corpus, LanguageQuery, TeamScope
from concierge.search.parsing import MAX_QUERY_LENGTH, Clause, parse_query
from concierge.search.snippets import Highlighter
from concierge.search.spelling import completions, corrections

CANDIDATES = 40
SNIPPET_MESSAGES = 20


def site_languages() -> list[str]:
    return [code for code, _ in settings.LANGUAGES]


def _with_corrections(
    language: str, clauses: list[Clause], audiences: list[int] | None
) -> list[Clause]:
    if audiences is None:
        return clauses
    single = {clause.word for clause in clauses if not clause.phrase and not clause.prefix}
    fixes = corrections(language, single, audiences)
    return [
        replace(clause, alternatives=tuple(fixes.get(clause.word, ())))
        if not clause.phrase and not clause.prefix
        else clause
        for clause in clauses
    ]


def _searches_more(language: str, clauses: list[Clause]) -> bool:
    """Whether spelling alternatives add a stem to the search: another form of the same
    word ("другие" for "другим") finds nothing new, so the search is not run again."""
    analyzer = analyzer_for(language)
    return any(
        analyzer.stem(alternative) != analyzer.stem(clause.word)
        for clause in clauses
        for alternative in clause.alternatives
    )


def _language_queries(
    text: str, languages: list[str], *, prefix: bool, audiences: list[int] | None
) -> list[LanguageQuery]:
    queries = []
    for language in dict.fromkeys(base_language(code) for code in languages):
        clauses = parse_query(text, analyzer_for(language), prefix_last=prefix)
        queries.append((language, _with_corrections(language, clauses, audiences)))
    return queries


def _ranked_ids(
    corpus: Corpus,
    queries: list[LanguageQuery],
    visible: QuerySet,
    *,
    limit: int,
    wanted: int | None = None,
    fill_with_partial: bool = True,
    full_matches: list[tuple[int, float, int]] | None = None,
    titles_first: bool = False,
    scope: TeamScope | None = None,
) -> list[tuple[int, float, int]]:
    """(id, text score, tier): tier 0 matched every clause, tier 1 only some (asked for
    only when `fill_with_partial` and the full matches are fewer than `wanted`).
    `full_matches` are full matches found already, which are then not asked for again."""
    if not any(clauses for _, clauses in queries):
        return []
    # Every pass of one search asks for the same corpus, visibility and scope.
    match = partial(current_backend().match, corpus, visible=visible, scope=scope)
    if full_matches is None and titles_first:
        # Titles first: when enough articles hold every word in their title, those are the
        # answers (a title weighs most), and ranking them is cheap, since few titles
        # match where thousands of bodies may.
        in_titles = match(queries, require_all=True, limit=limit, title_only=True)
        if len(in_titles) >= (wanted or limit):
            return [(pk, score, 0) for pk, score in in_titles]
    found = (
        list(full_matches)
        if full_matches is not None
        else [(pk, score, 0) for pk, score in match(queries, require_all=True, limit=limit)]
    )
    several_clauses = any(len(clauses) > 1 for _, clauses in queries)
    # Partial matches fill in only when the full ones do not fill the page asked for.
    if fill_with_partial and len(found) < (wanted or limit) and several_clauses:
        seen = tuple(pk for pk, _, _ in found)
        # Words of one or two letters ("my", "на", "ne", "on") match nearly every
        # article on their own: among partial matches they only add noise and time.
        telling = [
            (language, [c for c in clauses if c.phrase or len(c.word) > 2] or clauses)
            for language, clauses in queries
        ]
        missing = (wanted or limit) - len(found)
        partly_matched: list[tuple[int, float]] = []
        if titles_first:
            partly_matched = match(
                telling,
                require_all=False,
                limit=limit - len(found),
                exclude=seen,
                title_only=True,
            )
        if len(partly_matched) < missing:
            partly_matched = match(
                telling,
                require_all=False,
                limit=limit - len(found),
                exclude=seen,
            )
        found.extend((pk, score, 1) for pk, score in partly_matched)
    return found


# --- articles ------------------------------------------------------------------------------


@dataclass
class ArticleHit:
    translation: object
    score: float
    title_html: SafeString
    snippet_html: SafeString
    position: int = 0


@dataclass
class ArticleResults:
    query: str
    language: str | None
    hits: list[ArticleHit] = field(default_factory=list)
    corrections: dict[str, list[str]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.hits)


def _freshness(updated_at: dt.datetime, now: dt.datetime) -> float:
    age_days = max(0.0, (now - updated_at).total_seconds() / 86400)
    return 1 / (1 + age_days / 180)


def _final_score(
    text_score: float, helpful: int, not_helpful: int, updated_at: dt.datetime, now: dt.datetime
) -> float:
    """Text relevance first; votes and freshness move it by at most a fifth."""
    relevance = text_score / (1 + text_score)
    votes = helpful + not_helpful
    confidence = votes / (votes + 5)
    share = (helpful + 1) / (votes + 2)
    helpfulness = (share - 0.5) * 2 * confidence
    return relevance * (1 + 0.15 * helpfulness + 0.05 * _freshness(updated_at, now))


# What a hit shows and links to, and where it sits in the help center (the search
# page): the other columns of four tables' rows, their timestamps above all, were a
# third of the time spent loading a page of hits.
SHOWN_TRANSLATION_FIELDS = ("article_id", "language", "title", "slug", "updated_at")
SHOWN_PLACE_FIELDS = (
    "article__translation_key",
    "article__visibility",
    "article__section_id",
    "article__section__slug",
    "article__section__titles",
    "article__section__category_id",
    "article__section__category__slug",
    "article__section__category__titles",
)


def search_articles(
    user: object,
    query: str,
    *,
    language: str | None = None,
    limit: int = 10,
    prefix: bool = False,
    snippets: bool = True,
    with_place: bool = True,
) -> ArticleResults:
    """Articles this person may read that match `query`, best first.

    `language` limits the search to one language (None: every language of the site);
    `prefix` treats the last word as still being typed; `with_place` loads each hit's
    article, section and category with it (where it sits in the help center, which the
    search page shows; suggestions show only the title and a snippet).
    """
    from concierge.helpcenter.models import ArticleTranslation
    from concierge.helpcenter.queries import audiences_for, translations_visible_to

    languages = [language] if language else site_languages()
    queries = _language_queries(query, languages, prefix=prefix, audiences=None)
    results = ArticleResults(query=query, language=language)
    visible = translations_visible_to(user).filter(language__in=[code for code, _ in queries])
    candidates = max(limit * 2, CANDIDATES)
    # The words as typed first; spelling help (a look-up per unknown word) only when
    # they do not fill the page.
    ranked = _ranked_ids(
        ARTICLES,
        queries,
        visible,
        limit=candidates,
        wanted=limit,
        fill_with_partial=False,
        titles_first=True,
    )
    if len(ranked) < limit:
        audiences = audiences_for(user)
        corrected = [
            (code, _with_corrections(code, clauses, audiences)) for code, clauses in queries
        ]
        for _, clauses in corrected:
            for clause in clauses:
                if clause.alternatives:
                    results.corrections[clause.word] = list(clause.alternatives)
        if any(_searches_more(code, clauses) for code, clauses in corrected):
            queries = corrected
            ranked = _ranked_ids(
                ARTICLES, queries, visible, limit=candidates, wanted=limit, titles_first=True
            )
        else:
            ranked = _ranked_ids(
                ARTICLES,
                queries,
                visible,
                limit=candidates,
                wanted=limit,
                full_matches=ranked,
                titles_first=True,
            )
    if not ranked:
        return results
    # Rank on the few columns the final score needs; load whole rows for the page only.
    signals = {
        row[0]: row
        for row in ArticleTranslation.objects.filter(
            pk__in=[pk for pk, _, _ in ranked]
        ).values_list("pk", "helpful_count", "not_helpful_count", "updated_at")
    }
    now = timezone.now()
    ordered = sorted(
        (tier, -_final_score(score, *signals[pk][1:], now), pk)
        for pk, score, tier in ranked
        if pk in signals
    )[:limit]
    # Snippets quote the plain text the index keeps, not the article's HTML.
    shown = ArticleTranslation.objects.only(*SHOWN_TRANSLATION_FIELDS)
    if with_place:
        shown = shown.select_related("article__section__category").only(
            *SHOWN_TRANSLATION_FIELDS, *SHOWN_PLACE_FIELDS
        )
    if snippets:
        shown = shown.annotate(quoted_text=F("search_entry__body_text"))
    rows = shown.in_bulk([pk for _, _, pk in ordered])
    highlighters = {
        language: Highlighter.for_clauses(analyzer_for(language), clauses)
        for language, clauses in queries
    }
    for position, (_, negative_score, pk) in enumerate(ordered, 1):
        translation = rows[pk]
        highlighter = highlighters.get(translation.language) or Highlighter.for_clauses(
            analyzer_for(translation.language), []
        )
        results.hits.append(
            ArticleHit(
                translation=translation,
                score=-negative_score,
                title_html=highlighter.whole(translation.title),
                snippet_html=highlighter.snippet(translation.quoted_text or "")
                if snippets
                else SafeString(""),
                position=position,
            )
        )
    return results


@dataclass
class Suggestions:
    query: str
    articles: list[ArticleHit]
    completions: list[str]


def suggest(user: object, text: str, *, language: str, limit: int = 5) -> Suggestions:
    """As-you-type help: the best matching articles, and the query with its last word
    completed from the vocabulary of the articles this person may read."""
    from concierge.helpcenter.queries import audiences_for

    language = base_language(language)
    articles = search_articles(
        user, text, language=language, limit=limit, prefix=True, with_place=False
    ).hits
    completed: list[str] = []
    typed_words = analyzer_for(language).words(text[-MAX_QUERY_LENGTH:])
    if typed_words and text and not text[-1].isspace() and '"' not in text:
        head = text.rstrip()
        head = head[: len(head) - len(head.split()[-1])] if head.split() else ""
        for word in completions(language, typed_words[-1], audiences_for(user), limit=limit):
            completed.append(f"{head}{word}")
    return Suggestions(query=text, articles=articles, completions=completed)


# --- tickets -------------------------------------------------------------------------------


@dataclass
class TicketHit:
    ticket: object
    score: float
    subject_html: SafeString
    snippet_html: SafeString


# What a result shows (number, subject, status, customer, team, assignee, last change):
# the rest of fifty tickets' and their people's rows is a good part of a search's time.
SHOWN_TICKET_FIELDS = (
    "number",
    "subject",
    "status",
    "language",
    "updated_at",
    "requester__full_name",
    "assignee__full_name",
    "assignee__email",
    "team__name",
)


def _shown_tickets(tickets: QuerySet) -> QuerySet:
    return tickets.select_related("requester", "assignee", "team").only(*SHOWN_TICKET_FIELDS)


def search_tickets(
    user: object,
    query: str,
    *,
    filters: dict[str, list[str]] | None = None,
    limit: int = 50,
) -> list[TicketHit]:
    """Tickets this agent may open that match `query` by number, subject, message text
    or customer (name, address, organization), narrowed by the inbox's filters.

    A number (with or without #) finds that ticket first. Words are matched in every
    language of the site, so a Russian query finds Russian tickets whatever the agent's
    own language is.
    """
    from concierge.people.queries import agent_team_scope, is_agent
    from concierge.tickets.models import Message, MessageKind, Ticket
    from concierge.tickets.queries import MAX_ID, apply_filters, tickets_visible_to

    if not is_agent(user) or not query.strip():
        return []
    visible = apply_filters(tickets_visible_to(user), user, filters or {})
    team_ids = agent_team_scope(user)
    scope = None if team_ids is None else TeamScope(tuple(team_ids), user.pk)
    hits: list[TicketHit] = []
    number = query.strip().lstrip("#")
    by_number: list[Ticket] = []
    if number.isascii() and number.isdigit() and int(number) <= MAX_ID:
        by_number = list(_shown_tickets(visible.filter(number=int(number))))
    queries = _language_queries(query, site_languages(), prefix=False, audiences=None)
    # Agents look for one ticket: a ticket that holds only some of the words is noise.
    ranked = _ranked_ids(
        TICKETS, queries, visible, limit=limit, fill_with_partial=False, scope=scope
    )
    ids = [pk for pk, _, _ in ranked if all(pk != t.pk for t in by_number)]
    rows = _shown_tickets(Ticket.objects.all()).in_bulk(ids)
    scores = {pk: score for pk, score, _ in ranked}
    texts: dict[int, list[str]] = {}
    messages = (
        Message.objects.filter(ticket_id__in=ids)
        .exclude(kind=MessageKind.SYSTEM)
        .order_by("ticket_id", "-created_at")
        .values_list("ticket_id", "body_text")
    )
    for ticket_id, body in messages:
        quoted = texts.setdefault(ticket_id, [])
        # The newest messages are the ones worth quoting; a long thread is not read whole.
        if len(quoted) < SNIPPET_MESSAGES:
            quoted.append(body)
    for ticket in by_number:
        # The subject is the customer's words: escaped like every highlighted one.
        hits.append(TicketHit(ticket, float("inf"), escape(ticket.subject), SafeString("")))
    highlighters = {
        language: Highlighter.for_clauses(analyzer_for(language), clauses)
        for language, clauses in queries
    }
    for pk in ids:
        ticket = rows.get(pk)
        if ticket is None:
            continue
        language = base_language(ticket.language or settings.LANGUAGE_CODE)
        highlighter = highlighters.get(language) or Highlighter.for_clauses(
            analyzer_for(language), []
        )
        best = max(texts.get(pk, []), key=highlighter.count, default="")
        hits.append(
            TicketHit(
                ticket=ticket,
                score=scores[pk],
                subject_html=highlighter.whole(ticket.subject),
                snippet_html=highlighter.snippet(best) if best else SafeString(""),
            )
        )
    return hits[:limit]
