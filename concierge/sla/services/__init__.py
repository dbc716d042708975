"""Every write to service levels: calendars, policies, escalation rules, ticket timers."""

from concierge.sla.services.calendars import (
    CalendarExistsError,
    CalendarInUseError,
    HolidayImportResult,
    calendar_add_holidays,
    calendar_delete,
    calendar_save,
    calendar_update,
    calendars_import,
    holiday_remove,
)
from concierge.sla.services.escalations import (
    RuleDraft,
    escalation_rule_delete,
    escalation_rule_save,
    notices_mark_read,
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
    "CalendarInUseError",
    "HolidayImportResult",
    "PolicyDraft",
    "RuleDraft",
    "calendar_add_holidays",
    "calendar_delete",
    "calendar_save",
    "calendar_update",
    "calendars_import",
    "escalation_rule_delete",
    "escalation_rule_save",
    "holiday_remove",
    "notices_mark_read",
    "policy_create",
    "policy_delete",
    "policy_move",
    "policy_update",
]
