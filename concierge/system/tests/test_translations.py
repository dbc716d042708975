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


def _entries(po_text: str) -> list[tuple[str, str, list[str]]]:
    """(flags, msgid, the msgstr of each plural form) of each entry in a .po file."""
    entries = []
    for block in po_text.split("\n\n"):
        flags, msgid, forms, current = "", "", [], ""
        for line in block.splitlines():
            if line.startswith("#,"):
                flags += line
            elif line.startswith(("msgctxt", "msgid_plural")):
                flags += " special"
                current = "skip"
            elif line.startswith("msgid "):
                current = "msgid"
                msgid += _unquote(line)
            elif line.startswith("msgstr"):
                current = "msgstr"
                forms.append(_unquote(line))
            elif line.startswith('"'):
                if current == "msgid":
                    msgid += _unquote(line)
                elif current == "msgstr":
                    forms[-1] += _unquote(line)
        if forms:
            entries.append((flags, msgid, forms))
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
    untranslated = [msgid for _, msgid, forms in entries if not all(forms)]
    assert not fuzzy, f"{language}: fuzzy entries {fuzzy[:5]}"
    assert not untranslated, f"{language}: untranslated {untranslated[:5]}"
    with mo.open("rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)
    stale = [
        msgid
        for flags, msgid, forms in entries
        if "special" not in flags and catalog.gettext(msgid) != forms[0]
    ]
    assert not stale, f"{language}: the .mo does not match the .po, run make messages: {stale[:5]}"


@pytest.mark.parametrize(
    ("language", "expected"), [("ru", "Входящие"), ("tr", "Gelen kutusu"), ("fi", "Saapuneet")]
)
def test_it_translates_the_interface(language: str, expected: str) -> None:
    with translation.override(language):
        assert translation.gettext("Inbox") == expected
