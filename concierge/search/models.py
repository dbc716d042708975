"""What the search engine keeps: one analyzed entry per indexed object, the vocabulary
behind completions and typo tolerance, and the log of what people searched.

The full-text structures themselves are not Django fields: on SQLite an external-content
FTS5 table reads the entries (kept in step by triggers on the entry tables), on
PostgreSQL a generated `tsvector` column with a GIN index sits on the entry tables. Both
are created by this app's migrations for their database only.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Audience(models.IntegerChoices):
    """Who may see words that came from an article: completions never reveal a word
    to someone who could not read an article it came from."""

    EVERYONE = 0, _("Everyone")
    CUSTOMERS = 1, _("Signed-in customers")
    STAFF = 2, _("Agents")


class ArticleEntry(models.Model):
    """The analyzed text of one article translation (published ones only)."""

    translation = models.OneToOneField(
        "helpcenter.ArticleTranslation",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_entry",
    )
    language = models.CharField(max_length=10)
    audience = models.PositiveSmallIntegerField(choices=Audience.choices)
    # SQLite: Snowball stems; PostgreSQL: folded words that its own stemmer takes.
    title_terms = models.TextField(blank=True)
    body_terms = models.TextField(blank=True)
    extra_terms = models.TextField(blank=True)
    # The distinct folded words, so an update knows which vocabulary counts to lower.
    words = models.TextField(blank=True)
    # The body as plain text, which snippets quote: turning every hit's HTML into text
    # again in each search was a tenth of a search's time.
    body_text = models.TextField(blank=True)
    # No index on `language`: each language holds a large share of the entries, and
    # PostgreSQL intersected its bitmap with the full-text index's (migration 0007).

    def __str__(self) -> str:
        return f"article {self.translation_id}"


class TicketEntry(models.Model):
    """The analyzed text of one ticket: subject, every message, and who asked."""

    ticket = models.OneToOneField(
        "tickets.Ticket", on_delete=models.CASCADE, primary_key=True, related_name="search_entry"
    )
    language = models.CharField(max_length=10, blank=True)
    subject_terms = models.TextField(blank=True)
    body_terms = models.TextField(blank=True)
    customer_terms = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"ticket {self.ticket_id}"


class Term(models.Model):
    """A folded word of the published articles, with how many articles use it."""

    language = models.CharField(max_length=10)
    word = models.CharField(max_length=60)
    # The word's Snowball stem: a word typed in another form of the same stem (Turkish
    # "adresimi" where articles say "adresi") is found as it is, and needs no spelling
    # help.
    stem = models.CharField(max_length=60, blank=True)
    audience = models.PositiveSmallIntegerField(choices=Audience.choices)
    document_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["language", "word", "audience"], name="search_term_unique"
            )
        ]
        indexes = [models.Index(fields=["language", "stem"], name="search_term_stem")]

    def __str__(self) -> str:
        return self.word


class SearchSource(models.TextChoices):
    HELP_CENTER = "helpcenter", _("Help center search")
    SUGGESTION = "suggestion", _("As-you-type suggestion")
    CONTACT_FORM = "contact", _("Contact form suggestion")


class SearchLog(models.Model):
    """One search somebody made. No person, session or address is kept: only the words
    (with e-mail addresses and long numbers blanked), the language and what came of it."""

    query = models.CharField(_("query"), max_length=200)
    normalized = models.CharField(_("normalized query"), max_length=200, db_index=True)
    language = models.CharField(_("language"), max_length=10)
    source = models.CharField(_("where"), max_length=12, choices=SearchSource.choices)
    result_count = models.PositiveIntegerField(_("results"))
    opened_translation = models.ForeignKey(
        "helpcenter.ArticleTranslation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    opened_position = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(_("searched at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("search")
        verbose_name_plural = _("searches")

    def __str__(self) -> str:
        return self.query
