"""The team's pages: searches and feedback, categories and sections."""

from __future__ import annotations

import pytest
from django.urls import reverse

from concierge.helpcenter.models import Category, Section
from concierge.search.services import search_log_record

pytestmark = pytest.mark.django_db


def test_insights_show_gaps_to_agents_only(client, login, agent, customer, article):
    search_log_record(query="crypto refunds", language="en", source="helpcenter", result_count=0)
    url = reverse("helpcenter:insights")
    login(customer.user)
    assert client.get(url).status_code == 404
    login(agent)
    page = client.get(url, {"days": "7", "language": "en"}).content.decode()
    assert "crypto refunds" in page
    assert client.get(url, {"days": "bogus", "language": "zz"}).status_code == 200


def test_admins_add_categories_and_sections(client, login, admin, agent):
    url = reverse("helpcenter:structure")
    login(agent)
    assert client.get(url).status_code == 200
    assert client.post(url, {"category-slug": "x", "category-title_en": "X"}).status_code == 404
    login(admin)
    client.post(
        url,
        {
            "category-slug": "billing",
            "category-position": 0,
            "category-title_en": "Billing",
            "category-title_ru": "Оплата",
        },
    )
    category = Category.objects.get()
    assert category.titles == {"en": "Billing", "ru": "Оплата"}
    client.post(
        url,
        {
            "section-slug": "invoices",
            "section-position": 1,
            "section-title_en": "Invoices",
            "section-category": category.pk,
        },
    )
    assert Section.objects.get().category == category
    response = client.post(
        url, {"category-slug": "billing", "category-position": 0, "category-title_en": "Again"}
    )
    assert "Another category has this address" in response.content.decode()
