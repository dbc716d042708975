"""The inbox: built-in and shared views, the filter bar, and keyset-paged rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from concierge.people.models import Team
from concierge.people.queries import active_agents
from concierge.tickets.forms import BulkForm, InboxFilterForm
from concierge.tickets.inbox_rows import inbox_rows
from concierge.tickets.models import SavedView
from concierge.tickets.queries import (
    BUILTIN_VIEWS,
    FILTER_KEYS,
    SORTS,
    inbox_page,
    shared_views,
    view_counts,
)
from concierge.tickets.views.access import agent_required

# Where an agent lands: the work that still needs somebody, across the visible tickets.
DEFAULT_VIEW = "open"


@dataclass(frozen=True)
class ChosenView:
    """The view the inbox shows: a built-in one (slug) or a shared one (saved_view)."""

    name: Any
    filters: dict[str, list[str]]
    sort: str
    slug: str = ""
    saved_view: SavedView | None = None


def _normalized_filters(raw: Any) -> dict[str, list[str]]:
    """Shared views are edited by admins and stored as JSON: accept a value or a list."""
    if not isinstance(raw, dict):
        return {}
    filters: dict[str, list[str]] = {}
    for key in FILTER_KEYS:
        value = raw.get(key)
        if value is None:
            continue
        values = value if isinstance(value, list) else [value]
        filters[key] = [str(v) for v in values if v is not None and str(v) != ""]
    return filters


def _chosen_view(request: HttpRequest) -> ChosenView:
    shared_id = request.GET.get("shared", "")
    if shared_id:
        saved = SavedView.objects.filter(pk=int(shared_id)).first() if shared_id.isdigit() else None
        if saved is not None:
            return ChosenView(
                name=saved.name,
                filters=_normalized_filters(saved.filters),
                sort=saved.sort if saved.sort in SORTS else "-updated_at",
                saved_view=saved,
            )
        messages.warning(request, _("That shared view does not exist any more."))
    slug = request.GET.get("view", "")
    if slug and slug not in BUILTIN_VIEWS:
        messages.warning(request, _("There is no view called “%(name)s”.") % {"name": slug[:50]})
    builtin = BUILTIN_VIEWS.get(slug) or BUILTIN_VIEWS[DEFAULT_VIEW]
    return ChosenView(
        name=builtin.name,
        filters={key: [str(v) for v in values] for key, values in builtin.filters.items()},
        sort=builtin.sort,
        slug=builtin.slug,
    )


def _query_without(query: QueryDict, *names: str) -> str:
    """The current query string minus some keys, and minus empty values (tidy URLs)."""
    kept = QueryDict(mutable=True)
    for key, values in query.lists():
        if key in names:
            continue
        for value in values:
            if value != "":
                kept.appendlist(key, value)
    return kept.urlencode()


def _tidy_url(path: str, query: str) -> str:
    return f"{path}?{query}" if query else path


@agent_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    user = request.user
    # Only names for the drop-downs: the page changes no one.
    agents = list(active_agents().only("id", "full_name", "email"))
    teams = list(Team.objects.all())
    chosen = _chosen_view(request)

    filter_form = InboxFilterForm(request.GET, agents=agents, teams=teams)
    filter_form.is_valid()
    # A value chosen in the filter bar replaces the view's own filter for that key.
    filters = {**chosen.filters, **filter_form.chosen_filters()}
    sort = filter_form.cleaned_data.get("sort") or chosen.sort
    page = inbox_page(
        user,
        filters=filters,
        sort=sort,
        cursor=request.GET.get("cursor") or None,
        page_size=settings.INBOX_PAGE_SIZE,
    )

    inbox_url = reverse("tickets:inbox")
    base_query = _query_without(request.GET, "cursor")
    first_page_url = _tidy_url(inbox_url, base_query)
    next_page_url = None
    if page.next_cursor:
        separator = "&" if base_query else ""
        next_page_url = f"{inbox_url}?{base_query}{separator}cursor={page.next_cursor}"
    context = {
        "page": page,
        "rows": inbox_rows(page),
        "chosen": chosen,
        "is_first_page": not request.GET.get("cursor"),
        "first_page_url": first_page_url,
        "next_page_url": next_page_url,
        "current_url": _tidy_url(inbox_url, _query_without(request.GET)),
        "can_bulk": user.can_reply_publicly,
        "can_create": user.can_reply_publicly,
    }
    if request.htmx and request.htmx.target == "inbox-rows":
        # The filter bar changed: only the rows (and, out of band, the pager) change.
        response = render(request, "tickets/_inbox_rows.html", {**context, "oob": True})
        # The address bar shows the filters without the bar's empty fields.
        response["HX-Push-Url"] = context["current_url"]
        return response

    context.update(
        {
            "filter_form": filter_form,
            "bulk_form": BulkForm(agents=agents, teams=teams) if user.can_reply_publicly else None,
            "builtin_views": list(BUILTIN_VIEWS.values()),
            "shared_views": list(shared_views()),
        }
    )
    return render(request, "tickets/inbox.html", context)


@agent_required
@require_GET
def inbox_counts(request: HttpRequest) -> HttpResponse:
    """The sidebar's ticket count per view, fetched by the inbox page once it is shown.

    Counting a million tickets seven ways costs more than the page of rows the agent
    came for, so the page does not wait for it.
    """
    counts = view_counts(request.user)
    return render(
        request,
        "tickets/_view_counts.html",
        {"counts": [(slug, count) for slug, count in counts.items()]},
    )
