"""Writing the help center: agents write and send to review, admins publish."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from concierge.helpcenter.forms import (
    ArticleCreateForm,
    ArticleSettingsForm,
    ArticleTextForm,
    StatusForm,
    UploadForm,
    language_choices,
)
from concierge.helpcenter.markdown import render_markdown
from concierge.helpcenter.models import ArticleTranslation, ArticleVersion, Status
from concierge.helpcenter.queries import (
    article_for_user,
    articles_for_authors,
    can_author,
    can_publish,
    recent_feedback,
    translation_versions,
    version_diff,
)
from concierge.helpcenter.services import (
    NotAllowedError,
    StaleArticleError,
    article_create,
    article_update_settings,
    attachment_add,
    translation_restore,
    translation_save,
    translation_set_status,
)
from concierge.search.analysis import base_language
from concierge.tickets.views.access import agent_required

PAGE_SIZE = 50
MAX_PREVIEW_CHARACTERS = 200_000


def _author_or_404(request: HttpRequest) -> None:
    if not can_author(request.user):
        raise Http404


@agent_required
@require_GET
def manage(request: HttpRequest) -> HttpResponse:
    language = request.GET.get("language", "")
    status = request.GET.get("status", "")
    query = request.GET.get("q", "").strip()[:100]
    translations = articles_for_authors(
        language=language if language in dict(language_choices()) else None,
        status=status if status in Status.values else None,
        query=query,
    )[:PAGE_SIZE]
    return render(
        request,
        "helpcenter/manage.html",
        {
            "translations": translations,
            "languages": language_choices(),
            "statuses": Status.choices,
            "chosen": {"language": language, "status": status, "q": query},
            "can_author": can_author(request.user),
        },
    )


@agent_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    _author_or_404(request)
    form = ArticleCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            translation = article_create(
                actor=request.user,
                section=data["section"],
                language=data["language"],
                title=data["title"],
                body_markdown=data["body_markdown"],
                translation_key=data["translation_key"],
                visibility=data["visibility"],
                slug=data["slug"],
            )
        except IntegrityError:
            form.add_error("translation_key", _("Another article has this translation key."))
        else:
            messages.success(request, _("The draft is saved."))
            return redirect("helpcenter:edit", translation.article_id, translation.language)
    return render(request, "helpcenter/new.html", {"form": form})


def _editing(
    request: HttpRequest, pk: int, language: str
) -> tuple[object, ArticleTranslation | None]:
    language = base_language(language)
    if language not in dict(language_choices()):
        raise Http404
    shown = article_for_user(request.user, pk, language=language, include_drafts=True)
    translation = shown.translation if shown.translation.language == language else None
    return shown, translation


@agent_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    shown, translation = _editing(request, pk, language)
    initial = (
        {
            "title": translation.title,
            "slug": translation.slug,
            "body_markdown": translation.body_markdown,
            "version": translation.version,
        }
        if translation
        else {"body_markdown": shown.translation.body_markdown, "version": 0}
    )
    form = ArticleTextForm(request.POST or None, initial=initial)
    stale = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = translation_save(
                actor=request.user,
                article=shown.article,
                language=language,
                title=data["title"],
                body_markdown=data["body_markdown"],
                slug=data["slug"],
                expected_version=data["version"] if translation else None,
                note=data["note"],
            )
        except StaleArticleError:
            stale = True
            form.add_error(
                None,
                _(
                    "Someone saved this article while you were editing. "
                    "Copy your text, reload, and apply your change again."
                ),
            )
        else:
            messages.success(request, _("Saved as version %(number)s.") % {"number": saved.version})
            return redirect("helpcenter:edit", shown.article.pk, saved.language)
    return render(
        request,
        "helpcenter/edit.html",
        {
            "shown": shown,
            "article": shown.article,
            "translation": translation,
            "language": base_language(language),
            "languages": language_choices(),
            "form": form,
            "stale": stale,
            "status_form": StatusForm(
                initial={"status": translation.status if translation else Status.DRAFT}
            ),
            "upload_form": UploadForm(),
            "versions": translation_versions(translation)[:20] if translation else [],
            "feedback": recent_feedback(translation) if translation else [],
            "attachments": shown.article.attachments.all(),
            "can_publish": can_publish(request.user),
            "preview_html": render_markdown(initial["body_markdown"] or ""),
        },
    )


@agent_required
@require_POST
def preview(request: HttpRequest) -> HttpResponse:
    """Live preview of the Markdown being written, rendered exactly as readers get it."""
    _author_or_404(request)
    text = request.POST.get("body_markdown", "")[:MAX_PREVIEW_CHARACTERS]
    return render(request, "helpcenter/_preview.html", {"preview_html": render_markdown(text)})


@agent_required
@require_POST
def status(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    translation = _editing(request, pk, language)[1]
    if translation is None:
        raise Http404
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status, and a valid date and time."))
        return redirect("helpcenter:edit", pk, translation.language)
    publish_at = form.cleaned_data["publish_at"]
    if publish_at is not None and publish_at <= timezone.now():
        publish_at = None
    try:
        translation_set_status(
            actor=request.user,
            translation=translation,
            status=form.cleaned_data["status"],
            publish_at=publish_at,
        )
    except NotAllowedError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The status is changed."))
    return redirect("helpcenter:edit", pk, translation.language)


@agent_required
@require_http_methods(["GET", "POST"])
def article_settings(request: HttpRequest, pk: int) -> HttpResponse:
    _author_or_404(request)
    shown = article_for_user(request.user, pk, language="", include_drafts=True)
    article = shown.article
    form = ArticleSettingsForm(
        request.POST or None,
        article=article,
        initial={
            "section": article.section,
            "visibility": article.visibility,
            "organizations": list(article.organizations.all()),
            "owner": article.owner,
            "related": list(article.related.all()),
            "position": article.position,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            article_update_settings(
                actor=request.user,
                article=article,
                section=data["section"],
                visibility=data["visibility"],
                organizations=data["organizations"],
                owner=data["owner"],
                related=data["related"],
                position=data["position"],
            )
        except NotAllowedError as error:
            form.add_error("visibility", str(error))
        else:
            messages.success(request, _("The article's settings are saved."))
            return redirect("helpcenter:edit", article.pk, shown.translation.language)
    return render(
        request, "helpcenter/settings.html", {"form": form, "article": article, "shown": shown}
    )


@agent_required
@require_http_methods(["GET", "POST"])
def version(request: HttpRequest, pk: int, language: str, number: int) -> HttpResponse:
    shown, translation = _editing(request, pk, language)
    if translation is None:
        raise Http404
    try:
        older = translation.versions.get(number=number)
    except ArticleVersion.DoesNotExist:
        raise Http404 from None
    if request.method == "POST":
        try:
            restored = translation_restore(
                actor=request.user, translation=translation, version=older
            )
        except NotAllowedError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("Version %(number)s is restored as version %(new)s.")
                % {"number": number, "new": restored.version},
            )
        return redirect("helpcenter:edit", pk, translation.language)
    return render(
        request,
        "helpcenter/version.html",
        {
            "translation": translation,
            "article": shown.article,
            "version": older,
            "diff": version_diff(older, translation),
        },
    )


@agent_required
@require_POST
def upload(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    _author_or_404(request)
    article = _editing(request, pk, language)[0].article
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            added = attachment_add(
                actor=request.user, article=article, upload=form.cleaned_data["file"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(name)s is uploaded. Use its address in the text.") % {"name": added.filename},
            )
    else:
        messages.error(request, _("Choose a file to upload."))
    return redirect("helpcenter:edit", pk, base_language(language))
