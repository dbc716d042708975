"""The SLA app's models, one module per topic; each is imported here so Django finds it."""

from concierge.sla.models.calendars import (
    BusinessCalendar,
    BusinessInterval,
    Holiday,
    Weekday,
    validate_time_zone,
)
from concierge.sla.models.escalations import (
    MAX_PERCENT,
    AgentNotice,
    SlaEscalation,
    SlaEscalationRule,
)
from concierge.sla.models.policies import (
    MAX_TARGET_MINUTES,
    PAUSABLE_STATUSES,
    Metric,
    SlaConfigVersion,
    SlaPolicy,
    SlaPolicyTarget,
)
from concierge.sla.models.timers import SlaTimer, TimerState

__all__ = [
    "MAX_PERCENT",
    "MAX_TARGET_MINUTES",
    "PAUSABLE_STATUSES",
    "AgentNotice",
    "BusinessCalendar",
    "BusinessInterval",
    "Holiday",
    "Metric",
    "SlaConfigVersion",
    "SlaEscalation",
    "SlaEscalationRule",
    "SlaPolicy",
    "SlaPolicyTarget",
    "SlaTimer",
    "TimerState",
    "Weekday",
    "validate_time_zone",
]
