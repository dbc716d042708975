"""The help center's public pages."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from concierge.helpcenter.models import ArticleFeedback, ArticleTranslation, Status
from concierge.helpcenter.services import attachment_add, translation_set_status
from concierge.helpcenter.testing import make_section, publish
from concierge.search.models import SearchLog

pytestmark = pytest.mark.django_db


def article_path(translation):
    return reverse(
        "helpcenter:article", args=[translation.language, translation.article_id, translation.slug]
    )


def test_home_lists_categories_sections_and_popular_articles(client, article):
    ArticleTranslation.objects.filter(pk=article.pk).update(view_count=5)
    response = client.get(reverse("helpcenter:home"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Shopping" in page
    assert "Orders" in page
    assert "Reset your password" in page
    assert 'role="combobox"' in page


def test_home_shows_no_category_without_readable_articles(client, admin):
    make_section(admin, "Empty", "Nothing")
    publish(admin, "Secret", "x", visibility="internal")
    page = client.get(reverse("helpcenter:home")).content.decode()
    assert "Nothing" not in page
    assert "Secret" not in page


def test_home_query_count_does_not_grow_with_the_number_of_articles(
    client, admin, django_assert_max_num_queries
):
    section = make_section(admin)
    for number in range(3):
        publish(admin, f"Article {number}", "x", section=section)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("helpcenter:home"))
    for number in range(3, 30):
        publish(admin, f"Article {number}", "x", section=make_section(admin, f"S{number % 5}"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("helpcenter:home"))


def test_category_and_section_pages(client, article, section):
    category = section.category
    response = client.get(reverse("helpcenter:category", args=[category.slug]))
    assert response.status_code == 200
    assert "Reset your password" in response.content.decode()
    response = client.get(reverse("helpcenter:section", args=[section.pk]))
    assert "Reset your password" in response.content.decode()
    assert client.get(reverse("helpcenter:category", args=["nope"])).status_code == 404
    assert client.get(reverse("helpcenter:section", args=[99999])).status_code == 404


def test_the_article_page_in_the_readers_language_with_a_switcher(client, article):
    response = client.get(article_path(article))
    page = response.content.decode()
    assert response.status_code == 200
    assert "<strong>Sign in</strong>" in page
    assert 'hreflang="ru"' in page
    assert "Was this article helpful?" in page
    article.refresh_from_db()
    assert article.view_count == 1


def test_a_missing_translation_falls_back_with_a_notice(client, article):
    response = client.get(reverse("helpcenter:article", args=["fi", article.article_id, "x"]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "is not available in Finnish yet" in page
    assert "Reset your password" in page


def test_a_wrong_slug_redirects_to_the_right_address(client, article):
    response = client.get(reverse("helpcenter:article", args=["en", article.article_id, "old"]))
    assert response.status_code == 301
    assert response["Location"] == article_path(article)
    response = client.get(reverse("helpcenter:article_short", args=[article.article_id]))
    assert response["Location"] == article_path(article)


def test_nobody_reads_what_they_may_not(client, login, admin, customer, other_customer, acme):
    internal = publish(admin, "Internal", "x", visibility="internal")
    for_acme = publish(admin, "Acme only", "x", visibility="organizations", organizations=[acme])
    draft = publish(admin, "Draft", "x")
    translation_set_status(actor=admin, translation=draft, status=Status.DRAFT)
    for translation in (internal, for_acme, draft):
        assert client.get(article_path(translation)).status_code == 404
    login(other_customer.user)
    for translation in (internal, for_acme, draft):
        assert client.get(article_path(translation)).status_code == 404


def test_search_logs_the_query_and_links_results_to_the_log(client, article):
    response = client.get(reverse("helpcenter:search"), {"q": "password"})
    page = response.content.decode()
    assert "<mark>password</mark>" in page
    log = SearchLog.objects.get()
    assert (log.query, log.result_count, log.source) == ("password", 1, "helpcenter")
    link = re.search(r'class="search-hit-title" href="([^"]+)"', page).group(1)
    response = client.get(link.replace("&amp;", "&"))
    assert response.status_code == 302
    log.refresh_from_db()
    assert (log.opened_translation_id, log.opened_position) == (article.pk, 1)


def test_a_search_without_results_offers_other_languages_and_contact(client, article):
    page = client.get(reverse("helpcenter:search"), {"q": "zzzz"}).content.decode()
    assert "No article matches" in page
    assert reverse("portal:contact") in page
    assert SearchLog.objects.get().result_count == 0


def test_a_tampered_opened_token_is_ignored(client, article):
    response = client.get(article_path(article), {"opened": "forged"})
    assert response.status_code == 302
    assert SearchLog.objects.count() == 0


def test_suggestions_offer_articles_and_completions(client, article):
    response = client.get(reverse("helpcenter:suggest"), {"q": "pass"})
    page = response.content.decode()
    assert 'role="option"' in page
    assert "Reset your" in page
    assert "password" in page
    assert SearchLog.objects.count() == 0


def test_suggestions_read_no_sections_and_no_more_for_more_hits(
    client, admin, django_assert_max_num_queries
):
    """A suggestion shows a title and a snippet: where the article sits in the help
    center (its section and category) is no part of it, and is not read."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    section = make_section(admin)
    publish(admin, "Lamp repair 0", "How to repair a lamp.", section=section)
    with CaptureQueriesContext(connection) as one:
        page = client.get(reverse("helpcenter:suggest"), {"q": "lamp"}).content.decode()
    assert page.count("suggestion-article") == 1
    for number in range(1, 5):
        publish(admin, f"Lamp repair {number}", "How to repair a lamp.", section=section)

    with django_assert_max_num_queries(len(one.captured_queries)) as five:
        page = client.get(reverse("helpcenter:suggest"), {"q": "lamp"}).content.decode()

    assert page.count("suggestion-article") == 5
    queries = [q["sql"] for q in [*one.captured_queries, *five.captured_queries]]
    assert not [sql for sql in queries if "helpcenter_section" in sql]


def test_the_search_page_says_where_each_article_sits(client, article, section):
    page = client.get(reverse("helpcenter:search"), {"q": "password"}).content.decode()

    assert "Reset your" in page
    assert "Shopping › Orders" in page


def test_the_search_page_reads_no_more_for_more_hits_in_more_sections(
    client, admin, django_assert_max_num_queries
):
    """A hit's row is loaded with only the columns the page shows: a column left out that
    the page needs would be read again for every hit."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    publish(admin, "Lamp repair 0", "How to repair a lamp.", section=make_section(admin))
    with CaptureQueriesContext(connection) as one:
        page = client.get(reverse("helpcenter:search"), {"q": "lamp"}).content.decode()
    assert page.count("search-hit-title") == 1
    for number in range(1, 5):
        section = make_section(admin, f"Section{number}", f"Category{number}")
        publish(admin, f"Lamp repair {number}", "How to repair a lamp.", section=section)

    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(reverse("helpcenter:search"), {"q": "lamp"}).content.decode()

    assert page.count("search-hit-title") == 5
    assert "Category3 › Section3" in page


def test_opening_a_suggestion_logs_it(client, article):
    page = client.get(reverse("helpcenter:suggest"), {"q": "passw"}).content.decode()
    link = re.search(r'class="suggestion suggestion-article"[^>]* href="([^"]+)"', page).group(1)
    client.get(link.replace("&amp;", "&"))
    log = SearchLog.objects.get()
    assert (log.query, log.source, log.opened_translation_id) == ("passw", "suggestion", article.pk)


def test_suggestions_answer_nothing_for_an_empty_query(client, article):
    response = client.get(reverse("helpcenter:suggest"), {"q": "   "})
    assert response.status_code == 200
    assert "option" not in response.content.decode()


def test_feedback_counts_once_per_browser(client, article):
    url = reverse("helpcenter:feedback", args=["en", article.article_id])
    response = client.post(url, {"helpful": "yes", "comment": "Clear."}, HTTP_HX_REQUEST="true")
    assert "Thank you" in response.content.decode()
    client.post(url, {"helpful": "no"}, HTTP_HX_REQUEST="true")
    article.refresh_from_db()
    assert (article.helpful_count, article.not_helpful_count) == (1, 0)
    assert ArticleFeedback.objects.get().comment == "Clear."


def test_feedback_needs_a_yes_or_no(client, article):
    url = reverse("helpcenter:feedback", args=["en", article.article_id])
    response = client.post(url, {"helpful": "maybe"})
    assert response.status_code == 400
    assert client.get(url).status_code == 405


def test_the_sitemap_lists_public_live_translations_with_alternates(client, article, admin):
    publish(admin, "Internal", "x", visibility="internal")
    response = client.get(reverse("helpcenter:sitemap"))
    assert response["Content-Type"].startswith("application/xml")
    body = response.content.decode()
    assert body.startswith('<?xml version="1.0"')
    assert body.count("<url>") == 2
    assert 'hreflang="ru"' in body
    assert "Internal" not in body
    assert "internal" not in body


def test_files_are_served_to_those_who_may_read_the_article(
    client, login, admin, article, customer
):
    upload = SimpleUploadedFile("guide.pdf", b"%PDF-1.4", content_type="application/pdf")
    attached = attachment_add(actor=admin, article=article.article, upload=upload)
    url = reverse("helpcenter:file", args=[attached.pk, attached.filename])
    response = client.get(url)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    secret = publish(admin, "Internal", "x", visibility="internal")
    hidden = attachment_add(
        actor=admin,
        article=secret.article,
        upload=SimpleUploadedFile("plan.pdf", b"%PDF", content_type="application/pdf"),
    )
    login(customer.user)
    assert client.get(reverse("helpcenter:file", args=[hidden.pk, "plan.pdf"])).status_code == 404
    assert (
        client.get(reverse("helpcenter:file", args=[attached.pk, "other.pdf"])).status_code == 404
    )
