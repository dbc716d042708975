"""The brand's register: whether macros address customers formally (вы, siz, te) or not.

`BRAND_TONE` holds the default register, optionally followed by per-language
exceptions: `formal` (the default), `informal`, or `formal,fi:informal` (formal
everywhere, but Finnish customers are addressed with "sinä", as Finnish service
usually does). A malformed value is reported by `manage.py check` at start-up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core import checks

from concierge.automation.models.macros import Tone


@dataclass(frozen=True)
class BrandTone:
    default: str = Tone.FORMAL
    by_language: dict[str, str] = field(default_factory=dict)

    def for_language(self, language: str) -> str:
        return self.by_language.get(base_language(language), self.default)


def base_language(code: str) -> str:
    """'fi-FI' -> 'fi', 'pt_BR' -> 'pt': variants are written per language, not per region."""
    return code.strip().lower().replace("_", "-").split("-", 1)[0]


def parse_brand_tone(raw: str) -> BrandTone:
    """Read a BRAND_TONE value; raises ValueError naming what is wrong."""
    tones = set(Tone.values)
    default = ""
    by_language: dict[str, str] = {}
    for item in (part.strip().lower() for part in raw.split(",")):
        if not item:
            continue
        language, sep, tone = item.partition(":")
        if not sep:
            if default:
                raise ValueError(f"more than one default register: {default!r} and {item!r}")
            tone, language = language, ""
        if tone not in tones:
            raise ValueError(f"{tone!r} is not a register; use formal or informal")
        if language:
            by_language[base_language(language)] = tone
        else:
            default = tone
    return BrandTone(default=default or Tone.FORMAL, by_language=by_language)


def brand_tone() -> BrandTone:
    """The configured register; a malformed value falls back to formal (the check warns)."""
    try:
        return parse_brand_tone(getattr(settings, "BRAND_TONE", ""))
    except ValueError:
        return BrandTone()


@checks.register()
def check_brand_tone(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    try:
        parse_brand_tone(getattr(settings, "BRAND_TONE", ""))
    except ValueError as error:
        return [
            checks.Error(
                f"BRAND_TONE is not valid: {error}.",
                hint="Examples: formal, informal, formal,fi:informal",
                id="automation.E001",
            )
        ]
    return []
