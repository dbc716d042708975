"""One-time sign-in links for customers.

A link carries the portal user's id and a token signed with the secret key. The token
hashes the user's `last_login`, so signing in with it (which updates `last_login`)
invalidates it: each link works once. It also expires after
`MAGIC_LINK_MAX_AGE_SECONDS`, and setting a password or changing the address kills
any link still outstanding.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes, force_str
from django.utils.http import base36_to_int, urlsafe_base64_decode, urlsafe_base64_encode

from concierge.people.models import Role, User

# Neither the base64 alphabet of the id nor the token's own alphabet uses a dot.
SEPARATOR = "."


class MagicLinkTokenGenerator(PasswordResetTokenGenerator):
    # Its own salt, so a password-reset token can never pass for a sign-in link.
    key_salt = "concierge.portal.tokens.MagicLinkTokenGenerator"

    def _make_hash_value(self, user: User, timestamp: int) -> str:  # type: ignore[override]
        # Microseconds are dropped because not every database keeps them.
        last_login = (
            "" if user.last_login is None else user.last_login.replace(microsecond=0, tzinfo=None)
        )
        return f"{user.pk}{user.password}{last_login}{timestamp}{user.email}{user.is_active}"

    def check_token(self, user: User | None, token: str | None) -> bool:  # type: ignore[override]
        """Like Django's check, but against the sign-in link's own, much shorter, lifetime."""
        if not (user and token):
            return False
        try:
            timestamp_b36, _ = token.split("-")
            timestamp = base36_to_int(timestamp_b36)
        except ValueError:
            return False
        signed = any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        )
        if not signed:
            return False
        age = self._num_seconds(self._now()) - timestamp
        return age <= settings.MAGIC_LINK_MAX_AGE_SECONDS


magic_link_tokens = MagicLinkTokenGenerator()


def magic_link_token(user: User) -> str:
    """The opaque path segment of a sign-in link for this user."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return f"{uid}{SEPARATOR}{magic_link_tokens.make_token(user)}"


def user_for_magic_token(value: str) -> User | None:
    """The customer account a link signs in, or None when it is forged, used or expired."""
    uid, _, token = value.partition(SEPARATOR)
    try:
        pk = int(force_str(urlsafe_base64_decode(uid)))
    except (ValueError, TypeError, UnicodeDecodeError):
        return None
    # Only customer accounts sign in by link; an agent account never does.
    user = (
        User.objects.filter(pk=pk, role=Role.CUSTOMER, is_active=True, customer__isnull=False)
        .select_related("customer")
        .first()
    )
    if user is None or not magic_link_tokens.check_token(user, token):
        return None
    return user
