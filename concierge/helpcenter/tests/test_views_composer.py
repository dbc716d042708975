"""The article search in a ticket's composer: who may use it, what it offers to insert,
and in which language."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from concierge.helpcenter.services import article_update_settings
from concierge.helpcenter.testing import publish
from concierge.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def search_url(ticket: Ticket) -> str:
    return reverse("helpcenter:composer_search", args=[ticket.number])


def set_language(ticket: Ticket, language: str) -> None:
    Ticket.objects.filter(pk=ticket.pk).update(language=language)
    ticket.refresh_from_db()


def test_the_ticket_page_has_the_article_search(client, login, agent, ticket):
    login(agent)
    page = client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()
    assert 'id="article-search"' in page
    assert search_url(ticket) in page


def test_an_agent_finds_an_article_with_its_link_and_text(client, login, agent, ticket, article):
    set_language(ticket, "en")
    login(agent)
    response = client.get(search_url(ticket), {"q": "passw"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    page = response.content.decode()
    found = response.context["found"]
    assert [item.translation.pk for item in found] == [article.pk]
    link = f"{settings.SITE_URL}/help/en/articles/{article.article_id}/{article.slug}/"
    assert found[0].url == link
    assert f'data-value="{link}"' in page
    assert "Open **Sign in** and choose *Forgot password*." in page
    assert "<mark>" in page


def test_the_link_and_text_are_in_the_customers_language(client, login, agent, ticket, article):
    set_language(ticket, "ru")
    login(agent)
    found = client.get(search_url(ticket), {"q": "password"}).context["found"]
    assert len(found) == 1
    item = found[0]
    assert item.hit.translation.language == "en"
    assert item.translation.language == "ru"
    assert item.in_customer_language
    assert "/help/ru/articles/" in item.url
    assert item.text.startswith("Откройте")


def test_the_matching_language_is_used_when_the_customers_is_missing(
    client, login, agent, ticket, article
):
    set_language(ticket, "fi")
    login(agent)
    (item,) = client.get(search_url(ticket), {"q": "password"}).context["found"]
    assert item.translation.language == "en"
    assert not item.in_customer_language


def test_one_entry_per_article_even_when_several_translations_match(
    client, login, agent, ticket, admin
):
    english = publish(admin, "Refund policy", "Refund within thirty days.", key="refund")
    publish(
        admin, "Refund policy", "Refund within thirty days.", language="fi", article=english.article
    )
    set_language(ticket, "fi")
    login(agent)
    found = client.get(search_url(ticket), {"q": "refund"}).context["found"]
    assert len(found) == 1
    assert found[0].translation.language == "fi"


def test_internal_articles_are_marked_so_they_go_only_into_notes(
    client, login, agent, admin, ticket, article
):
    article_update_settings(
        actor=admin,
        article=article.article,
        section=article.article.section,
        visibility="internal",
        organizations=[],
        owner=None,
        related=[],
    )
    login(agent)
    response = client.get(search_url(ticket), {"q": "password"})
    (item,) = response.context["found"]
    assert item.internal
    page = response.content.decode()
    assert page.count('data-internal="1"') == 2
    assert "Internal: agents only" in page


def test_drafts_are_not_offered(client, login, agent, admin, ticket, section):
    from concierge.helpcenter.services import article_create

    article_create(
        actor=admin,
        section=section,
        language="en",
        title="Password draft",
        body_markdown="Not ready",
        translation_key="draft-one",
    )
    login(agent)
    response = client.get(search_url(ticket), {"q": "password"})
    assert response.context["found"] == []
    assert "No article matches these words." in response.content.decode()


def test_a_light_agent_may_search_for_notes(client, login, light_agent, ticket, article):
    login(light_agent)
    response = client.get(search_url(ticket), {"q": "password"})
    assert response.status_code == 200
    assert len(response.context["found"]) == 1


@pytest.mark.parametrize("who", ["customer", "other_customer"])
def test_customers_get_404(client, login, request, who, ticket, article):
    login(request.getfixturevalue(who).user)
    assert client.get(search_url(ticket), {"q": "password"}).status_code == 404


def test_anonymous_people_are_sent_to_sign_in(client, ticket, article):
    response = client.get(search_url(ticket), {"q": "password"})
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_an_agent_who_may_not_open_the_ticket_gets_404(client, login, outsider, ticket, article):
    login(outsider)
    assert client.get(search_url(ticket), {"q": "password"}).status_code == 404


def test_an_unknown_ticket_is_404(client, login, agent, article):
    login(agent)
    assert client.get(reverse("helpcenter:composer_search", args=[999999])).status_code == 404


def test_posting_is_refused(client, login, agent, ticket):
    login(agent)
    assert client.post(search_url(ticket), {"q": "password"}).status_code == 405


@pytest.mark.parametrize(
    "query",
    ["", "   ", "x" * 5000, '"', "*", "((", "password\x00", "#12", "ç" * 300, "-", "OR"],
)
def test_odd_queries_answer_without_error(client, login, agent, ticket, article, query):
    login(agent)
    response = client.get(search_url(ticket), {"q": query})
    assert response.status_code == 200


def test_the_query_count_does_not_grow_with_the_results(
    client, login, agent, admin, ticket, section, django_assert_max_num_queries
):
    login(agent)
    publish(admin, "Shipping times one", "Shipping takes two days.", section=section)
    client.get(search_url(ticket), {"q": "shipping"})  # warm the session and caches
    with django_assert_max_num_queries(12) as few:
        assert len(client.get(search_url(ticket), {"q": "shipping"}).context["found"]) == 1
    for number in range(2, 7):
        publish(admin, f"Shipping times {number}", "Shipping takes two days.", section=section)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(search_url(ticket), {"q": "shipping"}).context["found"]) == 6
