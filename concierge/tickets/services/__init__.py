"""Every write to tickets and messages.

Each function owns its transaction, writes `TicketEvent` rows for the audit trail,
saves with `update_fields`, and hands the events to `pipeline.run` so that what
follows (SLA timers, triggers, notifications, ...) happens in one visible order.
"""

from concierge.tickets.services._common import (
    UNSET,
    AttachmentInput,
    NotAllowedError,
    StaleTicketError,
    caused_by,
    current_cause,
    unit_of_work,
)
from concierge.tickets.services.conversation import message_receive, ticket_create, ticket_reply
from concierge.tickets.services.fields import (
    SolveBlockedError,
    ticket_set_followers,
    ticket_set_tags,
    ticket_update,
)
from concierge.tickets.services.merge import (
    message_split,
    ticket_bulk_merge,
    ticket_bulk_update,
    ticket_merge,
)

__all__ = [
    "UNSET",
    "AttachmentInput",
    "NotAllowedError",
    "SolveBlockedError",
    "StaleTicketError",
    "caused_by",
    "current_cause",
    "message_receive",
    "message_split",
    "ticket_bulk_merge",
    "ticket_bulk_update",
    "ticket_create",
    "ticket_merge",
    "ticket_reply",
    "ticket_set_followers",
    "ticket_set_tags",
    "ticket_update",
    "unit_of_work",
]
