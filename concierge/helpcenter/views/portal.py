"""The help center as customers read it, under /help/."""

from __future__ import annotations

from typing import Any

from django.core import signing
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation as translation_utils
from django.views.decorators.http import require_GET, require_POST

from concierge.helpcenter.forms import FeedbackForm
from concierge.helpcenter.models import ArticleTranslation
from concierge.helpcenter.queries import (
    article_for_user,
    attachment_for_user,
    categories_with_sections,
    category_for_user,
    popular_translations,
    readable_translations,
    related_translations,
    section_for_user,
    sitemap_translations,
)
from concierge.helpcenter.services import (
    deflection_article_opened,
    feedback_give,
    new_visit_token,
    translation_record_view,
)
from concierge.search.analysis import base_language
from concierge.search.models import SearchSource
from concierge.search.parsing import MAX_QUERY_LENGTH
from concierge.search.queries import search_articles, suggest
from concierge.search.services import search_log_opened, search_log_record

# The contact-form visit this browser is on, for counting deflected requests.
VISIT_SESSION_KEY = "helpcenter_contact_visit"
VOTED_SESSION_KEY = "helpcenter_voted"
VOTES_REMEMBERED = 200
OPENED_SALT = "helpcenter.opened"
SEARCH_RESULTS = 30
SUGGESTIONS = 5


def current_language() -> str:
    return base_language(translation_utils.get_language() or "en")


def article_url(translation: ArticleTranslation, **params: str) -> str:
    url = reverse(
        "helpcenter:article",
        args=[translation.language, translation.article_id, translation.slug],
    )
    if params:
        from urllib.parse import urlencode

        url += "?" + urlencode(params)
    return url


def _opened_token(**payload: Any) -> str:
    return signing.dumps(payload, salt=OPENED_SALT, compress=True)


def _query_text(request: HttpRequest) -> str:
    return " ".join(request.GET.get("q", "").split())[:MAX_QUERY_LENGTH]


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    language = current_language()
    return render(
        request,
        "helpcenter/home.html",
        {
            "categories": categories_with_sections(request.user, language),
            "popular": popular_translations(request.user, language),
            "language": language,
        },
    )


@require_GET
def category(request: HttpRequest, slug: str) -> HttpResponse:
    language = current_language()
    chosen = category_for_user(request.user, slug, language)
    section_ids = {section.pk for section in chosen.readable_sections}
    by_section: dict[int, list[ArticleTranslation]] = {pk: [] for pk in section_ids}
    for translation in readable_translations(request.user, language):
        if translation.article.section_id in by_section:
            by_section[translation.article.section_id].append(translation)
    sections = [(section, by_section[section.pk]) for section in chosen.readable_sections]
    return render(
        request,
        "helpcenter/category.html",
        {"category": chosen, "sections": sections, "language": language},
    )


@require_GET
def section(request: HttpRequest, pk: int) -> HttpResponse:
    language = current_language()
    chosen = section_for_user(request.user, pk)
    translations = readable_translations(request.user, language, section=chosen)
    if not translations:
        raise Http404
    return render(
        request,
        "helpcenter/section.html",
        {"section": chosen, "translations": translations, "language": language},
    )


def _note_how_it_was_opened(request: HttpRequest, translation: ArticleTranslation) -> None:
    """Logs which search result was opened, and starts a deflection window when the
    article was opened from the contact form's suggestions."""
    token = request.GET.get("opened", "")
    if not token:
        return
    try:
        payload = signing.loads(token, salt=OPENED_SALT, max_age=24 * 3600)
    except signing.BadSignature:
        return
    if not isinstance(payload, dict):
        return
    if "log" in payload:
        search_log_opened(
            log_id=int(payload["log"]),
            translation_id=translation.pk,
            position=int(payload.get("pos", 0)) or None,
        )
    elif "query" in payload:
        # A suggestion was opened: that is when a suggestion search is worth logging.
        log = search_log_record(
            query=str(payload["query"]),
            language=current_language(),
            source=str(payload.get("source", SearchSource.SUGGESTION)),
            result_count=int(payload.get("count", 1)),
        )
        search_log_opened(
            log_id=log.pk,
            translation_id=translation.pk,
            position=int(payload.get("pos", 0)) or None,
        )
    if payload.get("source") == SearchSource.CONTACT_FORM:
        visit = request.session.get(VISIT_SESSION_KEY)
        if isinstance(visit, str):
            deflection_article_opened(visit=visit, translation=translation)


@require_GET
def article(request: HttpRequest, language: str, pk: int, slug: str = "") -> HttpResponse:
    shown = article_for_user(request.user, pk, language=base_language(language))
    translation = shown.translation
    if not shown.fell_back and (slug != translation.slug or language != translation.language):
        return redirect(article_url(translation), permanent=True)
    if "opened" in request.GET:
        _note_how_it_was_opened(request, translation)
        # One canonical address per article: the tracking parameter is not bookmarked.
        return redirect(request.path)
    translation_record_view(translation=translation)
    voted = translation.pk in request.session.get(VOTED_SESSION_KEY, [])
    return render(
        request,
        "helpcenter/article.html",
        {
            "shown": shown,
            "article": shown.article,
            "translation": translation,
            "related": related_translations(request.user, shown.article, translation.language),
            "attachments": [a for a in shown.article.attachments.all() if not a.is_image],
            "feedback_form": FeedbackForm(),
            "voted": voted,
        },
    )


@require_GET
def article_short(request: HttpRequest, pk: int) -> HttpResponse:
    """/help/articles/<id>/ in the reader's language (or the fallback)."""
    shown = article_for_user(request.user, pk, language=current_language())
    return redirect(article_url(shown.translation))


@require_POST
def feedback(request: HttpRequest, language: str, pk: int) -> HttpResponse:
    shown = article_for_user(request.user, pk, language=base_language(language))
    translation = shown.translation
    voted: list[int] = list(request.session.get(VOTED_SESSION_KEY, []))
    form = FeedbackForm(request.POST)
    status = 200
    if translation.pk in voted:
        state = "already"
    elif form.is_valid():
        feedback_give(
            translation=translation,
            helpful=form.cleaned_data["helpful"],
            comment=form.cleaned_data["comment"],
        )
        request.session[VOTED_SESSION_KEY] = [*voted, translation.pk][-VOTES_REMEMBERED:]
        state = "thanks"
    else:
        state = "invalid"
        status = 400
    context = {"translation": translation, "feedback_form": form, "state": state, "voted": True}
    template = "helpcenter/_feedback.html" if request.htmx else "helpcenter/feedback_done.html"
    return render(request, template, context, status=status)


def _with_links(hits: list[Any], **token: Any) -> list[tuple[Any, str]]:
    return [
        (hit, article_url(hit.translation, opened=_opened_token(**token, pos=hit.position)))
        for hit in hits
    ]


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    query = _query_text(request)
    language = current_language()
    every_language = request.GET.get("all") == "1"
    context: dict[str, Any] = {"query": query, "language": language, "all": every_language}
    if query:
        results = search_articles(
            request.user,
            query,
            language=None if every_language else language,
            limit=SEARCH_RESULTS,
        )
        log = search_log_record(
            query=query,
            language=language,
            source=SearchSource.HELP_CENTER,
            result_count=len(results),
        )
        context["results"] = _with_links(results.hits, log=log.pk)
        context["corrections"] = results.corrections
    return render(request, "helpcenter/search.html", context)


@require_GET
def suggestions(request: HttpRequest) -> HttpResponse:
    """The listbox under a search box or the contact form: articles and completions."""
    query = _query_text(request)
    source = request.GET.get("source", SearchSource.SUGGESTION)
    if source not in (SearchSource.SUGGESTION, SearchSource.CONTACT_FORM):
        source = SearchSource.SUGGESTION
    language = current_language()
    found = suggest(request.user, query, language=language, limit=SUGGESTIONS) if query else None
    shown_on_contact_form = found and found.articles and source == SearchSource.CONTACT_FORM
    if shown_on_contact_form and not isinstance(request.session.get(VISIT_SESSION_KEY), str):
        # Suggestions were shown on the contact form: this visit may now be deflected.
        request.session[VISIT_SESSION_KEY] = new_visit_token()
    links = (
        _with_links(found.articles, query=query, source=source, count=len(found.articles))
        if found
        else []
    )
    return render(
        request,
        "helpcenter/_suggestions.html",
        {
            "query": query,
            "links": links,
            "completions": found.completions if found and source != "contact" else [],
            "source": source,
            "search_url": reverse("helpcenter:search"),
        },
    )


@require_GET
def sitemap(request: HttpRequest) -> HttpResponse:
    by_article: dict[int, list[ArticleTranslation]] = {}
    for translation in sitemap_translations():
        by_article.setdefault(translation.article_id, []).append(translation)
    entries = [
        (translation, translations)
        for translations in by_article.values()
        for translation in translations
    ]
    response = render(
        request,
        "helpcenter/sitemap.xml",
        {"entries": entries, "base": request.build_absolute_uri("/").rstrip("/")},
        content_type="application/xml; charset=utf-8",
    )
    return response


@require_GET
def attachment(request: HttpRequest, pk: int, filename: str) -> HttpResponse:
    found = attachment_for_user(request.user, pk)
    if filename != found.filename:
        raise Http404
    try:
        handle = found.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    return FileResponse(
        handle,
        as_attachment=not found.is_image,
        filename=found.filename,
        content_type=found.content_type,
    )
