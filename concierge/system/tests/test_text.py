"""Capitals as each language writes them: Turkish capitalizes i as İ."""

from __future__ import annotations

import re

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy

from concierge.text import capfirst


def test_capfirst_follows_the_active_language():
    with translation.override("tr"):
        assert capfirst("imza") == "İmza"
        assert capfirst("ılık") == "Ilık"
    with translation.override("en"):
        assert capfirst("invoice") == "Invoice"
    assert capfirst("") == ""


def test_a_lazy_label_is_capitalized_in_the_language_it_is_shown_in():
    label = capfirst(gettext_lazy("signature"))

    with translation.override("tr"):
        assert str(label) == "İmza"
    with translation.override("ru"):
        assert str(label) == "Подпись"


def test_the_profile_page_of_a_turkish_agent_capitalizes_with_a_dotted_i(login, agent):
    agent.language = "tr"
    agent.save(update_fields=["language"])
    client = login(agent)
    client.post(reverse("people:profile"), {"full_name": agent.full_name, "language": "tr"})

    html = client.get(reverse("people:profile")).content.decode()

    assert re.search(r">İmza:?</label>", html)
    assert "Imza" not in html
