"""Who may read which article, and which language they get."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from concierge.helpcenter.models import Status
from concierge.helpcenter.queries import article_for_user, translations_visible_to
from concierge.helpcenter.services import translation_set_status
from concierge.helpcenter.testing import publish
from concierge.people.models import OrganizationMembership

pytestmark = pytest.mark.django_db


def test_the_reader_gets_their_language(article):
    shown = article_for_user(AnonymousUser(), article.article_id, language="ru")
    assert (shown.translation.language, shown.fell_back) == ("ru", False)
    assert [t.language for t in shown.translations] == ["en", "ru"]


def test_a_missing_language_falls_back_to_the_default(article):
    shown = article_for_user(AnonymousUser(), article.article_id, language="fi")
    assert (shown.translation.language, shown.fell_back) == ("en", True)


def test_a_draft_translation_is_not_shown_to_readers(article, admin):
    russian = article.article.translations.get(language="ru")
    translation_set_status(actor=admin, translation=russian, status=Status.DRAFT)
    shown = article_for_user(AnonymousUser(), article.article_id, language="ru")
    assert shown.translation.language == "en"
    translation_set_status(actor=admin, translation=article, status=Status.DRAFT)
    with pytest.raises(Http404):
        article_for_user(AnonymousUser(), article.article_id, language="en")


def test_drafts_are_for_authors_only(article, admin, agent, light_agent, customer):
    translation_set_status(actor=admin, translation=article, status=Status.DRAFT)
    assert article_for_user(agent, article.article_id, language="en", include_drafts=True)
    for reader in (light_agent, customer.user, AnonymousUser()):
        with pytest.raises(Http404):
            article_for_user(reader, article.article_id, language="en", include_drafts=True)


@pytest.mark.parametrize("pk", [0, 10**30, "x"])
def test_unknown_ids_are_404(pk, db):
    with pytest.raises(Http404):
        article_for_user(AnonymousUser(), pk, language="en")


def test_visibility_by_reader(admin, agent, customer, other_customer, acme, section):
    publish(admin, "Public", "x", section=section)
    publish(admin, "Customers", "x", section=section, visibility="signed_in")
    publish(admin, "Internal", "x", section=section, visibility="internal")
    publish(admin, "Acme", "x", section=section, visibility="organizations", organizations=[acme])
    OrganizationMembership.objects.create(customer=customer, organization=acme)

    def titles(user):
        return sorted(translations_visible_to(user).values_list("title", flat=True))

    assert titles(AnonymousUser()) == ["Public"]
    assert titles(other_customer.user) == ["Customers", "Public"]
    assert titles(customer.user) == ["Acme", "Customers", "Public"]
    assert titles(agent) == ["Acme", "Customers", "Internal", "Public"]
