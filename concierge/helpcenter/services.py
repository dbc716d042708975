"""Every write to the help center.

Each function owns its transaction, checks the actor's role, keeps the history
(a version per saved text) and hands searchable changes to the search index itself.

Who may do what: agents and admins write and edit articles and send them to review;
only admins publish, schedule, unpublish, restore into a published text, change who
may read an article, and delete. Light agents only read.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from concierge.helpcenter.markdown import render_markdown
from concierge.helpcenter.models import (
    Article,
    ArticleAttachment,
    ArticleFeedback,
    ArticleTranslation,
    ArticleVersion,
    Category,
    ContactDeflection,
    DeflectionState,
    Section,
    Status,
    Visibility,
)
from concierge.helpcenter.queries import can_author, can_publish
from concierge.people.models import Organization, User
from concierge.search.analysis import base_language
from concierge.search.conf import deflection_window_minutes
from concierge.search.services import article_entries_drop, article_index
from concierge.tickets.attachments import clean_filename, guess_content_type, validate_uploads


class NotAllowedError(Exception):
    """The actor's role does not allow this change."""


class NotEmptyError(Exception):
    """A category that holds sections, or a section that holds articles, stays: deleting
    it would take the articles with it (or leave them nowhere)."""


class StaleArticleError(Exception):
    """Someone saved the text since the editor loaded it; nothing was written."""

    def __init__(self, translation: ArticleTranslation) -> None:
        super().__init__(f"translation {translation.pk} is at version {translation.version}")
        self.translation = translation


def _require_author(actor: User) -> None:
    if not can_author(actor):
        raise NotAllowedError(_("Only agents and admins write articles."))


def _require_publisher(actor: User) -> None:
    if not can_publish(actor):
        raise NotAllowedError(_("Only admins publish articles."))


def unique_slug(text: str, *, language: str, exclude_pk: int | None = None) -> str:
    """A slug for the title, unique within its language."""
    base = slugify(text, allow_unicode=True)[:200] or "article"
    taken = ArticleTranslation.objects.filter(language=language, slug__startswith=base)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    used = set(taken.values_list("slug", flat=True))
    slug, counter = base, 2
    while slug in used:
        slug, counter = f"{base}-{counter}", counter + 1
    return slug


# --- categories and sections ---------------------------------------------------------------


@transaction.atomic
def category_save(
    *,
    actor: User,
    titles: dict[str, str],
    slug: str = "",
    descriptions: dict[str, str] | None = None,
    position: int = 0,
    category: Category | None = None,
) -> Category:
    _require_publisher(actor)
    category = category or Category()
    category.titles = {code: text for code, text in titles.items() if text.strip()}
    category.descriptions = {k: v for k, v in (descriptions or {}).items() if v.strip()}
    category.slug = slug or slugify(next(iter(category.titles.values()), ""), allow_unicode=True)
    category.position = position
    category.save()
    return category


@transaction.atomic
def section_save(
    *,
    actor: User,
    category: Category,
    titles: dict[str, str],
    slug: str = "",
    descriptions: dict[str, str] | None = None,
    position: int = 0,
    section: Section | None = None,
) -> Section:
    _require_publisher(actor)
    section = section or Section()
    section.category = category
    section.titles = {code: text for code, text in titles.items() if text.strip()}
    section.descriptions = {k: v for k, v in (descriptions or {}).items() if v.strip()}
    section.slug = slug or slugify(next(iter(section.titles.values()), ""), allow_unicode=True)
    section.position = position
    section.save()
    return section


@transaction.atomic
def category_delete(*, actor: User, category: Category) -> None:
    """Delete an empty category; one that still holds sections is refused."""
    _require_publisher(actor)
    category = Category.objects.select_for_update().get(pk=category.pk)
    if category.sections.exists():
        raise NotEmptyError(_("This category still holds sections: move or delete them first."))
    category.delete()


@transaction.atomic
def section_delete(*, actor: User, section: Section) -> None:
    """Delete an empty section; one that still holds articles is refused."""
    _require_publisher(actor)
    section = Section.objects.select_for_update().get(pk=section.pk)
    if section.articles.exists():
        raise NotEmptyError(
            _(
                "This section still holds articles: move them to another section or delete "
                "them first."
            )
        )
    section.delete()


# --- articles ------------------------------------------------------------------------------


def _reindex(article: Article) -> None:
    for pk in article.translations.values_list("pk", flat=True):
        article_index(translation_id=pk)


@transaction.atomic
def article_create(
    *,
    actor: User,
    section: Section,
    language: str,
    title: str,
    body_markdown: str,
    translation_key: str = "",
    visibility: str = Visibility.PUBLIC,
    organizations: Iterable[Organization] = (),
    owner: User | None = None,
    slug: str = "",
) -> ArticleTranslation:
    """A new article with its first translation, as a draft owned by the author."""
    _require_author(actor)
    if visibility != Visibility.PUBLIC and visibility not in Visibility.values:
        raise ValueError(f"unknown visibility {visibility!r}")
    key = translation_key or slugify(title)[:100] or secrets.token_hex(6)
    if Article.objects.filter(translation_key=key).exists():
        if translation_key:
            raise IntegrityError(f"translation key {key!r} is taken")
        key = f"{key[:100]}-{secrets.token_hex(3)}"
    article = Article.objects.create(
        section=section, translation_key=key, visibility=visibility, owner=owner or actor
    )
    article.organizations.set(organizations)
    return translation_save(
        actor=actor,
        article=article,
        language=language,
        title=title,
        body_markdown=body_markdown,
        slug=slug,
    )


@transaction.atomic
def translation_save(
    *,
    actor: User,
    article: Article,
    language: str,
    title: str,
    body_markdown: str,
    slug: str = "",
    expected_version: int | None = None,
    note: str = "",
) -> ArticleTranslation:
    """Save the text of one language (creating that translation when it is new).

    A new version is kept for every save. A published text that an agent edits stays
    published: the change goes live, and the history shows who made it.
    """
    _require_author(actor)
    language = base_language(language)
    translation = (
        ArticleTranslation.objects.select_for_update()
        .filter(article=article, language=language)
        .first()
    )
    now = timezone.now()
    if translation is None:
        translation = ArticleTranslation(article=article, language=language, created_at=now)
        translation.version = 0
    elif expected_version is not None and translation.version != expected_version:
        raise StaleArticleError(translation)
    translation.title = title.strip()
    translation.slug = slug or (
        translation.slug
        if translation.pk and translation.slug
        else unique_slug(title, language=language)
    )
    if translation.slug != slug and slug:
        translation.slug = unique_slug(slug, language=language, exclude_pk=translation.pk)
    translation.body_markdown = body_markdown
    translation.body_html = render_markdown(body_markdown)
    translation.updated_at = now
    translation.version += 1
    translation.save()
    ArticleVersion.objects.create(
        translation=translation,
        number=translation.version,
        title=translation.title,
        body_markdown=body_markdown,
        author=actor,
        note=note[:200],
        created_at=now,
    )
    article_index(translation_id=translation.pk)
    return translation


@transaction.atomic
def translation_set_status(
    *,
    actor: User,
    translation: ArticleTranslation,
    status: str,
    publish_at: dt.datetime | None = None,
) -> ArticleTranslation:
    """Move a translation through draft, review and published.

    Agents may send a draft to review and take it back; publishing (now or at
    `publish_at`) and unpublishing are for admins.
    """
    _require_author(actor)
    if status not in Status.values:
        raise ValueError(f"unknown status {status!r}")
    locked = ArticleTranslation.objects.select_for_update().get(pk=translation.pk)
    touches_published = status == Status.PUBLISHED or locked.status == Status.PUBLISHED
    if touches_published:
        _require_publisher(actor)
    locked.status = status
    locked.publish_at = publish_at if status == Status.PUBLISHED else None
    if status == Status.PUBLISHED and locked.published_at is None:
        locked.published_at = publish_at or timezone.now()
    locked.save(update_fields=["status", "publish_at", "published_at"])
    article_index(translation_id=locked.pk)
    return locked


@transaction.atomic
def translation_restore(
    *, actor: User, translation: ArticleTranslation, version: ArticleVersion
) -> ArticleTranslation:
    """Bring back an earlier text as a new version (history is never rewritten)."""
    if version.translation_id != translation.pk:
        raise ValueError("the version belongs to another translation")
    if translation.status == Status.PUBLISHED:
        _require_publisher(actor)
    return translation_save(
        actor=actor,
        article=translation.article,
        language=translation.language,
        title=version.title,
        body_markdown=version.body_markdown,
        note=_("Restored version %(number)s") % {"number": version.number},
    )


@transaction.atomic
def article_update_settings(
    *,
    actor: User,
    article: Article,
    section: Section,
    visibility: str,
    organizations: Iterable[Organization],
    owner: User | None,
    related: Iterable[Article],
    position: int | None = None,
) -> Article:
    """Where the article lives (and its place in its section: `position`, unchanged when
    None), who may read it, who owns it, what it relates to."""
    _require_author(actor)
    organizations = list(organizations)
    if visibility != article.visibility or set(organizations) != set(article.organizations.all()):
        _require_publisher(actor)
    if visibility not in Visibility.values:
        raise ValueError(f"unknown visibility {visibility!r}")
    article.section = section
    article.visibility = visibility
    article.owner = owner
    if position is not None:
        article.position = position
    article.save(update_fields=["section", "visibility", "owner", "position"])
    article.organizations.set(organizations)
    article.related.set([other for other in related if other.pk != article.pk])
    _reindex(article)
    return article


@transaction.atomic
def article_delete(*, actor: User, article: Article) -> None:
    _require_publisher(actor)
    # Its words leave the search vocabulary too, so completions never offer them again.
    article_entries_drop(translation_ids=article.translations.values_list("pk", flat=True))
    files = [attachment.file for attachment in article.attachments.all()]
    article.delete()
    # Files go once the rows are surely gone: a rolled-back delete keeps its files.
    transaction.on_commit(lambda: [file.delete(save=False) for file in files])


@transaction.atomic
def attachment_add(*, actor: User, article: Article, upload: UploadedFile) -> ArticleAttachment:
    """Store an image or file for an article (checked like every other upload)."""
    _require_author(actor)
    (checked,) = validate_uploads([upload])
    filename = clean_filename(checked.name or "file")
    attachment = ArticleAttachment(
        article=article,
        filename=filename,
        content_type=guess_content_type(filename, checked.content_type or ""),
        size=checked.size or 0,
        uploaded_by=actor,
    )
    attachment.file.save(filename, checked, save=False)
    attachment.save()
    return attachment


# --- readers -------------------------------------------------------------------------------


def translation_record_view(*, translation: ArticleTranslation) -> None:
    ArticleTranslation.objects.filter(pk=translation.pk).update(view_count=F("view_count") + 1)


@transaction.atomic
def feedback_give(
    *, translation: ArticleTranslation, helpful: bool, comment: str = ""
) -> ArticleFeedback:
    """Count a vote; a comment is e-mailed to the article's owner once committed."""
    counter = "helpful_count" if helpful else "not_helpful_count"
    ArticleTranslation.objects.filter(pk=translation.pk).update(**{counter: F(counter) + 1})
    feedback = ArticleFeedback.objects.create(
        translation=translation, helpful=helpful, comment=comment.strip()[:2000]
    )
    if feedback.comment and translation.article.owner_id:
        from concierge.helpcenter.tasks import send_feedback_to_owner

        transaction.on_commit(lambda: send_feedback_to_owner.enqueue(feedback.pk))
    return feedback


# --- deflection ----------------------------------------------------------------------------


def new_visit_token() -> str:
    return secrets.token_hex(16)


def deflection_article_opened(
    *, visit: str, translation: ArticleTranslation, now: dt.datetime | None = None
) -> ContactDeflection:
    """A customer on the contact form opened a suggested article: start (or extend) the
    visit's window. The visit stays pending until it is submitted or its window passes."""
    now = now or timezone.now()
    window = dt.timedelta(minutes=deflection_window_minutes())
    deflection, created = ContactDeflection.objects.get_or_create(
        visit=visit,
        defaults={
            "language": translation.language,
            "first_article": translation,
            "opened_at": now,
            "decide_after": now + window,
        },
    )
    if not created:
        ContactDeflection.objects.filter(pk=deflection.pk, state=DeflectionState.PENDING).update(
            articles_opened=F("articles_opened") + 1, decide_after=now + window
        )
    return deflection


def deflection_contact_submitted(*, visit: str, now: dt.datetime | None = None) -> bool:
    """The visit ended in a request after all; a visit already counted stays counted."""
    return bool(
        ContactDeflection.objects.filter(visit=visit, state=DeflectionState.PENDING).update(
            state=DeflectionState.SUBMITTED, decided_at=now or timezone.now()
        )
    )


def deflections_decide_due(*, now: dt.datetime | None = None) -> int:
    """Count as deflected every pending visit whose window has passed; returns how many.

    One conditional UPDATE from pending: run twice, or by two processes at once, it
    still counts each visit once.
    """
    now = now or timezone.now()
    return ContactDeflection.objects.filter(
        state=DeflectionState.PENDING, decide_after__lte=now
    ).update(state=DeflectionState.DEFLECTED, decided_at=now)
