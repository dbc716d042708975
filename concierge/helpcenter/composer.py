"""Articles for the ticket composer: what an agent finds while answering a ticket, in the
language the customer reads, ready to go into the reply as a link or as text."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

from concierge.helpcenter.models import ArticleTranslation, Visibility
from concierge.helpcenter.queries import translations_visible_to
from concierge.people.models import User
from concierge.search.analysis import base_language
from concierge.search.queries import ArticleHit, search_articles
from concierge.tickets.models import Ticket

COMPOSER_LIMIT = 6


@dataclass
class ComposerArticle:
    """One search result in the composer.

    `hit` is the translation that matched (its highlighted title and snippet are shown);
    `translation` is what gets inserted: the customer's language when the article has it,
    else the matching translation itself.
    """

    hit: ArticleHit
    translation: ArticleTranslation
    visibility: str
    url: str

    @property
    def internal(self) -> bool:
        return self.visibility == Visibility.INTERNAL

    @property
    def in_customer_language(self) -> bool:
        return self.translation.pk != self.hit.translation.pk

    @property
    def text(self) -> str:
        return self.translation.body_markdown


def customer_language(ticket: Ticket) -> str:
    """The language the customer reads: the ticket's, else the requester's, else the site's."""
    language = ticket.language or getattr(ticket.requester, "language", "") or ""
    return base_language(language or settings.LANGUAGE_CODE)


def article_url(translation: ArticleTranslation) -> str:
    # SITE_URL, never the request's host: the link goes out in mail to the customer.
    return settings.SITE_URL + reverse(
        "helpcenter:article", args=[translation.language, translation.article_id, translation.slug]
    )


def composer_articles(
    user: User, query: str, *, language: str, limit: int = COMPOSER_LIMIT
) -> list[ComposerArticle]:
    """The articles this agent may read that match `query`, one entry per article (its
    best matching translation), each with the translation to insert for `language`."""
    hits = search_articles(user, query, limit=limit * 2, prefix=True, with_place=False).hits
    best: dict[int, ArticleHit] = {}
    for hit in hits:
        best.setdefault(hit.translation.article_id, hit)
    chosen = list(best.values())[:limit]
    if not chosen:
        return []
    # One read for every text to insert: the customer's language where there is one,
    # and the matching translations (whose bodies the search did not load).
    wanted = (
        translations_visible_to(user)
        .filter(article_id__in=[hit.translation.article_id for hit in chosen])
        .select_related("article")
    )
    texts = {
        (row.article_id, row.language): row
        for row in wanted.filter(
            language__in={language} | {hit.translation.language for hit in chosen}
        )
    }
    found = []
    for hit in chosen:
        article_id = hit.translation.article_id
        translation = texts.get((article_id, language)) or texts.get(
            (article_id, hit.translation.language)
        )
        if translation is None:
            # Unpublished between the search and this read: nothing to insert.
            continue
        found.append(
            ComposerArticle(
                hit=hit,
                translation=translation,
                visibility=translation.article.visibility,
                url=article_url(translation),
            )
        )
    return found
