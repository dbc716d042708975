"""Macro pages: agents keep their personal macros, admins the shared ones, and the
composer applies one to a draft."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from concierge.automation.macros_composer import draft_with_macro, macro_text_for
from concierge.automation.macros_forms import MacroForm, variant_formset
from concierge.automation.macros_queries import (
    macro_for_user,
    macros_usable_by,
    personal_macro_for_owner,
    personal_macros,
    shared_macro_for_admin,
    shared_macros,
)
from concierge.automation.macros_render import PLACEHOLDERS
from concierge.automation.macros_services import macro_create, macro_delete, macro_update
from concierge.automation.models.macros import Macro, SendAs
from concierge.people.queries import admin_or_404
from concierge.tickets.forms import ReplyForm, StateForm
from concierge.tickets.models import Status
from concierge.tickets.queries import ticket_for_user
from concierge.tickets.views.access import agent_required
from concierge.tickets.views.display import posted_state, ticket_context

INVALID = 422


# --- the composer ------------------------------------------------------------------------------


@agent_required
@require_POST
def macro_apply(request: HttpRequest, number: int) -> HttpResponse:
    """Fill the draft with the chosen macro's text and propose its status and mode.

    Nothing on the ticket changes here: the macro's changes are applied when the agent
    sends (its id travels with the draft), so choosing the wrong macro costs nothing.
    With `macro_clear`, the applied macro is taken off the draft again.
    """
    user = request.user
    ticket = ticket_for_user(user, number)
    post = request.POST
    previous = _macro_or_none(user, post.get("macro"))
    if "macro_clear" in post:
        chosen = None
    elif post.get("macro_choice"):
        chosen = macro_for_user(user, post["macro_choice"])
    else:  # "Choose a macro…" again: keep what the draft has
        chosen = previous

    draft = post.get("body", "")
    if chosen is not previous:
        previous_text = macro_text_for(previous, ticket=ticket, agent=user) if previous else ""
        new_text = macro_text_for(chosen, ticket=ticket, agent=user) if chosen else ""
        draft = draft_with_macro(draft, previous_text=previous_text, new_text=new_text)

    state_form = StateForm(post)
    state_form.is_valid()
    form = ReplyForm(user=user, initial=_composer_initial(post, chosen, user.can_reply_publicly))
    form.initial["body"] = draft
    context = ticket_context(request, ticket, reply_form=form, reply_state=posted_state(state_form))
    context["applied_macro"] = chosen
    context["files_dropped"] = bool(request.FILES)
    template = "tickets/_composer.html" if request.htmx else "tickets/ticket_detail.html"
    return render(request, template, context)


def _macro_or_none(user: Any, macro_id: str | None) -> Macro | None:
    """The macro a draft carries, when it is still one this agent may use."""
    if not macro_id:
        return None
    try:
        return macro_for_user(user, macro_id)
    except Http404:  # withdrawn meanwhile, or never theirs: the draft just loses it
        return None


def _composer_initial(post: Any, macro: Macro | None, can_edit: bool) -> dict[str, Any]:
    """The composer's mode and status: as the agent left them, unless the macro says."""
    mode = post.get("mode") if post.get("mode") in (SendAs.REPLY, SendAs.NOTE) else None
    status = post.get("status") if post.get("status") in Status.values else ""
    if macro is not None:
        mode = macro.send_as or mode
        status = macro.set_status or status
    if not can_edit:
        return {"mode": ReplyForm.MODE_NOTE}
    return {"mode": mode or ReplyForm.MODE_REPLY, "status": status}


# --- personal macros ---------------------------------------------------------------------------


def _form_context(
    request: HttpRequest, form: MacroForm, variants: Any, **extra: Any
) -> dict[str, Any]:
    return {"form": form, "variants": variants, "placeholders": PLACEHOLDERS, **extra}


@agent_required
@require_GET
def macro_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    shared = list(macros_usable_by(user).filter(owner__isnull=True).prefetch_related("variants"))
    return render(
        request,
        "automation/macro_list.html",
        {"macros": list(personal_macros(user)), "shared": shared},
    )


@agent_required
@require_http_methods(["GET", "POST"])
def macro_new(request: HttpRequest) -> HttpResponse:
    return _macro_edit(request, macro=None, shared=False)


@agent_required
@require_http_methods(["GET", "POST"])
def macro_edit(request: HttpRequest, pk: int) -> HttpResponse:
    macro = personal_macro_for_owner(request.user, pk)
    return _macro_edit(request, macro=macro, shared=False)


@agent_required
@require_POST
def macro_remove(request: HttpRequest, pk: int) -> HttpResponse:
    macro = personal_macro_for_owner(request.user, pk)
    macro_delete(macro=macro, actor=request.user)
    messages.success(request, _("The macro “%(title)s” was deleted.") % {"title": macro.title})
    return redirect("automation:macro_list")


# --- shared macros (admins) --------------------------------------------------------------------


@login_required
@require_GET
def settings_macros(request: HttpRequest) -> HttpResponse:
    admin_or_404(request.user)
    return render(
        request,
        "automation/settings/macros.html",
        {"section": "macros", "macros": list(shared_macros())},
    )


@login_required
@require_http_methods(["GET", "POST"])
def settings_macro_new(request: HttpRequest) -> HttpResponse:
    admin_or_404(request.user)
    return _macro_edit(request, macro=None, shared=True)


@login_required
@require_http_methods(["GET", "POST"])
def settings_macro_edit(request: HttpRequest, pk: int) -> HttpResponse:
    macro = shared_macro_for_admin(request.user, pk)
    return _macro_edit(request, macro=macro, shared=True)


@login_required
@require_POST
def settings_macro_remove(request: HttpRequest, pk: int) -> HttpResponse:
    macro = shared_macro_for_admin(request.user, pk)
    macro_delete(macro=macro, actor=request.user)
    messages.success(request, _("The macro “%(title)s” was deleted.") % {"title": macro.title})
    return redirect("automation:settings_macros")


# --- the editor, for both ----------------------------------------------------------------------


def _macro_edit(request: HttpRequest, *, macro: Macro | None, shared: bool) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        form = MacroForm(request.POST)
        variants = variant_formset(request.POST, macro=macro)
        if form.is_valid() and variants.is_valid():
            if macro is None:
                macro = macro_create(
                    owner=None if shared else user,
                    actor=user,
                    variants=variants.variants(),
                    **form.values(),
                )
                messages.success(request, _("The macro was created."))
            else:
                macro = macro_update(
                    macro=macro, actor=user, variants=variants.variants(), **form.values()
                )
                messages.success(request, _("The macro was saved."))
            return redirect("automation:settings_macros" if shared else "automation:macro_list")
        status = INVALID
    else:
        initial = MacroForm.initial_for(macro) if macro else None
        form = MacroForm(initial=initial)
        variants = variant_formset(macro=macro)
        status = 200
    context = _form_context(
        request,
        form,
        variants,
        macro=macro,
        shared=shared,
        section="macros",
        base_template="people/settings/_base.html" if shared else "agent_base.html",
    )
    return render(request, "automation/macro_form.html", context, status=status)
