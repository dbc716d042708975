"""Settings: tags and the shared inbox views. Admins only."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from concierge.people.forms import SavedViewForm, TagMergeForm, TagRenameForm
from concierge.people.queries import admin_or_404
from concierge.tickets.models import SavedView, Tag
from concierge.tickets.queries import SORT_LABELS, shared_views
from concierge.tickets.saved_views import (
    FILTER_LABELS,
    TagExistsError,
    filter_choices,
    saved_view_create,
    saved_view_delete,
    saved_view_for_admin,
    saved_view_move,
    saved_view_update,
    tag_delete,
    tag_for_admin,
    tag_merge,
    tag_rename,
    tags_with_usage,
)

INVALID = 422
TAG_PAGE_SIZE = 100


# --- tags ------------------------------------------------------------------------------------


def _tags_page(
    request: HttpRequest,
    *,
    editing: Tag | None = None,
    rename_form: TagRenameForm | None = None,
    merge_form: TagMergeForm | None = None,
) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    tags = Paginator(tags_with_usage(query), TAG_PAGE_SIZE).get_page(request.GET.get("page"))
    invalid = any(f is not None and f.is_bound for f in (rename_form, merge_form))
    return render(
        request,
        "people/settings/tags.html",
        {
            "section": "tags",
            "tags": tags,
            "query": query,
            "editing": editing,
            "rename_form": rename_form,
            "merge_form": merge_form,
        },
        status=INVALID if invalid else 200,
    )


@login_required
@require_GET
def settings_tags(request: HttpRequest) -> HttpResponse:
    admin_or_404(request.user)
    return _tags_page(request)


@login_required
@require_POST
def settings_tag_rename(request: HttpRequest, pk: int) -> HttpResponse:
    tag = tag_for_admin(request.user, pk)
    form = TagRenameForm(request.POST)
    if form.is_valid():
        old_name = tag.name
        try:
            tag_rename(tag=tag, name=form.cleaned_data["name"])
        except TagExistsError as error:
            form.add_error(
                "name",
                _("The tag “%(name)s” already exists; merge into it instead.")
                % {"name": error.existing.name},
            )
        else:
            messages.success(
                request,
                _("“%(old)s” is now “%(new)s” on every ticket.") % {"old": old_name, "new": tag},
            )
            return redirect("people:settings_tags")
    return _tags_page(request, editing=tag, rename_form=form)


@login_required
@require_POST
def settings_tag_merge(request: HttpRequest, pk: int) -> HttpResponse:
    source = tag_for_admin(request.user, pk)
    form = TagMergeForm(request.POST, source=source)
    if not form.is_valid():
        return _tags_page(request, editing=source, merge_form=form)
    target = form.cleaned_data["target"]
    source_name = source.name
    tag_merge(source=source, target=target)
    messages.success(
        request,
        _("“%(source)s” was merged into “%(target)s”.") % {"source": source_name, "target": target},
    )
    return redirect("people:settings_tags")


@login_required
@require_POST
def settings_tag_delete(request: HttpRequest, pk: int) -> HttpResponse:
    tag = tag_for_admin(request.user, pk)
    name = tag.name
    tag_delete(tag=tag)
    messages.success(
        request, _("The tag “%(name)s” was removed from every ticket.") % {"name": name}
    )
    return redirect("people:settings_tags")


# --- shared views ----------------------------------------------------------------------------


def _describe(view: SavedView, labels: dict[str, dict[str, str]]) -> list[tuple[str, str]]:
    """The filters of a view in words, for the list: ("Status", "New, Open")."""
    described = []
    for key, values in view.filters.items():
        names = labels.get(key, {})
        described.append(
            (str(FILTER_LABELS.get(key, key)), ", ".join(str(names.get(v, v)) for v in values))
        )
    return described


@login_required
@require_GET
def settings_views(request: HttpRequest) -> HttpResponse:
    admin_or_404(request.user)
    labels = {
        key: {value: label for value, label in choices} for key, choices in filter_choices().items()
    }
    views = [
        (view, _describe(view, labels), SORT_LABELS.get(view.sort, view.sort))
        for view in shared_views()
    ]
    return render(request, "people/settings/views.html", {"section": "views", "views": views})


def _save_view(request: HttpRequest, form: SavedViewForm, view: SavedView | None) -> bool:
    data = form.cleaned_data
    try:
        if view is None:
            saved_view_create(
                name=data["name"], filters=form.filters(), sort=data["sort"], actor=request.user
            )
        else:
            saved_view_update(
                saved_view=view, name=data["name"], filters=form.filters(), sort=data["sort"]
            )
    except ValidationError as error:
        form.add_service_errors(error)
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def settings_view_new(request: HttpRequest) -> HttpResponse:
    admin_or_404(request.user)
    form = SavedViewForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _save_view(request, form, None):
        messages.success(request, _("The shared view was created."))
        return redirect("people:settings_views")
    return render(
        request,
        "people/settings/view_form.html",
        {"section": "views", "form": form},
        status=INVALID if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def settings_view_edit(request: HttpRequest, pk: int) -> HttpResponse:
    view = saved_view_for_admin(request.user, pk)
    form = SavedViewForm(request.POST or None, saved_view=view)
    if request.method == "POST" and form.is_valid() and _save_view(request, form, view):
        messages.success(request, _("The shared view was saved."))
        return redirect("people:settings_views")
    if form.is_bound:
        view.refresh_from_db()
    return render(
        request,
        "people/settings/view_form.html",
        {"section": "views", "form": form, "view": view},
        status=INVALID if form.is_bound else 200,
    )


@login_required
@require_POST
def settings_view_move(request: HttpRequest, pk: int) -> HttpResponse:
    view = saved_view_for_admin(request.user, pk)
    offset = -1 if request.POST.get("direction") == "up" else 1
    saved_view_move(saved_view=view, offset=offset)
    return redirect("people:settings_views")


@login_required
@require_POST
def settings_view_delete(request: HttpRequest, pk: int) -> HttpResponse:
    view = saved_view_for_admin(request.user, pk)
    name = view.name
    saved_view_delete(saved_view=view)
    messages.success(request, _("The shared view “%(name)s” was deleted.") % {"name": name})
    return redirect("people:settings_views")
