"""Shared inbox views and tag administration: the admin's tools for organizing the inbox.

A shared view stores filters with the same keys and values the inbox accepts in its
query string (`queries.FILTER_KEYS`, lists of strings) and one of `queries.SORTS`, so
the inbox applies it with `queries.apply_filters` exactly as if typed in the URL.

Renaming, merging or deleting a tag changes the tag itself and the ticket-tag links;
these are housekeeping, not changes to any one ticket, so they write no ticket events
and leave the tickets' versions alone (an agent's open reply is not made stale by it).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import global_settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from concierge.people.models import Team, User
from concierge.people.queries import active_agents, admin_or_404
from concierge.tickets.models import (
    Channel,
    Priority,
    SavedView,
    Status,
    Tag,
    Ticket,
    TicketType,
)
from concierge.tickets.queries import FILTER_KEYS, SORTS

FILTER_LABELS = {
    "status": _("Status"),
    "priority": _("Priority"),
    "assignee": _("Assignee"),
    "team": _("Team"),
    "tag": _("Tag"),
    "channel": _("Channel"),
    "type": _("Type"),
    "language": _("Language"),
}


def filter_choices() -> dict[str, list[tuple[str, Any]]]:
    """The values each inbox filter accepts, as (value, label) pairs; tags are open-ended
    and checked against the existing tags instead (see `validate_view`)."""
    return {
        "status": [(str(value), label) for value, label in Status.choices],
        "priority": [(str(value), label) for value, label in Priority.choices],
        "assignee": [
            ("me", _("The agent viewing it")),
            ("none", _("Unassigned")),
            *[(str(agent.pk), str(agent)) for agent in active_agents()],
        ],
        "team": [
            ("none", _("No team")),
            *[(str(team.pk), team.name) for team in Team.objects.order_by("name")],
        ],
        "channel": [(str(value), label) for value, label in Channel.choices],
        "type": [(str(value), label) for value, label in TicketType.choices],
        "language": [(code, _(name)) for code, name in global_settings.LANGUAGES],
    }


def normalize_tag_name(name: str) -> str:
    # The same normalization tickets get when tagged, so a view finds what agents typed.
    return Tag.normalize(name)


def validate_view(
    *, name: str, filters: dict[str, Iterable[str]], sort: str
) -> tuple[str, dict[str, list[str]], str]:
    """Check a shared view's definition and return it cleaned.

    Raises ValidationError with one message list per field (`name`, `sort` or a filter
    key), so a form can show each error beside its input.
    """
    errors: dict[str, list[Any]] = {}
    name = name.strip()
    if not name:
        errors["name"] = [_("Give the view a name.")]
    elif len(name) > SavedView._meta.get_field("name").max_length:
        errors["name"] = [_("The name is too long.")]
    if sort not in SORTS:
        errors["sort"] = [_("Choose one of the listed sort orders.")]
    unknown = set(filters) - set(FILTER_KEYS)
    if unknown:
        errors["filters"] = [_("Unknown filter: %(keys)s") % {"keys": ", ".join(sorted(unknown))}]
    choices = filter_choices()
    cleaned: dict[str, list[str]] = {}
    for key in FILTER_KEYS:
        values = list(dict.fromkeys(str(v).strip() for v in filters.get(key, ()) if str(v).strip()))
        if not values:
            continue
        if key == "tag":
            values = list(dict.fromkeys(normalize_tag_name(v) for v in values))
            existing = set(Tag.objects.filter(name__in=values).values_list("name", flat=True))
            invalid = [v for v in values if v not in existing]
        else:
            allowed = {value for value, _label in choices[key]}
            invalid = [v for v in values if v not in allowed]
        if invalid:
            errors[key] = [_("Not a valid choice: %(values)s") % {"values": ", ".join(invalid)}]
        else:
            cleaned[key] = values
    if errors:
        raise ValidationError(errors)
    return name, cleaned, sort


# --- shared views --------------------------------------------------------------------------


def saved_view_for_admin(user: User, pk: int) -> SavedView:
    admin_or_404(user)
    try:
        return SavedView.objects.get(pk=pk)
    except SavedView.DoesNotExist:
        raise Http404 from None


def saved_view_create(
    *, name: str, filters: dict[str, Iterable[str]], sort: str, actor: User
) -> SavedView:
    """Add a shared view at the end of the sidebar list. Raises ValidationError."""
    name, cleaned, sort = validate_view(name=name, filters=filters, sort=sort)
    with transaction.atomic():
        last = SavedView.objects.select_for_update().aggregate(last=Max("position"))["last"]
        return SavedView.objects.create(
            name=name,
            filters=cleaned,
            sort=sort,
            position=0 if last is None else last + 1,
            created_by=actor,
        )


def saved_view_update(
    *, saved_view: SavedView, name: str, filters: dict[str, Iterable[str]], sort: str
) -> SavedView:
    """Change a shared view's definition. Raises ValidationError."""
    name, cleaned, sort = validate_view(name=name, filters=filters, sort=sort)
    saved_view.name = name
    saved_view.filters = cleaned
    saved_view.sort = sort
    saved_view.save(update_fields=["name", "filters", "sort"])
    return saved_view


def saved_view_delete(*, saved_view: SavedView) -> None:
    saved_view.delete()


def saved_view_reorder(*, ordered_ids: list[int]) -> None:
    """Put the shared views in this order; views not listed keep their place after them."""
    with transaction.atomic():
        views = list(SavedView.objects.select_for_update().order_by("position", "name", "pk"))
        rank = {pk: index for index, pk in enumerate(dict.fromkeys(ordered_ids))}
        views.sort(key=lambda view: rank.get(view.pk, len(rank)))
        changed = []
        for position, view in enumerate(views):
            if view.position != position:
                view.position = position
                changed.append(view)
        SavedView.objects.bulk_update(changed, ["position"])


def saved_view_move(*, saved_view: SavedView, offset: int) -> None:
    """Move a view up (negative offset) or down the sidebar list."""
    with transaction.atomic():
        ids = list(
            SavedView.objects.select_for_update()
            .order_by("position", "name", "pk")
            .values_list("pk", flat=True)
        )
        index = ids.index(saved_view.pk)
        target = max(0, min(len(ids) - 1, index + offset))
        ids.insert(target, ids.pop(index))
        saved_view_reorder(ordered_ids=ids)


# --- tags ----------------------------------------------------------------------------------


class TagExistsError(Exception):
    """Another tag already has the wanted name; merging is the way to combine them."""

    def __init__(self, existing: Tag) -> None:
        super().__init__(existing.name)
        self.existing = existing


def tag_for_admin(user: User, pk: int) -> Tag:
    admin_or_404(user)
    try:
        return Tag.objects.get(pk=pk)
    except Tag.DoesNotExist:
        raise Http404 from None


def tags_with_usage(query: str = "") -> QuerySet[Tag]:
    """Tags with how many tickets carry each, most used first."""
    tags = Tag.objects.all()
    if query.strip():
        tags = tags.filter(name__icontains=query.strip().lower())
    return tags.annotate(usage=Count("tickets")).order_by("-usage", "name")


def _rename_in_views(old: str, new: str) -> None:
    """Keep shared views pointing at the tag after a rename or merge."""
    for view in SavedView.objects.select_for_update().order_by("pk"):
        tags = view.filters.get("tag") or []
        if old not in tags:
            continue
        renamed = [new if name == old else name for name in tags]
        view.filters = {**view.filters, "tag": list(dict.fromkeys(renamed))}
        view.save(update_fields=["filters"])


def tag_rename(*, tag: Tag, name: str) -> Tag:
    """Give a tag a new name; every ticket carrying it shows the new name at once, since
    tickets link to the tag row. Raises TagExistsError if the name is taken, ValueError
    if it is empty."""
    name = normalize_tag_name(name)
    if not name:
        raise ValueError("empty tag name")
    if name == tag.name:
        return tag
    with transaction.atomic():
        existing = Tag.objects.filter(name=name).exclude(pk=tag.pk).first()
        if existing:
            raise TagExistsError(existing)
        old = tag.name
        tag.name = name
        tag.save(update_fields=["name"])
        _rename_in_views(old, name)
    return tag


def tag_merge(*, source: Tag, target: Tag) -> Tag:
    """Move every ticket from `source` to `target` and delete `source`.

    A ticket carrying both keeps one link to `target`. Shared views filtering on the
    source tag filter on the target instead.
    """
    if source.pk == target.pk:
        return target
    links = Ticket.tags.through.objects
    with transaction.atomic():
        already_tagged = links.filter(tag_id=target.pk).values("ticket_id")
        links.filter(tag_id=source.pk).exclude(ticket_id__in=already_tagged).update(
            tag_id=target.pk
        )
        links.filter(tag_id=source.pk).delete()
        _rename_in_views(source.name, target.name)
        source.delete()
    return target


def tag_delete(*, tag: Tag) -> None:
    """Remove the tag from every ticket and delete it.

    Shared views keep the name in their filters: dropping it would silently widen a view
    to tickets it never meant to show, while a filter on a missing tag shows none and
    the view's edit page points at it.
    """
    with transaction.atomic():
        Ticket.tags.through.objects.filter(tag_id=tag.pk).delete()
        tag.delete()
