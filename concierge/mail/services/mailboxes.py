"""Mailbox settings: the only writes of the admin pages besides reprocessing."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from concierge.mail.models import Mailbox

SECRET_FIELDS = (
    "imap_password",
    "oauth2_access_token",
    "oauth2_refresh_token",
    "oauth2_client_secret",
)


def mailbox_create(**fields: Any) -> Mailbox:
    fields["address"] = fields["address"].strip().lower()
    return Mailbox.objects.create(**fields)


def mailbox_update(*, mailbox: Mailbox, **fields: Any) -> Mailbox:
    """Change a mailbox; a secret left empty keeps the stored one (forms never show it)."""
    if "address" in fields:
        fields["address"] = fields["address"].strip().lower()
    for name in SECRET_FIELDS:
        if name in fields and not fields[name]:
            del fields[name]
    with transaction.atomic():
        for name, value in fields.items():
            setattr(mailbox, name, value)
        mailbox.save(update_fields=list(fields))
    return mailbox
