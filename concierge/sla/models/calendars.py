"""Business-hours calendars as stored: the weekly intervals and the holidays of each.

The arithmetic never reads these rows directly: `queries.calendar_value` turns a calendar
into the immutable `concierge.sla.calendar.Calendar` that `business_time` works on.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from concierge.sla.calendar import MINUTES_PER_DAY, CalendarError, format_clock, load_time_zone


def validate_time_zone(value: str) -> None:
    try:
        load_time_zone(value)
    except CalendarError:
        raise ValidationError(
            _("%(value)s is not a known time zone (for example Europe/Helsinki)."),
            code="invalid_time_zone",
            params={"value": value},
        ) from None


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class BusinessCalendar(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    time_zone = models.CharField(_("time zone"), max_length=64, validators=[validate_time_zone])
    # Counts every second: no intervals and no holidays (see Calendar.always_open).
    is_24_7 = models.BooleanField(_("open 24/7"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("business-hours calendar")
        verbose_name_plural = _("business-hours calendars")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class BusinessInterval(models.Model):
    """Opening hours on one weekday, in minutes since local midnight; end 1440 is 24:00.

    Minutes rather than `TimeField`s because a day that is open to its very end needs
    "24:00", which no time value can hold. Overlaps are refused by the services.
    """

    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="intervals"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start_minute = models.PositiveSmallIntegerField(_("opens at (minutes after midnight)"))
    end_minute = models.PositiveSmallIntegerField(_("closes at (minutes after midnight)"))

    class Meta:
        verbose_name = _("business-hours interval")
        verbose_name_plural = _("business-hours intervals")
        ordering = ["calendar", "weekday", "start_minute"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="sla_interval_weekday"
            ),
            models.CheckConstraint(
                condition=Q(start_minute__gte=0)
                & Q(end_minute__lte=MINUTES_PER_DAY)
                & Q(end_minute__gt=models.F("start_minute")),
                name="sla_interval_bounds",
            ),
            models.UniqueConstraint(
                fields=["calendar", "weekday", "start_minute"], name="sla_interval_unique_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_text}-{self.end_text}"

    @property
    def start_text(self) -> str:
        return format_clock(self.start_minute)

    @property
    def end_text(self) -> str:
        return format_clock(self.end_minute)


class Holiday(models.Model):
    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="holidays"
    )
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    # Repeats on the same month and day every year from `date` on.
    yearly = models.BooleanField(_("every year"), default=False)

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["calendar", "date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="sla_holiday_unique_date"),
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.name}".strip()
