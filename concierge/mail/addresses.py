"""Our own addresses: which mailbox an address belongs to, and per-ticket reply addresses.

A per-ticket reply address is the mailbox address with a tag after "+":
`support+t1234-5f0c9a1b2e7d@example.com`. The code is an HMAC of the ticket number,
so nobody can write into a ticket by guessing its number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.utils.crypto import constant_time_compare, salted_hmac

REPLY_TAG = re.compile(r"^t(\d{1,18})-([0-9a-f]{12})$")
_HMAC_SALT = "concierge.mail.reply-address"


def normalize(address: str) -> str:
    return address.strip().strip("<>").lower()


def split_tag(address: str) -> tuple[str, str]:
    """("support@example.com", "t12-abc...") from "support+t12-abc...@example.com"."""
    local, at, domain = normalize(address).rpartition("@")
    if not at:
        return normalize(address), ""
    base, plus, tag = local.partition("+")
    return f"{base}@{domain}", tag if plus else ""


def reply_code(number: int) -> str:
    return salted_hmac(_HMAC_SALT, str(number), algorithm="sha256").hexdigest()[:12]


def reply_address(mailbox_address: str, number: int) -> str:
    local, _, domain = normalize(mailbox_address).rpartition("@")
    return f"{local}+t{number}-{reply_code(number)}@{domain}"


def ticket_number_from(addresses: Iterable[str]) -> int | None:
    """The ticket number of the first valid per-ticket reply address among these."""
    for address in addresses:
        _, tag = split_tag(address)
        match = REPLY_TAG.match(tag)
        if match and constant_time_compare(match.group(2), reply_code(int(match.group(1)))):
            return int(match.group(1))
    return None
