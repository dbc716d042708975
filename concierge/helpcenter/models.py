"""The help center: categories, sections, articles and their translations.

An `Article` is what stays the same across languages (where it lives, who may read it,
who owns it, what it relates to); each `ArticleTranslation` is one language of it with its
own slug, text, status and history. Translations of one article share its `translation_key`,
which is also how import and export recognize an article in files.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from concierge.people.models import Organization


def default_language() -> str:
    return settings.LANGUAGE_CODE


class TitledByLanguage(models.Model):
    """Categories and sections carry a short title per language (a dict code -> text)."""

    titles = models.JSONField(_("titles"), default=dict)
    descriptions = models.JSONField(_("descriptions"), default=dict, blank=True)
    slug = models.SlugField(_("slug"), max_length=120, allow_unicode=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title_in(default_language())

    def title_in(self, language: str) -> str:
        return (
            self.titles.get(language)
            or self.titles.get(default_language())
            or next(iter(self.titles.values()), self.slug)
        )

    def description_in(self, language: str) -> str:
        return self.descriptions.get(language) or self.descriptions.get(default_language(), "")


class Category(TitledByLanguage):
    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["slug"], name="helpcenter_category_slug")]


class Section(TitledByLanguage):
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="sections")

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["category", "slug"], name="helpcenter_section_slug")
        ]


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Everyone")
    SIGNED_IN = "signed_in", _("Signed-in customers")
    ORGANIZATIONS = "organizations", _("Chosen organizations")
    INTERNAL = "internal", _("Internal: agents only")


class Article(models.Model):
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="articles")
    translation_key = models.SlugField(_("translation key"), max_length=120, unique=True)
    visibility = models.CharField(
        _("who may read it"), max_length=20, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    organizations = models.ManyToManyField(
        Organization, blank=True, related_name="help_articles", verbose_name=_("organizations")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_articles",
        verbose_name=_("owner"),
    )
    related = models.ManyToManyField("self", blank=True, verbose_name=_("related articles"))
    position = models.PositiveIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.translation_key


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("In review")
    PUBLISHED = "published", _("Published")


class ArticleTranslation(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=10)
    title = models.CharField(_("title"), max_length=250)
    slug = models.SlugField(_("slug"), max_length=250, allow_unicode=True)
    body_markdown = models.TextField(_("text (Markdown)"), blank=True)
    # Rendered from the Markdown and sanitized when saved; templates show it as it is.
    body_html = models.TextField(_("HTML"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    # A published translation with a future publish_at stays hidden until then.
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True)
    published_at = models.DateTimeField(_("first published"), null=True, blank=True)
    updated_at = models.DateTimeField(_("last updated"), default=timezone.now)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    version = models.PositiveIntegerField(_("version"), default=1)
    view_count = models.PositiveIntegerField(_("views"), default=0)
    helpful_count = models.PositiveIntegerField(_("found it helpful"), default=0)
    not_helpful_count = models.PositiveIntegerField(_("did not find it helpful"), default=0)

    class Meta:
        verbose_name = _("article translation")
        verbose_name_plural = _("article translations")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "language"], name="helpcenter_one_translation_per_language"
            ),
            models.UniqueConstraint(
                fields=["language", "slug"], name="helpcenter_translation_slug"
            ),
        ]
        indexes = [
            models.Index(
                fields=["language", "status", "-view_count"], name="hc_translation_popular"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"

    @property
    def is_live(self) -> bool:
        return self.status == Status.PUBLISHED and (
            self.publish_at is None or self.publish_at <= timezone.now()
        )

    @property
    def is_scheduled(self) -> bool:
        return (
            self.status == Status.PUBLISHED
            and self.publish_at is not None
            and self.publish_at > timezone.now()
        )

    @property
    def helpfulness(self) -> float:
        """Share of helpful votes, pulled towards one half while there are few votes."""
        return (self.helpful_count + 1) / (self.helpful_count + self.not_helpful_count + 2)


def live_translation_q(prefix: str = "") -> Q:
    """Published and due: the condition every reader-facing query starts from."""
    return Q(**{f"{prefix}status": Status.PUBLISHED}) & (
        Q(**{f"{prefix}publish_at__isnull": True})
        | Q(**{f"{prefix}publish_at__lte": timezone.now()})
    )


class ArticleVersion(models.Model):
    """A saved state of a translation: every save of the text adds one."""

    translation = models.ForeignKey(
        ArticleTranslation, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=250)
    body_markdown = models.TextField(_("text (Markdown)"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("saved"), default=timezone.now)

    class Meta:
        verbose_name = _("article version")
        verbose_name_plural = _("article versions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["translation", "number"], name="helpcenter_version_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.translation} v{self.number}"


def attachment_path(instance: ArticleAttachment, filename: str) -> str:
    return f"helpcenter/{instance.article_id}/{filename}"


class ArticleAttachment(models.Model):
    """An image or file uploaded for an article; served through an access-checked view."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=500)
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=150)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("article attachment")
        verbose_name_plural = _("article attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.filename

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class ArticleFeedback(models.Model):
    """One "was this helpful?" answer. Who gave it is not kept: only the answer."""

    translation = models.ForeignKey(
        ArticleTranslation, on_delete=models.CASCADE, related_name="feedback"
    )
    helpful = models.BooleanField(_("helpful"))
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("given"), default=timezone.now)

    class Meta:
        verbose_name = _("article feedback")
        verbose_name_plural = _("article feedback")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["translation", "-created_at"], name="hc_feedback_recent")]

    def __str__(self) -> str:
        return f"{'+' if self.helpful else '-'} {self.translation_id}"


class DeflectionState(models.TextChoices):
    PENDING = "pending", _("Waiting")
    DEFLECTED = "deflected", _("Deflected")
    SUBMITTED = "submitted", _("Submitted anyway")


class ContactDeflection(models.Model):
    """One visit to the contact form in which the customer opened a suggested article.

    It starts pending; a submission from the same visit marks it submitted, and a
    pending visit whose window has passed becomes deflected. Each change is a
    conditional UPDATE from pending, so a visit is counted once, whatever runs when.
    """

    visit = models.CharField(max_length=32, unique=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    first_article = models.ForeignKey(
        ArticleTranslation, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    articles_opened = models.PositiveIntegerField(default=1)
    opened_at = models.DateTimeField(default=timezone.now)
    decide_after = models.DateTimeField()
    state = models.CharField(
        max_length=10, choices=DeflectionState.choices, default=DeflectionState.PENDING
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("contact deflection")
        verbose_name_plural = _("contact deflections")
        indexes = [
            models.Index(fields=["state", "decide_after"], name="hc_deflection_due"),
            models.Index(fields=["opened_at"], name="hc_deflection_opened"),
        ]

    def __str__(self) -> str:
        return f"{self.visit} {self.state}"
