"""Forms of the business-hours calendar pages."""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from zoneinfo import available_timezones

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from concierge.sla.calendar import WEEKDAY_KEYS, Calendar, CalendarError, HolidayRule
from concierge.sla.calendars_json import HOLIDAY_NAME_MAX_LENGTH, NAME_MAX_LENGTH
from concierge.sla.forms.fields import IntervalsField
from concierge.sla.holidays_ics import parse_ics_holidays
from concierge.sla.models import BusinessCalendar, Weekday

#: The largest .ics file accepted: public holiday calendars are a few kilobytes.
MAX_ICS_BYTES = 1024 * 1024


@lru_cache(maxsize=1)
def time_zone_choices() -> list[tuple[str, str]]:
    """Region/City zones and UTC; the database's aliases (EST5EDT, ...) are left out."""
    return [(name, name) for name in sorted(available_timezones()) if "/" in name or name == "UTC"]


class CalendarForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX_LENGTH)
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        help_text=_("Opening hours and holidays are local times in this zone."),
    )
    is_24_7 = forms.BooleanField(
        label=_("Open around the clock (24/7, no holidays)"), required=False
    )

    def __init__(self, *args: Any, stored: BusinessCalendar | None = None, **kwargs: Any) -> None:
        if stored is not None:
            kwargs.setdefault("initial", self.initial_for(stored))
        super().__init__(*args, **kwargs)
        self.stored = stored
        choices = time_zone_choices()
        if stored is not None and (stored.time_zone, stored.time_zone) not in choices:
            choices = [(stored.time_zone, stored.time_zone), *choices]  # an alias, imported
        self.fields["time_zone"].choices = choices
        for index, key in enumerate(WEEKDAY_KEYS):
            self.fields[key] = IntervalsField(
                label=Weekday(index).label,
                help_text=_("For example 09:00-12:00, 13:00-17:00; empty when closed.")
                if index == 0
                else "",
            )

    @staticmethod
    def initial_for(stored: BusinessCalendar) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "name": stored.name,
            "time_zone": stored.time_zone,
            "is_24_7": stored.is_24_7,
        }
        for key in WEEKDAY_KEYS:
            initial[key] = []
        for interval in stored.intervals.all():
            initial[WEEKDAY_KEYS[interval.weekday]].append(interval)
        for key in WEEKDAY_KEYS:
            initial[key] = ", ".join(f"{i.start_text}-{i.end_text}" for i in initial[key])
        return initial

    def weekday_fields(self) -> list[forms.BoundField]:
        return [self[key] for key in WEEKDAY_KEYS]

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError(_("Give the calendar a name."), code="required")
        taken = BusinessCalendar.objects.filter(name=name)
        if self.stored is not None:
            taken = taken.exclude(pk=self.stored.pk)
        if taken.exists():
            raise ValidationError(_("A calendar with this name already exists."), code="unique")
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors:
            return data
        week = {key: data.get(key) or () for key in WEEKDAY_KEYS}
        if data.get("is_24_7") and any(week.values()):
            raise ValidationError(
                _("A 24/7 calendar has no opening hours: leave the days empty."), code="24_7"
            )
        if not data.get("is_24_7") and not any(week.values()):
            raise ValidationError(
                _("Give the opening hours of at least one day, or make the calendar 24/7."),
                code="closed",
            )
        if data.get("is_24_7") and self.stored is not None and self.stored.holidays.exists():
            raise ValidationError(
                _("Remove the holidays first: a 24/7 calendar has none."), code="24_7_holidays"
            )
        try:
            data["calendar"] = Calendar.build(
                name=data["name"],
                time_zone=data["time_zone"],
                week=week,
                always_open=bool(data.get("is_24_7")),
            )
        except CalendarError as error:
            raise ValidationError(str(error), code="invalid") from None
        return data


class HolidayForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    name = forms.CharField(label=_("Name"), max_length=HOLIDAY_NAME_MAX_LENGTH, required=False)
    yearly = forms.BooleanField(label=_("Every year on this day"), required=False)

    def holiday(self) -> HolidayRule:
        data = self.cleaned_data
        return HolidayRule(data["date"], data["name"].strip(), bool(data["yearly"]))


class IcsImportForm(forms.Form):
    file = forms.FileField(
        label=_("iCalendar file (.ics)"),
        help_text=_("A public holiday calendar; each event closes the desk on its days."),
    )

    def clean_file(self) -> list[HolidayRule]:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_ICS_BYTES:
            raise ValidationError(_("The file is larger than 1 MB."), code="size")
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(_("The file is not UTF-8 text."), code="encoding") from None
        try:
            return parse_ics_holidays(text)
        except CalendarError as error:
            raise ValidationError(str(error), code="invalid") from None
