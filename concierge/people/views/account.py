"""Signing in and out, one's own profile, and the brand stylesheet."""

from __future__ import annotations

import re
import zoneinfo

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control

from concierge.people.models import User
from concierge.people.signin import remember_language
from concierge.text import ModelLabelsMixin

HEX_COLOR = re.compile(r"^#[0-9a-fA-F]{3,8}$")


class LoginView(auth_views.LoginView):
    template_name = "people/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: forms.Form) -> HttpResponse:
        response = super().form_valid(form)
        remember_language(self.request, form.get_user())
        return response

    def get_default_redirect_url(self) -> str:
        user = self.request.user
        if getattr(user, "is_agent", False):
            return reverse("tickets:inbox")
        return reverse("portal:request_list")


class ProfileForm(ModelLabelsMixin, forms.ModelForm):
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        required=False,
        choices=[("", _("Default"))] + [(z, z) for z in sorted(zoneinfo.available_timezones())],
    )
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("Browser's language")), *list(settings.LANGUAGES)],
    )

    class Meta:
        model = User
        fields = ["full_name", "language", "time_zone", "signature"]


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        request.session["language"] = form.cleaned_data["language"] or None
        messages.success(request, _("Your profile was saved."))
        return redirect("people:profile")
    base = "agent_base.html" if request.user.is_agent else "portal/base.html"
    return render(request, "people/profile.html", {"form": form, "base_template": base})


@cache_control(max_age=300)
def brand_css(request: HttpRequest) -> HttpResponse:
    # The accent colour is a setting; a stylesheet (not an inline style) keeps the CSP strict.
    color = settings.BRAND_ACCENT_COLOR
    if not HEX_COLOR.match(color):
        color = "#2563eb"
    return HttpResponse(f":root {{ --accent: {color}; }}\n", content_type="text/css")


def set_language(request: HttpRequest) -> HttpResponseRedirect:
    """Switch language for this session (the portal's language picker)."""
    language = request.POST.get("language", "")
    if request.method == "POST" and language in dict(settings.LANGUAGES):
        request.session["language"] = language
    target = request.POST.get("next") or "/"
    if not target.startswith("/") or target.startswith("//"):
        target = "/"
    return HttpResponseRedirect(target)
