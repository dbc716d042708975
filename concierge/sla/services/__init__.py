"""Every write to service levels: calendars, policies, escalation rules, ticket timers."""

from concierge.sla.services.calendars import (
    CalendarExistsError,
    HolidayImportResult,
    calendar_add_holidays,
    calendar_save,
    calendars_import,
)
from concierge.sla.services.policies import (
    PolicyDraft,
    policy_create,
    policy_delete,
    policy_move,
    policy_update,
)

__all__ = [
    "CalendarExistsError",
    "HolidayImportResult",
    "PolicyDraft",
    "calendar_add_holidays",
    "calendar_save",
    "calendars_import",
    "policy_create",
    "policy_delete",
    "policy_move",
    "policy_update",
]
