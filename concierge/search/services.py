"""Every write of the search engine: index entries, the vocabulary, the search log.

The help center's and the tickets' services call `article_index` / `ticket_index` when
what they changed is searchable; nothing listens to model signals. Writing an entry row
is all it takes: SQLite's triggers and PostgreSQL's generated column do the rest.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import Counter
from collections.abc import Iterable

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from concierge.search.analysis import analyzer_for
from concierge.search.backends import ARTICLES, TICKETS, current_backend
from concierge.search.models import ArticleEntry, Audience, SearchLog, Term, TicketEntry

logger = logging.getLogger(__name__)

# --- articles ------------------------------------------------------------------------------


def _audience_of(visibility: str) -> int:
    # Words of articles for chosen organizations are only offered to agents: offering
    # them to every signed-in customer would tell them what other companies read.
    return {
        "public": Audience.EVERYONE,
        "signed_in": Audience.CUSTOMERS,
    }.get(visibility, Audience.STAFF)


def _article_entry(translation: object) -> ArticleEntry:
    from concierge.helpcenter.markdown import html_to_text

    analyzer = analyzer_for(translation.language)
    backend = current_backend()
    title_words = analyzer.words(translation.title)
    text = html_to_text(translation.body_html)
    body_words = analyzer.words(text)
    every_word = title_words + body_words
    return ArticleEntry(
        translation_id=translation.pk,
        language=analyzer.language,
        audience=_audience_of(translation.article.visibility),
        title_terms=backend.prepare(analyzer, title_words),
        body_terms=backend.prepare(analyzer, body_words),
        extra_terms=backend.prepare(analyzer, analyzer.compound_tails(every_word)),
        words=" ".join(sorted(set(every_word))),
        body_text=text,
    )


def _change_vocabulary(language: str, audience: int, words: Iterable[str], delta: int) -> None:
    words = [word for word in set(words) if word]
    if not words:
        return
    if delta > 0:
        analyzer = analyzer_for(language)
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO search_term (language, word, stem, audience, document_count) "
                "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (language, word, audience) DO UPDATE "
                "SET document_count = search_term.document_count + excluded.document_count",
                [
                    (language, word, stem, audience, delta)
                    for word, stem in zip(words, analyzer.stems(words), strict=True)
                ],
            )
        return
    terms = Term.objects.filter(language=language, audience=audience, word__in=words)
    terms.update(document_count=F("document_count") + delta)
    terms.filter(document_count__lte=0).delete()


def _remove_from_vocabulary(entry: ArticleEntry) -> None:
    _change_vocabulary(entry.language, entry.audience, entry.words.split(), -1)


@transaction.atomic
def article_index(*, translation_id: int) -> bool:
    """Index a published translation (or drop it when it is no longer published).

    Scheduled translations are indexed at once: the search query itself keeps them out
    of results until their time comes.
    """
    from concierge.helpcenter.models import ArticleTranslation, Status

    translation = (
        ArticleTranslation.objects.select_related("article")
        .filter(pk=translation_id, status=Status.PUBLISHED)
        .first()
    )
    old = ArticleEntry.objects.select_for_update().filter(translation_id=translation_id).first()
    if old is not None:
        _remove_from_vocabulary(old)
    if translation is None:
        if old is not None:
            old.delete()
        return False
    entry = _article_entry(translation)
    entry.save(force_insert=old is None, force_update=old is not None)
    _change_vocabulary(entry.language, entry.audience, entry.words.split(), +1)
    return True


def article_unindex(*, translation_id: int) -> None:
    article_index(translation_id=translation_id)


@transaction.atomic
def article_entries_drop(*, translation_ids: Iterable[int]) -> int:
    """Take translations out of the index whatever their status: for an article being
    deleted, whose published words must leave the vocabulary with it."""
    entries = list(
        ArticleEntry.objects.select_for_update().filter(translation_id__in=list(translation_ids))
    )
    for entry in entries:
        _remove_from_vocabulary(entry)
    ArticleEntry.objects.filter(pk__in=[entry.pk for entry in entries]).delete()
    return len(entries)


def articles_reindex(*, batch_size: int = 500) -> int:
    """Rebuild every article entry and the vocabulary from scratch; returns the count."""
    from concierge.helpcenter.models import ArticleTranslation, Status

    with transaction.atomic():
        ArticleEntry.objects.all().delete()
        Term.objects.all().delete()
    counts: Counter[tuple[str, str, int]] = Counter()
    indexed = 0
    published = ArticleTranslation.objects.filter(status=Status.PUBLISHED).select_related("article")
    last_pk = 0
    with current_backend().bulk_load(ARTICLES):
        while True:
            batch = list(published.filter(pk__gt=last_pk).order_by("pk")[:batch_size])
            if not batch:
                break
            entries = [_article_entry(translation) for translation in batch]
            with transaction.atomic():
                ArticleEntry.objects.bulk_create(entries)
            for entry in entries:
                counts.update(
                    (entry.language, word, entry.audience) for word in entry.words.split()
                )
            indexed += len(entries)
            last_pk = batch[-1].pk
    rows = [
        Term(
            language=language,
            word=word,
            stem=analyzer_for(language).stem(word),
            audience=audience,
            document_count=count,
        )
        for (language, word, audience), count in counts.items()
    ]
    with transaction.atomic():
        Term.objects.bulk_create(rows, batch_size=2000)
    return indexed


# --- tickets -------------------------------------------------------------------------------


def _ticket_entries(ticket_ids: list[int]) -> list[TicketEntry]:
    from concierge.tickets.models import Message, MessageKind, Ticket

    tickets = (
        Ticket.objects.filter(pk__in=ticket_ids)
        .select_related("requester", "organization")
        .prefetch_related("requester__identities")
    )
    bodies: dict[int, list[str]] = {}
    messages = (
        Message.objects.filter(ticket_id__in=ticket_ids)
        .exclude(kind=MessageKind.SYSTEM)
        .order_by("ticket_id", "created_at", "id")
        .values_list("ticket_id", "body_text")
    )
    for ticket_id, body in messages:
        bodies.setdefault(ticket_id, []).append(body)
    backend = current_backend()
    entries = []
    for ticket in tickets:
        analyzer = analyzer_for(ticket.language or settings.LANGUAGE_CODE)
        requester = ticket.requester
        who = [requester.full_name, *(identity.value for identity in requester.identities.all())]
        if ticket.organization is not None:
            who.append(ticket.organization.name)
        entries.append(
            TicketEntry(
                ticket_id=ticket.pk,
                language=analyzer.language,
                subject_terms=backend.prepare(analyzer, analyzer.words(ticket.subject)),
                body_terms=backend.prepare(
                    analyzer, analyzer.words("\n".join(bodies.get(ticket.pk, [])))
                ),
                customer_terms=backend.prepare(analyzer, analyzer.words(" ".join(who))),
            )
        )
    return entries


@transaction.atomic
def ticket_index(*, ticket_id: int) -> bool:
    """(Re)build one ticket's entry from its subject, messages and requester."""
    TicketEntry.objects.filter(ticket_id=ticket_id).delete()
    entries = _ticket_entries([ticket_id])
    TicketEntry.objects.bulk_create(entries)
    return bool(entries)


def tickets_index(*, ticket_ids: list[int]) -> int:
    """(Re)build the entries of many tickets together, in a fixed number of queries: a
    batch of incoming mail indexes its tickets this way. Returns how many were indexed."""
    with transaction.atomic():
        TicketEntry.objects.filter(ticket_id__in=ticket_ids).delete()
        entries = _ticket_entries(ticket_ids)
        TicketEntry.objects.bulk_create(entries)
    return len(entries)


def tickets_index_safely(*, ticket_ids: list[int]) -> None:
    """Index tickets inside the caller's transaction, in a savepoint: should indexing
    fail, the ticket change still commits (nothing a customer sends is lost for search's
    sake) and `concierge search reindex` can catch up later."""
    for ticket_id in ticket_ids:
        try:
            ticket_index(ticket_id=ticket_id)
        except Exception:
            logger.exception("ticket %s could not be indexed for search", ticket_id)


def tickets_reindex(
    *, batch_size: int = 1000, start_after: int = 0, up_to: int | None = None
) -> int:
    """Rebuild the ticket entries in batches of ids; returns the count.

    Without bounds every entry is rebuilt from scratch. `start_after` and `up_to` (ids,
    the second inclusive) rebuild one range, so that a large desk can be indexed by
    several processes at once, each taking its own range. On SQLite the FTS5 index is
    written without merging as it grows (`Backend.bulk_load`)."""
    from concierge.tickets.models import Ticket

    if start_after == 0 and up_to is None:
        TicketEntry.objects.all().delete()
    tickets = Ticket.objects.all() if up_to is None else Ticket.objects.filter(pk__lte=up_to)
    indexed = 0
    last_pk = start_after
    with current_backend().bulk_load(TICKETS):
        while True:
            ids = list(
                tickets.filter(pk__gt=last_pk)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                break
            with transaction.atomic():
                TicketEntry.objects.filter(ticket_id__in=ids).delete()
                TicketEntry.objects.bulk_create(_ticket_entries(ids))
            indexed += len(ids)
            last_pk = ids[-1]
    return indexed


# --- the search log ------------------------------------------------------------------------

_EMAIL = re.compile(r"\S+@\S+")
_LONG_NUMBER = re.compile(r"\d[\d \-]{5,}\d")


def scrub_query(query: str) -> str:
    """The query without what could identify a person: addresses and long numbers."""
    text = _EMAIL.sub("…@…", query)
    text = _LONG_NUMBER.sub("…", text)
    return " ".join(text.split())[:200]


def search_log_record(*, query: str, language: str, source: str, result_count: int) -> SearchLog:
    scrubbed = scrub_query(query)
    analyzer = analyzer_for(language)
    return SearchLog.objects.create(
        query=scrubbed,
        normalized=" ".join(analyzer.words(scrubbed))[:200] or scrubbed.casefold(),
        language=analyzer.language,
        source=source,
        result_count=result_count,
    )


def search_log_opened(*, log_id: int, translation_id: int, position: int | None) -> bool:
    """Remember which result the search led to; only the first one opened counts."""
    return bool(
        SearchLog.objects.filter(pk=log_id, opened_translation__isnull=True).update(
            opened_translation_id=translation_id, opened_position=position
        )
    )


def search_log_prune(*, now: dt.datetime | None = None, days: int | None = None) -> int:
    """Delete searches older than the retention period; returns how many."""
    from concierge.search.conf import search_log_retention_days

    keep_days = search_log_retention_days() if days is None else days
    cutoff = (now or timezone.now()) - dt.timedelta(days=keep_days)
    deleted, _ = SearchLog.objects.filter(created_at__lt=cutoff).delete()
    return deleted
