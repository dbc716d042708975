"""Helpers the help center's and the search engine's tests share to build articles
through the same services the product uses."""

from __future__ import annotations

from typing import Any

from concierge.helpcenter.models import ArticleTranslation, Category, Section, Status
from concierge.helpcenter.services import (
    article_create,
    category_save,
    section_save,
    translation_save,
    translation_set_status,
)


def make_section(admin: Any, name: str = "Orders", category: str = "Shopping") -> Section:
    found = Category.objects.filter(slug=category.lower()).first()
    parent = found or category_save(actor=admin, titles={"en": category}, slug=category.lower())
    existing = Section.objects.filter(category=parent, slug=name.lower()).first()
    return existing or section_save(
        actor=admin, category=parent, titles={"en": name}, slug=name.lower()
    )


def publish(
    admin: Any,
    title: str,
    body: str,
    *,
    language: str = "en",
    section: Section | None = None,
    visibility: str = "public",
    organizations: Any = (),
    key: str = "",
    article: Any = None,
) -> ArticleTranslation:
    """A published article (or a published translation of `article`)."""
    if article is None:
        translation = article_create(
            actor=admin,
            section=section or make_section(admin),
            language=language,
            title=title,
            body_markdown=body,
            translation_key=key,
            visibility=visibility,
            organizations=organizations,
        )
    else:
        translation = translation_save(
            actor=admin, article=article, language=language, title=title, body_markdown=body
        )
    return translation_set_status(actor=admin, translation=translation, status=Status.PUBLISHED)
