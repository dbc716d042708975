"""Reads of the help center, and the one definition of who may read which article.

`articles_visible_to` says which articles a person may read at all; `translations_visible_to`
narrows that to the live (published and due) translations and is what search joins in
its SQL; `article_for_user` fetches one article for a page or answers 404.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from concierge.helpcenter.models import (
    Article,
    ArticleFeedback,
    ArticleTranslation,
    ArticleVersion,
    Category,
    Section,
    Visibility,
    live_translation_q,
)
from concierge.people.models import OrganizationMembership, User
from concierge.people.queries import is_admin, is_agent
from concierge.search.models import Audience
from concierge.tickets.queries import customer_of

# --- who may read what ---------------------------------------------------------------------


def can_author(user: object) -> bool:
    """Agents and admins write articles; light agents only read them."""
    return is_agent(user) and user.can_reply_publicly  # type: ignore[attr-defined]


def can_publish(user: object) -> bool:
    """Admins publish, schedule, unpublish and delete: what customers see is their call."""
    return is_admin(user)


def _readable(user: User, *, article: str, article_id: str) -> Q | None:
    """The condition on an article (reached through `article`, a lookup prefix, with its
    id in the column `article_id`) that this person may read it; None means every one."""
    if is_agent(user):
        return None
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(**{f"{article}visibility": Visibility.PUBLIC})
    readable = Q(**{f"{article}visibility__in": (Visibility.PUBLIC, Visibility.SIGNED_IN)})
    customer = customer_of(user)
    if customer is not None:
        member_of = OrganizationMembership.objects.filter(customer=customer).values(
            "organization_id"
        )
        chosen = Article.organizations.through.objects.filter(
            article_id=OuterRef(article_id), organization_id__in=member_of
        )
        readable |= Q(**{f"{article}visibility": Visibility.ORGANIZATIONS}) & Q(Exists(chosen))
    return readable


def articles_visible_to(user: User) -> QuerySet[Article]:
    """Every article this person may read (in any state): the only definition of it."""
    readable = _readable(user, article="", article_id="pk")
    articles = Article.objects.all()
    return articles if readable is None else articles.filter(readable)


def translations_visible_to(user: User) -> QuerySet[ArticleTranslation]:
    """The live translations of the articles this person may read (the same definition,
    written as conditions on each translation's article so a search checks them by key)."""
    readable = _readable(user, article="article__", article_id="article_id")
    live = ArticleTranslation.objects.filter(live_translation_q())
    return live if readable is None else live.filter(readable)


def audiences_for(user: User) -> list[int]:
    """Whose vocabulary completions and spelling help may draw from for this person."""
    if is_agent(user):
        return [Audience.EVERYONE, Audience.CUSTOMERS, Audience.STAFF]
    if getattr(user, "is_authenticated", False) and user.is_active:
        return [Audience.EVERYONE, Audience.CUSTOMERS]
    return [Audience.EVERYONE]


def default_language() -> str:
    return settings.LANGUAGE_CODE


@dataclass
class ArticleInLanguage:
    """An article as shown in one language, with the other languages it can be read in."""

    article: Article
    translation: ArticleTranslation
    requested_language: str
    translations: list[ArticleTranslation] = field(default_factory=list)

    @property
    def fell_back(self) -> bool:
        return self.translation.language != self.requested_language


def article_for_user(
    user: User, pk: int, *, language: str, include_drafts: bool = False
) -> ArticleInLanguage:
    """The article in `language` if it is there, else in the default language, else in
    any language it has; 404 when this person may not read it.

    `include_drafts` is for the authoring pages: it admits only people who may write
    articles, and shows translations whatever their status.
    """
    if include_drafts and not can_author(user):
        raise Http404
    try:
        article = articles_visible_to(user).select_related("section__category", "owner").get(pk=pk)
    except (Article.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
    translations = article.translations.order_by("language")
    if not include_drafts:
        translations = translations.filter(live_translation_q())
    available = list(translations)
    by_language = {translation.language: translation for translation in available}
    chosen = by_language.get(language) or by_language.get(default_language())
    if chosen is None:
        if not available:
            raise Http404
        chosen = available[0]
    return ArticleInLanguage(
        article=article, translation=chosen, requested_language=language, translations=available
    )


def attachment_for_user(user: User, pk: int) -> object:
    """A file of an article this person may read (drafts' files only for authors)."""
    from concierge.helpcenter.models import ArticleAttachment

    attachments = ArticleAttachment.objects.filter(article__in=articles_visible_to(user))
    if not can_author(user):
        attachments = attachments.filter(
            Exists(
                ArticleTranslation.objects.filter(live_translation_q(), article=OuterRef("article"))
            )
        )
    try:
        return attachments.get(pk=pk)
    except (ArticleAttachment.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


# --- the portal's pages --------------------------------------------------------------------


def categories_with_sections(user: User, language: str) -> list[Category]:
    """Categories and their sections that hold at least one article readable here."""
    live = translations_visible_to(user).filter(language__in={language, default_language()})
    sections = Section.objects.filter(
        Exists(live.filter(article__section=OuterRef("pk")))
    ).order_by("position", "id")
    return list(
        Category.objects.filter(Exists(sections.filter(category=OuterRef("pk")))).prefetch_related(
            Prefetch("sections", queryset=sections, to_attr="readable_sections")
        )
    )


def category_for_user(user: User, slug: str, language: str) -> Category:
    for category in categories_with_sections(user, language):
        if category.slug == slug:
            return category
    raise Http404


def section_for_user(user: User, pk: int) -> Section:
    try:
        return Section.objects.select_related("category").get(pk=pk)
    except (Section.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def readable_translations(
    user: User, language: str, *, section: Section | None = None
) -> list[ArticleTranslation]:
    """One translation per readable article (the language asked for, else the default)."""
    live = translations_visible_to(user).select_related("article__section")
    if section is not None:
        live = live.filter(article__section=section)
    wanted = list(live.filter(language=language).order_by("article__position", "article_id"))
    if language != default_language():
        have = {translation.article_id for translation in wanted}
        fallback = live.filter(language=default_language()).exclude(article_id__in=have)
        wanted.extend(fallback.order_by("article__position", "article_id"))
        wanted.sort(key=lambda t: (t.article.position, t.article_id))
    return wanted


def popular_translations(user: User, language: str, limit: int = 8) -> list[ArticleTranslation]:
    return list(
        translations_visible_to(user)
        .filter(language=language)
        .select_related("article__section")
        .order_by("-view_count", "-helpful_count", "pk")[:limit]
    )


def related_translations(user: User, article: Article, language: str) -> list[ArticleTranslation]:
    related_ids = list(article.related.values_list("pk", flat=True))
    if not related_ids:
        return []
    live = translations_visible_to(user).filter(article_id__in=related_ids)
    chosen: dict[int, ArticleTranslation] = {}
    for translation in live.filter(language__in={language, default_language()}):
        if translation.article_id not in chosen or translation.language == language:
            chosen[translation.article_id] = translation
    return sorted(chosen.values(), key=lambda t: t.title.casefold())


def sitemap_translations() -> QuerySet[ArticleTranslation]:
    """What search engines may list: live translations of public articles."""
    return ArticleTranslation.objects.filter(
        live_translation_q(), article__visibility=Visibility.PUBLIC
    ).order_by("article_id", "language")


# --- the authoring pages -------------------------------------------------------------------


def articles_for_authors(
    *, language: str | None = None, status: str | None = None, query: str = ""
) -> QuerySet[ArticleTranslation]:
    translations = ArticleTranslation.objects.select_related(
        "article__section__category", "article__owner"
    )
    if language:
        translations = translations.filter(language=language)
    if status:
        translations = translations.filter(status=status)
    if query:
        translations = translations.filter(
            Q(title__icontains=query) | Q(article__translation_key__icontains=query)
        )
    return translations.order_by("-updated_at", "-pk")


def translation_versions(translation: ArticleTranslation) -> QuerySet[ArticleVersion]:
    return translation.versions.select_related("author").order_by("-number")


def version_diff(older: ArticleVersion, newer: ArticleVersion | ArticleTranslation) -> list[str]:
    """A unified diff of two states of a text, title first."""
    before = [f"# {older.title}", "", *older.body_markdown.splitlines()]
    after = [f"# {newer.title}", "", *newer.body_markdown.splitlines()]
    return list(
        difflib.unified_diff(
            before, after, fromfile=f"v{older.number}", tofile="current", lineterm="", n=2
        )
    )


def recent_feedback(translation: ArticleTranslation, limit: int = 20) -> list[ArticleFeedback]:
    return list(translation.feedback.all()[:limit])


def structure_for_authors() -> list[Category]:
    """Every category in order, each with its sections (`ordered_sections`, each with its
    `article_count`), for the page where admins arrange them: three queries in all."""
    sections = Section.objects.annotate(article_count=Count("articles")).order_by("position", "id")
    return list(
        # Meta.ordering does not apply to a query with GROUP BY: the order is said here.
        Category.objects.annotate(section_count=Count("sections"))
        .order_by("position", "id")
        .prefetch_related(Prefetch("sections", queryset=sections, to_attr="ordered_sections"))
    )


def translation_counts_by_status() -> dict[str, int]:
    rows = ArticleTranslation.objects.values("status").annotate(total=Count("pk"))
    return {row["status"]: row["total"] for row in rows}
