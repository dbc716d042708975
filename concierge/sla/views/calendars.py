"""Settings: business-hours calendars, their holidays and .ics imports. Admins only."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from concierge.people.queries import admin_or_404
from concierge.sla.calendar import CalendarError
from concierge.sla.forms.calendars import CalendarForm, HolidayForm, IcsImportForm
from concierge.sla.models import BusinessCalendar
from concierge.sla.queries import calendar_for_admin, calendars_for_list
from concierge.sla.services import (
    CalendarExistsError,
    calendar_add_holidays,
    calendar_delete,
    calendar_save,
    calendar_update,
    holiday_remove,
)

INVALID = 422


@login_required
@require_GET
def calendar_list(request: HttpRequest) -> HttpResponse:
    admin_or_404(request.user)
    return render(
        request,
        "sla/settings/calendars.html",
        {"section": "sla", "tab": "calendars", "calendars": calendars_for_list()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def calendar_new(request: HttpRequest) -> HttpResponse:
    admin_or_404(request.user)
    form = CalendarForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            stored, _created = calendar_save(calendar=form.cleaned_data["calendar"])
        except CalendarExistsError:
            form.add_error("name", _("A calendar with this name already exists."))
        else:
            messages.success(
                request, _("The calendar %(name)s was created.") % {"name": stored.name}
            )
            return redirect("sla:calendar_edit", pk=stored.pk)
    return render(
        request,
        "sla/settings/calendar_form.html",
        {"section": "sla", "tab": "calendars", "form": form},
        status=INVALID if form.is_bound else 200,
    )


def _calendar_page(
    request: HttpRequest,
    stored: BusinessCalendar,
    *,
    form: CalendarForm | None = None,
    holiday_form: HolidayForm | None = None,
    ics_form: IcsImportForm | None = None,
) -> HttpResponse:
    invalid = any(f is not None and f.is_bound for f in (form, holiday_form, ics_form))
    return render(
        request,
        "sla/settings/calendar_form.html",
        {
            "section": "sla",
            "tab": "calendars",
            "stored": stored,
            "form": form or CalendarForm(stored=stored),
            "holidays": list(stored.holidays.all()),
            "holiday_form": holiday_form or HolidayForm(),
            "ics_form": ics_form or IcsImportForm(),
            "policies": list(stored.policies.order_by("position")),
        },
        status=INVALID if invalid else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def calendar_edit(request: HttpRequest, pk: int) -> HttpResponse:
    stored = calendar_for_admin(request.user, pk)
    if request.method == "GET":
        return _calendar_page(request, stored)
    form = CalendarForm(request.POST, stored=stored)
    if form.is_valid():
        data = form.cleaned_data
        try:
            calendar_update(
                stored=stored,
                name=data["name"],
                time_zone=data["time_zone"],
                is_24_7=data["is_24_7"],
                week=data["calendar"],
            )
        except CalendarExistsError:
            form.add_error("name", _("A calendar with this name already exists."))
        except CalendarError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The calendar was saved."))
            return redirect("sla:calendar_edit", pk=stored.pk)
    return _calendar_page(request, stored, form=form)


@login_required
@require_POST
def calendar_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    stored = calendar_for_admin(request.user, pk)
    try:
        calendar_delete(stored=stored)
    except CalendarError:
        messages.error(
            request,
            _("The calendar %(name)s is used by a policy; choose another calendar there first.")
            % {"name": stored.name},
        )
        return redirect("sla:calendar_edit", pk=stored.pk)
    messages.success(request, _("The calendar %(name)s was deleted.") % {"name": stored.name})
    return redirect("sla:calendar_list")


@login_required
@require_POST
def calendar_holiday_add(request: HttpRequest, pk: int) -> HttpResponse:
    stored = calendar_for_admin(request.user, pk)
    form = HolidayForm(request.POST)
    if not form.is_valid():
        return _calendar_page(request, stored, holiday_form=form)
    try:
        result = calendar_add_holidays(calendar=stored, holidays=[form.holiday()])
    except CalendarError:
        form.add_error(None, _("A 24/7 calendar has no holidays."))
        return _calendar_page(request, stored, holiday_form=form)
    if result.created:
        messages.success(request, _("The holiday was added."))
    else:
        messages.info(request, _("That date was already a holiday."))
    return redirect("sla:calendar_edit", pk=stored.pk)


@login_required
@require_POST
def calendar_holiday_remove(request: HttpRequest, pk: int, holiday_pk: int) -> HttpResponse:
    stored = calendar_for_admin(request.user, pk)
    if holiday_remove(stored=stored, holiday_id=holiday_pk):
        messages.success(request, _("The holiday was removed."))
    return redirect("sla:calendar_edit", pk=stored.pk)


@login_required
@require_POST
def calendar_import_ics(request: HttpRequest, pk: int) -> HttpResponse:
    stored = calendar_for_admin(request.user, pk)
    form = IcsImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _calendar_page(request, stored, ics_form=form)
    try:
        result = calendar_add_holidays(calendar=stored, holidays=form.cleaned_data["file"])
    except CalendarError:
        form.add_error("file", _("A 24/7 calendar has no holidays."))
        return _calendar_page(request, stored, ics_form=form)
    messages.success(
        request,
        _("%(created)s holidays added, %(renamed)s renamed, %(unchanged)s already there.")
        % {"created": result.created, "renamed": result.renamed, "unchanged": result.unchanged},
    )
    return redirect("sla:calendar_edit", pk=stored.pk)
