"""Template helpers for the help center: titles in the reader's language, article links."""

from __future__ import annotations

from django import template

from concierge.helpcenter.models import ArticleTranslation, TitledByLanguage

register = template.Library()


@register.simple_tag
def title_in(item: TitledByLanguage, language: str) -> str:
    return item.title_in(language)


@register.simple_tag
def description_in(item: TitledByLanguage, language: str) -> str:
    return item.description_in(language)


@register.simple_tag
def article_url(translation: ArticleTranslation) -> str:
    from concierge.helpcenter.views.portal import article_url as url_of

    return url_of(translation)
