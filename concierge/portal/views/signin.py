"""Signing in by an e-mailed one-time link, and the optional password."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_ratelimit.decorators import ratelimit

from concierge.people.models import Customer
from concierge.people.signin import remember_language
from concierge.portal.decorators import customer_required
from concierge.portal.forms import MagicLinkForm
from concierge.portal.services import magic_link_request, portal_password_set
from concierge.portal.throttle import client_ip, magic_link_rate, posted_email
from concierge.portal.tokens import user_for_magic_token
from concierge.portal.views._helpers import safe_next
from concierge.tickets.queries import customer_of

AUTH_BACKEND = "django.contrib.auth.backends.ModelBackend"


# Per address as well as per IP: nobody can flood one inbox by switching addresses.
@ratelimit(
    group="portal.magic_link.ip", key=client_ip, rate=magic_link_rate, method="POST", block=True
)
@ratelimit(
    group="portal.magic_link.email",
    key=posted_email,
    rate=magic_link_rate,
    method="POST",
    block=True,
)
def login(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request)
    if customer_of(request.user) is not None:
        return redirect(next_url or "portal:request_list")
    form = MagicLinkForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        magic_link_request(
            email=email, next_url=next_url, language=translation.get_language() or ""
        )
        # The same answer whether or not the address is known: no account enumeration.
        minutes = max(1, settings.MAGIC_LINK_MAX_AGE_SECONDS // 60)
        return render(
            request,
            "portal/login_sent.html",
            {"email": email, "next": next_url, "minutes": minutes},
        )
    return render(request, "portal/login.html", {"form": form, "next": next_url})


@never_cache
def magic(request: HttpRequest, token: str) -> HttpResponse:
    """Opening the link only asks to confirm; the POST signs in.

    Mail scanners that fetch every link in a message would otherwise use up the link
    before the customer clicks it.
    """
    user = user_for_magic_token(token)
    if user is None:
        return render(request, "portal/magic_invalid.html", status=400)
    next_url = safe_next(request)
    if request.method == "POST":
        auth_login(request, user, backend=AUTH_BACKEND)
        remember_language(request, user)
        return redirect(next_url or "portal:request_list")
    return render(request, "portal/magic_confirm.html", {"link_user": user, "next": next_url})


@customer_required()
def password(request: HttpRequest, customer: Customer) -> HttpResponse:
    user = request.user
    form = SetPasswordForm(
        user, request.POST if request.method == "POST" else None, label_suffix=""
    )
    if request.method == "POST" and form.is_valid():
        portal_password_set(user=user, password=form.cleaned_data["new_password1"])
        # Changing the password ends other sessions, but not this one.
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password was saved. You can now also sign in with it."))
        return redirect("portal:request_list")
    return render(
        request, "portal/password.html", {"form": form, "has_password": user.has_usable_password()}
    )
