"""The quick drop-downs write what Django's own select widgets write."""

from __future__ import annotations

import re

import pytest
from django import forms

from concierge.widgets import QuickSelect, QuickSelectMultiple

CHOICES = [
    ("", "Any"),
    ("a", "<b>Alpha & \"Omega\" 'x'</b>"),
    ("b", "Beta"),
    ("Group", [("c", "Gamma"), ("d", "Delta")]),
]


def tidy(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


@pytest.mark.parametrize("value", [None, "", "a", "c", "missing"])
def test_a_single_select_matches_djangos(value):
    quick = QuickSelect(choices=CHOICES).render("field", value, {"id": "id_field"})
    stock = forms.Select(choices=CHOICES).render("field", value, {"id": "id_field"})

    assert tidy(quick) == tidy(stock)


@pytest.mark.parametrize("value", [None, [], ["a"], ["a", "c"]])
def test_a_multiple_select_matches_djangos(value):
    quick = QuickSelectMultiple(choices=CHOICES).render("field", value, {"id": "id_field"})
    stock = forms.SelectMultiple(choices=CHOICES).render("field", value, {"id": "id_field"})

    assert tidy(quick) == tidy(stock)


def test_labels_are_escaped():
    html = QuickSelect(choices=CHOICES).render("field", "b")

    assert "<b>" not in html
    assert "&lt;b&gt;Alpha &amp; &quot;Omega&quot; &#x27;x&#x27;&lt;/b&gt;" in html
