"""Small request helpers shared by the portal's views."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

NEXT_FIELD = "next"


def safe_next(request: HttpRequest) -> str:
    """Where to go after signing in: a path on this site, or "" when none or unsafe."""
    target = request.POST.get(NEXT_FIELD) or request.GET.get(NEXT_FIELD) or ""
    if not target.startswith("/") or target.startswith("//"):
        return ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    return target
