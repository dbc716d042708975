"""The customer and organization pages of the agent workspace.

Every view first passes through an access helper (`customer_for_agent`,
`organization_for_admin`, ...), which answers 404 to whoever may not see the page.
The cards of the customer and organization pages are partials that htmx swaps alone.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from concierge.people.forms import (
    CustomerNotesForm,
    CustomerProfileForm,
    IdentityForm,
    MemberAddForm,
    OrganizationForm,
)
from concierge.people.models import Customer, Organization, OrganizationMembership
from concierge.people.queries import (
    admin_or_404,
    agent_or_404,
    customer_directory,
    customer_for_agent,
    customer_for_editor,
    customer_memberships,
    identity_for_editor,
    organization_directory,
    organization_for_admin,
    organization_for_agent,
    organization_members,
    organization_tickets,
)
from concierge.people.services import (
    IdentityRequiredError,
    customer_identity_add,
    customer_identity_make_primary,
    customer_identity_remove,
    customer_set_notes,
    customer_update_profile,
    organization_add_member,
    organization_create,
    organization_remove_member,
    organization_set_manager,
    organization_update,
)
from concierge.tickets.queries import customer_tickets

CUSTOMER_PAGE_SIZE = 50
ORGANIZATION_PAGE_SIZE = 50
TICKET_HISTORY_PAGE_SIZE = 25
MEMBER_PAGE_SIZE = 50
INVALID = 422  # a form with errors; htmx swaps it in (see app.js) and browsers show it


def _page(items: Any, request: HttpRequest, param: str, size: int) -> Page:
    return Paginator(items, size).get_page(request.GET.get(param))


def _language_name(code: str) -> str:
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


def _target(request: HttpRequest) -> str:
    return (request.htmx.target or "") if request.htmx else ""


# --- customers -------------------------------------------------------------------------------


@login_required
@require_GET
def customer_list(request: HttpRequest) -> HttpResponse:
    agent_or_404(request.user)
    query = request.GET.get("q", "").strip()
    page = customer_directory(
        request.user,
        query=query,
        cursor=request.GET.get("cursor") or None,
        page_size=CUSTOMER_PAGE_SIZE,
    )
    context = {"page": page, "query": query, "after_first": bool(request.GET.get("cursor"))}
    if _target(request) == "customer-results":
        return render(request, "people/_customer_results.html", context)
    return render(request, "people/customer_list.html", context)


def _customer_context(request: HttpRequest, customer: Customer, **extra: Any) -> dict[str, Any]:
    user = request.user
    context = {
        "customer": customer,
        "can_edit": user.can_reply_publicly,
        "memberships": customer_memberships(customer),
        "tickets": _page(
            customer_tickets(user, customer), request, "page", TICKET_HISTORY_PAGE_SIZE
        ),
        "profile_form": CustomerProfileForm.for_customer(customer),
        "language_name": _language_name(customer.language),
        "identity_form": IdentityForm(),
        "notes_form": CustomerNotesForm(initial={"notes": customer.notes}),
        "editing_notes": request.GET.get("edit_notes") == "1",
    }
    context.update(extra)
    return context


@login_required
@require_GET
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    customer = customer_for_agent(request.user, pk)
    if _target(request) == "customer-tickets":
        tickets = _page(
            customer_tickets(request.user, customer), request, "page", TICKET_HISTORY_PAGE_SIZE
        )
        return render(
            request, "people/_customer_tickets.html", {"customer": customer, "tickets": tickets}
        )
    return render(request, "people/customer_detail.html", _customer_context(request, customer))


@login_required
@require_POST
def customer_profile(request: HttpRequest, pk: int) -> HttpResponse:
    customer = customer_for_editor(request.user, pk)
    form = CustomerProfileForm.for_customer(customer, request.POST)
    if not form.is_valid():
        if request.htmx:
            return render(
                request,
                "people/_customer_profile.html",
                {
                    "customer": customer,
                    "can_edit": True,
                    "profile_form": form,
                    "language_name": _language_name(customer.language),
                },
                status=INVALID,
            )
        context = _customer_context(request, customer, profile_form=form)
        return render(request, "people/customer_detail.html", context, status=INVALID)
    customer_update_profile(customer=customer, **form.cleaned_data)
    if request.htmx:
        context = {
            "customer": customer,
            "can_edit": True,
            "profile_form": CustomerProfileForm.for_customer(customer),
            "language_name": _language_name(customer.language),
            "saved": True,
        }
        return render(request, "people/_customer_profile.html", context)
    messages.success(request, _("The customer's profile was saved."))
    return redirect("people:customer_detail", pk=customer.pk)


@login_required
@require_http_methods(["GET", "POST"])
def customer_notes(request: HttpRequest, pk: int) -> HttpResponse:
    """Notes are edited in place; light agents may keep them too, as they keep notes on
    tickets."""
    customer = customer_for_agent(request.user, pk)
    if request.method == "GET":
        if not request.htmx:
            return redirect("people:customer_detail", pk=customer.pk)
        if request.GET.get("edit") == "1":
            form = CustomerNotesForm(initial={"notes": customer.notes})
            return render(
                request, "people/_customer_notes_form.html", {"customer": customer, "form": form}
            )
        return render(request, "people/_customer_notes.html", {"customer": customer})
    form = CustomerNotesForm(request.POST)
    if not form.is_valid():
        if request.htmx:
            return render(
                request,
                "people/_customer_notes_form.html",
                {"customer": customer, "form": form},
                status=INVALID,
            )
        context = _customer_context(request, customer, notes_form=form, editing_notes=True)
        return render(request, "people/customer_detail.html", context, status=INVALID)
    customer_set_notes(customer=customer, notes=form.cleaned_data["notes"])
    if request.htmx:
        return render(request, "people/_customer_notes.html", {"customer": customer, "saved": True})
    messages.success(request, _("The notes were saved."))
    return redirect("people:customer_detail", pk=customer.pk)


def _identities_response(
    request: HttpRequest,
    customer: Customer,
    *,
    form: IdentityForm | None = None,
    error: str = "",
    success: str = "",
) -> HttpResponse:
    status = INVALID if error or (form is not None and form.errors) else 200
    if request.htmx:
        customer = customer_for_agent(request.user, customer.pk)  # fresh identities
        context = {
            "customer": customer,
            "can_edit": True,
            "identity_form": form or IdentityForm(),
            "identity_error": error,
        }
        return render(request, "people/_customer_identities.html", context, status=status)
    if status == INVALID:
        context = _customer_context(
            request, customer, identity_form=form or IdentityForm(), identity_error=error
        )
        return render(request, "people/customer_detail.html", context, status=status)
    messages.success(request, success)
    return redirect("people:customer_detail", pk=customer.pk)


@login_required
@require_POST
def customer_identity_create(request: HttpRequest, pk: int) -> HttpResponse:
    customer = customer_for_editor(request.user, pk)
    form = IdentityForm(request.POST)
    if not form.is_valid():
        return _identities_response(request, customer, form=form)
    try:
        customer_identity_add(
            customer=customer, kind=form.cleaned_data["kind"], value=form.cleaned_data["value"]
        )
    except IntegrityError:
        # Someone added the same address a moment ago; the form now says whose it is.
        form = IdentityForm(request.POST)
        if form.is_valid():
            form.add_error("value", _("This is already in use."))
        return _identities_response(request, customer, form=form)
    return _identities_response(request, customer, success=_("The identity was added."))


@login_required
@require_POST
def customer_identity_delete(request: HttpRequest, pk: int, identity_pk: int) -> HttpResponse:
    customer = customer_for_editor(request.user, pk)
    identity = identity_for_editor(request.user, customer, identity_pk)
    try:
        customer_identity_remove(identity=identity)
    except IdentityRequiredError:
        return _identities_response(
            request,
            customer,
            error=_("A customer needs at least one way to be reached; add another first."),
        )
    return _identities_response(request, customer, success=_("The identity was removed."))


@login_required
@require_POST
def customer_identity_primary(request: HttpRequest, pk: int, identity_pk: int) -> HttpResponse:
    customer = customer_for_editor(request.user, pk)
    identity = identity_for_editor(request.user, customer, identity_pk)
    customer_identity_make_primary(identity=identity)
    return _identities_response(
        request, customer, success=_("Replies now go to %(value)s.") % {"value": identity.value}
    )


# --- organizations ---------------------------------------------------------------------------


@login_required
@require_GET
def organization_list(request: HttpRequest) -> HttpResponse:
    agent_or_404(request.user)
    query = request.GET.get("q", "").strip()
    organizations = _page(
        organization_directory(request.user, query=query), request, "page", ORGANIZATION_PAGE_SIZE
    )
    context = {"organizations": organizations, "query": query}
    if _target(request) == "organization-results":
        return render(request, "people/_organization_results.html", context)
    return render(request, "people/organization_list.html", context)


def _save_organization(form: OrganizationForm, organization: Organization | None) -> Any:
    """Create or update from a valid form; a name or domain taken meanwhile becomes a field
    error (the form is checked again and now finds the clash)."""
    data = form.cleaned_data
    try:
        if organization is None:
            return organization_create(**data)
        return organization_update(organization=organization, **data)
    except IntegrityError:
        form.full_clean()
        if form.is_valid():
            form.add_error(None, _("The organization could not be saved; try again."))
        return None


@login_required
@require_http_methods(["GET", "POST"])
def organization_new(request: HttpRequest) -> HttpResponse:
    admin_or_404(request.user)
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organization = _save_organization(form, None)
        if organization is not None:
            messages.success(request, _("The organization was created."))
            return redirect("people:organization_detail", pk=organization.pk)
    status = INVALID if form.is_bound else 200
    return render(request, "people/organization_new.html", {"form": form}, status=status)


def _organization_context(
    request: HttpRequest, organization: Organization, **extra: Any
) -> dict[str, Any]:
    user = request.user
    context = {
        "organization": organization,
        "is_admin": user.is_admin,
        "members": _page(
            organization_members(organization), request, "members_page", MEMBER_PAGE_SIZE
        ),
        "tickets": _page(
            organization_tickets(user, organization), request, "page", TICKET_HISTORY_PAGE_SIZE
        ),
        "form": OrganizationForm(organization=organization) if user.is_admin else None,
        "member_form": MemberAddForm(),
    }
    context.update(extra)
    return context


@login_required
@require_GET
def organization_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organization = organization_for_agent(request.user, pk)
    context = _organization_context(request, organization)
    target = _target(request)
    if target == "organization-tickets":
        return render(request, "people/_organization_tickets.html", context)
    if target == "organization-members":
        return render(request, "people/_organization_members.html", context)
    return render(request, "people/organization_detail.html", context)


@login_required
@require_POST
def organization_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organization = organization_for_admin(request.user, pk)
    form = OrganizationForm(request.POST, organization=organization)
    if form.is_valid() and _save_organization(form, organization) is not None:
        messages.success(request, _("The organization was saved."))
        return redirect("people:organization_detail", pk=organization.pk)
    organization = organization_for_admin(request.user, pk)  # as stored, not as typed
    context = _organization_context(request, organization, form=form, editing=True)
    return render(request, "people/organization_detail.html", context, status=INVALID)


def _members_response(
    request: HttpRequest,
    organization: Organization,
    *,
    form: MemberAddForm | None = None,
    error: str = "",
    success: str = "",
) -> HttpResponse:
    invalid = bool(error) or (form is not None and bool(form.errors))
    context = _organization_context(
        request, organization, member_form=form or MemberAddForm(), member_error=error
    )
    if request.htmx:
        return render(
            request,
            "people/_organization_members.html",
            context,
            status=INVALID if invalid else 200,
        )
    if invalid:
        return render(request, "people/organization_detail.html", context, status=INVALID)
    messages.success(request, success)
    return redirect("people:organization_detail", pk=organization.pk)


@login_required
@require_POST
def organization_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    organization = organization_for_admin(request.user, pk)
    form = MemberAddForm(request.POST)
    if not form.is_valid():
        return _members_response(request, organization, form=form)
    organization_add_member(
        organization=organization,
        customer=form.customer,
        is_manager=form.cleaned_data["is_manager"],
    )
    return _members_response(
        request, organization, success=_("%(customer)s was added.") % {"customer": form.customer}
    )


@login_required
@require_POST
def organization_member_change(request: HttpRequest, pk: int, customer_pk: int) -> HttpResponse:
    """Make a member a manager, take that away, or remove them from the organization."""
    organization = organization_for_admin(request.user, pk)
    membership = get_object_or_404(
        OrganizationMembership.objects.select_related("customer"),
        organization=organization,
        customer_id=customer_pk,
    )
    action = request.POST.get("action")
    if action == "remove":
        organization_remove_member(organization=organization, customer=membership.customer)
        success = _("%(customer)s was removed.") % {"customer": membership.customer}
    elif action in ("make_manager", "unmake_manager"):
        organization_set_manager(
            organization=organization,
            customer=membership.customer,
            is_manager=action == "make_manager",
        )
        success = _("The member was saved.")
    else:
        return _members_response(request, organization, error=_("Unknown action."))
    return _members_response(request, organization, success=success)
