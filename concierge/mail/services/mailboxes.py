"""Mailboxes: which one mail is for, and their settings (the only writes of the admin pages
besides reprocessing)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models.functions import Lower

from concierge.mail import addresses
from concierge.mail.models import Mailbox

SECRET_FIELDS = (
    "imap_password",
    "oauth2_access_token",
    "oauth2_refresh_token",
    "oauth2_client_secret",
)


def mailbox_for(recipients: Iterable[str]) -> Mailbox | None:
    """The active mailbox of the first recipient that has one (plus-addresses count as
    the mailbox's own): mail for several addresses goes to the first of ours."""
    wanted = [addresses.split_tag(address)[0] for address in recipients]
    wanted = [address for address in wanted if address]
    if not wanted:
        return None
    found = {
        mailbox.address.lower(): mailbox
        for mailbox in Mailbox.objects.alias(lower=Lower("address")).filter(
            is_active=True, lower__in=set(wanted)
        )
    }
    return next((found[address] for address in wanted if address in found), None)


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
