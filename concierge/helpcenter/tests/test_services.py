"""Writing articles: roles, versions, status, scheduling, feedback, deflection."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from concierge.helpcenter.models import ArticleVersion, ContactDeflection, DeflectionState, Status
from concierge.helpcenter.services import (
    NotAllowedError,
    StaleArticleError,
    article_create,
    deflection_article_opened,
    deflection_contact_submitted,
    deflections_decide_due,
    feedback_give,
    translation_restore,
    translation_save,
    translation_set_status,
)

pytestmark = pytest.mark.django_db


def test_agents_write_drafts_and_admins_publish(agent, admin, section):
    draft = article_create(
        actor=agent, section=section, language="en", title="Gift cards", body_markdown="Text"
    )
    assert (draft.status, draft.article.owner, draft.version) == (Status.DRAFT, agent, 1)
    translation_set_status(actor=agent, translation=draft, status=Status.REVIEW)
    with pytest.raises(NotAllowedError):
        translation_set_status(actor=agent, translation=draft, status=Status.PUBLISHED)
    published = translation_set_status(actor=admin, translation=draft, status=Status.PUBLISHED)
    assert published.status == Status.PUBLISHED
    assert published.published_at is not None
    with pytest.raises(NotAllowedError):
        translation_set_status(actor=agent, translation=published, status=Status.DRAFT)


def test_light_agents_and_customers_write_nothing(light_agent, customer, section):
    for actor in (light_agent, customer.user):
        with pytest.raises(NotAllowedError):
            article_create(
                actor=actor, section=section, language="en", title="X", body_markdown="Y"
            )


def test_each_save_keeps_a_version_and_restore_adds_one(agent, section):
    first = article_create(
        actor=agent, section=section, language="en", title="Returns", body_markdown="Old text"
    )
    second = translation_save(
        actor=agent,
        article=first.article,
        language="en",
        title="Returns",
        body_markdown="New text",
        expected_version=1,
    )
    assert second.version == 2
    old = second.versions.get(number=1)
    restored = translation_restore(actor=agent, translation=second, version=old)
    assert (restored.version, restored.body_markdown) == (3, "Old text")
    assert list(ArticleVersion.objects.values_list("number", flat=True).order_by("number")) == [
        1,
        2,
        3,
    ]


def test_a_save_against_an_older_version_is_refused(agent, section):
    first = article_create(
        actor=agent, section=section, language="en", title="Returns", body_markdown="A"
    )
    translation_save(
        actor=agent, article=first.article, language="en", title="R", body_markdown="B"
    )
    with pytest.raises(StaleArticleError):
        translation_save(
            actor=agent,
            article=first.article,
            language="en",
            title="R",
            body_markdown="C",
            expected_version=1,
        )


def test_the_body_is_stored_rendered_and_sanitized(agent, section):
    translation = article_create(
        actor=agent,
        section=section,
        language="en",
        title="T",
        body_markdown="**bold** <script>x</script>",
    )
    assert "<strong>bold</strong>" in translation.body_html
    assert "<script>" not in translation.body_html


def test_slugs_are_unique_per_language(agent, section):
    one = article_create(
        actor=agent, section=section, language="en", title="Help", body_markdown=""
    )
    two = article_create(
        actor=agent, section=section, language="en", title="Help", body_markdown=""
    )
    russian = translation_save(
        actor=agent, article=two.article, language="ru", title="Помощь", body_markdown=""
    )
    assert (one.slug, two.slug, russian.slug) == ("help", "help-2", "помощь")


def test_a_scheduled_translation_is_published_but_not_live(admin, section):
    draft = article_create(actor=admin, section=section, language="en", title="T", body_markdown="")
    later = timezone.now() + dt.timedelta(hours=2)
    scheduled = translation_set_status(
        actor=admin, translation=draft, status=Status.PUBLISHED, publish_at=later
    )
    assert scheduled.is_scheduled
    assert not scheduled.is_live


def test_feedback_counts_votes_and_mails_comments_to_the_owner(
    article, admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        feedback_give(translation=article, helpful=True)
        feedback_give(translation=article, helpful=False, comment="The link is dead.")
    article.refresh_from_db()
    assert (article.helpful_count, article.not_helpful_count) == (1, 1)
    (message,) = mail.outbox
    assert message.to == [admin.email]
    assert "The link is dead." in message.body
    assert "Reset your password" in message.subject


def test_a_deflection_is_counted_once(article):
    opened_at = timezone.now() - dt.timedelta(hours=2)
    deflection_article_opened(visit="visit-1", translation=article, now=opened_at)
    deflection_article_opened(visit="visit-1", translation=article, now=opened_at)
    assert ContactDeflection.objects.get().articles_opened == 2
    assert deflections_decide_due() == 1
    assert deflections_decide_due() == 0
    # A request sent after the visit was counted does not undo it.
    assert deflection_contact_submitted(visit="visit-1") is False
    assert ContactDeflection.objects.get().state == DeflectionState.DEFLECTED


def test_a_visit_that_ends_in_a_request_is_not_deflected(article):
    deflection_article_opened(visit="visit-2", translation=article)
    assert deflection_contact_submitted(visit="visit-2") is True
    assert deflections_decide_due(now=timezone.now() + dt.timedelta(days=1)) == 0
    assert ContactDeflection.objects.get().state == DeflectionState.SUBMITTED


def test_a_visit_waits_for_its_window(article, settings):
    settings.DEFLECTION_WINDOW_MINUTES = 30
    now = timezone.now()
    deflection_article_opened(visit="visit-3", translation=article, now=now)
    assert deflections_decide_due(now=now + dt.timedelta(minutes=29)) == 0
    assert deflections_decide_due(now=now + dt.timedelta(minutes=31)) == 1
