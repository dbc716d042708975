"""Keys and rates for the rate limits of the portal's public forms.

The rates are read when a request comes in, not when the module is imported, so a
changed setting (and a test's override) takes effect at once.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

# One home or office usually gets a whole IPv6 /64, so that is what counts as one client.
IPV6_PREFIX = 64


def client_ip(group: str, request: HttpRequest) -> str:
    """The visitor's address; behind `NUM_PROXIES` reverse proxies, the one they saw.

    Each proxy appends the address it received the request from to X-Forwarded-For,
    so the client is the entry `NUM_PROXIES` from the end; entries before it could
    have been typed by the client and are not trusted.
    """
    address = request.META.get("REMOTE_ADDR", "")
    if settings.NUM_PROXIES > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if forwarded:
            address = forwarded[-min(settings.NUM_PROXIES, len(forwarded))]
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/{IPV6_PREFIX}", strict=False).network_address)
    return str(ip)


def posted_email(group: str, request: HttpRequest) -> str:
    """The address a sign-in link is asked for, so one inbox cannot be flooded from many IPs."""
    return request.POST.get("email", "").strip().lower()


def contact_form_rate(group: str, request: HttpRequest) -> str:
    return settings.CONTACT_FORM_RATE


def magic_link_rate(group: str, request: HttpRequest) -> str:
    return settings.MAGIC_LINK_RATE
