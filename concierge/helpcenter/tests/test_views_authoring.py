"""The authoring pages: who may open them, and what they do."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from concierge.helpcenter.models import Article, ArticleTranslation, Status

pytestmark = pytest.mark.django_db


def edit_url(translation, language=None):
    return reverse(
        "helpcenter:edit", args=[translation.article_id, language or translation.language]
    )


def test_customers_and_outsiders_to_the_desk_get_404(client, login, customer, article):
    login(customer.user)
    for url in (reverse("helpcenter:manage"), reverse("helpcenter:new"), edit_url(article)):
        assert client.get(url).status_code == 404


def test_anonymous_people_are_sent_to_sign_in(client, article):
    response = client.get(edit_url(article))
    assert response.status_code == 302
    assert reverse("people:login") in response["Location"]


def test_light_agents_see_the_list_but_cannot_edit(client, login, light_agent, article):
    login(light_agent)
    assert client.get(reverse("helpcenter:manage")).status_code == 200
    assert client.get(edit_url(article)).status_code == 404
    assert client.post(reverse("helpcenter:preview"), {"body_markdown": "x"}).status_code == 404


def test_the_list_filters_and_keeps_a_constant_query_count(
    client, login, agent, admin, section, django_assert_max_num_queries
):
    from concierge.helpcenter.testing import publish

    login(agent)
    for number in range(3):
        publish(admin, f"Article {number}", "x", section=section)
    with django_assert_max_num_queries(15) as few:
        client.get(reverse("helpcenter:manage"))
    for number in range(3, 25):
        publish(admin, f"Article {number}", "x", section=section)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("helpcenter:manage"), {"status": "published"})
    assert "Article 24" in response.content.decode()


def test_an_agent_creates_a_draft(client, login, agent, section):
    login(agent)
    response = client.post(
        reverse("helpcenter:new"),
        {
            "section": section.pk,
            "language": "en",
            "title": "Gift cards",
            "body_markdown": "Cards **never** expire.",
            "visibility": "public",
        },
    )
    translation = ArticleTranslation.objects.get()
    assert response["Location"] == edit_url(translation)
    assert (translation.status, translation.article.owner) == (Status.DRAFT, agent)


def test_the_new_article_form_says_what_is_missing(client, login, agent, section):
    login(agent)
    response = client.post(reverse("helpcenter:new"), {"language": "xx", "title": ""})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() >= {"section", "language", "title"}
    assert Article.objects.count() == 0


def test_editing_saves_a_version_and_a_stale_save_is_refused(client, login, agent, article):
    login(agent)
    url = edit_url(article)
    data = {"title": "Reset your password", "body_markdown": "New", "version": article.version}
    assert client.post(url, data).status_code == 302
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Someone saved this article" in response.content.decode()
    article.refresh_from_db()
    assert article.body_markdown == "New"


def test_translating_into_a_new_language(client, login, agent, article):
    login(agent)
    url = edit_url(article, "fi")
    assert "Translate into Finnish" in client.get(url).content.decode()
    client.post(url, {"title": "Salasanan vaihto", "body_markdown": "Teksti", "version": 0})
    assert article.article.translations.get(language="fi").status == Status.DRAFT
    assert client.get(edit_url(article, "xx")).status_code == 404


def test_the_preview_renders_sanitized_markdown(client, login, agent):
    login(agent)
    response = client.post(
        reverse("helpcenter:preview"),
        {"body_markdown": "**bold** <script>alert(1)</script>"},
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert "<strong>bold</strong>" in page
    assert "<script>" not in page


def test_only_admins_publish(client, login, agent, admin, article):
    draft = article.article.translations.get(language="ru")
    url = reverse("helpcenter:status", args=[draft.article_id, "ru"])
    login(agent)
    client.post(url, {"status": "draft"})
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED
    login(admin)
    client.post(url, {"status": "draft"})
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    response = client.post(url, {"status": "published", "publish_at": "not a date"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_a_version_shows_its_diff_and_can_be_restored(client, login, admin, article):
    login(admin)
    client.post(
        edit_url(article),
        {"title": article.title, "body_markdown": "Changed text", "version": article.version},
    )
    url = reverse("helpcenter:version", args=[article.article_id, "en", 1])
    page = client.get(url).content.decode()
    assert "+Changed text" in page
    client.post(url)
    article.refresh_from_db()
    assert article.body_markdown.startswith("Open **Sign in**")
    assert (
        client.get(reverse("helpcenter:version", args=[article.article_id, "en", 99])).status_code
        == 404
    )


def test_settings_change_visibility_for_admins_only(client, login, agent, admin, article, acme):
    url = reverse("helpcenter:settings", args=[article.article_id])
    data = {"section": article.article.section_id, "visibility": "internal", "owner": agent.pk}
    login(agent)
    response = client.post(url, data)
    assert "Only admins publish" in response.content.decode()
    login(admin)
    response = client.post(url, {**data, "visibility": "organizations"})
    assert "Choose at least one organization" in response.content.decode()
    client.post(url, {**data, "visibility": "organizations", "organizations": [acme.pk]})
    article.article.refresh_from_db()
    assert article.article.visibility == "organizations"
    assert list(article.article.organizations.all()) == [acme]


def test_uploading_a_file(client, login, agent, article):
    login(agent)
    url = reverse("helpcenter:upload", args=[article.article_id, "en"])
    client.post(url, {"file": SimpleUploadedFile("shot.png", b"\x89PNG", content_type="image/png")})
    assert article.article.attachments.get().filename == "shot.png"
    client.post(url, {"file": SimpleUploadedFile("run.exe", b"MZ")})
    assert article.article.attachments.count() == 1
