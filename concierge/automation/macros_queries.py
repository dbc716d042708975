"""Reads about macros, their access helpers, and which text variant a ticket gets."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from concierge.automation.macros_tone import base_language, brand_tone
from concierge.automation.models.macros import Macro, MacroVariant
from concierge.people.models import User
from concierge.people.queries import is_admin, is_agent
from concierge.tickets.models import Ticket

# The largest id a database column holds; anything above is a typo or a probe.
MAX_ID = 2**63 - 1


def macros_usable_by(user: User) -> QuerySet[Macro]:
    """The active macros an agent may apply: the shared ones and their own."""
    return Macro.objects.filter(is_active=True).filter(Q(owner__isnull=True) | Q(owner=user))


def macro_choices(user: User) -> list[Macro]:
    """What the composer's picker lists, the agent's own first; one query."""
    return list(
        macros_usable_by(user)
        .only("pk", "title", "description", "owner_id")
        .order_by("owner_id", "title", "pk")
    )


def macro_for_user(user: User, pk: object) -> Macro:
    """A macro this agent may apply, with its texts; 404 for anything else.

    Another agent's personal macro does not exist for them, whatever its id. An inactive
    macro is still found: one switched off after an agent applied it to a draft is sent
    with that draft as it was shown; the composer simply does not offer it any more.
    """
    if not is_agent(user):
        raise Http404
    try:
        number = int(str(pk))
    except ValueError:
        raise Http404 from None
    if not 0 < number <= MAX_ID:
        raise Http404
    try:
        return (
            Macro.objects.filter(Q(owner__isnull=True) | Q(owner=user))
            .select_related("set_team", "set_assignee")
            .prefetch_related("variants")
            .get(pk=number)
        )
    except Macro.DoesNotExist:
        raise Http404 from None


def personal_macros(user: User) -> QuerySet[Macro]:
    return _with_languages(Macro.objects.filter(owner=user))


def shared_macros() -> QuerySet[Macro]:
    return _with_languages(Macro.objects.filter(owner__isnull=True))


def _with_languages(macros: QuerySet[Macro]) -> QuerySet[Macro]:
    return macros.annotate(variant_count=Count("variants")).prefetch_related("variants")


def personal_macro_for_owner(user: User, pk: int) -> Macro:
    """A personal macro, for its owner to edit; private to everyone else, admins included."""
    if not is_agent(user):
        raise Http404
    try:
        return Macro.objects.prefetch_related("variants").get(pk=pk, owner=user)
    except Macro.DoesNotExist:
        raise Http404 from None


def shared_macro_for_admin(user: User, pk: int) -> Macro:
    if not is_admin(user):
        raise Http404
    try:
        return Macro.objects.prefetch_related("variants").get(pk=pk, owner__isnull=True)
    except Macro.DoesNotExist:
        raise Http404 from None


def ticket_language(ticket: Ticket) -> str:
    """The language the customer is answered in: the ticket's, else the customer's."""
    return base_language(ticket.language or ticket.requester.language or settings.LANGUAGE_CODE)


def choose_variant(variants: Iterable[MacroVariant], language: str) -> MacroVariant | None:
    """The text for a customer who reads `language`, in the brand's register for it.

    The customer's language comes first, then the register: a Finnish customer gets the
    Finnish text even when only the other register exists in Finnish. Without a text in
    their language, the site's default language is tried the same way, then any text.
    """
    tone = brand_tone()
    ranked = sorted(variants, key=lambda v: (v.language, v.tone))
    for wanted_language in (base_language(language), base_language(settings.LANGUAGE_CODE)):
        wanted_tone = tone.for_language(wanted_language)
        in_language = [v for v in ranked if v.language == wanted_language]
        for accept in (wanted_tone, ""):
            for variant in in_language:
                if variant.tone == accept:
                    return variant
        if in_language:
            return in_language[0]
    return ranked[0] if ranked else None
