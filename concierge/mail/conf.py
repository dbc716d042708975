"""The e-mail channel's settings, read from the environment with documented defaults.

Each value can also be set on `django.conf.settings` (tests do), which wins over the
environment. `docs/configuration.md` lists them all.
"""

from __future__ import annotations

from django.conf import settings

from concierge.env import envbool, envint, envlist, envstr


def _setting(name: str, default: object) -> object:
    return getattr(settings, name, default)


def follow_up_closed() -> bool:
    """A reply to a closed ticket opens a follow-up ticket (else it is added to it)."""
    return bool(_setting("MAIL_FOLLOW_UP_CLOSED", envbool("MAIL_FOLLOW_UP_CLOSED", True)))


def cc_become_followers() -> bool:
    return bool(_setting("MAIL_CC_FOLLOWERS", envbool("MAIL_CC_FOLLOWERS", True)))


def max_message_bytes() -> int:
    return int(
        _setting("MAIL_MAX_MESSAGE_BYTES", envint("MAIL_MAX_MESSAGE_BYTES", 40 * 1024 * 1024))
    )


def auto_reply_limit_per_hour() -> int:
    """Automatic answers one address may get per hour; the rest are not sent."""
    return int(_setting("MAIL_AUTO_REPLY_LIMIT", envint("MAIL_AUTO_REPLY_LIMIT", 3)))


def send_max_attempts() -> int:
    return int(_setting("MAIL_SEND_MAX_ATTEMPTS", envint("MAIL_SEND_MAX_ATTEMPTS", 10)))


def send_retry_seconds() -> int:
    """The first retry's delay; each further one doubles it (capped at six hours)."""
    return int(_setting("MAIL_SEND_RETRY_SECONDS", envint("MAIL_SEND_RETRY_SECONDS", 60)))


def send_lease_seconds() -> int:
    """How long a claimed send may take before another worker may look at it."""
    return int(_setting("MAIL_SEND_LEASE_SECONDS", envint("MAIL_SEND_LEASE_SECONDS", 300)))


def poll_seconds() -> int:
    return int(_setting("MAIL_POLL_SECONDS", envint("MAIL_POLL_SECONDS", 60)))


def imap_timeout_seconds() -> int:
    return int(_setting("MAIL_IMAP_TIMEOUT", envint("MAIL_IMAP_TIMEOUT", 30)))


def tls_ca_file() -> str:
    """An extra CA bundle for mail servers with a private certificate authority."""
    return str(_setting("MAIL_TLS_CA_FILE", envstr("MAIL_TLS_CA_FILE")))


def smtpd_host() -> str:
    return str(_setting("MAIL_SMTPD_HOST", envstr("MAIL_SMTPD_HOST", "127.0.0.1")))


def smtpd_port() -> int:
    return int(_setting("MAIL_SMTPD_PORT", envint("MAIL_SMTPD_PORT", 2525)))


def webhook_providers() -> list[str]:
    """The providers whose inbound webhook (/mail/inbound/<provider>/) is switched on."""
    value = _setting("MAIL_WEBHOOK_PROVIDERS", None)
    if value is None:
        return [p.lower() for p in envlist("MAIL_WEBHOOK_PROVIDERS")]
    return [str(p).lower() for p in value]  # type: ignore[attr-defined]


def webhook_rate() -> str:
    """Posts one address may make to the inbound webhooks (django-ratelimit's notation)."""
    return str(_setting("MAIL_WEBHOOK_RATE", envstr("MAIL_WEBHOOK_RATE", "600/m")))


def agent_note_keyword() -> str:
    """An agent's e-mailed answer starting with this becomes an internal note."""
    return str(_setting("MAIL_AGENT_NOTE_KEYWORD", envstr("MAIL_AGENT_NOTE_KEYWORD", "#note")))
