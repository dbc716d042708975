"""Changing and removing what the help center is made of: categories, sections and whole
articles. Admins only (everyone else gets a 404), and every removal is confirmed on a page
of its own first."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from concierge.helpcenter.forms import SectionForm, TitlesForm, language_choices
from concierge.helpcenter.models import Category, Section
from concierge.helpcenter.queries import article_for_user
from concierge.helpcenter.services import (
    NotEmptyError,
    article_delete,
    category_delete,
    category_save,
    section_delete,
    section_save,
)
from concierge.people.queries import admin_or_404
from concierge.tickets.views.access import agent_required


def _category_or_404(request: HttpRequest, pk: int) -> Category:
    admin_or_404(request.user)
    try:
        return Category.objects.get(pk=pk)
    except (Category.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def _section_or_404(request: HttpRequest, pk: int) -> Section:
    admin_or_404(request.user)
    try:
        return Section.objects.select_related("category").get(pk=pk)
    except (Section.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def _posted(request: HttpRequest) -> object:
    # An empty POST is still a POST: its form is bound and says what is missing.
    return request.POST if request.method == "POST" else None


def _titles_initial(item: Category | Section) -> dict[str, object]:
    initial: dict[str, object] = {"slug": item.slug, "position": item.position}
    for code, _name in language_choices():
        initial[f"title_{code}"] = item.titles.get(code, "")
    return initial


@agent_required
@require_http_methods(["GET", "POST"])
def category_edit(request: HttpRequest, pk: int) -> HttpResponse:
    category = _category_or_404(request, pk)
    form = TitlesForm(_posted(request), initial=_titles_initial(category))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if Category.objects.filter(slug=data["slug"]).exclude(pk=category.pk).exists():
            form.add_error("slug", _("Another category has this address."))
        else:
            category_save(
                actor=request.user,
                titles=form.titles(),
                slug=data["slug"],
                descriptions=category.descriptions,
                position=data["position"],
                category=category,
            )
            messages.success(request, _("The category is saved."))
            return redirect("helpcenter:structure")
    return render(
        request,
        "helpcenter/structure_edit.html",
        {
            "form": form,
            "item": category,
            "heading": _("Edit the category “%(title)s”") % {"title": category},
            "delete_url_name": "helpcenter:category_delete",
        },
    )


@agent_required
@require_http_methods(["GET", "POST"])
def section_edit(request: HttpRequest, pk: int) -> HttpResponse:
    section = _section_or_404(request, pk)
    initial = _titles_initial(section) | {"category": section.category}
    form = SectionForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        siblings = data["category"].sections.exclude(pk=section.pk)
        if siblings.filter(slug=data["slug"]).exists():
            form.add_error("slug", _("Another section of it has this address."))
        else:
            section_save(
                actor=request.user,
                category=data["category"],
                titles=form.titles(),
                slug=data["slug"],
                descriptions=section.descriptions,
                position=data["position"],
                section=section,
            )
            messages.success(request, _("The section is saved."))
            return redirect("helpcenter:structure")
    return render(
        request,
        "helpcenter/structure_edit.html",
        {
            "form": form,
            "item": section,
            "heading": _("Edit the section “%(title)s”") % {"title": section},
            "delete_url_name": "helpcenter:section_delete",
        },
    )


def _confirm_page(
    request: HttpRequest, *, heading: str, consequence: str, refusal: str = "", cancel_url: str
) -> HttpResponse:
    return render(
        request,
        "helpcenter/confirm_delete.html",
        {
            "heading": heading,
            "consequence": consequence,
            "refusal": refusal,
            "cancel_url": cancel_url,
        },
        status=409 if refusal and request.method == "POST" else 200,
    )


@agent_required
@require_http_methods(["GET", "POST"])
def category_remove(request: HttpRequest, pk: int) -> HttpResponse:
    category = _category_or_404(request, pk)
    refusal = ""
    if category.sections.exists():
        refusal = _("This category still holds sections: move or delete them first.")
    elif request.method == "POST":
        try:
            category_delete(actor=request.user, category=category)
        except NotEmptyError as error:
            refusal = str(error)
        else:
            messages.success(request, _("The category is deleted."))
            return redirect("helpcenter:structure")
    return _confirm_page(
        request,
        heading=_("Delete the category “%(title)s”?") % {"title": category},
        consequence=_("The category disappears from the help center. This cannot be undone."),
        refusal=refusal,
        cancel_url=reverse("helpcenter:structure"),
    )


@agent_required
@require_http_methods(["GET", "POST"])
def section_remove(request: HttpRequest, pk: int) -> HttpResponse:
    section = _section_or_404(request, pk)
    refusal = ""
    if section.articles.exists():
        refusal = _(
            "This section still holds articles: move them to another section or delete them first."
        )
    elif request.method == "POST":
        try:
            section_delete(actor=request.user, section=section)
        except NotEmptyError as error:
            refusal = str(error)
        else:
            messages.success(request, _("The section is deleted."))
            return redirect("helpcenter:structure")
    return _confirm_page(
        request,
        heading=_("Delete the section “%(title)s”?") % {"title": section},
        consequence=_("The section disappears from the help center. This cannot be undone."),
        refusal=refusal,
        cancel_url=reverse("helpcenter:structure"),
    )


@agent_required
@require_http_methods(["GET", "POST"])
def article_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete an article with every translation, version and file, after a confirmation.
    To only take it off the help center, unpublish its translations instead."""
    admin_or_404(request.user)
    shown = article_for_user(request.user, pk, language="", include_drafts=True)
    if request.method == "POST":
        article_delete(actor=request.user, article=shown.article)
        messages.success(request, _("“%(title)s” is deleted.") % {"title": shown.translation.title})
        return redirect("helpcenter:manage")
    return _confirm_page(
        request,
        heading=_("Delete the article “%(title)s”?") % {"title": shown.translation.title},
        consequence=_(
            "Every language of it (%(count)s), its versions, files and readers' feedback are "
            "deleted, and links to it stop working. This cannot be undone: to only hide it "
            "from readers, set its translations back to draft instead."
        )
        % {"count": len(shown.translations)},
        cancel_url=reverse("helpcenter:edit", args=[pk, shown.translation.language]),
    )
