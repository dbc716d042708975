"""The team's pages: what customers search for, what they find, and what is missing;
and (for admins) the categories and sections the articles live in."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from concierge.helpcenter.forms import SectionForm, TitlesForm, language_choices
from concierge.helpcenter.models import Category
from concierge.helpcenter.queries import can_publish, structure_for_authors
from concierge.helpcenter.services import category_save, deflections_decide_due, section_save
from concierge.people.queries import admin_or_404
from concierge.search import reports
from concierge.tickets.views.access import agent_required

PERIODS = {"7": 7, "30": 30, "90": 90}


@agent_required
@require_GET
def insights(request: HttpRequest) -> HttpResponse:
    period = request.GET.get("days", "30")
    days = PERIODS.get(period, 30)
    language = request.GET.get("language", "")
    language = language if language in dict(language_choices()) else None
    since = timezone.now() - dt.timedelta(days=days)
    # Visits whose window has passed are decided before they are counted.
    deflections_decide_due()
    weeks = reports.deflection_by_week()
    return render(
        request,
        "helpcenter/insights.html",
        {
            "days": days,
            "periods": PERIODS.values(),
            "language": language or "",
            "languages": language_choices(),
            "top": reports.top_searches(since, language=language),
            "empty": reports.searches_without_results(since, language=language),
            "unclicked": reports.searches_without_click(since, language=language),
            "by_views": reports.articles_by_views(),
            "most_helpful": reports.articles_by_helpfulness(),
            "least_helpful": reports.articles_by_helpfulness(least=True),
            "weeks": weeks,
        },
    )


@agent_required
@require_http_methods(["GET", "POST"])
def structure(request: HttpRequest) -> HttpResponse:
    """Categories and sections: everyone at the desk sees them, admins change them."""
    category_form = TitlesForm(prefix="category")
    section_form = SectionForm(prefix="section")
    if request.method == "POST":
        admin_or_404(request.user)
        if "category-slug" in request.POST:
            category_form = TitlesForm(request.POST, prefix="category")
            if category_form.is_valid():
                data = category_form.cleaned_data
                if Category.objects.filter(slug=data["slug"]).exists():
                    category_form.add_error("slug", _("Another category has this address."))
                else:
                    category_save(
                        actor=request.user,
                        titles=category_form.titles(),
                        slug=data["slug"],
                        position=data["position"],
                    )
                    messages.success(request, _("The category is added."))
                    return redirect("helpcenter:structure")
        else:
            section_form = SectionForm(request.POST, prefix="section")
            if section_form.is_valid():
                data = section_form.cleaned_data
                if data["category"].sections.filter(slug=data["slug"]).exists():
                    section_form.add_error("slug", _("Another section of it has this address."))
                else:
                    section_save(
                        actor=request.user,
                        category=data["category"],
                        titles=section_form.titles(),
                        slug=data["slug"],
                        position=data["position"],
                    )
                    messages.success(request, _("The section is added."))
                    return redirect("helpcenter:structure")
    return render(
        request,
        "helpcenter/structure.html",
        {
            "categories": structure_for_authors(),
            "category_form": category_form,
            "section_form": section_form,
            "can_publish": can_publish(request.user),
        },
    )
