"""The four shipped languages are complete: every string translated, none fuzzy."""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

LOCALE_DIR = Path(settings.BASE_DIR) / "concierge" / "locale"
SHIPPED = ["ru", "tr", "fi"]


def _unquote(line: str) -> str:
    # .po strings use C escapes, which a Python string literal reads the same way.
    return ast.literal_eval(line[line.index('"') : line.rindex('"') + 1])


def _entries(po_text: str) -> list[tuple[str, str, str]]:
    """(flags, msgid, all msgstr text) of each entry in a .po file."""
    entries = []
    for block in po_text.split("\n\n"):
        flags, msgid, msgstr, current = "", "", "", ""
        for line in block.splitlines():
            if line.startswith("#,"):
                flags += line
            elif line.startswith(("msgctxt", "msgid_plural")):
                flags += " special"
                if line.startswith("msgid_plural"):
                    current = "msgid"
            elif line.startswith("msgid "):
                current = "msgid"
                msgid += _unquote(line)
            elif line.startswith("msgstr"):
                current = "msgstr"
                # Each plural form must be translated: mark an empty one.
                value = _unquote(line)
                msgstr += value if value or "[" not in line else ""
                if "[" in line and not value:
                    msgstr += "\0"
            elif line.startswith('"'):
                if current == "msgid":
                    msgid += _unquote(line)
                elif current == "msgstr":
                    msgstr += _unquote(line)
        if current:
            entries.append((flags, msgid, msgstr))
    return entries


@pytest.mark.parametrize("language", SHIPPED)
def test_it_ships_a_complete_catalog(language: str) -> None:
    po = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")
    assert po.exists(), f"missing {po}"
    assert mo.exists(), f"missing {mo}: run make messages"
    entries = [e for e in _entries(po.read_text(encoding="utf-8")) if e[1]]
    assert len(entries) > 100
    fuzzy = [msgid for flags, msgid, _ in entries if "fuzzy" in flags]
    untranslated = [
        msgid for _, msgid, msgstr in entries if not msgstr.replace("\0", "") or "\0" in msgstr
    ]
    assert not fuzzy, f"{language}: fuzzy entries {fuzzy[:5]}"
    assert not untranslated, f"{language}: untranslated {untranslated[:5]}"
    with mo.open("rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)
    stale = [
        msgid
        for flags, msgid, msgstr in entries
        if "special" not in flags and catalog.gettext(msgid) != msgstr
    ]
    assert not stale, f"{language}: the .mo does not match the .po, run make messages: {stale[:5]}"


@pytest.mark.parametrize(
    ("language", "expected"), [("ru", "Входящие"), ("tr", "Gelen kutusu"), ("fi", "Saapuneet")]
)
def test_it_translates_the_interface(language: str, expected: str) -> None:
    with translation.override(language):
        assert translation.gettext("Inbox") == expected
