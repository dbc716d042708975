"""Form fields for durations ("4h 30m") and opening hours ("09:00-12:00, 13:00-17:00")."""

from __future__ import annotations

import itertools
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from concierge.sla.calendar import CalendarError, DayInterval
from concierge.sla.models import MAX_TARGET_MINUTES

_PART = re.compile(r"(\d+)\s*(min|d|h|m)?", re.IGNORECASE)
_CLOCK = re.compile(r"(\d+):([0-5]\d)")
_UNIT_MINUTES = {"d": 24 * 60, "h": 60, "m": 1, "min": 1, None: 1}


def parse_minutes(text: str) -> int:
    """Minutes from "90", "1:30", "4h", "1d 4h 30m" (days are 24 hours); ValueError if not."""
    text = text.strip().lower()
    clock = _CLOCK.fullmatch(text)
    if clock:
        return int(clock.group(1)) * 60 + int(clock.group(2))
    position, total, parts = 0, 0, 0
    for match in _PART.finditer(text):
        if text[position : match.start()].strip():
            raise ValueError(text)
        total += int(match.group(1)) * _UNIT_MINUTES[match.group(2)]
        position, parts = match.end(), parts + 1
    if not parts or text[position:].strip():
        raise ValueError(text)
    return total


def format_minutes(minutes: int) -> str:
    """The shortest writing `parse_minutes` reads back: 1590 is "1d 2h 30m"."""
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [f"{days}d" if days else "", f"{hours}h" if hours else "", f"{mins}m" if mins else ""]
    return " ".join(p for p in parts if p) or "0m"


class MinutesField(forms.CharField):
    """A target length: whole minutes, written as "45", "4h", "1d 4h" or "1:30"."""

    default_error_messages = {
        "invalid": _("Write a length such as 45m, 4h, 1d 4h or 1:30."),
        "range": _("A target lies between 1 minute and 366 days."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("maxlength", 40)
        self.widget.attrs.setdefault("size", 8)

    def prepare_value(self, value: Any) -> Any:
        return format_minutes(value) if isinstance(value, int) else value

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            if len(text) > 40:
                raise ValueError(text)
            minutes = parse_minutes(text)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not 1 <= minutes <= MAX_TARGET_MINUTES:
            raise ValidationError(self.error_messages["range"], code="range")
        return minutes


class IntervalsField(forms.CharField):
    """One day's opening hours: "09:00-12:00, 13:00-17:00"; empty is closed."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 300)
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return ", ".join(f"{i.start_text}-{i.end_text}" for i in value)
        return value

    def to_python(self, value: Any) -> tuple[DayInterval, ...]:  # type: ignore[override]
        text = super().to_python(value) or ""
        intervals = []
        for part in filter(None, (p.strip() for p in re.split(r"[,;\n]", text))):
            pieces = [p.strip() for p in re.split(r"\s*[-–]\s*", part)]
            if len(pieces) != 2:
                raise ValidationError(
                    _("Write hours like 09:00-17:00, several separated by commas."),
                    code="invalid",
                )
            try:
                intervals.append(DayInterval.parse(*pieces))
            except CalendarError:
                raise ValidationError(
                    _("“%(value)s” is not a time range from 00:00 to 24:00."),
                    code="invalid",
                    params={"value": part},
                ) from None
        intervals.sort()
        for earlier, later in itertools.pairwise(intervals):
            if later.start_minute < earlier.end_minute:
                raise ValidationError(
                    _("%(first)s and %(second)s overlap."),
                    code="overlap",
                    params={
                        "first": f"{earlier.start_text}-{earlier.end_text}",
                        "second": f"{later.start_text}-{later.end_text}",
                    },
                )
        return tuple(intervals)
