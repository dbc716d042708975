"""Admins edit, re-order and delete categories, sections and articles from the product's
own pages; nobody else may, and nothing that still holds articles disappears."""

from __future__ import annotations

import pytest
from django.urls import reverse

from concierge.helpcenter.models import Article, ArticleTranslation, Category, Section
from concierge.helpcenter.testing import make_section, publish
from concierge.search.models import ArticleEntry, Term
from concierge.search.queries import search_articles

pytestmark = pytest.mark.django_db


def titles(title: str, slug: str, position: int = 0, **extra: object) -> dict[str, object]:
    return {"title_en": title, "slug": slug, "position": position, **extra}


def test_an_admin_renames_and_reorders_a_category(client, login, admin, section):
    category = section.category
    login(admin)
    url = reverse("helpcenter:category_edit", args=[category.pk])
    page = client.get(url).content.decode()
    assert 'value="Shopping"' in page
    response = client.post(url, titles("Orders and delivery", "orders", 5, title_fi="Tilaukset"))
    assert response["Location"] == reverse("helpcenter:structure")
    category.refresh_from_db()
    assert (category.titles, category.slug, category.position) == (
        {"en": "Orders and delivery", "fi": "Tilaukset"},
        "orders",
        5,
    )


def test_the_structure_page_lists_categories_in_their_order(client, login, admin):
    first = make_section(admin, "Cards", "Payments")
    second = make_section(admin, "Parcels", "Delivery")
    Category.objects.filter(pk=first.category_id).update(position=9)
    login(admin)
    page = client.get(reverse("helpcenter:structure")).content.decode()
    assert page.index("Delivery") < page.index("Payments")
    assert reverse("helpcenter:section_edit", args=[second.pk]) in page
    # An empty category shows too, so it can be edited or deleted.
    Category.objects.create(slug="empty", titles={"en": "Nothing here yet"})
    page = client.get(reverse("helpcenter:structure")).content.decode()
    assert "Nothing here yet" in page


def test_an_admin_moves_a_section_to_another_category(client, login, admin, section):
    other = Category.objects.create(slug="billing", titles={"en": "Billing"})
    login(admin)
    url = reverse("helpcenter:section_edit", args=[section.pk])
    client.post(url, titles("Orders", "orders", 2, category=other.pk))
    section.refresh_from_db()
    assert (section.category, section.position) == (other, 2)


def test_an_address_in_use_is_refused(client, login, admin, section):
    make_section(admin, "Returns", "Shopping")
    Category.objects.create(slug="billing", titles={"en": "Billing"})
    login(admin)
    response = client.post(
        reverse("helpcenter:category_edit", args=[section.category_id]), titles("X", "billing")
    )
    assert "Another category has this address." in response.content.decode()
    response = client.post(
        reverse("helpcenter:section_edit", args=[section.pk]),
        titles("X", "returns", category=section.category_id),
    )
    assert "Another section of it has this address." in response.content.decode()
    section.refresh_from_db()
    assert section.slug == "orders"


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"title_en": "", "slug": "ok", "position": 0},
        {"title_en": "Ok", "slug": "not a slug!", "position": 0},
        {"title_en": "Ok", "slug": "ok", "position": -1},
        {"title_en": "Ok", "slug": "ok", "position": "x" * 50},
        {"title_en": "x" * 500, "slug": "ok", "position": 0},
    ],
)
def test_bad_input_is_explained_field_by_field(client, login, admin, section, data):
    login(admin)
    response = client.post(reverse("helpcenter:category_edit", args=[section.category_id]), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    response = client.post(reverse("helpcenter:section_edit", args=[section.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    section.refresh_from_db()
    assert section.titles == {"en": "Orders"}


def test_a_section_with_articles_is_not_deleted(client, login, admin, article):
    section = article.article.section
    login(admin)
    url = reverse("helpcenter:section_delete", args=[section.pk])
    assert "still holds articles" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 409
    assert Section.objects.filter(pk=section.pk).exists()


def test_a_category_with_sections_is_not_deleted(client, login, admin, section):
    login(admin)
    url = reverse("helpcenter:category_delete", args=[section.category_id])
    response = client.post(url)
    assert response.status_code == 409
    assert "still holds sections" in response.content.decode()
    assert Category.objects.filter(pk=section.category_id).exists()


def test_an_empty_section_then_its_category_are_deleted_after_confirming(
    client, login, admin, section
):
    login(admin)
    url = reverse("helpcenter:section_delete", args=[section.pk])
    assert "This cannot be undone." in client.get(url).content.decode()
    assert Section.objects.filter(pk=section.pk).exists()
    assert client.post(url)["Location"] == reverse("helpcenter:structure")
    assert not Section.objects.filter(pk=section.pk).exists()
    client.post(reverse("helpcenter:category_delete", args=[section.category_id]))
    assert not Category.objects.exists()


def test_an_admin_deletes_an_article_with_its_translations_and_index(client, login, admin, article):
    login(admin)
    url = reverse("helpcenter:article_delete", args=[article.article_id])
    page = client.get(url).content.decode()
    assert "Every language of it (2)" in page
    assert Article.objects.exists()
    assert client.post(url)["Location"] == reverse("helpcenter:manage")
    assert not Article.objects.exists()
    assert not ArticleTranslation.objects.exists()
    assert not ArticleEntry.objects.exists()
    # Its words leave the vocabulary that completions and spelling help draw on.
    assert not Term.objects.filter(word__startswith="passw", document_count__gt=0).exists()
    assert len(search_articles(admin, "password")) == 0


def test_the_article_settings_set_its_position(client, login, admin, article):
    login(admin)
    client.post(
        reverse("helpcenter:settings", args=[article.article_id]),
        {"section": article.article.section_id, "visibility": "public", "position": 7},
    )
    assert Article.objects.get().position == 7


@pytest.mark.parametrize("who", ["agent", "light_agent", "outsider"])
def test_agents_without_rights_get_404(client, login, request, who, article):
    login(request.getfixturevalue(who))
    section = article.article.section
    urls = [
        reverse("helpcenter:category_edit", args=[section.category_id]),
        reverse("helpcenter:category_delete", args=[section.category_id]),
        reverse("helpcenter:section_edit", args=[section.pk]),
        reverse("helpcenter:section_delete", args=[section.pk]),
        reverse("helpcenter:article_delete", args=[article.article_id]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    assert Article.objects.exists()
    assert "Delete…" not in client.get(reverse("helpcenter:structure")).content.decode()


@pytest.mark.parametrize("who", ["customer", "other_customer"])
def test_customers_get_404(client, login, request, who, article):
    login(request.getfixturevalue(who).user)
    section = article.article.section
    assert client.get(reverse("helpcenter:section_edit", args=[section.pk])).status_code == 404
    url = reverse("helpcenter:article_delete", args=[article.article_id])
    assert client.post(url).status_code == 404
    assert Article.objects.exists()


def test_anonymous_people_are_sent_to_sign_in(client, article):
    response = client.post(reverse("helpcenter:article_delete", args=[article.article_id]))
    assert response.status_code == 302
    assert Article.objects.exists()


def test_unknown_ids_are_404(client, login, admin):
    login(admin)
    for name in ["category_edit", "category_delete", "section_edit", "section_delete"]:
        assert client.get(reverse(f"helpcenter:{name}", args=[424242])).status_code == 404
    assert client.post(reverse("helpcenter:article_delete", args=[424242])).status_code == 404


def test_the_structure_page_reads_a_fixed_number_of_queries(
    client, login, admin, django_assert_max_num_queries
):
    login(admin)
    make_section(admin, "One", "First")
    client.get(reverse("helpcenter:structure"))
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("helpcenter:structure"))
    for number in range(5):
        section = make_section(admin, f"S{number}", f"C{number}")
        publish(admin, f"Article {number}", "Text", section=section)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("helpcenter:structure"))
